"""The workflows of rectification: problems, their measures, the unit's plan and its
rectification report (整改情况报告), as data.

Each table row reads: from which statuses, the move, to which status, who may make it, the
guards it needs. The parts a person plays come from ``rounds.access.acting_roles`` (the office,
the unit's liaison, the group assigned to the unit) and, for a follow-up verdict, from the visit
the verdict service vouches for (:data:`~xuncha.core.workflow.VISITING_GROUP`). The engine is
``xuncha.core.workflow``; ``rectification.transitions`` holds the services that call it.
"""

from __future__ import annotations

import datetime as dt
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
from xuncha.rectification.models import (
    PlanStatus,
    RectificationPlan,
    RectificationReport,
    ReportStatus,
)
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


def _measures_without_evidence(problem: Problem) -> list[int]:
    """The ordinals of the problem's measures with no evidence file of their own, when the
    round asks each measure for its own (``Round.evidence_per_measure``); else none."""
    if not problem.assignment.round.evidence_per_measure:
        return []
    return list(
        problem.measures.filter(evidence__isnull=True)
        .order_by("ordinal")
        .values_list("ordinal", flat=True)
        .distinct()
    )


EVIDENCE_PER_MEASURE = Guard(
    "evidence_per_measure",
    _("本轮要求每项措施都有佐证材料：第%(ordinals)s项措施尚无佐证材料，不能申请销号。"),
    lambda problem, situation: not _measures_without_evidence(problem),
    values=lambda problem: {
        "ordinals": "、".join(str(n) for n in _measures_without_evidence(problem))
    },
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
            guards=(HAS_MEASURES, MEASURES_DONE, HAS_EVIDENCE, EVIDENCE_PER_MEASURE),
            confirm=_(
                "申请销号后，整改措施即锁定，不能再报告进展或变更措施状态；"
                "巡察办将收到通知并审核，审核通过即销号，不通过则退回再整改。"
                "申请人不能自己销号。"
            ),
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
            confirm=_(
                "销号后，问题即为“已销号”：整改时限不再预警，措施不能再变更"
                "（长期坚持的问题仍须定期报告进展），并将通知被巡察单位。"
                "如需恢复整改，须由巡察办填写理由重新打开。"
            ),
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


HAS_REPORT = Guard(
    "has_report",
    _("该措施尚无整改进展报告：须先报告完成情况，才能标记为已完成。"),
    lambda measure, situation: measure.reports.exists(),
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
            guards=(PROBLEM_OPEN, HAS_REPORT),
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


# ---------------------------------------------------------------------------------------------
# The rectification report (整改情况报告)

R = ReportStatus


def _report_has_content(report: RectificationReport, situation: Situation) -> bool:
    # A report not yet drafted has no files to look at (the page asks as the draft it would be).
    return bool(report.text.strip()) or (report.pk is not None and report.files.exists())


REPORT_HAS_CONTENT = Guard(
    "report_has_content",
    _("报告正文为空且没有附件，不能报送。"),
    _report_has_content,
)


def due_date_refusal(due_date: dt.date | None, *, today: dt.date, required: bool) -> str:
    """Why the new due date a return sets will not do, or an empty string.

    Returning the report, the office must set when it is due again; returning the plan, it may.
    The date is after ``today``: a return never sets a deadline already missed.
    """
    if due_date is None:
        return str(_("退回时须确定重新报送时限。")) if required else ""
    if due_date <= today:
        return str(_("重新报送时限须晚于今天（%(today)s）。")) % {"today": today.isoformat()}
    return ""


def report_roles(
    actor: Actor, report: RectificationReport, context: Mapping[str, Any]
) -> frozenset[str]:
    return acting_roles(actor, report.assignment)


def _report_clocks(applied: Applied) -> None:
    """Submitting stops the report's clock; a return starts it again on the new due date."""
    report = applied.subject
    clocks_changed(actor=applied.situation.actor, source="report", ids=[report.assignment_id])


REPORT = Workflow(
    name="report",
    model=RectificationReport,
    statuses=ReportStatus,
    roles_of=report_roles,
    scope=lambda report: f"assignment:{report.assignment_id}",
    related=("assignment__group", "assignment__unit"),
    after=(_report_clocks,),
    transitions=[
        Transition(
            "submit",
            reached(R.DRAFT, R.RETURNED),
            R.SUBMITTED,
            _("报送整改情况报告"),
            UNIT_OR_OFFICE,
            guards=(REPORT_HAS_CONTENT,),
        ),
        Transition("receive", reached(R.SUBMITTED), R.RECEIVED, _("接收报告"), OFFICE),
        # The new due date comes with the move (``changes={"due_date": …}``), checked by
        # ``due_date_refusal`` in the service.
        Transition(
            "return",
            reached(R.SUBMITTED),
            R.RETURNED,
            _("退回报告"),
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
    "REPORT",
    "VERDICT_MOVES",
    "VERDICT_STEPS",
    "RulingVisit",
    "closing_requester_id",
    "due_date_refusal",
]
