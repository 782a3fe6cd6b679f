"""Writes to problems and measures. Each service is one transaction with its audit rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from xuncha.core.audit import audit_record, snapshot
from xuncha.core.workflow import TransitionRefused, transition_for
from xuncha.findings.models import (
    Accountability,
    Measure,
    MeasureStatus,
    Outcome,
    Problem,
    ProblemEvent,
    ProblemStatus,
    Regulation,
)
from xuncha.findings.workflow import MEASURE_TRANSITIONS, PROBLEM_TRANSITIONS
from xuncha.rounds.models import Assignment
from xuncha.text.quantities import find_outcomes


class EditConflict(Exception):
    """Someone else saved the record after this edit began; nothing was written."""


@dataclass(frozen=True)
class MeasureInput:
    """A measure to create: its text and, when known, who owns it and by when."""

    text: str
    owner: str = ""
    department: str = ""
    deadline: dt.date | None = None


def problem_scope(problem: Problem) -> str:
    """The audit scope under which a problem's history is gathered."""
    return f"problem:{problem.pk}"


@transaction.atomic
def problem_create(
    *,
    actor: Any,
    assignment: Assignment,
    title: str,
    measures: Sequence[MeasureInput],
    text: str = "",
    category: str = "",
    rectification_kind: str = "",
    deadline: dt.date | None = None,
    unit_report: str = "",
    rectification_lead: str = "",
    measures_numbered: bool = True,
    start: bool = False,
    reason: str = "",
) -> Problem:
    """Create a problem with its measures; their outcomes are read from the measures' text.

    With ``start`` the problem moves straight to 整改中 through the workflow (imported problems
    arrive with a rectification already under way).
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
        measures_numbered=measures_numbered,
    )
    audit_record(
        actor=actor,
        action="problem.create",
        instance=problem,
        before=None,
        after=snapshot(problem),
        scope=problem_scope(problem),
    )
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
        audit_record(
            actor=actor,
            action="measure.create",
            instance=measure,
            before=None,
            after=snapshot(measure),
            scope=problem_scope(problem),
        )
    if start:
        problem = problem_transition(actor=actor, problem=problem, name="start", reason=reason)
    return problem


def outcomes_refresh(measure: Measure) -> None:
    """Re-read the outcomes, accountability and regulations stated in a measure's text.

    They are derived from the text: when the text changes, the old figures no longer belong to
    it, so they are replaced rather than merged.
    """
    measure.outcomes.all().delete()
    measure.accountabilities.all().delete()
    measure.regulations.all().delete()
    found = find_outcomes(measure.text)
    Outcome.objects.bulk_create(
        Outcome(
            measure=measure,
            position=position,
            kind=quantity.kind,
            value=quantity.value,
            amount=quantity.decimal(),
            unit=quantity.unit,
            qualifier=quantity.qualifier or "",
            subject=quantity.subject[:64],
            source_text=quantity.text[:100],
            start=quantity.start,
            end=quantity.end,
        )
        for position, quantity in enumerate(found.quantities)
    )
    Accountability.objects.bulk_create(
        Accountability(
            measure=measure,
            kind=fact.kind,
            people=fact.people,
            unit=fact.unit,
            source_text=fact.text[:200],
            start=fact.start,
            end=fact.end,
        )
        for fact in found.accountability
    )
    Regulation.objects.bulk_create(
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
    )


MEASURE_EDITABLE_FIELDS = ["text", "owner", "department", "deadline"]


@transaction.atomic
def measure_update(
    *,
    actor: Any,
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
    problem = Problem.objects.select_for_update().get(pk=measure.problem_id)
    if problem.version != expected_version:
        raise EditConflict(
            _("该问题已被他人修改（版本 %(now)s，您编辑时为 %(then)s），请刷新后重新编辑。")
            % {"now": problem.version, "then": expected_version}
        )
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
    _bump_version(problem)
    audit_record(
        actor=actor,
        action="measure.update",
        instance=measure,
        before=before,
        after=after,
        scope=problem_scope(problem),
    )
    return measure


def _bump_version(problem: Problem) -> None:
    problem.version += 1
    problem.save(update_fields=["version", "updated_at"])


@transaction.atomic
def problem_transition(*, actor: Any, problem: Problem, name: str, reason: str = "") -> Problem:
    """Apply a named workflow transition to a problem and write its history row."""
    problem = Problem.objects.select_for_update().get(pk=problem.pk)
    step = transition_for(PROBLEM_TRANSITIONS, name, problem.status, dict(ProblemStatus.choices))
    if step.reason_required and not reason.strip():
        raise TransitionRefused(_("“%(action)s”须填写理由。") % {"action": step.label})
    if (
        step.name == "request_closing"
        and problem.measures.exclude(status=MeasureStatus.DONE).exists()
    ):
        raise TransitionRefused(_("尚有未完成的整改措施，不能申请销号。"))
    before = problem.status
    problem.status = step.target
    problem.version += 1
    problem.save(update_fields=["status", "version", "updated_at"])
    ProblemEvent.objects.create(
        problem=problem,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        transition=step.name,
        from_status=before,
        to_status=step.target,
        reason=reason,
    )
    audit_record(
        actor=actor,
        action=f"problem.{step.name}",
        instance=problem,
        before={"status": before},
        after={"status": step.target, "reason": reason},
        scope=problem_scope(problem),
    )
    return problem


@transaction.atomic
def measure_transition(*, actor: Any, measure: Measure, name: str, reason: str = "") -> Measure:
    """Apply a named workflow transition to a measure and write its history row."""
    measure = Measure.objects.select_for_update().select_related("problem").get(pk=measure.pk)
    step = transition_for(MEASURE_TRANSITIONS, name, measure.status, dict(MeasureStatus.choices))
    if step.reason_required and not reason.strip():
        raise TransitionRefused(_("“%(action)s”须填写理由。") % {"action": step.label})
    before = measure.status
    measure.status = step.target
    measure.save(update_fields=["status"])
    ProblemEvent.objects.create(
        problem=measure.problem,
        measure=measure,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        transition=f"measure.{step.name}",
        from_status=before,
        to_status=step.target,
        reason=reason,
    )
    _bump_version(measure.problem)
    audit_record(
        actor=actor,
        action=f"measure.{step.name}",
        instance=measure,
        before={"status": before},
        after={"status": step.target, "reason": reason},
        scope=problem_scope(measure.problem),
    )
    return measure
