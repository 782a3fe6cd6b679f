"""The office's dashboard: a scope's figures as charts, each with the table of its numbers.

The totals are the notice's own (:func:`xuncha.reports.selectors.notice_totals`): the dashboard
never counts 反馈, 完成, 基本完成, money, people held to account or rules a second way, so a
chart and the notice of the same scope always agree. What a notice does not state (problems by
status, warnings, overdue by unit, progress by month) is one aggregate each here, over the
same problems. Every read starts from the reader's problems (``problems_for_user``): a
liaison's dashboard counts, and names, their own units only.

Each :class:`Chart` is plain data (labels already translated, numbers ready to print): the
page draws it with ECharts and writes the same numbers in a table beside it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Min, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xuncha.clocks.models import WarningColour
from xuncha.clocks.registry import kind_label
from xuncha.clocks.selectors import COLOURS, PAUSED, warning_colour
from xuncha.core.models import StatusChange
from xuncha.core.permissions import Viewer
from xuncha.findings.models import Problem, ProblemStatus, Regulation, RegulationAction
from xuncha.findings.selectors import counts_by_assignment, counts_summed
from xuncha.reports.selectors import Scope, notice_totals, problems_in_scope, visible_problems
from xuncha.rounds.models import Assignment, Group, Round, Unit
from xuncha.text.notice import MONEY_OTHER, NoticeTotals, format_rate

# How many units the overdue chart names; the rest are summed in one bar.
OVERDUE_UNITS = 15
# How many months the progress chart shows at most (the latest).
PROGRESS_MONTHS = 36
# The money categories in the notice's order, with the dashboard's (translatable) labels; found
# and refunded are always shown, the others when the scope has any.
MONEY_SHOWN = {
    "found": gettext_lazy("查处违规资金"),
    "refunded": gettext_lazy("清退追缴资金"),
    "seized": gettext_lazy("查扣冻结资产"),
    "reduced": gettext_lazy("减免节约费用"),
    "donated": gettext_lazy("捐款"),
    MONEY_OTHER: gettext_lazy("其他资金"),
}
ALWAYS_SHOWN_MONEY = ("found", "refunded")
_WAN = Decimal(10_000)
_CENT = Decimal("0.01")

Number = int | Decimal


@dataclass(frozen=True)
class Series:
    """One row of numbers of a chart: its name and a value per category."""

    name: str
    values: tuple[Number, ...]


@dataclass(frozen=True)
class Chart:
    """A chart and its table: ``categories`` are the table's rows (the chart's axis or slices),
    each series a column. ``kind`` tells the script how to draw it (bar, stacked, pie)."""

    key: str
    title: str
    kind: str
    category_label: str
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    note: str = ""

    @property
    def rows(self) -> list[tuple[str, list[Number]]]:
        """The table's rows: a category and its value in each series."""
        return [
            (category, [series.values[index] for series in self.series])
            for index, category in enumerate(self.categories)
        ]

    @property
    def empty(self) -> bool:
        return not any(any(series.values) for series in self.series)

    def as_json(self) -> dict[str, Any]:
        """What the page's script reads (numbers as JSON numbers)."""
        return {
            "key": self.key,
            "title": self.title,
            "kind": self.kind,
            "categories": list(self.categories),
            "series": [
                {"name": series.name, "values": [_plain(value) for value in series.values]}
                for series in self.series
            ],
        }


@dataclass(frozen=True)
class Dashboard:
    """Everything the dashboard shows for one scope and one reader."""

    totals: NoticeTotals
    status: dict[str, int]
    charts: tuple[Chart, ...]
    today: dt.date
    regulation_titles: tuple[str, ...] = field(default=())

    @property
    def completion_rate(self) -> str:
        """完成 ÷ 反馈 as the notice writes it ("98.71%", "—" when nothing was fed back)."""
        return format_rate(self.totals.completion_rate)

    @property
    def overdue(self) -> int:
        return sum(int(value) for value in self.chart("overdue").series[0].values)

    def chart(self, key: str) -> Chart:
        return next(chart for chart in self.charts if chart.key == key)

    def charts_json(self) -> list[dict[str, Any]]:
        return [chart.as_json() for chart in self.charts]


def dashboard_problems(
    user: Viewer,
    *,
    round_: Round | None = None,
    group: Group | None = None,
    unit: Unit | None = None,
) -> QuerySet[Problem]:
    """The problems of the dashboard's scope that ``user`` may see: a round (narrowed by a
    group and a unit) exactly as a notice of that scope counts them, or, without a round,
    every round (narrowed by a unit)."""
    if round_ is None and group is not None:
        round_ = group.round
    if round_ is not None:
        return problems_in_scope(user, Scope(round_, group=group, unit=unit))
    problems = visible_problems(user)
    if unit is not None:
        problems = problems.filter(assignment__unit=unit)
    return problems


def dashboard_figures(problems: QuerySet[Problem], today: dt.date) -> Dashboard:
    """The dashboard of ``problems`` (already narrowed to the scope and the reader) on ``today``."""
    totals = notice_totals(problems)
    # Status and warning per unit in one aggregate over the problems' own indexed columns.
    per_assignment = counts_by_assignment(problems, today)
    status = {
        value: sum(row[value] for row in per_assignment.values()) for value in ProblemStatus.values
    }
    assignments = {
        pk: (unit_id, feedback_date)
        for pk, unit_id, feedback_date in Assignment.objects.values_list(
            "pk", "unit_id", "feedback_date"
        )
    }
    per_unit = counts_summed(per_assignment, {pk: unit for pk, (unit, _d) in assignments.items()})
    fed_back: dict[dt.date, int] = {}
    for pk, row in per_assignment.items():
        feedback_date = assignments[pk][1]
        if feedback_date is not None:
            month = _month_of(feedback_date)
            fed_back[month] = fed_back.get(month, 0) + row["total"]
    # Every problem (the office over every round): the rows of the dashboard's own queries
    # need no "problem in (100,000 ids)" test, which SQLite answers by building a temporary
    # index of the ids each time (bench/dashboard.py). Problems are never deleted, so a
    # measure's or a move's problem is always one of them.
    ids = None if not problems.query.where else problems.order_by().values("pk")
    charts = (
        _status_chart(status),
        _completion_chart(totals),
        _warning_chart(problems, today, paused=sum(row[PAUSED] for row in per_assignment.values())),
        _overdue_chart(per_unit),
        _money_chart(totals),
        _accountability_chart(totals),
        _regulation_chart(ids, totals),
        _progress_chart(fed_back, ids, today),
    )
    return Dashboard(
        totals=totals,
        status=status,
        charts=charts,
        today=today,
        regulation_titles=totals.regulation_titles,
    )


# ---------------------------------------------------------------------------------------------
# The charts


def _status_chart(status: dict[str, int]) -> Chart:
    return Chart(
        key="status",
        title=_("问题按状态"),
        kind="bar",
        category_label=_("状态"),
        categories=tuple(str(label) for label in ProblemStatus.labels),
        series=(Series(_("问题数"), tuple(status[value] for value in ProblemStatus.values)),),
    )


def _completion_chart(totals: NoticeTotals) -> Chart:
    """完成 (已销号), 基本完成 and 未完成 as the notice counts them; rate: closed ÷ fed back."""
    return Chart(
        key="completion",
        title=_("整改完成情况"),
        kind="pie",
        category_label=_("完成情况"),
        categories=(_("完成整改"), _("基本完成"), _("未完成")),
        series=(Series(_("问题数"), (totals.closed, totals.basically_done, totals.not_done)),),
        note=_("完成率 = 完成整改 ÷ 反馈问题 = %(rate)s；基本完成不计入完成率。")
        % {"rate": format_rate(totals.completion_rate)},
    )


def _warning_chart(problems: QuerySet[Problem], today: dt.date, *, paused: int) -> Chart:
    """Deadlines by colour (正常, 临期, 逾期) and by what they are about, counted as the ledger's
    colour filter counts them (a range on the stored nearest deadline); the paused in the note.

    Counted per kind and day through the (kind, due) index alone, a few hundred rows, and
    coloured here with the same boundaries: a colour per row in SQL would read every row.
    """
    counts: dict[str, dict[str, int]] = {}
    for row in (
        problems.order_by()
        .exclude(nearest_due__isnull=True)
        .values("nearest_kind", "nearest_due")
        .annotate(n=Count("pk"))
    ):
        colour = warning_colour(row["nearest_due"], today)
        if row["nearest_kind"] and colour is not None:
            by_colour = counts.setdefault(row["nearest_kind"], dict.fromkeys(COLOURS, 0))
            by_colour[colour] += row["n"]
    kinds = sorted(counts, key=kind_label)
    labels = dict(WarningColour.choices)
    return Chart(
        key="warnings",
        title=_("预警按颜色和时限类型"),
        kind="stacked",
        category_label=_("时限类型"),
        categories=tuple(kind_label(kind) for kind in kinds),
        series=tuple(
            Series(str(labels[colour]), tuple(counts[kind][colour] for kind in kinds))
            for colour in COLOURS
        ),
        note=_("另有%(paused)s个问题的时限暂停计时。") % {"paused": paused} if paused else "",
    )


def _overdue_chart(per_unit: dict[Any, dict[str, int]]) -> Chart:
    """Problems overdue (red) per unit, most first; past the first few, the rest in one bar."""
    red = {
        unit_id: row[WarningColour.RED.value]
        for unit_id, row in per_unit.items()
        if row[WarningColour.RED.value]
    }
    ordered = sorted(red.items(), key=lambda item: (-item[1], item[0]))
    shown, rest = ordered[:OVERDUE_UNITS], ordered[OVERDUE_UNITS:]
    names = dict(Unit.objects.filter(pk__in=[pk for pk, _n in shown]).values_list("pk", "name"))
    categories = [names[pk] for pk, _n in shown]
    values = [count for _pk, count in shown]
    if rest:
        categories.append(_("其他%(units)s家单位") % {"units": len(rest)})
        values.append(sum(count for _pk, count in rest))
    return Chart(
        key="overdue",
        title=_("逾期问题按单位"),
        kind="bar",
        category_label=_("单位"),
        categories=tuple(categories),
        series=(Series(_("逾期问题数"), tuple(values)),),
    )


def _money_chart(totals: NoticeTotals) -> Chart:
    """The notice's money by category, in 万元: what was found against what came back."""
    present = {item.category for item in totals.money if item.outcomes}
    categories = [
        category
        for category in MONEY_SHOWN
        if category in ALWAYS_SHOWN_MONEY or category in present
    ]
    return Chart(
        key="money",
        title=_("查处资金与清退追缴"),
        kind="bar",
        category_label=_("资金类别"),
        categories=tuple(str(MONEY_SHOWN[category]) for category in categories),
        series=(
            Series(
                _("金额（万元）"),
                tuple(_in_wan(totals.money_of(category)) for category in categories),
            ),
        ),
    )


def _accountability_chart(totals: NoticeTotals) -> Chart:
    """People held to account by kind (the notice's 其中…), with those whose kind no text gives,
    and the talks the notice gives beside the total in a column of their own."""
    held = [item for item in totals.accountability_by_kind if item.people]
    categories = [item.kind for item in held]
    counted = [item.people for item in held]
    rest = totals.people_held_to_account - sum(counted)
    if rest > 0:
        categories.append(_("未写明方式"))
        counted.append(rest)
    beside = [item for item in totals.beside_accountability if item.people]
    aside = [0] * len(categories) + [item.people for item in beside]
    categories.extend(item.kind for item in beside)
    counted.extend(0 for _item in beside)
    return Chart(
        key="accountability",
        title=_("追责问责按方式"),
        kind="stacked",
        category_label=_("方式"),
        categories=tuple(categories),
        series=(
            Series(_("追责问责（人次）"), tuple(counted)),
            Series(_("另计（人次）"), tuple(aside)),
        ),
        note=_("共追责问责%(people)s人（次）；“另计”为约谈、提醒谈话等，不计入追责问责人数。")
        % {"people": totals.people_held_to_account},
    )


def _regulation_chart(ids: QuerySet[Any] | None, totals: NoticeTotals) -> Chart:
    """Rules issued or revised (建章立制): the notice's total, split by what was done."""
    by_action = dict(
        (
            Regulation.objects.all()
            if ids is None
            else Regulation.objects.filter(measure__problem_id__in=ids)
        )
        .order_by()
        .values("action")
        .annotate(total=Sum("count"))
        .values_list("action", "total")
    )
    labels = [*((value, str(label)) for value, label in RegulationAction.choices), ("", "")]
    categories = [
        (label or _("未写明"), by_action.get(value) or 0)
        for value, label in labels
        if value != "" or by_action.get("")
    ]
    return Chart(
        key="regulations",
        title=_("建章立制"),
        kind="bar",
        category_label=_("方式"),
        categories=tuple(label for label, _count in categories),
        series=(Series(_("制度（项）"), tuple(count for _label, count in categories)),),
        note=_("制定修订制度%(count)s项。") % {"count": totals.regulations},
    )


def _progress_chart(
    fed_back: dict[dt.date, int], ids: QuerySet[Any] | None, today: dt.date
) -> Chart:
    """Per month: problems fed back (by their unit's feedback date) and problems closed (销号
    moves of the problem workflow; a problem reopened and closed again counts each time).

    ``fed_back`` is the problems per feedback month (from the counts per assignment). No
    month is computed per row (on SQLite that is a Python call for each row): the moves are
    counted in one aggregate with a column per month, from the first feedback month (or the
    first move) to this month; at most :data:`PROGRESS_MONTHS` months, the moves before them
    in the first.
    """
    moves = StatusChange.objects.filter(workflow="problem", to_status=ProblemStatus.CLOSED)
    if ids is not None:
        moves = moves.filter(subject_id__in=ids)
    this_month = today.replace(day=1)
    first = min(fed_back, default=None)
    if first is None:
        earliest = moves.aggregate(first=Min("at"))["first"]
        first = _month_of(timezone.localtime(earliest)) if earliest else None
    if first is None:
        return _progress(fed_back, {}, [])
    months = _months_between([first, this_month, *fed_back])[-PROGRESS_MONTHS:]
    starts = [_local_midnight(month) for month in months]
    ends = [*starts[1:], _local_midnight(_next_month(months[-1]))]
    counts = moves.aggregate(
        **{
            f"m{index}": Count(
                "pk", filter=Q(at__lt=end) if index == 0 else Q(at__gte=start, at__lt=end)
            )
            for index, (start, end) in enumerate(zip(starts, ends, strict=True))
        }
    )
    closed = {month: counts[f"m{index}"] for index, month in enumerate(months)}
    return _progress(fed_back, closed, months)


def _progress(
    fed_back: dict[dt.date, int], closed: dict[dt.date, int], months: list[dt.date]
) -> Chart:
    # Feedback before the months shown is counted in the first of them, as the moves are.
    shown_fed_back = {month: fed_back.get(month, 0) for month in months[1:]}
    if months:
        shown_fed_back[months[0]] = sum(n for month, n in fed_back.items() if month <= months[0])
    return Chart(
        key="progress",
        title=_("整改进度按月"),
        kind="bar",
        category_label=_("月份"),
        categories=tuple(f"{month:%Y-%m}" for month in months),
        series=(
            Series(_("反馈问题"), tuple(shown_fed_back.get(month, 0) for month in months)),
            Series(_("销号"), tuple(closed.get(month, 0) for month in months)),
        ),
    )


# ---------------------------------------------------------------------------------------------
# Small helpers


def _month_of(value: dt.date | dt.datetime) -> dt.date:
    if isinstance(value, dt.datetime):
        value = value.date()
    return value.replace(day=1)


def _next_month(month: dt.date) -> dt.date:
    return (month + dt.timedelta(days=32)).replace(day=1)


def _local_midnight(day: dt.date) -> dt.datetime:
    """The start of ``day`` in the site's time zone, as moves are dated in it."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _months_between(months: Sequence[dt.date]) -> list[dt.date]:
    """Every month from the first to the last given, none skipped (an empty month shows 0)."""
    if not months:
        return []
    month, last = min(months), max(months)
    found = []
    while month <= last:
        found.append(month)
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return found


def _in_wan(amount: Decimal) -> Decimal:
    """Yuan in 万元 with two places, as the notice writes 154.92万元."""
    return (amount / _WAN).quantize(_CENT, rounding=ROUND_HALF_UP)


def _plain(value: Number) -> int | float:
    return float(value) if isinstance(value, Decimal) else value


__all__ = [
    "Chart",
    "Dashboard",
    "Series",
    "dashboard_figures",
    "dashboard_problems",
]
