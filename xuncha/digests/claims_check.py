"""The claims check (整改质量体检) of documents: a file's, and a round's imports' with the ledger.

The arithmetic is :mod:`xuncha.text.claims` (pure); here the round's stored imports are read,
their totals compared with the ledger's counts, reasons translated, and what a user may see
chosen: the office, supervisors and groups see every line; a unit's liaison sees only the lines
that can be placed in their own units (a totals paragraph that names the unit, a sentence found
in one of its problems' measures), since the stored claims say nothing else of whose they are.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from xuncha.core.permissions import Viewer
from xuncha.digests.models import DigestImport
from xuncha.findings.models import Measure, Problem, ProblemStatus
from xuncha.rounds.access import unit_ids_for_user
from xuncha.rounds.models import Round
from xuncha.text.claims import (
    KIND_LABELS,
    VERDICT_LABELS,
    Check,
    LedgerCounts,
    Statements,
    check_against_ledger,
    check_statements,
)
from xuncha.text.model import Document

__all__ = [
    "CHECKS_SHOWN",
    "DocumentChecks",
    "check_json",
    "check_message",
    "check_rows",
    "document_checks",
    "round_checks",
    "round_checks_for_user",
    "verdict_counts",
]


# A page lists this many checks of one document; ``xuncha check`` lists them all.
CHECKS_SHOWN = 200


@dataclass(frozen=True)
class DocumentChecks:
    """The checks of one document: a file read, or one import of a round."""

    name: str
    checks: tuple[Check, ...]
    record: DigestImport | None = None


def document_checks(document: Document) -> tuple[Check, ...]:
    """Every checkable claim of a document as read (its figures against one another)."""
    return check_statements(Statements.from_document(document))


def round_checks(*, round_: Round) -> list[DocumentChecks]:
    """Each import of the round, newest first: its claims checked against one another, and
    its totals paragraphs against the ledger's counts of the round (or of the unit or group a
    paragraph names)."""
    ledger_for = _ledger(round_)
    found = []
    for record in round_.digest_imports.order_by("-imported_at", "-id"):
        statements = Statements.from_json(record.claims if isinstance(record.claims, dict) else {})
        checks = check_statements(statements) + check_against_ledger(statements, ledger_for)
        found.append(DocumentChecks(record.file_name, _in_order(checks), record))
    return found


def round_checks_for_user(user: Viewer, round_: Round) -> list[DocumentChecks]:
    """:func:`round_checks` with only the lines ``user`` may see (the caller has checked that
    the user may see the round)."""
    found = round_checks(round_=round_)
    scope = unit_ids_for_user(user)
    if scope is None:
        return found
    visible = _Visible(round_, scope)
    return [
        DocumentChecks(item.name, tuple(c for c in item.checks if visible(c)), item.record)
        for item in found
    ]


def check_message(check: Check) -> str:
    """The check's reason, translated, with its details filled in."""
    return _(check.reason) % dict(check.details)


def check_rows(checks: Iterable[Check]) -> list[dict[str, Any]]:
    """Checks as a page lists them: labels and message translated, each figure's span."""
    return [
        {
            "check": check,
            "kind": check.kind,
            "kind_label": _(KIND_LABELS.get(check.kind, check.kind)),
            "verdict": check.verdict,
            "verdict_label": _(VERDICT_LABELS[check.verdict]),
            "message": check_message(check),
            "line": check.line,
            "figures": [
                {"text": figure.text, "start": figure.span.start, "end": figure.span.end}
                for figure in check.figures
            ],
            "difference": check.difference,
        }
        for check in checks
    ]


def check_json(check: Check) -> dict[str, Any]:
    """A check as ``xuncha check --json`` prints it (the reason translated)."""
    return check.as_json() | {
        "reason": check_message(check),
        "kind_label": _(KIND_LABELS.get(check.kind, check.kind)),
        "verdict_label": _(VERDICT_LABELS[check.verdict]),
    }


def verdict_counts(checks: Sequence[Check]) -> dict[str, int]:
    """How many checks hold, fail, and cannot be checked."""
    counts = dict.fromkeys(VERDICT_LABELS, 0)
    for check in checks:
        counts[check.verdict] += 1
    return counts


def _in_order(checks: Iterable[Check]) -> tuple[Check, ...]:
    return tuple(sorted(checks, key=lambda check: (check.sentence_span.start, check.line)))


# -- the ledger's counts ---------------------------------------------------------------------


def _ledger(round_: Round) -> Callable[[str | None], LedgerCounts]:
    """Counts of the round's problems, all and closed, per unit, per group and in all, read in
    one aggregate; the function gives those of a totals paragraph's scope."""
    rows = list(
        Problem.objects.filter(assignment__round=round_)
        .order_by()
        .values("assignment__unit__name", "assignment__group__name")
        .annotate(total=Count("pk"), closed=Count("pk", filter=Q(status=ProblemStatus.CLOSED)))
    )
    units: dict[str, list[int]] = {}
    groups: dict[str, list[int]] = {}
    whole = [0, 0]
    for row in rows:
        named = ((units, row["assignment__unit__name"]), (groups, row["assignment__group__name"]))
        for table, name in named:
            if name:
                counts = table.setdefault(name, [0, 0])
                counts[0] += row["total"]
                counts[1] += row["closed"]
        whole[0] += row["total"]
        whole[1] += row["closed"]
    # units without problems yet count zero
    for name in round_.assignments.values_list("unit__name", flat=True):
        units.setdefault(name, [0, 0])

    def ledger_for(scope: str | None) -> LedgerCounts:
        for table in (units, groups):
            name = _named(scope, table)
            if name is not None:
                return LedgerCounts(table[name][0], table[name][1], name)
        return LedgerCounts(whole[0], whole[1], _("本轮"))

    return ledger_for


def _named(scope: str | None, names: Iterable[str]) -> str | None:
    """The one name ``scope`` stands for: equal to it, or the only one containing it or
    contained in it (市委宣传部 for 中共武汉市委宣传部); None when none or several do."""
    if not scope or len(scope) < 2:
        return None
    names = list(names)
    if scope in names:
        return scope
    matches = [name for name in names if scope in name or (len(name) >= 4 and name in scope)]
    return matches[0] if len(matches) == 1 else None


# -- what a liaison may see ------------------------------------------------------------------

_LABEL = re.compile(
    r"^\s*(?:整改(?:情况|措施)?|问题|完成情况)\s*[:：]\s*|^[一二三四五六七八九十]+是"
)


class _Visible:
    """Whether a check can be placed in one of the units of ``scope`` in the round."""

    def __init__(self, round_: Round, scope: set[int]) -> None:
        assignments = round_.assignments.filter(unit_id__in=scope)
        self.unit_names = set(assignments.values_list("unit__name", flat=True))
        problems = Problem.objects.filter(assignment__in=assignments)
        self.texts = [
            "\n".join(row)
            for row in problems.values_list("title", "rectification_lead", "unit_report")
        ]
        self.texts.extend(
            Measure.objects.filter(problem__in=problems).values_list("text", flat=True)
        )

    def __call__(self, check: Check) -> bool:
        if check.scope is not None:
            return _named(check.scope, self.unit_names) is not None
        if check.kind == "ledger":
            return False  # the round's own totals: not a unit's line
        core = _core(check.sentence)
        return len(core) >= 6 and any(core in text for text in self.texts)


def _core(sentence: str) -> str:
    """The sentence without its labels (整改：, 一是) and end mark, as a measure holds it."""
    previous = None
    while previous != sentence:
        previous, sentence = sentence, _LABEL.sub("", sentence, count=1)
    return sentence.rstrip("。；;！!？? ")
