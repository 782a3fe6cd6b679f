"""Writes to problems and measures. Each service is one transaction with its audit rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from xuncha.clocks.services import clocks_changed
from xuncha.core.audit import audit_record, snapshot
from xuncha.core.models import Role
from xuncha.core.permissions import SYSTEM, Actor
from xuncha.findings.models import (
    Accountability,
    Measure,
    MeasureStatus,
    Outcome,
    Problem,
    ProblemStatus,
    RectificationKind,
    Regulation,
)
from xuncha.findings.reading import outcomes_of, read_first
from xuncha.rounds.access import acting_roles, may_edit_unit
from xuncha.rounds.models import Assignment
from xuncha.text.notice import money_category_at
from xuncha.text.quantities import Quantity as TextQuantity


class EditConflict(Exception):
    """Someone else saved the record after this edit began; nothing was written."""


class EditRefused(PermissionError):
    """The actor may not change this unit's rectification."""


def problem_scope(problem: Problem) -> str:
    """The audit scope under which a problem's history is gathered."""
    return f"problem:{problem.pk}"


def bump_version(problem: Problem) -> None:
    """Mark a problem changed, so that an edit begun before this one is refused."""
    problem.version += 1
    problem.save(update_fields=["version", "updated_at"])


@dataclass(frozen=True)
class MeasureInput:
    """A measure to create: its text and, when known, who owns it and by when."""

    text: str
    owner: str = ""
    department: str = ""
    deadline: dt.date | None = None


@transaction.atomic
def problem_create(
    *,
    actor: Actor,
    assignment: Assignment,
    title: str,
    measures: Sequence[MeasureInput],
    text: str = "",
    category: str = "",
    rectification_kind: str = "",
    deadline: dt.date | None = None,
    unit_report: str = "",
    rectification_lead: str = "",
    measures_numbered: bool | None = None,
) -> Problem:
    """Create a 待整改 problem with its measures; their outcomes are read from their text.

    It enters rectification through its workflow (``rectification.transitions``): an approved
    plan starts it, an import starts it at once.
    """
    ordinal = (
        assignment.problems.order_by("-ordinal").values_list("ordinal", flat=True).first() or 0
    ) + 1
    problem = Problem.objects.create(
        assignment=assignment,
        ordinal=ordinal,
        title=title,
        text=text,
        category=category,
        rectification_kind=rectification_kind,
        deadline=deadline,
        unit_report=unit_report,
        rectification_lead=rectification_lead,
        # Unless told, a single measure is written as the whole rectification (no 一是).
        measures_numbered=len(measures) > 1 if measures_numbered is None else measures_numbered,
    )
    audit_record(
        actor=actor,
        action="problem.create",
        instance=problem,
        before=None,
        after=snapshot(problem),
        scope=problem_scope(problem),
    )
    created = []
    for number, item in enumerate(measures, start=1):
        measure = Measure.objects.create(
            problem=problem,
            ordinal=number,
            text=item.text,
            owner=item.owner,
            department=item.department,
            deadline=item.deadline,
        )
        outcomes_refresh(measure)
        created.append(measure.pk)
        audit_record(
            actor=actor,
            action="measure.create",
            instance=measure,
            before=None,
            after=snapshot(measure),
            scope=problem_scope(problem),
        )
    clocks_changed(actor=actor, source="measure", ids=created)
    clocks_changed(actor=actor, source="problem", ids=[problem.pk])
    return problem


def outcomes_refresh(measure: Measure) -> None:
    """Re-read the outcomes, accountability and regulations stated in a measure's text.

    They are derived from the text: when the text changes, the old figures no longer belong to
    it, so they are replaced rather than merged.
    """
    measure.outcomes.all().delete()
    measure.accountabilities.all().delete()
    measure.regulations.all().delete()
    outcome_rows_save([outcome_rows(measure)])


@dataclass
class OutcomeRows:
    """The rows a measure's text states, not yet saved. ``accountability`` is in the order of
    the facts found; ``part_of`` gives, for each, the index of the count it is a part of
    (其中…), or None."""

    outcomes: list[Outcome]
    accountability: list[Accountability]
    part_of: list[int | None]
    regulations: list[Regulation]


def quantity_columns(position: int, quantity: TextQuantity) -> dict[str, Any]:
    """The columns a stored quantity (an outcome, a report's figure) takes from one found in a
    text, cut to their lengths."""
    return {
        "position": position,
        "kind": quantity.kind,
        "value": quantity.value,
        "amount": quantity.decimal(),
        "unit": quantity.unit,
        "qualifier": quantity.qualifier or "",
        "upper": quantity.upper or "",
        "inferred": quantity.inferred,
        "subject": quantity.subject[:64],
        "counts": quantity.counts[:64],
        "source_text": quantity.text[:100],
        "start": quantity.start,
        "end": quantity.end,
    }


def outcome_rows(measure: Measure) -> OutcomeRows:
    """The outcome, accountability and regulation rows of a measure's text (read beforehand
    where :mod:`xuncha.findings.reading` did)."""
    found = outcomes_of(measure.text)
    outcomes = [
        Outcome(
            measure=measure,
            **quantity_columns(position, quantity),
            money_category=money_category_at(
                measure.text, quantity.start, quantity.end, quantity.subject
            )
            if quantity.kind == "money"
            else "",
        )
        for position, quantity in enumerate(found.quantities)
    ]
    facts = found.accountability
    rows = [
        Accountability(
            measure=measure,
            kind=fact.kind[:64],
            kinds=list(fact.kinds),
            people=fact.people,
            unit=fact.unit,
            source_text=fact.text[:200],
            start=fact.start,
            end=fact.end,
        )
        for fact in facts
    ]
    regulations = [
        Regulation(
            measure=measure,
            title=(fact.title or "")[:300],
            count=fact.count,
            action=fact.action,
            source_text=fact.text[:400],
            start=fact.start,
            end=fact.end,
        )
        for fact in found.regulations
    ]
    return OutcomeRows(
        outcomes=outcomes,
        accountability=rows,
        part_of=[fact.part_of for fact in facts],
        regulations=regulations,
    )


def outcome_rows_save(batch: Sequence[OutcomeRows], batch_size: int = 500) -> None:
    """Insert the rows of many measures in bulk (their measures saved already)."""
    Outcome.objects.bulk_create(
        [row for rows in batch for row in rows.outcomes], batch_size=batch_size
    )
    # A part points at the count it breaks down, which is saved first.
    Accountability.objects.bulk_create(
        [
            row
            for rows in batch
            for row, parent in zip(rows.accountability, rows.part_of, strict=True)
            if parent is None
        ],
        batch_size=batch_size,
    )
    parts = []
    for rows in batch:
        for row, parent in zip(rows.accountability, rows.part_of, strict=True):
            if parent is not None:
                row.part_of = rows.accountability[parent]
                parts.append(row)
    Accountability.objects.bulk_create(parts, batch_size=batch_size)
    Regulation.objects.bulk_create(
        [row for rows in batch for row in rows.regulations], batch_size=batch_size
    )


MEASURE_EDITABLE_FIELDS = ["text", "owner", "department", "deadline"]


@read_first("text")
@transaction.atomic
def measure_update(
    *,
    actor: Actor,
    measure: Measure,
    expected_version: int,
    text: str,
    owner: str = "",
    department: str = "",
    deadline: dt.date | None = None,
) -> Measure:
    """Change a measure's wording, owner or deadline; refuse if the problem changed meanwhile.

    ``expected_version`` is the problem's version the editor started from: a second edit that
    raced the first gets :class:`EditConflict` instead of silently overwriting it.
    """
    problem = _problem_for_edit(actor, measure.problem_id, expected_version)
    measure = Measure.objects.select_for_update().get(pk=measure.pk)
    if not text.strip():
        raise ValueError(_("措施内容不能为空。"))
    before = snapshot(measure, MEASURE_EDITABLE_FIELDS)
    measure.text = text
    measure.owner = owner
    measure.department = department
    measure.deadline = deadline
    measure.save(update_fields=MEASURE_EDITABLE_FIELDS)
    after = snapshot(measure, MEASURE_EDITABLE_FIELDS)
    if before == after:
        return measure
    if before["text"] != after["text"]:
        outcomes_refresh(measure)
    if before["deadline"] != after["deadline"]:
        clocks_changed(actor=actor, source="measure", ids=[measure.pk])
    bump_version(problem)
    audit_record(
        actor=actor,
        action="measure.update",
        instance=measure,
        before=before,
        after=after,
        scope=problem_scope(problem),
    )
    return measure


def _problem_for_edit(
    actor: Actor, problem_id: int, expected_version: int | None, as_role: str | None = None
) -> Problem:
    """Lock the problem, check the actor may edit it and nobody saved it meanwhile.

    ``as_role`` is the part a calling service has already checked the actor plays (a
    follow-up visit's group setting a new deadline); it stands in for the unit check.
    """
    problem = (
        Problem.objects.select_for_update(of=("self",))
        .select_related("assignment")
        .get(pk=problem_id)
    )
    if as_role is None and not may_edit_unit(actor, problem.assignment.unit_id):
        raise EditRefused(_("您没有权限修改该单位的整改内容。"))
    if (
        as_role is None
        and problem.status != ProblemStatus.PENDING
        and actor is not None
        and Role.OFFICE not in acting_roles(actor, problem.assignment)
    ):
        # Once rectification has begun, what the unit is judged by is the office's to change
        # (``rectification.authority``); the unit asks for it (``rectification.requests``).
        raise EditRefused(
            _("问题处于“%(status)s”状态，整改时限、整改类型和措施由巡察办确定，单位不能直接修改。")
            % {"status": problem.get_status_display()}
        )
    if expected_version is not None and problem.version != expected_version:
        raise EditConflict(
            _("该问题已被他人修改（版本 %(now)s，您编辑时为 %(then)s），请刷新后重新编辑。")
            % {"now": problem.version, "then": expected_version}
        )
    return problem


@read_first("text")
@transaction.atomic
def measure_create(
    *,
    actor: Actor,
    problem: Problem,
    expected_version: int | None,
    text: str,
    owner: str = "",
    department: str = "",
    deadline: dt.date | None = None,
) -> Measure:
    """Add a measure to a problem's plan (last in order); its outcomes are read from its text."""
    locked = _problem_for_edit(actor, problem.pk, expected_version)
    if not text.strip():
        raise ValueError(_("措施内容不能为空。"))
    last = locked.measures.order_by("-ordinal").values_list("ordinal", flat=True).first() or 0
    measure = Measure.objects.create(
        problem=locked,
        ordinal=last + 1,
        text=text,
        owner=owner,
        department=department,
        deadline=deadline,
    )
    outcomes_refresh(measure)
    if deadline is not None:
        clocks_changed(actor=actor, source="measure", ids=[measure.pk])
    bump_version(locked)
    audit_record(
        actor=actor,
        action="measure.create",
        instance=measure,
        before=None,
        after=snapshot(measure),
        scope=problem_scope(locked),
    )
    return measure


@transaction.atomic
def measure_delete(*, actor: Actor, measure: Measure, expected_version: int | None) -> None:
    """Remove a measure that has not started; the others keep their order."""
    problem = _problem_for_edit(actor, measure.problem_id, expected_version)
    measure = Measure.objects.select_for_update().get(pk=measure.pk)
    if measure.status != MeasureStatus.NOT_STARTED:
        raise EditRefused(_("措施已开始推进，不能删除。"))
    before = snapshot(measure)
    audit_record(
        actor=actor,
        action="measure.delete",
        instance=measure,
        before=before,
        after=None,
        scope=problem_scope(problem),
    )
    measure_id = measure.pk
    measure.delete()
    # The measure is gone: its clocks go with it, and the problem's nearest deadline follows.
    clocks_changed(actor=actor, source="measure", ids=[measure_id])
    clocks_changed(actor=actor, source="problem", ids=[problem.pk])
    bump_version(problem)


PROBLEM_PLAN_FIELDS = ["rectification_kind", "deadline"]


@transaction.atomic
def problem_plan_update(
    *,
    actor: Actor,
    problem: Problem,
    expected_version: int | None,
    rectification_kind: str,
    deadline: dt.date | None,
    as_role: str | None = None,
) -> Problem:
    """Set how a problem is to be rectified (立行立改/限期整改/长期坚持) and by when.

    A service that has itself checked the actor's part passes it as ``as_role`` (a follow-up
    verdict sets the new deadline in the name of the visiting group).
    """
    locked = _problem_for_edit(actor, problem.pk, expected_version, as_role)
    if rectification_kind and rectification_kind not in RectificationKind.values:
        raise ValueError(_("整改类型无效。"))
    _problem_fields_save(
        actor,
        locked,
        {"rectification_kind": rectification_kind, "deadline": deadline},
        action="problem.plan_update",
    )
    return locked


def _problem_fields_save(
    actor: Actor, locked: Problem, values: dict[str, Any], *, action: str
) -> None:
    """Set fields of a locked problem; when anything changed, bump its version, tell the
    clocks of a new deadline and write the audit row."""
    fields = list(values)
    before = snapshot(locked, fields)
    for name, value in values.items():
        setattr(locked, name, value)
    locked.save(update_fields=[*fields, "updated_at"])
    after = snapshot(locked, fields)
    if before == after:
        return
    bump_version(locked)
    if "deadline" in fields and before["deadline"] != after["deadline"]:
        clocks_changed(actor=actor, source="problem", ids=[locked.pk])
    audit_record(
        actor=actor,
        action=action,
        instance=locked,
        before=before,
        after=after,
        scope=problem_scope(locked),
    )


WORDING_FIELDS = ["title", "category"]


@transaction.atomic
def problem_wording_update(*, actor: Actor, problem: Problem, title: str, category: str) -> Problem:
    """Change a problem's title (问题) and category (问题类别): the office's words, as it found
    and classed the problem; the unit never changes them."""
    locked = (
        Problem.objects.select_for_update(of=("self",))
        .select_related("assignment")
        .get(pk=problem.pk)
    )
    if not {Role.OFFICE, SYSTEM} & acting_roles(actor, locked.assignment):
        raise EditRefused(_("“问题”和“问题类别”由巡察办确定，被巡察单位不能修改。"))
    if not title.strip():
        raise ValueError(_("“问题”不能为空。"))
    _problem_fields_save(
        actor,
        locked,
        {"title": title.strip(), "category": category.strip()},
        action="problem.update",
    )
    return locked


__all__ = [
    "EditConflict",
    "EditRefused",
    "MeasureInput",
    "OutcomeRows",
    "bump_version",
    "measure_create",
    "measure_delete",
    "measure_update",
    "outcome_rows",
    "outcome_rows_save",
    "outcomes_refresh",
    "problem_create",
    "problem_plan_update",
    "problem_scope",
    "problem_wording_update",
    "quantity_columns",
]
