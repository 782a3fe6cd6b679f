"""Writing a digest's units, problems and measures in bulk: the rows the services would write.

Imported one by one through the services, a 2,000-unit digest took about 70 queries a unit
and half a minute on SQLite (several minutes on PostgreSQL), all of it inside the transaction
that holds the write lock. Here every table is written with a few bulk statements: the same
units, assignments, problems, measures, outcomes, progress reports and status history as
``problem_create``, the ``start`` moves and ``progress_report_create`` give, the same audit
rows (each problem's in the order of its moves), the same workflow signals, and one clock sync
at the end. The moves go through the workflow engine (``Workflow.apply_many``).
``tests/digests/test_bulk_import.py`` holds it to the services, row by row.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.db.models import Count, F
from django.utils import timezone
from django.utils.translation import gettext as _

from xuncha.clocks.services import clocks_changed
from xuncha.core.audit import audit_record, snapshot
from xuncha.core.permissions import Actor
from xuncha.findings.models import Measure, Problem
from xuncha.findings.services import outcome_rows, outcome_rows_save, problem_scope
from xuncha.rectification.models import ProgressReport, ReportOutcome
from xuncha.rectification.services import report_outcome_rows
from xuncha.rectification.workflow import MEASURE, PROBLEM
from xuncha.rounds.models import Assignment, Round, Unit
from xuncha.rounds.selectors import top_units
from xuncha.text.digest import DigestError, ParsedProblem, ParsedUnit

BATCH_SIZE = 500


class DigestRefused(DigestError):
    """A digest that reads well but cannot be stored (e.g. its problems are already there)."""


@dataclass
class _UnitRows:
    """One unit of the digest and what is written for it."""

    parsed: ParsedUnit
    unit: Unit
    unit_created: bool
    assignment: Assignment
    assignment_created: bool
    problems: list[tuple[Problem, ParsedProblem, list[Measure]]] = field(default_factory=list)


def digest_units_write(
    *,
    actor: Actor,
    round_: Round,
    units: Sequence[ParsedUnit],
    reason: str,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Store the units' problems in ``round_``, started, with the unit's report on each
    measure; returns the number of problems. Refuses, storing nothing, a unit that already
    holds problems in the round (or is listed twice)."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    if progress is not None:
        progress(0, len(units))
    rows = _assignments(actor, round_, units)
    problems: list[Problem] = []
    for entry in rows:
        for ordinal, parsed in enumerate(entry.parsed.problems, start=1):
            problem = Problem(
                assignment=entry.assignment,
                ordinal=ordinal,
                title=parsed.title,
                unit_report=parsed.rectification,
                rectification_lead=parsed.lead,
                measures_numbered=any(m.ordinal is not None for m in parsed.measures),
            )
            problems.append(problem)
            entry.problems.append((problem, parsed, []))
    Problem.objects.bulk_create(problems, batch_size=BATCH_SIZE)
    measures: list[Measure] = []
    for entry in rows:
        for problem, parsed, made in entry.problems:
            for number, item in enumerate(parsed.measures, start=1):
                measure = Measure(problem=problem, ordinal=number, text=item.text)
                made.append(measure)
                measures.append(measure)
    Measure.objects.bulk_create(measures, batch_size=BATCH_SIZE)
    outcome_rows_save([outcome_rows(measure) for measure in measures], batch_size=BATCH_SIZE)
    for number, entry in enumerate(rows, start=1):
        _audit_created(actor, entry)
        if progress is not None:
            progress(number, len(rows))
    # A digest publishes rectification under way: each problem starts at once, through its
    # workflow, and what the digest says was done is the unit's report on each measure, which
    # starts the measure.
    PROBLEM.apply_many(problems, "start", actor=actor, reason=reason, batch_size=BATCH_SIZE)
    reports = [
        ProgressReport(measure=measure, author=user, text=measure.text) for measure in measures
    ]
    ProgressReport.objects.bulk_create(reports, batch_size=BATCH_SIZE)
    ReportOutcome.objects.bulk_create(
        [row for report in reports for row in report_outcome_rows(report)], batch_size=BATCH_SIZE
    )
    for report in reports:
        audit_record(
            actor=actor,
            action="progress.create",
            instance=report,
            before=None,
            after=snapshot(report),
            scope=problem_scope(report.measure.problem),
        )
    MEASURE.apply_many(measures, "start", actor=actor, batch_size=BATCH_SIZE)
    # What each measure's move does after it (rectification.workflow): the problem's version.
    by_count: dict[int, list[int]] = defaultdict(list)
    for entry in rows:
        for problem, _parsed, made in entry.problems:
            by_count[len(made)].append(problem.pk)
    now = timezone.now()
    for count, ids in by_count.items():
        for start in range(0, len(ids), BATCH_SIZE):
            Problem.objects.filter(pk__in=ids[start : start + BATCH_SIZE]).update(
                version=F("version") + count, updated_at=now
            )
    clocks_changed(actor=actor, source="measure", ids=[m.pk for m in measures])
    clocks_changed(actor=actor, source="problem", ids=[p.pk for p in problems])
    return len(problems)


def _assignments(actor: Actor, round_: Round, units: Sequence[ParsedUnit]) -> list[_UnitRows]:
    """Each parsed unit's unit and assignment in the round, created in bulk where missing."""
    names = [parsed.name for parsed in units]
    known: dict[str, Unit] = {}
    for unit in top_units(round_.committee).filter(name__in=set(names)):
        known.setdefault(unit.name, unit)  # the committee's own first, as unit_get_or_create
    created_units = [
        Unit(name=name, parent=None, committee=round_.committee)
        for name in dict.fromkeys(names)
        if name not in known
    ]
    Unit.objects.bulk_create(created_units, batch_size=BATCH_SIZE)
    new_units = {unit.name for unit in created_units}
    known.update({unit.name: unit for unit in created_units})
    existing = {
        assignment.unit_id: assignment
        for assignment in Assignment.objects.filter(
            round=round_, unit__in=[unit.pk for unit in known.values()]
        ).annotate(problem_count=Count("problems"))
    }
    position = round_.assignments.count()
    rows: list[_UnitRows] = []
    first: dict[int, _UnitRows] = {}
    for parsed in units:
        unit = known[parsed.name]
        earlier = first.get(unit.pk)
        assignment = earlier.assignment if earlier else existing.get(unit.pk)
        held = (
            len(earlier.parsed.problems)
            if earlier
            else getattr(assignment, "problem_count", 0)
            if assignment is not None
            else 0
        )
        if held:
            raise DigestRefused(
                _(
                    "单位“%(unit)s”在轮次“%(round)s”中已有%(count)s个问题，为免重复，本次未导入任何内容。"
                )
                % {"unit": unit.name, "round": round_.name, "count": held},
                line=parsed.line,
            )
        created = assignment is None
        if assignment is None:
            position += 1
            assignment = Assignment(round=round_, unit=unit, position=position)
        assignment.unit = unit
        entry = _UnitRows(
            parsed=parsed,
            unit=unit,
            unit_created=unit.name in new_units and earlier is None,
            assignment=assignment,
            assignment_created=created,
        )
        first.setdefault(unit.pk, entry)
        rows.append(entry)
    Assignment.objects.bulk_create(
        [row.assignment for row in rows if row.assignment_created], batch_size=BATCH_SIZE
    )
    return rows


def _audit_created(actor: Actor, entry: _UnitRows) -> None:
    """The unit's creation audit rows in the order the services write them."""
    if entry.unit_created:
        audit_record(
            actor=actor,
            action="unit.create",
            instance=entry.unit,
            before=None,
            after=snapshot(entry.unit),
        )
    if entry.assignment_created:
        audit_record(
            actor=actor,
            action="assignment.create",
            instance=entry.assignment,
            before=None,
            after=snapshot(entry.assignment),
        )
    for problem, _parsed, measures in entry.problems:
        scope = problem_scope(problem)
        audit_record(
            actor=actor,
            action="problem.create",
            instance=problem,
            before=None,
            after=snapshot(problem),
            scope=scope,
        )
        for measure in measures:
            audit_record(
                actor=actor,
                action="measure.create",
                instance=measure,
                before=None,
                after=snapshot(measure),
                scope=scope,
            )
