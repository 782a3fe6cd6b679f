"""Writes of the unit's rectification work: plan, progress, evidence, comments."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from xuncha.clocks.services import deadlines_refresh_for_assignment
from xuncha.core.audit import audit_record, snapshot
from xuncha.core.models import Role
from xuncha.core.permissions import acting_role
from xuncha.core.storage import stored_file_save
from xuncha.core.workflow import TransitionRefused, transition_for
from xuncha.findings.models import Measure, MeasureStatus, Problem, ProblemStatus
from xuncha.findings.models import RectificationKind as Kind
from xuncha.findings.services import EditConflict, EditRefused, problem_scope, problem_transition
from xuncha.findings.services import measure_transition as _measure_transition
from xuncha.rectification.models import (
    Comment,
    Evidence,
    PlanEvent,
    PlanStatus,
    ProgressReport,
    RectificationPlan,
    ReportOutcome,
)
from xuncha.rectification.signals import plan_transitioned
from xuncha.rectification.workflow import PLAN_TRANSITIONS
from xuncha.rounds.models import Assignment
from xuncha.text.quantities import find_quantities


def _require_role(actor: Any, assignment: Assignment, roles: set[str], what: str) -> str:
    role = acting_role(actor, assignment)
    if role != "system" and role not in roles:
        raise EditRefused(_("您没有权限%(what)s。") % {"what": what})
    return role or ""


@transaction.atomic
def plan_get_or_create(*, actor: Any, assignment: Assignment) -> RectificationPlan:
    """The unit's plan for the round, started as a draft when there is none yet."""
    plan = RectificationPlan.objects.filter(assignment=assignment).first()
    if plan is not None:
        return plan
    _require_role(actor, assignment, {Role.UNIT, Role.OFFICE}, _("起草整改方案"))
    plan = RectificationPlan.objects.create(assignment=assignment)
    audit_record(
        actor=actor,
        action="plan.create",
        instance=plan,
        before=None,
        after=snapshot(plan),
        scope=f"assignment:{assignment.pk}",
    )
    return plan


def plan_gaps(assignment: Assignment) -> list[str]:
    """What keeps a plan from being submitted: problems without measures, owners or dates."""
    gaps: list[str] = []
    problems = assignment.problems.prefetch_related("measures").order_by("ordinal")
    for problem in problems:
        long_term = problem.rectification_kind == Kind.LONG_TERM
        label = _("问题%(n)s“%(title)s”") % {"n": problem.ordinal, "title": problem.title}
        measures = list(problem.measures.all())
        if not problem.rectification_kind:
            gaps.append(_("%(p)s未确定整改类型") % {"p": label})
        if not measures:
            gaps.append(_("%(p)s没有整改措施") % {"p": label})
        for measure in measures:
            missing = [
                name
                for name, value in (
                    (_("责任领导"), measure.owner),
                    (_("责任部门"), measure.department),
                    (_("完成时限"), measure.deadline),
                )
                # An ongoing (长期坚持) measure may have no end date.
                if not value and not (long_term and name == _("完成时限"))
            ]
            if missing:
                gaps.append(
                    _("%(p)s的措施%(m)s缺少%(fields)s")
                    % {"p": label, "m": measure.ordinal, "fields": "、".join(missing)}
                )
    if not problems:
        gaps.append(_("该单位没有反馈问题"))
    return gaps


@transaction.atomic
def plan_transition(
    *,
    actor: Any,
    plan: RectificationPlan,
    name: str,
    reason: str = "",
    expected_version: int | None = None,
) -> RectificationPlan:
    """Submit, approve or return a plan; approving starts rectification of its problems."""
    plan = (
        RectificationPlan.objects.select_for_update(of=("self",))
        .select_related("assignment__group")
        .get(pk=plan.pk)
    )
    if expected_version is not None and plan.version != expected_version:
        raise EditConflict(_("整改方案已被他人修改，请刷新后重试。"))
    step = transition_for(
        PLAN_TRANSITIONS,
        name,
        plan.status,
        dict(PlanStatus.choices),
        role=acting_role(actor, plan.assignment),
        reason=reason,
    )
    if step.name == "submit":
        gaps = plan_gaps(plan.assignment)
        if gaps:
            raise TransitionRefused(_("方案尚不完整：") + "；".join(gaps))
    before = plan.status
    plan.status = step.target
    plan.version += 1
    plan.save(update_fields=["status", "version", "updated_at"])
    PlanEvent.objects.create(
        plan=plan,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        transition=step.name,
        from_status=before,
        to_status=step.target,
        reason=reason,
    )
    audit_record(
        actor=actor,
        action=f"plan.{step.name}",
        instance=plan,
        before={"status": before},
        after={"status": step.target, "reason": reason},
        scope=f"assignment:{plan.assignment_id}",
    )
    if step.name == "approve":
        for problem in plan.assignment.problems.filter(status=ProblemStatus.PENDING):
            problem_transition(
                actor=actor, problem=problem, name="start", reason=_("整改方案已批准")
            )
        deadlines_refresh_for_assignment(actor=actor, assignment=plan.assignment)
    plan_transitioned.send(sender=RectificationPlan, plan=plan, transition=step.name, actor=actor)
    return plan


def _problem_accepts_reports(problem: Problem) -> bool:
    # 持续整改: a follow-up found it basically done; the unit keeps working on it.
    if problem.status in {ProblemStatus.IN_PROGRESS, ProblemStatus.CONTINUING}:
        return True
    # 长期坚持: closed for the concentrated phase, then reported on periodically.
    return problem.status == ProblemStatus.CLOSED and problem.rectification_kind == Kind.LONG_TERM


@transaction.atomic
def progress_report_create(
    *,
    actor: Any,
    measure: Measure,
    text: str,
    files: list[Any] = (),  # type: ignore[assignment]
) -> ProgressReport:
    """Report progress on a measure, with the outcomes its text states and evidence files.

    A first report on a measure that has not started moves it to 推进中.
    """
    problem = (
        Problem.objects.select_for_update(of=("self",))
        .select_related("assignment__group")
        .get(pk=measure.problem_id)
    )
    _require_role(actor, problem.assignment, {Role.UNIT, Role.OFFICE}, _("报告整改进展"))
    if not text.strip():
        raise ValueError(_("进展情况不能为空。"))
    if not _problem_accepts_reports(problem):
        raise TransitionRefused(
            _("问题处于“%(status)s”状态，不能报告进展。") % {"status": problem.get_status_display()}
        )
    report = ProgressReport.objects.create(
        measure=measure,
        author=actor if getattr(actor, "is_authenticated", False) else None,
        text=text,
    )
    ReportOutcome.objects.bulk_create(
        ReportOutcome(
            report=report,
            position=position,
            kind=q.kind,
            value=q.value,
            amount=q.decimal(),
            unit=q.unit,
            qualifier=q.qualifier or "",
            subject=q.subject[:64],
            source_text=q.text[:100],
            start=q.start,
            end=q.end,
        )
        for position, q in enumerate(find_quantities(text))
    )
    audit_record(
        actor=actor,
        action="progress.create",
        instance=report,
        before=None,
        after=snapshot(report),
        scope=problem_scope(problem),
    )
    for upload in files:
        evidence_add(actor=actor, problem=problem, measure=measure, report=report, upload=upload)
    measure.refresh_from_db()
    if measure.status == MeasureStatus.NOT_STARTED and problem.status in {
        ProblemStatus.IN_PROGRESS,
        ProblemStatus.CONTINUING,
    }:
        _measure_transition(actor=actor, measure=measure, name="start")
    return report


@transaction.atomic
def evidence_add(
    *,
    actor: Any,
    problem: Problem,
    upload: Any,
    measure: Measure | None = None,
    report: ProgressReport | None = None,
    description: str = "",
    supersedes: Evidence | None = None,
) -> Evidence:
    """Store an evidence file under its hash (never overwriting one) and record it.

    ``upload`` is a Django ``UploadedFile`` (or any ``File``). A new version of a file is a new
    row pointing at the one it replaces.
    """
    _require_role(actor, problem.assignment, {Role.UNIT, Role.OFFICE}, _("上传佐证材料"))
    if measure is not None and measure.problem_id != problem.pk:
        raise ValueError(_("措施不属于该问题。"))
    if supersedes is not None and (
        supersedes.problem_id != problem.pk or hasattr(supersedes, "superseded_by")
    ):
        raise ValueError(_("只能替代本问题中最新版本的佐证材料。"))
    evidence = Evidence(
        problem=problem,
        measure=measure,
        report=report,
        description=description,
        supersedes=supersedes,
    )
    stored_file_save(evidence, upload, actor=actor)
    evidence.save()
    audit_record(
        actor=actor,
        action="evidence.add",
        instance=evidence,
        before=None,
        after=snapshot(evidence),
        scope=problem_scope(problem),
    )
    return evidence


@transaction.atomic
def comment_add(
    *, actor: Any, problem: Problem, text: str, recommends_closing: bool = False
) -> Comment:
    """A group member's (or the office's) note on a problem; it may recommend closing."""
    _require_role(actor, problem.assignment, {Role.GROUP, Role.OFFICE}, _("发表意见"))
    if not text.strip():
        raise ValueError(_("意见不能为空。"))
    comment = Comment.objects.create(
        problem=problem, author=actor, text=text, recommends_closing=recommends_closing
    )
    audit_record(
        actor=actor,
        action="comment.add",
        instance=comment,
        before=None,
        after=snapshot(comment),
        scope=problem_scope(problem),
    )
    return comment
