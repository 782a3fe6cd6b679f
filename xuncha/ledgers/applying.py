"""Carrying out an import's plan through the services and workflows, change by change.

Each change (or group of changes one service makes together: a measure's edit, a problem's
revision request) runs in its own savepoint with its own audit batch. A service or workflow
that refuses it (:data:`REFUSALS`: no right, a guard, a request already waiting …) rolls back
that savepoint only, and the change is shown refused with the service's own message. Anything
else (a database error, a bug) is :class:`LedgerRowFailed` naming the row, and the caller's
transaction rolls the whole import back.

A preview runs the same plan in a transaction it rolls back, so what it shows as refused is
what the services refuse, in the order the import would make the changes (a progress report
first, then the 已完成 it allows).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any, TypeVar

from django.db import transaction
from django.utils.translation import gettext as _

from xuncha.core.audit import audit_batch
from xuncha.core.permissions import Actor
from xuncha.core.workflow import TransitionRefused
from xuncha.findings.models import Measure, MeasureStatus, Problem, ProblemStatus
from xuncha.findings.services import (
    EditConflict,
    MeasureInput,
    problem_create,
    problem_wording_update,
)
from xuncha.ledgers.planning import ImportPlan, PlannedMeasure, PlannedProblem
from xuncha.ledgers.preview import Becomes, FieldChange, MatchedBy, NewRecord
from xuncha.ledgers.routes import MEASURE_MOVES, PROPOSAL_FIELDS
from xuncha.rectification.authority import measure_add, measure_change, problem_plan_change
from xuncha.rectification.models import PlanStatus, RectificationPlan
from xuncha.rectification.requests import MeasureProposal, extension_request, revision_request
from xuncha.rectification.services import progress_report_create
from xuncha.rectification.transitions import measure_transition, problem_transition

T = TypeVar("T")

REFUSALS = (PermissionError, ValueError, TransitionRefused, EditConflict)
"""What a service or a workflow raises when it will not make a change (EditRefused is a
PermissionError, RequestRefused and ClockError are ValueErrors): the change is refused, the
import goes on."""


class LedgerRowFailed(Exception):
    """A change that failed for a reason no refusal explains; the import is rolled back."""

    def __init__(self, sheet: str, row: int, message: str) -> None:
        super().__init__(message)
        self.sheet = sheet
        self.row = row
        self.message = message


@dataclass
class Outcome:
    """What a run did: changes made, requests made, changes refused, rows left unconfirmed."""

    made: int = 0
    requests: int = 0
    refused: int = 0
    unconfirmed: list[tuple[str, int]] = field(default_factory=list)


Confirmed = Callable[[str, int], bool]
PLAN_COLUMNS = ("rectification_kind", "problem_deadline")


class Run:
    """One pass over an import's plan, as ``actor``; ``confirmed(sheet, row)`` says whether a
    row matched without a key may be changed."""

    def __init__(
        self,
        *,
        actor: Actor,
        plan: ImportPlan,
        reason: str,
        confirmed: Confirmed,
        today: dt.date,
    ) -> None:
        self.actor = actor
        self.plan = plan
        self.reason = reason
        self.confirmed = confirmed
        self.today = today
        self.outcome = Outcome()

    def all(self) -> Outcome:
        for item in self.plan.problems:
            self.problem(item)
        return self.outcome

    # -------------------------------------------------------------------- one attempt

    def attempt(
        self,
        sheet: str,
        row: int,
        refuse: Sequence[FieldChange | NewRecord],
        action: Callable[[], T],
    ) -> T | None:
        """Make one service call in its own savepoint and audit batch; a refusal marks
        ``refuse`` refused with the service's message and returns None."""
        try:
            with transaction.atomic(), audit_batch():
                result = action()
        except REFUSALS as error:
            for change in refuse:
                change.refuse(str(error))
            self.outcome.refused += len(refuse)
            return None
        except LedgerRowFailed:
            raise
        except Exception as error:
            raise LedgerRowFailed(sheet, row, str(error) or type(error).__name__) from error
        self.outcome.made += len(refuse)
        return result

    # -------------------------------------------------------------------- a problem

    def problem(self, item: PlannedProblem) -> None:
        sheet = item.match.sheet.sheet.name
        if item.new is not None:
            if item.new.becomes == Becomes.APPLY:
                self.create_problem(item)
            return
        assert item.match.problem is not None
        pk = item.match.problem.pk
        row = item.match.sheet.row
        if item.match.matched_by != MatchedBy.KEY and not self.confirmed(sheet, row):
            if item.record is not None or any(m.record or m.new for m in item.measures):
                self.outcome.unconfirmed.append((sheet, row))
            return
        changes = {change.column: change for change in item.changes}
        wording = [changes[n] for n in ("title", "category") if _made(changes.get(n))]
        if wording:
            self.attempt(sheet, row, wording, partial(self._wording, pk, wording))
        plan = [
            changes[n] for n in ("rectification_kind", "problem_deadline") if _made(changes.get(n))
        ]
        if plan:
            self.attempt(sheet, row, plan, partial(self._plan, pk, plan))
        measures = [m for m in item.measures if self._measure_confirmed(sheet, item, m)]
        for measure in measures:
            direct = [c for c in _changes(measure) if c.becomes == Becomes.APPLY]
            if direct:
                edit = partial(self._edit, _measure_pk(measure), direct)
                self.attempt(sheet, measure.match.sheet.row, direct, edit)
        for measure in measures:
            if measure.new is not None and measure.new.becomes == Becomes.APPLY:
                self.add_measure(pk, measure)
        self.extensions(pk, sheet, item, measures)
        self.revision(pk, sheet, item, measures)
        for measure in measures:
            self.reports(sheet, measure)
        closing = changes.get("closed")
        if closing is not None and closing.becomes == Becomes.TRANSITION:
            self.attempt(sheet, row, [closing], partial(self._move_problem, pk, closing.move))

    def _measure_confirmed(self, sheet: str, item: PlannedProblem, measure: PlannedMeasure) -> bool:
        how = measure.match.matched_by
        if how is None or how == MatchedBy.KEY or self.confirmed(sheet, measure.match.sheet.row):
            return True
        if measure.record is not None:
            self.outcome.unconfirmed.append((sheet, measure.match.sheet.row))
        return False

    def _wording(self, pk: int, changes: list[FieldChange]) -> Problem:
        problem = Problem.objects.get(pk=pk)
        values = {"title": problem.title, "category": problem.category}
        values.update({change.column: str(change.new or "") for change in changes})
        return problem_wording_update(actor=self.actor, problem=problem, **values)

    def _plan(self, pk: int, changes: list[FieldChange]) -> Problem:
        problem = Problem.objects.get(pk=pk)
        values: dict[str, Any] = {"rectification_kind": problem.rectification_kind}
        values["deadline"] = problem.deadline
        for change in changes:
            name = "deadline" if change.column == "problem_deadline" else change.column
            values[name] = change.new or (None if name == "deadline" else "")
        return problem_plan_change(
            actor=self.actor, problem=problem, expected_version=None, **values
        )

    def _edit(self, pk: int, changes: list[FieldChange]) -> Measure:
        measure = Measure.objects.get(pk=pk)
        values = _measure_values(measure, changes)
        version = Problem.objects.values_list("version", flat=True).get(pk=measure.problem_id)
        return measure_change(actor=self.actor, measure=measure, expected_version=version, **values)

    def _move_problem(self, pk: int, move: str) -> Problem:
        problem = Problem.objects.get(pk=pk)
        return problem_transition(actor=self.actor, problem=problem, name=move, reason=self.reason)

    # -------------------------------------------------------------------- requests

    def extensions(
        self, pk: int, sheet: str, item: PlannedProblem, measures: list[PlannedMeasure]
    ) -> None:
        """A later deadline asked for: the problem's, then each measure's."""
        asked: list[tuple[int | None, int, FieldChange]]
        asked = [(None, item.match.sheet.row, c) for c in item.changes]
        for measure in measures:
            asked += [(_measure_pk(measure), measure.match.sheet.row, c) for c in _changes(measure)]
        for measure_pk, row, change in asked:
            if change.becomes != Becomes.EXTENSION_REQUEST:
                continue
            ask = partial(self._extension, pk, measure_pk, change)
            if self.attempt(sheet, row, [change], ask) is not None:
                self.outcome.requests += 1

    def _extension(self, pk: int, measure_pk: int | None, change: FieldChange) -> Any:
        return extension_request(
            actor=self.actor,
            problem=Problem.objects.get(pk=pk),
            new_date=change.new,
            reason=self.reason,
            measure=Measure.objects.get(pk=measure_pk) if measure_pk else None,
            today=self.today,
        )

    def revision(
        self, pk: int, sheet: str, item: PlannedProblem, measures: list[PlannedMeasure]
    ) -> None:
        """One revision request for the problem, grouping its measures' changes and its new
        measures (and its 整改类型)."""
        kind = next(
            (c for c in item.changes if c.becomes == Becomes.REVISION_REQUEST),
            None,
        )
        asked: list[FieldChange | NewRecord] = [kind] if kind is not None else []
        proposals: list[tuple[int | None, list[FieldChange], dict[str, Any]]] = []
        for measure in measures:
            changes = [c for c in _changes(measure) if c.becomes == Becomes.REVISION_REQUEST]
            if changes:
                proposals.append((_measure_pk(measure), changes, {}))
                asked += changes
            if measure.new is not None and measure.new.becomes == Becomes.REVISION_REQUEST:
                values = measure.match.sheet.values
                proposals.append((None, [], _new_values(values)))
                asked.append(measure.new)
        if not asked:
            return

        def ask() -> Any:
            made = []
            for measure_pk, changes, values in proposals:
                if measure_pk is None:
                    made.append(MeasureProposal(None, **values))
                    continue
                stored = Measure.objects.get(pk=measure_pk)
                made.append(MeasureProposal(stored, **_measure_values(stored, changes)))
            return revision_request(
                actor=self.actor,
                problem=Problem.objects.get(pk=pk),
                proposals=made,
                reason=self.reason,
                rectification_kind=(kind.new or "") if kind is not None else None,
            )

        if self.attempt(sheet, item.match.sheet.row, asked, ask) is not None:
            self.outcome.requests += 1

    # -------------------------------------------------------------------- what the unit reports

    def reports(self, sheet: str, measure: PlannedMeasure, pk: int | None = None) -> None:
        """The measure's new progress report, then the move its 完成情况 asks for."""
        changes = measure.new.changes if measure.new is not None else _changes(measure)
        pk = pk or (_measure_pk(measure) if measure.match.measure is not None else None)
        if pk is None:
            return
        row = measure.match.sheet.row
        for change in changes:
            if change.column == "progress" and change.becomes == Becomes.PROGRESS_REPORT:
                self.attempt(sheet, row, [change], partial(self._report, pk, str(change.new)))
        for change in changes:
            if change.column == "measure_status" and change.becomes == Becomes.TRANSITION:
                self.attempt(sheet, row, [change], partial(self._move_measure, pk, change))

    def _report(self, pk: int, text: str) -> Any:
        return progress_report_create(
            actor=self.actor, measure=Measure.objects.get(pk=pk), text=text
        )

    def _move_measure(self, pk: int, change: FieldChange) -> Measure | None:
        measure = Measure.objects.get(pk=pk)
        if measure.status == change.new:
            change.reason = _("进展报告已使措施变为“%(status)s”。") % {
                "status": MeasureStatus(change.new).label
            }
            return measure
        move = MEASURE_MOVES.get((MeasureStatus(measure.status), MeasureStatus(change.new)))
        if move is None:
            raise TransitionRefused(
                _("完成情况不能由“%(old)s”改为“%(new)s”。")
                % {
                    "old": MeasureStatus(measure.status).label,
                    "new": MeasureStatus(change.new).label,
                }
            )
        return measure_transition(actor=self.actor, measure=measure, name=move, reason=self.reason)

    # -------------------------------------------------------------------- new records

    def add_measure(self, pk: int, measure: PlannedMeasure) -> None:
        assert measure.new is not None
        values = _new_values(measure.match.sheet.values)
        sheet = measure.new.sheet

        def add() -> Measure:
            return measure_add(
                actor=self.actor,
                problem=Problem.objects.get(pk=pk),
                expected_version=None,
                **values,
            )

        made = self.attempt(sheet, measure.new.row, [measure.new], add)
        if made is not None:
            self.reports(sheet, measure, made.pk)

    def create_problem(self, item: PlannedProblem) -> None:
        """A new problem with its measures, started when its unit's rectification has."""
        assert item.new is not None
        values = item.match.sheet.values
        assignment = item.match.assignment
        sheet = item.new.sheet

        def create() -> Problem:
            problem = problem_create(
                actor=self.actor,
                assignment=assignment,
                title=str(values.get("title") or "").strip(),
                category=str(values.get("category") or "").strip(),
                rectification_kind=values.get("rectification_kind") or "",
                deadline=values.get("problem_deadline"),
                measures=[MeasureInput(**_new_values(m.match.sheet.values)) for m in item.measures],
            )
            if _started(assignment.pk, problem.pk):
                problem = problem_transition(
                    actor=self.actor, problem=problem, name="start", reason=self.reason
                )
            return problem

        made = self.attempt(sheet, item.new.row, [item.new, *item.new.measures], create)
        if made is None:
            return
        self.outcome.made -= len(item.new.measures)  # counted as the problem's
        created = list(made.measures.order_by("ordinal").values_list("pk", flat=True))
        for measure, measure_pk in zip(item.measures, created, strict=True):
            self.reports(sheet, measure, measure_pk)


def _made(change: FieldChange | None) -> bool:
    return change is not None and change.becomes == Becomes.APPLY


def _changes(measure: PlannedMeasure) -> list[FieldChange]:
    return measure.record.changes if measure.record is not None else []


def _measure_pk(measure: PlannedMeasure) -> int:
    assert measure.match.measure is not None
    return measure.match.measure.pk


def _measure_values(measure: Measure, changes: list[FieldChange]) -> dict[str, Any]:
    """A measure's text, owner, department and deadline with ``changes`` made."""
    values: dict[str, Any] = {
        "text": measure.text,
        "owner": measure.owner,
        "department": measure.department,
        "deadline": measure.deadline,
    }
    for change in changes:
        name = PROPOSAL_FIELDS[change.column]
        values[name] = change.new if name == "deadline" else str(change.new or "")
    return values


def _new_values(values: dict[str, Any]) -> dict[str, Any]:
    """A new measure's text, owner, department and deadline from its row."""
    return {
        "text": str(values.get("measure") or "").strip(),
        "owner": str(values.get("owner") or "").strip(),
        "department": str(values.get("department") or "").strip(),
        "deadline": values.get("deadline"),
    }


def _started(assignment_id: int, new_id: int) -> bool:
    """Whether the unit's rectification has begun (its plan approved, or its other problems
    under way, as an imported digest's are): a problem added now starts with them."""
    if RectificationPlan.objects.filter(
        assignment_id=assignment_id, status=PlanStatus.APPROVED
    ).exists():
        return True
    return (
        Problem.objects.filter(assignment_id=assignment_id)
        .exclude(pk=new_id)
        .exclude(status=ProblemStatus.PENDING)
        .exists()
    )


__all__ = [
    "REFUSALS",
    "LedgerRowFailed",
    "Outcome",
    "Run",
]
