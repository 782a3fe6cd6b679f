"""Checking the arithmetic of what a document claims (整改质量体检): the checks inspectors do by
hand to catch 数字整改.

Pure Python, no Django. :func:`check_statements` takes :class:`Statements` (the figures of a
text and the sentences that state them, each with its span) and returns one :class:`Check` per
checkable claim, with a verdict: ``holds``, ``fails`` (by how much) or ``unchecked`` (and why).
:meth:`Statements.from_document` builds the input from a document as read, and
:meth:`Statements.from_json` from the ``claims`` JSON an import stores, so a file and a round's
imports are checked alike; :func:`check_against_ledger` compares a totals paragraph with the
ledger's :class:`LedgerCounts`. The rules are documented in ``docs/claims.md``, one module each:

* ``rate``: a percentage named as a rate (占比, 完成率, 解决率 …) against the two counts of its
  sentence, part / whole rounded half-up to the decimals written (:mod:`.rates`);
* ``sum``: the parts of a stated total (共N个，其中A个、B个; 反馈问题N个，已完成A个，正在整改B
  个): equal to it when they are said to be the whole (a done part and a not-done part, or a
  part named 其余), at most it otherwise (:mod:`.sums`);
* ``refund``: money refunded, returned or recovered at most the money found in its sentence, or
  else its paragraph (:mod:`.refunds`);
* ``percent``: a percentage above 100 that is not a growth (增长, 同比 …) (:mod:`.rates`);
* ``dates``: a from/to pair in order, and a completion no later than its deadline
  (:mod:`.dates`);
* ``ledger``: a totals paragraph's counts against the ledger's (:mod:`.ledger`).

The data lives in :mod:`.model`, the reading of one sentence shared by the rules in
:mod:`._view`, and the run over a text in :mod:`.checks`. Reasons are message templates with
named arguments (:attr:`Check.reason`, :attr:`Check.details`) marked for translation with
:func:`~xuncha.text.claims.model.gettext_noop`, so that the Django side can translate them
without this package importing Django.
"""

from __future__ import annotations

from xuncha.text.claims.checks import check_statements
from xuncha.text.claims.ledger import LedgerCounts, check_against_ledger
from xuncha.text.claims.model import KIND_LABELS, VERDICT_LABELS, Check, Statements

__all__ = [
    "KIND_LABELS",
    "VERDICT_LABELS",
    "Check",
    "LedgerCounts",
    "Statements",
    "check_against_ledger",
    "check_statements",
]
