"""Reads of plans, reports, evidence and comments, through the user's scope."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.http import Http404

from xuncha.core.models import Role, StatusChange
from xuncha.core.permissions import Viewer, has_role
from xuncha.findings.models import Problem, ProblemStatus
from xuncha.findings.selectors import problems_for_user
from xuncha.rectification.models import (
    Comment,
    Evidence,
    PlanStatus,
    ProgressReport,
    RectificationPlan,
    RectificationReport,
    ReportFile,
)
from xuncha.rectification.workflow import closing_requester_id
from xuncha.rounds.access import liaison_unit_ids, unit_ids_for_user
from xuncha.rounds.models import Assignment

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def evidence_for_user(user: Viewer) -> QuerySet[Evidence]:
    """Evidence files of the problems the user may see."""
    evidence = Evidence.objects.select_related("problem__assignment__unit", "uploaded_by")
    scope = unit_ids_for_user(user)
    if scope is not None:
        evidence = evidence.filter(problem__assignment__unit_id__in=scope)
    return evidence


def get_evidence_for_user(user: Viewer, pk: int) -> Evidence:
    """The evidence file, or 404 when the user may not see its problem."""
    try:
        return evidence_for_user(user).get(pk=pk)
    except Evidence.DoesNotExist:
        raise Http404 from None


def plans_for_user(user: Viewer) -> QuerySet[RectificationPlan]:
    plans = RectificationPlan.objects.select_related("assignment__unit", "assignment__round")
    scope = unit_ids_for_user(user)
    if scope is not None:
        plans = plans.filter(assignment__unit_id__in=scope)
    return plans


def closing_queue(user: Viewer) -> QuerySet[Problem]:
    """Problems waiting for the office's review of a closing request (the office only)."""
    if not has_role(user, Role.OFFICE):
        return Problem.objects.none()
    return (
        problems_for_user(user)
        .filter(status=ProblemStatus.CLOSING_REQUESTED)
        .select_related("assignment__unit", "assignment__round")
        .order_by("updated_at", "id")
    )


def plan_queue(user: Viewer) -> QuerySet[RectificationPlan]:
    """Plans waiting for the office's approval (the office only)."""
    if not has_role(user, Role.OFFICE):
        return RectificationPlan.objects.none()
    return plans_for_user(user).filter(status=PlanStatus.SUBMITTED).order_by("updated_at")


def unit_work_queue(user: Viewer) -> QuerySet[Problem]:
    """A liaison's open problems in their own units (even when another role of theirs reads
    every unit): to plan, to rectify, sent back, or to keep rectifying."""
    if not has_role(user, Role.UNIT):
        return Problem.objects.none()
    return (
        Problem.objects.filter(assignment__unit_id__in=liaison_unit_ids(user))
        .filter(
            status__in=[
                ProblemStatus.PENDING,
                ProblemStatus.IN_PROGRESS,
                ProblemStatus.CONTINUING,
            ]
        )
        .select_related("assignment__unit", "assignment__round")
        .order_by("deadline", "id")
    )


def group_closing_queue(user: Viewer) -> QuerySet[Problem]:
    """For a group member: closing requests of the units their group is assigned to."""
    if not has_role(user, Role.GROUP):
        return Problem.objects.none()
    return (
        problems_for_user(user)
        .filter(status=ProblemStatus.CLOSING_REQUESTED, assignment__group__members=user)
        .select_related("assignment__unit", "assignment__round", "assignment__group")
        .order_by("updated_at", "id")
    )


def returned_plans(user: Viewer) -> QuerySet[RectificationPlan]:
    """A liaison's plans sent back by the office, in their own units."""
    if not has_role(user, Role.UNIT):
        return RectificationPlan.objects.none()
    return (
        plans_for_user(user)
        .filter(assignment__unit_id__in=liaison_unit_ids(user), status=PlanStatus.RETURNED)
        .order_by("updated_at")
    )


def get_plan_for_assignment(user: Viewer, assignment: Assignment) -> RectificationPlan | None:
    """The plan of an assignment the caller reached through a scoped selector, if drafted."""
    return plans_for_user(user).filter(assignment=assignment).first()


def progress_reports_for_problem(problem: Problem) -> QuerySet[ProgressReport]:
    """A problem's progress reports with their outcomes and files, oldest first.

    The caller has reached ``problem`` through ``get_problem_for_user``.
    """
    return (
        ProgressReport.objects.filter(measure__problem=problem)
        .select_related("author__profile")
        .prefetch_related("outcomes", "evidence")
        .order_by("created_at", "id")
    )


def comments_for_problem(problem: Problem) -> QuerySet[Comment]:
    """A problem's comments by inspection groups and the office, oldest first."""
    return problem.comments.select_related("author__profile").order_by("created_at", "id")


def plan_events_for_assignment(assignment: Assignment) -> QuerySet[StatusChange]:
    """The status changes of an assignment's plan, oldest first (none when not drafted)."""
    return (
        StatusChange.objects.filter(workflow="plan", scope=f"assignment:{assignment.pk}")
        .select_related("actor__profile")
        .order_by("at", "id")
    )


def closers_for(problem: Problem) -> list[User]:
    """Who may close the problem awaiting closing: the active office accounts (a superuser is
    the office too) other than the one who asked for closing, since nobody closes their own
    request (four eyes). Empty: a second office account is needed before it can be closed."""
    office = Q(role_grants__role=Role.OFFICE) | Q(is_superuser=True)
    closers = get_user_model().objects.filter(office, is_active=True)
    requester = closing_requester_id(problem)
    if requester is not None:
        closers = closers.exclude(pk=requester)
    return list(closers.select_related("profile").distinct().order_by("pk"))


# ---------------------------------------------------------------------------------------------
# The rectification report (整改情况报告)


def reports_for_user(user: Viewer) -> QuerySet[RectificationReport]:
    """The rectification reports of the units the user may see."""
    reports = RectificationReport.objects.select_related(
        "assignment__unit", "assignment__round", "assignment__group"
    )
    scope = unit_ids_for_user(user)
    if scope is not None:
        reports = reports.filter(assignment__unit_id__in=scope)
    return reports


def get_report_for_assignment(user: Viewer, assignment: Assignment) -> RectificationReport | None:
    """The report of an assignment the caller reached through a scoped selector, if drafted."""
    return reports_for_user(user).filter(assignment=assignment).first()


def report_files_for_user(user: Viewer) -> QuerySet[ReportFile]:
    """Attachments of the reports the user may see."""
    files = ReportFile.objects.select_related("report__assignment", "uploaded_by__profile")
    scope = unit_ids_for_user(user)
    if scope is not None:
        files = files.filter(report__assignment__unit_id__in=scope)
    return files


def get_report_file_for_user(user: Viewer, pk: int) -> ReportFile:
    """The attachment, or 404 when the user may not see its unit."""
    try:
        return report_files_for_user(user).get(pk=pk)
    except ReportFile.DoesNotExist:
        raise Http404 from None


def report_events_for_assignment(assignment: Assignment) -> QuerySet[StatusChange]:
    """The status changes of an assignment's report, oldest first (none when not drafted)."""
    return (
        StatusChange.objects.filter(workflow="report", scope=f"assignment:{assignment.pk}")
        .select_related("actor__profile")
        .order_by("at", "id")
    )
