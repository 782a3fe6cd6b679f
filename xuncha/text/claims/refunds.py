"""The refund rule of the claims check: money refunded at most the money found.

Money a sentence says was refunded, returned or recovered (the reader's ``refunded`` role:
清退, 追回 …) is checked against the money found (``found``) before it in the sentence,
else anywhere in it, else in the nearest sentence of its paragraph; each found amount takes
the refunds up to the next one. Without money found nearby, or with an approximate amount, the
claim is left unchecked and says why.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from xuncha.text.claims._view import Placed, View, plain
from xuncha.text.claims.model import FAILS, HOLDS, UNCHECKED, Check, gettext_noop

__all__ = [
    "refund_checks",
]


_REFUNDED = frozenset({"refunded"})


def refund_checks(views: list[View]) -> list[Check]:
    """Each sentence's refunded money against the found money before it in the sentence,
    else anywhere in the sentence, else in the sentences of its paragraph (line)."""
    by_line: dict[int, list[View]] = {}
    for view in views:
        by_line.setdefault(view.sentence.span.line, []).append(view)
    checks = []
    for view in views:
        money = view.of_kind("money")
        refunded = [item for item in money if item.figure.role in _REFUNDED]
        if not refunded:
            continue
        found = [item for item in money if item.figure.role == "found"]
        if found:
            for amount, back in _grouped(found, refunded):
                checks.append(_refund_check(view, amount, back))
            continue
        neighbours = [
            (other, item)
            for other in by_line.get(view.sentence.span.line, [])
            if other is not view
            for item in other.of_kind("money")
            if item.figure.role == "found"
        ]
        if neighbours:
            start = view.sentence.span.start
            _other, amount = min(
                neighbours, key=lambda pair: abs(pair[0].sentence.span.start - start)
            )
            checks.append(_refund_check(view, amount, refunded))
        else:
            reason = gettext_noop("同句同段没有写明查出的金额，无法核对%(refunded)s")
            checks.append(
                view.check(
                    "refund",
                    UNCHECKED,
                    refunded,
                    reason,
                    refunded="、".join(item.figure.text for item in refunded),
                )
            )
    return checks


def _grouped(found: list[Placed], refunded: list[Placed]) -> Iterable[tuple[Placed, list[Placed]]]:
    """Each found amount with the refunded amounts after it up to the next found one; the
    refunded amounts before the first found one go with it."""
    for index, amount in enumerate(found):
        end = found[index + 1].start if index + 1 < len(found) else None
        start = amount.start if index else -1
        back = [
            item for item in refunded if item.start > start and (end is None or item.start < end)
        ]
        if back:
            yield amount, back


def _refund_check(view: View, found: Placed, refunded: list[Placed]) -> Check:
    """The refunds of ``view``'s sentence against ``found`` (of it or of its paragraph)."""
    items = [found, *refunded]
    listed = "+".join(item.figure.text for item in refunded)
    numbers = [item.figure.number for item in refunded]
    stated = found.figure.number
    if stated is None or None in numbers or any(item.figure.approximate for item in items):
        reason = gettext_noop("%(refunded)s或查出的%(found)s是约数，无法精确核对")
        return view.check(
            "refund", UNCHECKED, items, reason, refunded=listed, found=found.figure.text
        )
    back = sum((number for number in numbers if number is not None), Decimal(0))
    holds = back <= stated
    reason = gettext_noop("清退追回%(refunded)s，不应超过查出的%(found)s")
    check = view.check(
        "refund",
        HOLDS if holds else FAILS,
        items,
        reason,
        expected=plain(stated),
        stated=plain(back),
        difference=None if holds else plain(back - stated),
        refunded=listed,
        found=found.figure.text,
    )
    return check
