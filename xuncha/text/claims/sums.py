"""The sum rule of the claims check: the parts of a stated total against it.

A total (共N个，其中A个、B个; 反馈问题N个，已完成A个，正在整改B个) is found with its parts by
:func:`~xuncha.text.claims._view.parts_of_total`; the parts must add up to it exactly when they
are said to be the whole (a done part and a not-done part, or a part named 其余), and must not
exceed it otherwise. A total or a part that is approximate leaves the claim unchecked.
"""

from __future__ import annotations

from decimal import Decimal

from xuncha.text.claims._view import Placed, View, is_total, parts_of_total, plain
from xuncha.text.claims.model import FAILS, HOLDS, UNCHECKED, Check, gettext_noop

__all__ = [
    "sum_checks",
]


def sum_checks(view: View) -> list[Check]:
    checks = []
    counts = view.of_kind("count")
    used: set[int] = set()
    for position, total in enumerate(counts):
        if position in used or not is_total(view, total):
            continue
        parts, exhaustive = parts_of_total(view, counts, position)
        if not parts:
            continue
        used.update(counts.index(part) for part in parts)
        checks.append(_sum_check(view, total, parts, exhaustive))
    return checks


def _sum_check(view: View, total: Placed, parts: list[Placed], exhaustive: bool) -> Check:
    items = [total, *parts]
    stated, numbers = total.figure.number, [part.figure.number for part in parts]
    listed = "+".join(part.figure.text for part in parts)
    if stated is None or None in numbers or any(item.figure.approximate for item in items):
        reason = gettext_noop("%(parts)s与合计%(total)s中有约数，无法精确核对")
        return view.check("sum", UNCHECKED, items, reason, parts=listed, total=total.figure.text)
    added = sum((number for number in numbers if number is not None), Decimal(0))
    difference = added - stated
    if exhaustive:
        holds = difference == 0
        reason = gettext_noop("%(parts)s = %(sum)s，应等于合计%(total)s（各项构成全部）")
    else:
        holds = difference <= 0
        reason = gettext_noop("%(parts)s = %(sum)s，不应超过合计%(total)s")
    return view.check(
        "sum",
        HOLDS if holds else FAILS,
        items,
        reason,
        expected=plain(added),
        stated=plain(stated),
        difference=None if holds else plain(difference),
        parts=listed,
        sum=plain(added),
        total=total.figure.text,
    )
