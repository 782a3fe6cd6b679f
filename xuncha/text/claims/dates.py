"""The date rule of the claims check: a from/to pair in order, a completion by its deadline.

Two dates written as a range (read as from and to, or joined by 至 or a dash) must not run
backwards, and a completion (已于…完成) must be no later than the deadline of its sentence
(限期…前, 要求…). A date stands for the days it is written to (a year, a month or a day), so two
dates are out of order only when the first one's days all fall after the second one's; the
difference is given in days.
"""

from __future__ import annotations

import calendar
import datetime as dt
import itertools
import re

from xuncha.text.claims._view import Placed, View
from xuncha.text.claims.model import FAILS, HOLDS, Check, gettext_noop

__all__ = [
    "date_checks",
]


_RANGE_JOINT = re.compile(r"^\s*(?:至|到|—+|－|-|~|～)\s*$")
_DEADLINE_BEFORE = re.compile(
    r"限期|期限|时限|截止日期|截止时间|要求|计划|预计|原定|应于|须于|确保|力争"
)
_DEADLINE_AFTER = re.compile(r"^(?:底|末)?(?:前|之前|以前)")
_COMPLETED_BEFORE = re.compile(r"已于|已在|实际|于")
_COMPLETED_AFTER = re.compile(r"完成|办结|到位|销号|整改")


def date_checks(view: View) -> list[Check]:
    dates = [item for item in view.of_kind("date") if _interval(item.figure.value)]
    checks = []
    for first, second in itertools.pairwise(dates):
        paired = first.figure.qualifier == "from" and second.figure.qualifier == "to"
        joined = _RANGE_JOINT.match(view.text[first.end : second.start])
        if paired or joined:
            reason = gettext_noop("起始日期%(first)s应不晚于结束日期%(second)s")
            checks.append(_date_check(view, first, second, reason))
    deadline = next((item for item in dates if _is_deadline(view, item)), None)
    done = next((item for item in dates if item is not deadline and _is_done(view, item)), None)
    if deadline is not None and done is not None:
        reason = gettext_noop("完成日期%(second)s应不晚于时限%(first)s")
        checks.append(_date_check(view, done, deadline, reason, swap=True))
    return checks


def _is_deadline(view: View, item: Placed) -> bool:
    return bool(
        _DEADLINE_AFTER.match(view.after(item)) or _DEADLINE_BEFORE.search(view.before(item))
    )


def _is_done(view: View, item: Placed) -> bool:
    if _DEADLINE_AFTER.match(view.after(item)) or _DEADLINE_BEFORE.search(view.before(item)):
        return False
    later = view.clause(item)[len(view.before(item)) :]
    return bool(_COMPLETED_BEFORE.search(view.before(item)) and _COMPLETED_AFTER.search(later))


def _date_check(
    view: View, first: Placed, second: Placed, reason: str, *, swap: bool = False
) -> Check:
    """``first`` must not be later than ``second`` (with ``swap``, the reason names them the
    other way round: the deadline first)."""
    early, late = _interval(first.figure.value), _interval(second.figure.value)
    assert early is not None and late is not None
    late_by = (early[0] - late[1]).days
    holds = late_by <= 0
    names = (second, first) if swap else (first, second)
    return view.check(
        "dates",
        HOLDS if holds else FAILS,
        [first, second],
        reason,
        expected=second.figure.value,
        stated=first.figure.value,
        difference=None if holds else str(late_by),
        first=names[0].figure.text,
        second=names[1].figure.text,
    )


def _interval(value: str) -> tuple[dt.date, dt.date] | None:
    """The first and last day a date written to a year, a month or a day stands for."""
    try:
        parts = [int(part) for part in value.split("-")]
        if len(parts) == 1:
            return dt.date(parts[0], 1, 1), dt.date(parts[0], 12, 31)
        if len(parts) == 2:
            last = calendar.monthrange(parts[0], parts[1])[1]
            return dt.date(parts[0], parts[1], 1), dt.date(parts[0], parts[1], last)
        day = dt.date(parts[0], parts[1], parts[2])
    except (ValueError, IndexError):
        return None
    return day, day
