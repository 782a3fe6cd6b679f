"""The office's dashboard: a scope's figures as charts, each with the table of its numbers.

The totals are the notice's own (:func:`xuncha.reports.totals.notice_totals`): the dashboard
never counts 反馈, 完成, 基本完成, money, people held to account or rules a second way, so a
chart and the notice of the same scope always agree. What a notice does not state (problems by
status, warnings, overdue by unit, progress by month) is one aggregate each here, over the
same problems. Every read starts from the reader's problems (``problems_for_user``): a
liaison's dashboard counts, and names, their own units only.

Each chart (:class:`xuncha.reports.charts.Chart`) is plain data, labels already translated and
numbers ready to print: the page draws it with ECharts and writes the same numbers in a table
beside it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Min, Q, QuerySet, Value
from django.utils import timezone
from django.utils.translation import gettext as _

from xuncha.clocks.models import WarningColour
from xuncha.clocks.registry import kind_label
from xuncha.clocks.selectors import COLOURS, PAUSED, colour_filter, warning_colour
from xuncha.core.models import StatusChange
from xuncha.core.permissions import Viewer
from xuncha.findings.models import Problem, ProblemStatus
from xuncha.findings.selectors import counts_summed, problem_count, status_counts
from xuncha.reports.charts import (
    Chart,
    Series,
    accountability_chart,
    completion_chart,
    money_chart,
    progress_from_counts,
    regulation_chart,
    status_chart,
)
from xuncha.reports.selectors import Scope, problems_in_scope, visible_problems
from xuncha.reports.totals import counts_per_assignment, notice_totals
from xuncha.rounds.models import Assignment, Group, Round, Unit
from xuncha.text.notice import NoticeTotals, format_rate

# How many units the overdue chart names; the rest are summed in one bar.
OVERDUE_UNITS = 15
# How many months the progress chart shows at most (the latest).
PROGRESS_MONTHS = 36


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
    # Per unit, in one aggregate over the problems' own indexed columns: what the notice counts,
    # with the overdue (red) and the paused beside it; the statuses apart, from their index.
    red = WarningColour.RED.value
    per_assignment = counts_per_assignment(
        problems,
        **{key: problem_count(colour_filter(key, today)) for key in (red, PAUSED)},
    )
    totals = notice_totals(problems, per_assignment=per_assignment)
    status = status_counts(problems)
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
        status_chart(status),
        completion_chart(totals),
        _warning_chart(problems, today, paused=sum(row[PAUSED] for row in per_assignment.values())),
        _overdue_chart(per_unit),
        money_chart(totals),
        accountability_chart(totals),
        regulation_chart(totals),
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
        .annotate(n=problem_count())
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
        return progress_from_counts(fed_back, {}, [])
    months = _months_between([first, this_month, *fed_back])[-PROGRESS_MONTHS:]
    starts = [_local_midnight(month) for month in months]
    ends = [*starts[1:], _local_midnight(_next_month(months[-1]))]
    bounds = list(zip(starts, ends, strict=True))
    if ids is None:
        closed = _closed_per_month(moves, months, bounds)
        return progress_from_counts(fed_back, closed, months)
    # A narrower scope: its moves (a round's few thousand, through the semi-join on its ids)
    # are counted in one pass with a column per month.
    counts = moves.aggregate(
        **{
            f"m{index}": Count(
                "pk", filter=Q(at__lt=end) if index == 0 else Q(at__gte=start, at__lt=end)
            )
            for index, (start, end) in enumerate(bounds)
        }
    )
    closed = {month: counts[f"m{index}"] for index, month in enumerate(months)}
    return progress_from_counts(fed_back, closed, months)


def _closed_per_month(
    moves: QuerySet[StatusChange], months: list[dt.date], bounds: list[tuple[Any, Any]]
) -> dict[dt.date, int]:
    """Every 销号 move, counted per month: one count per month, each a range of the (workflow,
    to_status, at) index, in one query (UNION ALL). Counting them in one pass with a column
    per month tests every month on every move (at 100,000 problems, 95 ms on SQLite against
    3 ms for the ranges)."""
    ranges = [
        moves.filter(Q(at__lt=end) if index == 0 else Q(at__gte=start, at__lt=end))
        .order_by()
        .annotate(month=Value(index))
        .values("month")
        .annotate(n=Count("*"))
        .values_list("month", "n")
        for index, (start, end) in enumerate(bounds)
    ]
    counted = dict(ranges[0].union(*ranges[1:], all=True))
    return {month: counted.get(index, 0) for index, month in enumerate(months)}


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


__all__ = [
    "Dashboard",
    "dashboard_figures",
    "dashboard_problems",
]
