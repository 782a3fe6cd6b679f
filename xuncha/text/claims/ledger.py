"""The ledger rule of the claims check: a totals paragraph's counts against the ledger.

:func:`check_against_ledger` takes the totals paragraphs of :class:`Statements` and a function
that gives the ledger's :class:`LedgerCounts` for a paragraph's scope (the round, a unit or a
group), so this package stays free of Django while the caller reads the database. The problems
fed back are compared with the ledger's problems, those done with the closed ones and those not
done with the open ones; a paragraph that also counts 基本完成 leaves those and its not-done
parts unchecked, since the ledger does not tell them apart.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from xuncha.text.claims._view import Placed, View, part_status, parts_of_total, plain
from xuncha.text.claims.model import FAILS, HOLDS, UNCHECKED, Check, Statements, gettext_noop

__all__ = [
    "LedgerCounts",
    "check_against_ledger",
]


@dataclass(frozen=True)
class LedgerCounts:
    """The ledger's problems for what a totals paragraph counts: all of them, and closed."""

    total: int
    closed: int
    label: str  # whose problems: the round's, a unit's or a group's, for the reason

    @property
    def open(self) -> int:
        return self.total - self.closed


def check_against_ledger(
    statements: Statements, ledger_for: Callable[[str | None], LedgerCounts]
) -> tuple[Check, ...]:
    """Each totals paragraph's counts against the ledger's counts for its scope.

    The problems fed back (反馈问题N个) are compared with the problems in the ledger, those
    done (已完成, 已整改, 销号 …) with the closed ones, and those not done (未完成, 正在整改 …)
    with the open ones, unless the paragraph also counts 基本完成, which the ledger does not
    tell apart. ``ledger_for(scope)`` gives the counts for a paragraph's scope.
    """
    checks: list[Check] = []
    for paragraph in statements.totals:
        view = View(statements, paragraph)
        counts = view.of_kind("count")
        position = next(
            (index for index, item in enumerate(counts) if _fed_back_problems(view, item)), None
        )
        if position is None:
            reason = gettext_noop("汇总段没有写明反馈的问题数，无法与台账对应")
            checks.append(view.check("ledger", UNCHECKED, counts[:1] or [], reason))
            continue
        parts, _exhaustive = parts_of_total(view, counts, position)
        ledger = ledger_for(paragraph.scope)
        statuses = [part_status(view.segment(part)) for part in parts]
        basically = "basically_done" in statuses
        checks.append(_ledger_check(view, counts[position], ledger.total, ledger, "problems"))
        for part, status in zip(parts, statuses, strict=True):
            if status == "done":
                checks.append(_ledger_check(view, part, ledger.closed, ledger, "closed"))
            elif status in ("not_done", "rest") and not basically:
                checks.append(_ledger_check(view, part, ledger.open, ledger, "open"))
            else:
                reason = gettext_noop("台账不区分“基本完成”与未完成，%(written)s无法对应")
                checks.append(
                    view.check("ledger", UNCHECKED, [part], reason, written=part.figure.text)
                )
    return tuple(checks)


def _fed_back_problems(view: View, item: Placed) -> bool:
    before = view.before(item)
    problems = "问题" in before[-6:] or view.after(item, 3).startswith("问题")
    return problems and bool(re.search(r"反馈|交办|指出|巡察发现", before))


_LEDGER_REASONS = {
    "problems": gettext_noop("文中%(written)s，台账中%(whose)s共有问题%(count)s个"),
    "closed": gettext_noop("文中%(written)s，台账中%(whose)s已销号%(count)s个"),
    "open": gettext_noop("文中%(written)s，台账中%(whose)s未销号%(count)s个"),
}


def _ledger_check(view: View, item: Placed, count: int, ledger: LedgerCounts, what: str) -> Check:
    stated = item.figure.number
    details: dict[str, Any] = {"written": item.figure.text, "whose": ledger.label, "count": count}
    if stated is None or item.figure.approximate:
        reason = gettext_noop("%(written)s是约数，无法与台账的%(count)s个精确核对")
        return view.check("ledger", UNCHECKED, [item], reason, **details)
    holds = stated == count
    return view.check(
        "ledger",
        HOLDS if holds else FAILS,
        [item],
        _LEDGER_REASONS[what],
        expected=str(count),
        stated=plain(stated),
        difference=None if holds else plain(stated - count),
        **details,
    )
