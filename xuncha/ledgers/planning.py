"""The plan of an import: every difference between the sheet and the round, what each becomes
for the acting user (``ledgers.routes``), what is new and what is left alone.

The plan is made from what is stored, without writing; ``ledgers.applying`` carries it out
(for real, or for a preview in a transaction rolled back), and the services and workflows
there have the last word.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from xuncha.core.models import Role
from xuncha.core.permissions import SYSTEM, Actor
from xuncha.findings.models import Measure, MeasureStatus, Problem
from xuncha.ledgers.columns import BY_NAME, Kind, measure_key
from xuncha.ledgers.export import MeasureRow
from xuncha.ledgers.preview import Becomes, FieldChange, MatchedBy, NewRecord, RecordChange
from xuncha.ledgers.reading import SheetError
from xuncha.ledgers.reading_problems import MEASURE_COLUMNS, PROBLEM_COLUMNS, comparable
from xuncha.ledgers.reconcile import MeasureMatch, ProblemMatch, Reconciled, plan_status_of
from xuncha.ledgers.routes import (
    PROPOSAL_FIELDS,
    Situation,
    differs,
    display,
    measure_cells,
    problem_values,
    route,
    unit_route,
)
from xuncha.rectification.authority import plan_edit_refusal
from xuncha.rectification.requests import MeasureProposal
from xuncha.rounds.access import acting_roles

# The cells stored in a limited column, and that column.
LIMITS: dict[str, tuple[type[models.Model], str]] = {
    "title": (Problem, "title"),
    "category": (Problem, "category"),
    "owner": (Measure, "owner"),
    "department": (Measure, "department"),
}


@dataclass
class PlannedMeasure:
    """A measure's row: the changes to its measure, or the measure it adds (``new``)."""

    match: MeasureMatch
    record: RecordChange | None = None
    new: NewRecord | None = None


@dataclass
class PlannedProblem:
    """A problem's rows: the changes to its problem, or the problem it adds, and its measures.
    ``situation`` is None for a new problem."""

    match: ProblemMatch
    situation: Situation | None
    record: RecordChange | None = None
    new: NewRecord | None = None
    measures: list[PlannedMeasure] = field(default_factory=list)

    @property
    def changes(self) -> list[FieldChange]:
        return self.record.changes if self.record is not None else []


@dataclass
class ImportPlan:
    """The planned problems in the sheet's order, the keys left unchanged, and the errors of
    cells no service could store (too long, empty where text is needed)."""

    problems: list[PlannedProblem]
    unchanged: list[str]
    errors: list[SheetError]


def plan_import(reconciled: Reconciled, actor: Actor) -> ImportPlan:
    """Every change of the sheet with what it becomes, and the keys of what it leaves alone."""
    state = reconciled.state
    planned: list[PlannedProblem] = []
    unchanged: list[str] = []
    roles: dict[int, frozenset[str]] = {}
    for match in reconciled.problems:
        assignment = match.assignment
        if assignment.pk not in roles:
            roles[assignment.pk] = acting_roles(actor, assignment)
        if match.problem is None:
            planned.append(_new_problem(match, roles[assignment.pk], reconciled))
            continue
        problem = match.problem
        situation = Situation(
            actor,
            problem,
            roles[assignment.pk],
            plan_status_of(state, problem),
            state.pending.get(problem.pk, []),
        )
        item = PlannedProblem(match, situation)
        current = problem_values(problem, state.today)
        changes = _changes(PROBLEM_COLUMNS, match.sheet.values, current, reconciled, situation)
        if match.matched_by != MatchedBy.KEY:
            # Matched without a key, the row was found by its unit; by its title, its 序号 is
            # the sheet's own numbering, not the problem's.
            ignored = {"unit", "ordinal"} if match.matched_by == MatchedBy.TITLE else {"unit"}
            changes = [change for change in changes if change.column not in ignored]
        if changes:
            item.record = _record(match, None, changes)
        for measure_match in match.measures:
            item.measures.append(_measure(item, measure_match, reconciled))
        _drop_pending(item)
        if item.record is not None and not item.record.changes:
            item.record = None
        if item.record is None:
            unchanged.append(match.key)
        for measure in item.measures:
            if measure.record is not None and not measure.record.changes:
                measure.record = None
            if measure.record is None and measure.match.measure is not None:
                unchanged.append(measure_key(measure.match.measure.pk))
        planned.append(item)
    return ImportPlan(planned, unchanged, input_errors(reconciled))


def input_errors(reconciled: Reconciled) -> list[SheetError]:
    """Cells longer than their column holds, and measures or new problems without text."""
    errors: list[SheetError] = []
    for match in reconciled.problems:
        sheet = match.sheet
        if match.problem is None and "title" in reconciled.columns and not sheet.title.strip():
            errors.append(sheet.error("title", _("新增问题的“问题”不能为空。")))
        errors.extend(_too_long(match, sheet.values, sheet.row))
        for measure in match.measures:
            errors.extend(_too_long(match, measure.sheet.values, measure.sheet.row))
            if "measure" in reconciled.columns and not measure.sheet.text.strip():
                message = _("该行有措施内容以外的措施信息，但“整改措施”为空。")
                errors.append(sheet.error("measure", message, row=measure.sheet.row))
    return errors


def _too_long(match: ProblemMatch, values: dict[str, Any], row: int) -> list[SheetError]:
    errors = []
    for name, (model, field_name) in LIMITS.items():
        value = values.get(name)
        limit = getattr(model._meta.get_field(field_name), "max_length", None)
        if isinstance(value, str) and limit is not None and len(value) > limit:
            message = _("“%(header)s”最多%(limit)s字，此处有%(length)s字。") % {
                "header": BY_NAME[name].header,
                "limit": limit,
                "length": len(value),
            }
            errors.append(match.sheet.error(name, message, row=row))
    return errors


def _changes(
    names: tuple[str, ...],
    values: dict[str, Any],
    current: dict[str, Any],
    reconciled: Reconciled,
    situation: Situation,
) -> list[FieldChange]:
    changes = []
    for name in names:
        if name not in reconciled.columns or name not in current:
            continue
        column = BY_NAME[name]
        new, old = values.get(name), current[name]
        if not differs(column, new, old):
            continue
        routed = route(column, old, new, situation, current.get("measure_status", ""))
        if routed is None:
            continue
        becomes, reason, move = routed
        if new is None and column.kind == Kind.TEXT:
            new = ""
        changes.append(
            FieldChange(
                name,
                str(column.header),
                display(column, old),
                display(column, new),
                becomes,
                reason,
                old,
                new,
                move=move,
            )
        )
    return changes


def _record(
    match: ProblemMatch, measure: MeasureMatch | None, changes: list[FieldChange]
) -> RecordChange:
    assert match.problem is not None
    if measure is not None:
        assert measure.measure is not None and measure.matched_by is not None
        key, row, how, score = (
            measure_key(measure.measure.pk),
            measure.sheet.row,
            measure.matched_by,
            measure.score,
        )
    else:
        assert match.matched_by is not None
        key, row, how, score = match.key, match.sheet.row, match.matched_by, match.score
    return RecordChange(
        level="measure" if measure is not None else "problem",
        key=key,
        sheet=match.sheet.sheet.name,
        row=row,
        unit=match.assignment.unit.name,
        title=match.problem.title,
        ordinal=measure.sheet.position if measure is not None else None,
        matched_by=how,
        score=score,
        changes=changes,
    )


def _measure(item: PlannedProblem, match: MeasureMatch, reconciled: Reconciled) -> PlannedMeasure:
    situation = item.situation
    assert situation is not None
    if match.measure is None:
        return PlannedMeasure(match, new=_new_measure(item, match, reconciled))
    current = measure_cells(match.measure)
    changes = _changes(MEASURE_COLUMNS, match.sheet.values, current, reconciled, situation)
    if not changes:
        return PlannedMeasure(match)
    return PlannedMeasure(match, record=_record(item.match, match, changes))


def _filled(names: tuple[str, ...], values: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        (str(BY_NAME[name].header), display(BY_NAME[name], values[name]))
        for name in names
        if values.get(name) not in (None, "")
    ]


def _new_measure(item: PlannedProblem, match: MeasureMatch, reconciled: Reconciled) -> NewRecord:
    situation = item.situation
    assert situation is not None
    refusal = plan_edit_refusal(situation.actor, situation.problem, situation.plan_status)
    becomes, reason = Becomes.APPLY, ""
    if refusal and Role.UNIT in situation.roles:
        becomes = Becomes.REVISION_REQUEST
    elif refusal:
        becomes, reason = Becomes.REFUSED, refusal
    record = NewRecord(
        level="measure",
        sheet=match.sheet.sheet,
        row=match.sheet.row,
        unit=item.match.assignment.unit.name,
        problem_key=item.match.key,
        title=match.sheet.text,
        values=_filled(MEASURE_COLUMNS, match.sheet.values),
        becomes=becomes,
        reason=reason,
        needs_confirmation=item.match.matched_by != MatchedBy.KEY,
    )
    record.changes = _follow_ups(match.sheet.values, reconciled, becomes)
    return record


def _new_problem(
    match: ProblemMatch, roles: frozenset[str], reconciled: Reconciled
) -> PlannedProblem:
    becomes, reason = Becomes.APPLY, ""
    if not {Role.OFFICE, SYSTEM} & roles:
        becomes, reason = Becomes.REFUSED, _("新增问题须由巡察办录入。")
    record = NewRecord(
        level="problem",
        sheet=match.sheet.sheet.name,
        row=match.sheet.row,
        unit=match.assignment.unit.name,
        problem_key="",
        title=match.sheet.title,
        values=_filled(PROBLEM_COLUMNS, match.sheet.values),
        becomes=becomes,
        reason=reason,
    )
    item = PlannedProblem(match, None, new=record)
    for measure in match.measures:
        new = NewRecord(
            level="measure",
            sheet=measure.sheet.sheet,
            row=measure.sheet.row,
            unit=record.unit,
            problem_key="",
            title=measure.sheet.text,
            values=_filled(MEASURE_COLUMNS, measure.sheet.values),
            becomes=becomes,
            reason=reason,
        )
        new.changes = _follow_ups(measure.sheet.values, reconciled, becomes)
        record.measures.append(new)
        item.measures.append(PlannedMeasure(measure, new=new))
    return item


def _follow_ups(
    values: dict[str, Any], reconciled: Reconciled, becomes: Becomes
) -> list[FieldChange]:
    """What a new measure's row reports beyond the plan (its progress, its status), made once
    the measure is: a measure only asked for cannot have them yet."""
    changes = []
    for name in ("progress", "measure_status"):
        column = BY_NAME[name]
        new = values.get(name)
        if name not in reconciled.columns or new in (None, "", MeasureStatus.NOT_STARTED):
            continue
        kind, reason, move = unit_route(column, new, MeasureStatus.NOT_STARTED)
        if becomes != Becomes.APPLY:
            kind = Becomes.REFUSED
            reason = _("新增措施尚待巡察办批准，暂不能报告进展或完成情况。")
        shown = display(column, new)
        changes.append(
            FieldChange(name, str(column.header), "", shown, kind, reason, None, new, move=move)
        )
    return changes


def proposal_values(row: MeasureRow, changes: list[FieldChange]) -> dict[str, Any]:
    """A measure's values as a revision request stores them, with ``changes`` made."""
    values: dict[str, Any] = {
        "text": row.text,
        "owner": row.owner,
        "department": row.department,
        "deadline": row.deadline,
    }
    for change in changes:
        values[PROPOSAL_FIELDS[change.column]] = change.new
    return MeasureProposal(None, **values).values()


def _drop_pending(item: PlannedProblem) -> None:
    """Leave out what a request waiting for the office already asks for, so that importing a
    sheet again does not ask twice."""
    situation = item.situation
    assert situation is not None
    if item.record is not None:
        item.record.changes = [
            change
            for change in item.record.changes
            if not (
                change.becomes == Becomes.EXTENSION_REQUEST
                and situation.extension_pending(None, change.new)
            )
        ]
        item.record.changes = [
            change
            for change in item.record.changes
            if not (
                change.becomes == Becomes.REVISION_REQUEST
                and situation.revision_pending(_same_kind(change.new))
            )
        ]
    for measure in item.measures:
        row = measure.match.measure
        if measure.record is not None and row is not None:
            kept = [
                change
                for change in measure.record.changes
                if not (
                    change.becomes == Becomes.EXTENSION_REQUEST
                    and situation.extension_pending(row.pk, change.new)
                )
            ]
            asked = [change for change in kept if change.becomes == Becomes.REVISION_REQUEST]
            if asked and situation.revision_pending(
                _same_update(row.pk, proposal_values(row, asked))
            ):
                kept = [change for change in kept if change not in asked]
            measure.record.changes = kept
        new = measure.new
        asked_for = new is not None and new.becomes == Becomes.REVISION_REQUEST
        if asked_for and situation.revision_pending(_same_addition(measure.match.sheet.text)):
            measure.new = None


def _same_kind(kind: Any) -> Any:
    return lambda change: (
        change.get("action") == "kind" and change["after"] == {"rectification_kind": kind}
    )


def _same_update(pk: int, after: dict[str, Any]) -> Any:
    return lambda change: change.get("measure") == pk and change.get("after") == after


def _same_addition(text: str) -> Any:
    return lambda change: (
        change.get("action") == "add"
        and comparable((change.get("after") or {}).get("text")) == comparable(text)
    )


__all__ = [
    "LIMITS",
    "ImportPlan",
    "PlannedMeasure",
    "PlannedProblem",
    "input_errors",
    "plan_import",
    "proposal_values",
]
