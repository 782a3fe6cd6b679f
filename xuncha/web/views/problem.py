"""The problem page: the problem, its measures and the work on them, for the current user.

The buttons are the workflow engine's list of moves for this user (``Workflow.moves``): each
available, or disabled with the guard's reason. The services decide again when a form is
posted; no rule of the workflow is written here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypedDict

from django.contrib.auth.decorators import login_required
from django.db.models import Exists, OuterRef
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from xuncha.core.models import Role
from xuncha.core.permissions import Actor, Viewer
from xuncha.core.workflow import Move
from xuncha.findings.models import (
    Measure,
    MeasureStatus,
    Problem,
    ProblemStatus,
    RectificationKind,
)
from xuncha.findings.selectors import get_problem_for_user, problem_history
from xuncha.findings.warnings import problem_deadlines
from xuncha.rectification.authority import may_change_plan
from xuncha.rectification.models import Evidence, ProgressReport
from xuncha.rectification.selectors import (
    closers_for,
    comments_for_problem,
    evidence_for_user,
    get_plan_for_assignment,
    plan_events_for_assignment,
    progress_reports_for_problem,
)
from xuncha.rectification.workflow import MEASURE, PROBLEM
from xuncha.rounds.access import acting_roles, may_edit_unit
from xuncha.web.forms import MeasureForm
from xuncha.web.history import audit_rows, event_rows, plan_event_rows
from xuncha.web.views.common import AuthenticatedHttpRequest
from xuncha.web.views.report import report_summary
from xuncha.web.views.request_rows import request_context
from xuncha.web.workflow_forms import (
    CommentForm,
    EvidenceForm,
    MeasureAddForm,
    MeasureDeleteForm,
    ProblemPlanForm,
    ProgressReportForm,
)

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

WORKERS = {Role.UNIT, Role.OFFICE}


@dataclass
class MeasureWork:
    """One measure on the problem page with what the user may do to it."""

    measure: Measure
    form: MeasureForm | None = None
    actions: list[Move] = field(default_factory=list)
    reports: list[ProgressReport] = field(default_factory=list)
    progress_form: ProgressReportForm | None = None
    delete_form: MeasureDeleteForm | None = None
    needs_report: bool = False
    """The measure can be marked done only once a progress report says what was done."""


def may_edit_plan(user: Actor, problem: Problem) -> bool:
    """Whether the user may change the problem's plan (kind, deadline, measures) now.

    The services' own table (``rectification.authority.WHO_DECIDES``): the unit while it
    proposes its plan, the office always.
    """
    if not may_edit_unit(user, problem.assignment.unit_id):
        return False
    return may_change_plan(user, problem)


def accepts_reports(problem: Problem) -> bool:
    """Whether the progress form is shown: 整改中 or 持续整改, or closed but 长期坚持 (reported
    on periodically after the concentrated phase). The service decides again on posting;
    tests/web/test_problem_work.py keeps the two in step."""
    return problem.status in {ProblemStatus.IN_PROGRESS, ProblemStatus.CONTINUING} or (
        problem.status == ProblemStatus.CLOSED
        and problem.rectification_kind == RectificationKind.LONG_TERM
    )


def problem_actions(user: Actor, problem: Problem) -> list[Move]:
    """The problem's moves this user may make on the page, from the engine's list.

    A follow-up verdict's moves never appear: they are open only to a visit's group at the
    visit (the verdict service vouches for it), so the engine does not offer them here.
    """
    return PROBLEM.moves(problem, user)


def measure_actions(user: Actor, measure: Measure) -> list[Move]:
    """A measure's moves this user may make; those a guard refuses are left out (a measure of
    a problem awaiting closing shows no buttons, rather than three disabled ones)."""
    return [move for move in MEASURE.moves(measure, user) if move.available]


class Latest(TypedDict):
    """What :func:`evidence_rows` adds to each file."""

    is_latest: bool


def evidence_rows(user: Viewer, problem: Problem) -> list[WithAnnotations[Evidence, Latest]]:
    """The problem's files, each marked ``is_latest`` unless a newer version replaced it."""
    newer = Evidence.objects.filter(supersedes=OuterRef("pk"))
    return list(
        evidence_for_user(user)
        .filter(problem=problem)
        .annotate(is_latest=~Exists(newer))
        .select_related("supersedes", "measure", "uploaded_by__profile")
        .order_by("uploaded_at", "id")
    )


def problem_context(
    request: AuthenticatedHttpRequest,
    problem: Problem,
    *,
    editing: dict[int, MeasureForm] | None = None,
    bound: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """What the problem page shows to this user.

    ``editing`` maps measure ids to an edit form shown in place; ``bound`` carries a posted
    form back with its errors ("plan", "add_measure", "evidence", "comment", and per measure
    "progress" / "delete" as {measure id: form}), so nothing typed is lost on a refusal.
    """
    user = request.user
    bound = bound or {}
    editing = editing or {}
    assignment = problem.assignment
    roles = acting_roles(user, assignment)
    editable = may_edit_plan(user, problem)
    events, entries = problem_history(problem)
    measures = list(
        problem.measures.order_by("ordinal").prefetch_related(
            "outcomes", "accountabilities", "regulations"
        )
    )
    files = evidence_rows(user, problem)
    reports: dict[int, list[ProgressReport]] = {}
    for report in progress_reports_for_problem(problem):
        reports.setdefault(report.measure_id, []).append(report)
    may_report = bool(roles & WORKERS) and accepts_reports(problem)
    version = problem.version
    work = []
    for measure in measures:
        item = MeasureWork(
            measure=measure,
            form=editing.get(measure.pk),
            actions=measure_actions(user, measure),
            reports=reports.get(measure.pk, []),
        )
        if may_report:
            item.needs_report = measure.status != MeasureStatus.DONE and not item.reports
            item.progress_form = bound.get("progress", {}).get(measure.pk) or ProgressReportForm(
                measure=measure
            )
        if editable and measure.status == MeasureStatus.NOT_STARTED:
            item.delete_form = bound.get("delete", {}).get(measure.pk) or MeasureDeleteForm(
                initial={"expected_version": version}
            )
        work.append(item)
    may_upload = bool(roles & WORKERS) and (
        problem.status != ProblemStatus.CLOSED or accepts_reports(problem)
    )
    history = sorted(
        event_rows(events) + plan_event_rows(plan_events_for_assignment(assignment)),
        key=lambda row: row.at,
    )
    return {
        "problem": problem,
        "assignment": assignment,
        "plan": get_plan_for_assignment(user, assignment),
        "rectification_report": report_summary(user, assignment, timezone.localdate()),
        "measures": work,
        "may_edit": editable,
        "actions": problem_actions(user, problem),
        # Four eyes: who may close a problem awaiting closing (empty: a second office account).
        "closers": closers_for(problem)
        if problem.status == ProblemStatus.CLOSING_REQUESTED
        else None,
        "plan_form": bound.get("plan")
        or ProblemPlanForm(
            initial={
                "rectification_kind": problem.rectification_kind,
                "deadline": problem.deadline,
                "expected_version": version,
            }
        ),
        "add_measure_form": bound.get("add_measure")
        or MeasureAddForm(initial={"expected_version": version}),
        "evidence": files,
        "evidence_form": (
            bound.get("evidence")
            or EvidenceForm(measures=measures, latest=[f for f in files if f.is_latest])
        )
        if may_upload
        else None,
        "comments": list(comments_for_problem(problem)),
        "comment_form": (bound.get("comment") or CommentForm())
        if roles & {Role.GROUP, Role.OFFICE}
        else None,
        **request_context(user, problem, roles, measures, bound),
        "events": history,
        "audit": audit_rows(entries, {measure.pk: measure.ordinal for measure in measures}),
        # Every deadline bearing on the problem, the one its warning comes from first.
        "deadlines": problem_deadlines(problem, timezone.localdate()),
    }


@login_required
@require_GET
def problem_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A problem with its measures, evidence, comments, the user's actions and its history."""
    problem = get_problem_for_user(request.user, pk)
    return render(request, "web/problem.html", problem_context(request, problem))


def render_problem(
    request: AuthenticatedHttpRequest, problem: Problem, *, status: int, **bound: Any
) -> HttpResponse:
    """The problem page again with a posted form and its errors (a refusal or a conflict)."""
    problem = get_problem_for_user(request.user, problem.pk)
    context = problem_context(request, problem, bound=bound)
    return render(request, "web/problem.html", context, status=status)
