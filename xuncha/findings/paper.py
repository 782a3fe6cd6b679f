"""Reads of a round's rectification on paper only (文字整改, 数字整改, 形式整改), per unit.

The rules are :mod:`xuncha.text.paper`'s (documented in ``docs/paper-flags.md``); this module
reads a round's measures with the outcomes stored from them, through the user's scope, and
hands them over as plain records. Copies are looked for among the measures the user may see:
a liaison's measures are compared with each other only, so no flag names a unit they may not
see. The whole round is read in a handful of queries (the measures, their outcomes,
accountability and regulations); the similarity search itself costs seconds at 20,000
measures (``bench/paper_similarity.py``).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from xuncha.core.permissions import Viewer
from xuncha.findings.models import Accountability, Measure, Outcome, OutcomeKind, Regulation
from xuncha.rounds.models import Assignment, Round
from xuncha.rounds.selectors import assignments_for_user
from xuncha.text.paper import PAPER_LABELS, REASON_KINDS, Flag, MeasureRecord, Stated, paper_flags


@dataclass(frozen=True)
class MeasureRow:
    """A measure as the flags page shows it: its text, its problem and its unit."""

    pk: int
    text: str
    problem_id: int
    problem_title: str
    assignment_id: int
    unit_name: str


@dataclass(frozen=True)
class FlaggedMeasure:
    """A measure with its flags; ``copies`` are the measures (of other units) it nearly
    repeats."""

    measure: MeasureRow
    flags: tuple[Flag, ...]
    copies: tuple[MeasureRow, ...] = ()


@dataclass
class UnitPaperFlags:
    """One unit of the round: its flagged measures, in problem and measure order, and how
    many of its measures there are in all."""

    assignment: Assignment
    measures: list[FlaggedMeasure] = field(default_factory=list)
    total: int = 0

    @property
    def kinds(self) -> dict[str, int]:
        """How many of the unit's measures earn each paper word (形式整改 …)."""
        counts: Counter[str] = Counter()
        for item in self.measures:
            counts.update({flag.kind for flag in item.flags})
        return {kind: counts[kind] for kind in PAPER_LABELS if counts[kind]}


@dataclass
class RoundPaperFlags:
    """A round's flags: per unit (every unit the user sees, flagged or not), and the count of
    flagged measures per reason over them all."""

    units: list[UnitPaperFlags]
    reasons: dict[str, int]
    measures: int

    @property
    def flagged(self) -> int:
        return sum(len(unit.measures) for unit in self.units)


def _records(assignments: dict[int, Assignment]) -> tuple[list[MeasureRecord], list[MeasureRow]]:
    """The measures of the assignments, with what the flags read of their stored outcomes.

    Plain rows (``values``), one query a table: a province round holds 20,000 measures, and
    model instances of them and their outcomes would cost more than the flags themselves.
    """
    measures = list(
        Measure.objects.filter(problem__assignment_id__in=assignments)
        .order_by(
            "problem__assignment__position", "problem__assignment_id", "problem__ordinal", "ordinal"
        )
        .values_list(
            "pk",
            "text",
            "owner",
            "department",
            "deadline",
            "problem_id",
            "problem__title",
            "problem__assignment_id",
        )
    )
    ids = Measure.objects.filter(problem__assignment_id__in=assignments).values("pk")
    stated: dict[int, list[Stated]] = defaultdict(list)
    for measure_id, kind, subject, category in Outcome.objects.filter(
        measure_id__in=ids
    ).values_list("measure_id", "kind", "subject", "money_category"):
        money = category if kind == OutcomeKind.MONEY else ""
        stated[measure_id].append(Stated(kind=kind, subject=subject, money_category=money))
    people: dict[int, list[tuple[str, ...]]] = defaultdict(list)
    # Only the counts that stand on their own: a part (其中…) is inside its count.
    for measure_id, kind, kinds in Accountability.objects.filter(
        measure_id__in=ids, part_of__isnull=True
    ).values_list("measure_id", "kind", "kinds"):
        people[measure_id].append(tuple(kinds or (kind,)))
    rules: dict[int, list[str]] = defaultdict(list)
    for measure_id, title in Regulation.objects.filter(measure_id__in=ids).values_list(
        "measure_id", "title"
    ):
        rules[measure_id].append(title)
    records, rows = [], []
    for pk, text, owner, department, deadline, problem_id, title, assignment_id in measures:
        assignment = assignments[assignment_id]
        records.append(
            MeasureRecord(
                key=pk,
                unit=assignment.unit_id,
                text=text,
                owner=owner,
                department=department,
                has_deadline=deadline is not None,
                quantities=tuple(stated.get(pk, ())),
                accountability=tuple(people.get(pk, ())),
                regulations=tuple(rules.get(pk, ())),
            )
        )
        rows.append(MeasureRow(pk, text, problem_id, title, assignment_id, assignment.unit.name))
    return records, rows


def round_paper_flags(user: Viewer, round_: Round, *, reason: str = "") -> RoundPaperFlags:
    """The paper-only flags of the measures of ``round_`` that ``user`` may see, per unit.

    With ``reason`` (a key of :data:`xuncha.text.paper.REASON_KINDS`), a unit lists only the
    measures flagged for it (the counts per reason still cover every flag).
    """
    assignments = {
        assignment.pk: assignment
        for assignment in assignments_for_user(user).filter(round=round_).order_by("position", "id")
    }
    records, rows = _records(assignments)
    flags = paper_flags(records, {a.unit.name for a in assignments.values()})
    by_pk = {row.pk: row for row in rows}
    units = {pk: UnitPaperFlags(assignment) for pk, assignment in assignments.items()}
    reasons: Counter[str] = Counter()
    for row in rows:
        unit = units[row.assignment_id]
        unit.total += 1
        found = flags.get(row.pk, ())
        reasons.update({flag.reason for flag in found})
        if not found or (reason and all(flag.reason != reason for flag in found)):
            continue
        copies = tuple(by_pk[key] for flag in found for key in flag.others if key in by_pk)
        unit.measures.append(FlaggedMeasure(row, found, copies))
    return RoundPaperFlags(
        units=list(units.values()),
        reasons={key: reasons[key] for key in REASON_KINDS},
        measures=len(rows),
    )


__all__ = [
    "FlaggedMeasure",
    "MeasureRow",
    "RoundPaperFlags",
    "UnitPaperFlags",
    "round_paper_flags",
]
