"""Status changes of problems and measures: the one place that applies the workflow tables."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from xuncha.core.audit import audit_record
from xuncha.core.permissions import acting_role
from xuncha.core.workflow import TransitionRefused, transition_for
from xuncha.findings.models import Measure, MeasureStatus, Problem, ProblemEvent, ProblemStatus
from xuncha.findings.signals import problem_transitioned
from xuncha.findings.workflow import MEASURE_TRANSITIONS, PROBLEM_TRANSITIONS

# The moves that ask for closing; whoever made the last of them may not close (four eyes).
CLOSING_REQUESTS = ("request_closing", "rule_done")


def problem_scope(problem: Problem) -> str:
    """The audit scope under which a problem's history is gathered."""
    return f"problem:{problem.pk}"


def bump_version(problem: Problem) -> None:
    """Mark a problem changed, so that an edit begun before this one is refused."""
    problem.version += 1
    problem.save(update_fields=["version", "updated_at"])


@transaction.atomic
def problem_transition(
    *, actor: Any, problem: Problem, name: str, reason: str = "", as_role: str | None = None
) -> Problem:
    """Apply a named workflow transition to a problem and write its history row.

    Refuses, with a message for the user, a move the table does not allow from the current
    status or for the actor's role on this unit, a request for closing while a measure is
    unfinished or no evidence backs it, and a closing by the person who asked for it.
    """
    problem = (
        Problem.objects.select_for_update(of=("self",))
        .select_related("assignment__group")
        .get(pk=problem.pk)
    )
    step = transition_for(
        PROBLEM_TRANSITIONS,
        name,
        problem.status,
        dict(ProblemStatus.choices),
        # A service that has checked the actor's part itself (a follow-up visit's group, which
        # may differ from the group that inspected) passes it as ``as_role``.
        role=as_role or acting_role(actor, problem.assignment),
        reason=reason,
    )
    if step.name == "request_closing":
        _check_ready_for_closing(problem)
    if step.name == "close" and actor is not None:
        requester_id = (
            problem.events.filter(transition__in=CLOSING_REQUESTS, measure=None)
            .order_by("-at", "-id")
            .values_list("actor_id", flat=True)
            .first()
        )
        if requester_id == actor.pk:
            raise TransitionRefused(_("申请销号的人不能自己销号，须由另一名人员审核。"))
    before = problem.status
    problem.status = step.target
    problem.version += 1
    problem.save(update_fields=["status", "version", "updated_at"])
    ProblemEvent.objects.create(
        problem=problem,
        actor=_user_or_none(actor),
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
    problem_transitioned.send(sender=Problem, problem=problem, transition=step.name, actor=actor)
    return problem


def _check_ready_for_closing(problem: Problem) -> None:
    if problem.measures.exclude(status=MeasureStatus.DONE).exists():
        raise TransitionRefused(_("尚有未完成的整改措施，不能申请销号。"))
    if not problem.measures.exists():
        raise TransitionRefused(_("该问题还没有整改措施，不能申请销号。"))
    if not problem.evidence.exists():
        raise TransitionRefused(_("尚未上传佐证材料，不能申请销号。"))


def _user_or_none(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


@transaction.atomic
def measure_transition(*, actor: Any, measure: Measure, name: str, reason: str = "") -> Measure:
    """Apply a named workflow transition to a measure and write its history row."""
    problem = (
        Problem.objects.select_for_update(of=("self",))
        .select_related("assignment__group")
        .get(pk=measure.problem_id)
    )
    measure = Measure.objects.select_for_update().get(pk=measure.pk)
    step = transition_for(
        MEASURE_TRANSITIONS,
        name,
        measure.status,
        dict(MeasureStatus.choices),
        role=acting_role(actor, problem.assignment),
        reason=reason,
    )
    if problem.status in {ProblemStatus.CLOSING_REQUESTED, ProblemStatus.CLOSED}:  # frozen
        raise TransitionRefused(
            _("问题处于“%(status)s”状态，措施不能再变更。")
            % {"status": problem.get_status_display()}
        )
    before = measure.status
    measure.status = step.target
    measure.save(update_fields=["status"])
    ProblemEvent.objects.create(
        problem=problem,
        measure=measure,
        actor=_user_or_none(actor),
        transition=f"measure.{step.name}",
        from_status=before,
        to_status=step.target,
        reason=reason,
    )
    bump_version(problem)
    audit_record(
        actor=actor,
        action=f"measure.{step.name}",
        instance=measure,
        before={"status": before},
        after={"status": step.target, "reason": reason},
        scope=problem_scope(problem),
    )
    return measure
