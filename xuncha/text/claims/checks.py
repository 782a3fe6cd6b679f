"""Running the claims check over a text's statements: every rule, once per claim.

:func:`check_statements` reads each sentence of :class:`Statements` once, applies the rules of
one sentence (rates, sums, percentages, dates) to it and the refund rule across the sentences
of a paragraph, keeps one check per rule and set of figures (two readings of one claim would
otherwise be reported twice), and orders the checks as the text does.
"""

from __future__ import annotations

from xuncha.text.claims._view import View
from xuncha.text.claims.dates import date_checks
from xuncha.text.claims.model import Check, Statements
from xuncha.text.claims.rates import percent_checks, rate_checks
from xuncha.text.claims.refunds import refund_checks
from xuncha.text.claims.sums import sum_checks

__all__ = [
    "check_statements",
]


def check_statements(statements: Statements) -> tuple[Check, ...]:
    """Every checkable claim of ``statements``, in the order of the text."""
    checks: list[Check] = []
    views = [View(statements, sentence) for sentence in statements.sentences]
    for view in views:
        checks.extend(rate_checks(view))
        checks.extend(sum_checks(view))
        checks.extend(percent_checks(view))
        checks.extend(date_checks(view))
    checks.extend(refund_checks(views))
    unique: dict[tuple[str, tuple[int, ...]], Check] = {}
    for check in checks:
        key = (check.kind, tuple(span.start for span in check.spans))
        unique.setdefault(key, check)
    return tuple(sorted(unique.values(), key=_position))


def _position(check: Check) -> tuple[int, int]:
    spans = check.spans
    return check.sentence_span.start, spans[0].start if spans else check.sentence_span.start
