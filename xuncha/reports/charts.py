"""The dashboard's charts as plain data: each a table of numbers with what it is called, and
the charts drawn from a notice's totals alone (status, completion, money, people held to
account, rules) or from counts already made (progress by month).

Labels are translated here; the page draws each chart with ECharts and writes the same numbers
in a table beside it (:mod:`xuncha.reports.dashboard` gathers them).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xuncha.findings.models import ProblemStatus, RegulationAction
from xuncha.text.notice import MONEY_OTHER, NoticeTotals, format_rate

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
                {"name": series.name, "values": [plain(value) for value in series.values]}
                for series in self.series
            ],
        }


def status_chart(status: dict[str, int]) -> Chart:
    return Chart(
        key="status",
        title=_("问题按状态"),
        kind="bar",
        category_label=_("状态"),
        categories=tuple(str(label) for label in ProblemStatus.labels),
        series=(Series(_("问题数"), tuple(status[value] for value in ProblemStatus.values)),),
    )


def completion_chart(totals: NoticeTotals) -> Chart:
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


def money_chart(totals: NoticeTotals) -> Chart:
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
                tuple(in_wan(totals.money_of(category)) for category in categories),
            ),
        ),
    )


def accountability_chart(totals: NoticeTotals) -> Chart:
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


def regulation_chart(totals: NoticeTotals) -> Chart:
    """Rules issued or revised (建章立制): the notice's total, split by what was done."""
    by_action = dict(totals.regulations_by_action)
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


def progress_from_counts(
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


def in_wan(amount: Decimal) -> Decimal:
    """Yuan in 万元 with two places, as the notice writes 154.92万元."""
    return (amount / _WAN).quantize(_CENT, rounding=ROUND_HALF_UP)


def plain(value: Number) -> int | float:
    return float(value) if isinstance(value, Decimal) else value


__all__ = [
    "Chart",
    "Series",
    "accountability_chart",
    "completion_chart",
    "money_chart",
    "progress_from_counts",
    "regulation_chart",
    "status_chart",
]
