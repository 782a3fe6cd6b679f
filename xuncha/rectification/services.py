"""Writes of the unit's rectification work: plan, progress, evidence, comments."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.core.files.base import File
from django.db import transaction
from django.utils.translation import gettext as _

from xuncha.core.audit import audit_record, snapshot
from xuncha.core.models import Role
from xuncha.core.permissions import SYSTEM, Actor
from xuncha.core.storage import removed_if_refused, stored_file_save
from xuncha.core.workflow import TransitionRefused
from xuncha.findings.models import Measure, MeasureStatus, Problem, ProblemStatus
from xuncha.findings.models import RectificationKind as Kind
from xuncha.findings.reading import quantities_of, read_first
from xuncha.findings.services import EditRefused, problem_scope, quantity_columns
from xuncha.rectification.models import (
    Comment,
    Evidence,
    ProgressReport,
    RectificationPlan,
    ReportOutcome,
)
from xuncha.rectification.plans import plan_gaps
from xuncha.rectification.transitions import measure_transition, plan_transition
from xuncha.rounds.access import acting_roles
from xuncha.rounds.models import Assignment

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def _require_role(actor: Actor, assignment: Assignment, roles: set[str], what: str) -> None:
    played = acting_roles(actor, assignment)
    if SYSTEM not in played and played.isdisjoint(roles):
        raise EditRefused(_("您没有权限%(what)s。") % {"what": what})


@transaction.atomic
def plan_get_or_create(*, actor: Actor, assignment: Assignment) -> RectificationPlan:
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


def _problem_accepts_reports(problem: Problem) -> bool:
    # 持续整改: a follow-up found it basically done; the unit keeps working on it.
    if problem.status in {ProblemStatus.IN_PROGRESS, ProblemStatus.CONTINUING}:
        return True
    # 长期坚持: closed for the concentrated phase, then reported on periodically.
    return problem.status == ProblemStatus.CLOSED and problem.rectification_kind == Kind.LONG_TERM


def report_outcome_rows(report: ProgressReport) -> list[ReportOutcome]:
    """The figures a progress report's text states, as rows not yet saved."""
    return [
        ReportOutcome(report=report, **quantity_columns(position, quantity))
        for position, quantity in enumerate(quantities_of(report.text))
    ]


@removed_if_refused
@read_first("text")
@transaction.atomic
def progress_report_create(
    *,
    actor: Actor,
    measure: Measure,
    text: str,
    files: Sequence[File[bytes]] = (),
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
    ReportOutcome.objects.bulk_create(report_outcome_rows(report))
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
        measure_transition(actor=actor, measure=measure, name="start")
    return report


@removed_if_refused
@transaction.atomic
def evidence_add(
    *,
    actor: Actor,
    problem: Problem,
    upload: File[bytes],
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
    *, actor: User, problem: Problem, text: str, recommends_closing: bool = False
) -> Comment:
    """A group member's (or the office's) note on a problem; it may recommend closing.

    A comment has an author, so its actor is a person, never the system.
    """
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


__all__ = [
    "comment_add",
    "evidence_add",
    "plan_gaps",
    "plan_get_or_create",
    "plan_transition",
    "progress_report_create",
]
