"""The workflows of rectification: problems, their measures and the unit's plan, as data.

Each table row reads: from which statuses, the move, to which status, who may make it, the
guards it needs. The parts a person plays come from ``rounds.access.acting_roles`` (the office,
the unit's liaison, the group assigned to the unit) and, for a follow-up verdict, from the visit
the verdict service vouches for (:data:`~xuncha.core.workflow.VISITING_GROUP`). The engine is
``xuncha.core.workflow``; ``rectification.transitions`` holds the services that call it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from django.utils.translation import gettext_lazy as _

from xuncha.clocks.services import clocks_changed
from xuncha.core.models import Role, StatusChange
from xuncha.core.permissions import Actor
from xuncha.core.workflow import (
    VISITING_GROUP,
    Applied,
    Guard,
    Situation,
    Transition,
    Workflow,
    reached,
)
from xuncha.findings.models import Measure, MeasureStatus, Problem, ProblemStatus
from xuncha.findings.services import bump_version, problem_scope
from xuncha.rectification.models import PlanStatus, RectificationPlan
from xuncha.rectification.plans import plan_gaps
from xuncha.rounds.access import acting_roles, is_group_member
from xuncha.rounds.models import Group


class RulingVisit(Protocol):
    """The visit a follow-up verdict is made at (``followups.Visit``), as far as the problem's
    workflow reads it: the group whose members act there as the visiting group."""

    @property
    def group(self) -> Group | None: ...


P = ProblemStatus
M = MeasureStatus
S = PlanStatus
OFFICE = reached(Role.OFFICE)
UNIT_OR_OFFICE = reached(Role.UNIT, Role.OFFICE)
VISITORS = reached(VISITING_GROUP)
OPEN = reached(P.IN_PROGRESS, P.CONTINUING, P.CLOSING_REQUESTED)
FROZEN = reached(P.CLOSING_REQUESTED, P.CLOSED)

# The moves that ask for closing; whoever made the last of them may not close (four eyes).
CLOSING_REQUESTS = ("request_closing", "rule_done")


# ---------------------------------------------------------------------------------------------
# Problems


def closing_requester_id(problem: Problem) -> int | None:
    """Who asked for the problem's closing most recently (None: nobody, or the system)."""
    return (
        StatusChange.objects.filter(
            workflow="problem", subject_id=problem.pk, move__in=CLOSING_REQUESTS
        )
        .order_by("-at", "-id")
        .values_list("actor_id", flat=True)
        .first()
    )


HAS_MEASURES = Guard(
    "has_measures",
    _("该问题还没有整改措施，不能申请销号。"),
    lambda problem, situation: problem.measures.exists(),
)
MEASURES_DONE = Guard(
    "measures_done",
    _("尚有未完成的整改措施，不能申请销号。"),
    lambda problem, situation: not problem.measures.exclude(status=M.DONE).exists(),
)
HAS_EVIDENCE = Guard(
    "has_evidence",
    _("尚未上传佐证材料，不能申请销号。"),
    lambda problem, situation: problem.evidence.exists(),
)
FOUR_EYES = Guard(
    "four_eyes",
    _("申请销号的人不能自己销号，须由另一名人员审核。"),
    lambda problem, situation: (
        situation.is_system
        or situation.actor is None
        or closing_requester_id(problem) != situation.actor.pk
    ),
)


def problem_roles(actor: Actor, problem: Problem, context: Mapping[str, Any]) -> frozenset[str]:
    """The parts ``actor`` plays for the problem's unit; and the visiting group's part when a
    service rules at a visit whose group ``actor`` sits in (``context["visit"]``)."""
    roles = set(acting_roles(actor, problem.assignment))
    visit = context.get("visit")
    if visit is not None and is_group_member(actor, visit.group):
        roles.add(VISITING_GROUP)
    return frozenset(roles)


def _problem_clocks(applied: Applied) -> None:
    clocks_changed(actor=applied.situation.actor, source="problem", ids=[applied.subject.pk])


PROBLEM = Workflow(
    name="problem",
    model=Problem,
    statuses=ProblemStatus,
    roles_of=problem_roles,
    scope=problem_scope,
    related=("assignment__group", "assignment__unit"),
    after=(_problem_clocks,),
    transitions=[
        # The office starts rectification when it approves the unit's plan (an import starts
        # it at once, as the system).
        Transition("start", reached(P.PENDING), P.IN_PROGRESS, _("开始整改"), OFFICE),
        Transition(
            "request_closing",
            reached(P.IN_PROGRESS, P.CONTINUING),
            P.CLOSING_REQUESTED,
            _("申请销号"),
            UNIT_OR_OFFICE,
            guards=(HAS_MEASURES, MEASURES_DONE, HAS_EVIDENCE),
        ),
        Transition(
            "return",
            reached(P.CLOSING_REQUESTED),
            P.IN_PROGRESS,
            _("退回"),
            OFFICE,
            reason_required=True,
        ),
        Transition(
            "close",
            reached(P.CLOSING_REQUESTED),
            P.CLOSED,
            _("销号"),
            OFFICE,
            guards=(FOUR_EYES,),
        ),
        Transition(
            "reopen", reached(P.CLOSED), P.IN_PROGRESS, _("重新打开"), OFFICE, reason_required=True
        ),
        # A follow-up visit's verdict on a problem (回访认定); the group that visited rules.
        # 整改到位 proposes closing (the office still closes: four eyes) or confirms a closed one.
        Transition(
            "rule_done",
            OPEN,
            P.CLOSING_REQUESTED,
            _("认定整改到位"),
            VISITORS,
            reason_required=True,
        ),
        Transition(
            "rule_done_confirm",
            reached(P.CLOSED),
            P.CLOSED,
            _("确认整改到位"),
            VISITORS,
            reason_required=True,
        ),
        # 基本到位 keeps the problem open as 持续整改, with a new deadline.
        Transition(
            "rule_mostly",
            OPEN | {P.CLOSED},
            P.CONTINUING,
            _("认定基本到位"),
            VISITORS,
            reason_required=True,
        ),
        # 未到位 sends an open problem back (再整改) or reopens a closed one.
        Transition(
            "rule_not_done",
            OPEN,
            P.IN_PROGRESS,
            _("认定未到位，再整改"),
            VISITORS,
            reason_required=True,
        ),
        Transition(
            "rule_not_done_reopen",
            reached(P.CLOSED),
            P.IN_PROGRESS,
            _("认定未到位，重新打开"),
            VISITORS,
            reason_required=True,
        ),
        # 问题反弹 reopens a closed problem.
        Transition(
            "rule_rebound",
            reached(P.CLOSED),
            P.IN_PROGRESS,
            _("认定问题反弹"),
            VISITORS,
            reason_required=True,
        ),
    ],
)

# Which move a verdict makes, by its kind and the problem's status (see followups).
VERDICT_MOVES: dict[tuple[str, str], str] = {
    **{("done", status): "rule_done" for status in OPEN},
    ("done", P.CLOSED): "rule_done_confirm",
    **{("mostly", status): "rule_mostly" for status in OPEN | {P.CLOSED}},
    **{("not_done", status): "rule_not_done" for status in OPEN},
    ("not_done", P.CLOSED): "rule_not_done_reopen",
    ("rebound", P.CLOSED): "rule_rebound",
}
VERDICT_STEPS = frozenset(VERDICT_MOVES.values())


# ---------------------------------------------------------------------------------------------
# Measures


PROBLEM_OPEN = Guard(
    "problem_open",
    _("问题处于“%(status)s”状态，措施不能再变更。"),
    lambda measure, situation: measure.problem.status not in FROZEN,
    values=lambda measure: {"status": measure.problem.get_status_display()},
)


def measure_roles(actor: Actor, measure: Measure, context: Mapping[str, Any]) -> frozenset[str]:
    return acting_roles(actor, measure.problem.assignment)


def lock_measure(measure: Measure) -> Measure:
    """The measure locked together with its problem, the problem first: a request for closing
    (which reads every measure) and a move of one measure cannot interleave."""
    Problem.objects.select_for_update(of=("self",)).filter(pk=measure.problem_id).first()
    return (
        Measure.objects.select_for_update(of=("self",))
        .select_related("problem__assignment__group", "problem__assignment__unit")
        .get(pk=measure.pk)
    )


def _measure_changed(applied: Applied) -> None:
    measure = applied.subject
    bump_version(measure.problem)
    clocks_changed(actor=applied.situation.actor, source="measure", ids=[measure.pk])


MEASURE = Workflow(
    name="measure",
    model=Measure,
    statuses=MeasureStatus,
    roles_of=measure_roles,
    scope=lambda measure: f"problem:{measure.problem_id}",
    lock=lock_measure,
    after=(_measure_changed,),
    transitions=[
        Transition(
            "start",
            reached(M.NOT_STARTED),
            M.IN_PROGRESS,
            _("开始推进"),
            UNIT_OR_OFFICE,
            guards=(PROBLEM_OPEN,),
        ),
        Transition(
            "complete",
            reached(M.NOT_STARTED, M.IN_PROGRESS),
            M.DONE,
            _("完成"),
            UNIT_OR_OFFICE,
            guards=(PROBLEM_OPEN,),
        ),
        Transition(
            "reopen",
            reached(M.DONE),
            M.IN_PROGRESS,
            _("重新推进"),
            UNIT_OR_OFFICE,
            guards=(PROBLEM_OPEN,),
            reason_required=True,
        ),
    ],
)


# ---------------------------------------------------------------------------------------------
# The plan


def _plan_complete(plan: RectificationPlan, situation: Situation) -> bool:
    return not plan_gaps(plan.assignment)


def _plan_gap_text(plan: RectificationPlan) -> dict[str, str]:
    return {"gaps": "；".join(plan_gaps(plan.assignment))}


PLAN_COMPLETE = Guard(
    "plan_complete", _("方案尚不完整：%(gaps)s"), _plan_complete, values=_plan_gap_text
)


def plan_roles(actor: Actor, plan: RectificationPlan, context: Mapping[str, Any]) -> frozenset[str]:
    return acting_roles(actor, plan.assignment)


def _plan_approved(applied: Applied) -> None:
    """Approving the plan starts every problem still waiting for it; the clocks follow."""
    plan = applied.subject
    actor = applied.situation.actor
    if applied.transition.move == "approve":
        for problem in plan.assignment.problems.filter(status=P.PENDING).order_by("ordinal"):
            PROBLEM.apply(problem, "start", actor=actor, reason=str(_("整改方案已批准")))
    clocks_changed(actor=actor, source="plan", ids=[plan.assignment_id])


PLAN = Workflow(
    name="plan",
    model=RectificationPlan,
    statuses=PlanStatus,
    roles_of=plan_roles,
    scope=lambda plan: f"assignment:{plan.assignment_id}",
    related=("assignment__group", "assignment__unit"),
    after=(_plan_approved,),
    transitions=[
        Transition(
            "submit",
            reached(S.DRAFT, S.RETURNED),
            S.SUBMITTED,
            _("报送方案"),
            UNIT_OR_OFFICE,
            guards=(PLAN_COMPLETE,),
        ),
        Transition("approve", reached(S.SUBMITTED), S.APPROVED, _("批准方案"), OFFICE),
        Transition(
            "return",
            reached(S.SUBMITTED),
            S.RETURNED,
            _("退回方案"),
            OFFICE,
            reason_required=True,
        ),
    ],
)


__all__ = [
    "CLOSING_REQUESTS",
    "MEASURE",
    "PLAN",
    "PROBLEM",
    "VERDICT_MOVES",
    "VERDICT_STEPS",
    "RulingVisit",
    "closing_requester_id",
]
