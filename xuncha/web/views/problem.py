"""The problem page: the problem, its measures and the work on them, for the current user.

What each person may do is shown from the workflow tables and their part on this unit
(``acting_role``); the services decide again when a form is posted.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from xuncha.core.models import Role
from xuncha.core.permissions import acting_role, may_edit_unit
from xuncha.core.workflow import Transition
from xuncha.findings.models import (
    Measure,
    MeasureStatus,
    Problem,
    ProblemStatus,
    RectificationKind,
)
from xuncha.findings.selectors import closing_requester_id, get_problem_for_user, problem_history
from xuncha.findings.workflow import (
    MEASURE_TRANSITIONS,
    PROBLEM_TRANSITIONS,
    VERDICT_TRANSITIONS,
)
from xuncha.rectification.models import Evidence, ProgressReport
from xuncha.rectification.selectors import (
    comments_for_problem,
    evidence_for_user,
    get_plan_for_assignment,
    plan_events_for_assignment,
    progress_reports_for_problem,
)
from xuncha.web.forms import MeasureForm
from xuncha.web.history import audit_rows, event_rows, plan_event_rows
from xuncha.web.workflow_forms import (
    CommentForm,
    EvidenceForm,
    MeasureAddForm,
    MeasureDeleteForm,
    ProblemPlanForm,
    ProgressReportForm,
)

WORKERS = {Role.UNIT, Role.OFFICE}
LOCKED = {ProblemStatus.CLOSING_REQUESTED, ProblemStatus.CLOSED}
# A follow-up verdict's moves are made by recording the verdict of a visit (followups), which
# keeps the visit and its findings with them; the problem page never offers them bare.
VERDICT_STEPS = frozenset(VERDICT_TRANSITIONS.values())


def page_steps() -> list[Transition]:
    """The problem's workflow steps a person takes on the problem page."""
    return [t for t in PROBLEM_TRANSITIONS.values() if t.name not in VERDICT_STEPS]


@dataclass(frozen=True)
class Action:
    """A workflow step offered to the user; ``blocked`` says why it cannot be taken yet."""

    transition: Transition
    blocked: str = ""

    @property
    def name(self) -> str:
        return self.transition.name

    @property
    def label(self) -> str:
        return str(self.transition.label)

    @property
    def reason_required(self) -> bool:
        return self.transition.reason_required


@dataclass
class MeasureWork:
    """One measure on the problem page with what the user may do to it."""

    measure: Measure
    form: MeasureForm | None = None
    actions: list[Action] = field(default_factory=list)
    reports: list[ProgressReport] = field(default_factory=list)
    progress_form: ProgressReportForm | None = None
    delete_form: MeasureDeleteForm | None = None


def may_edit_plan(user: Any, problem: Problem) -> bool:
    """Whether the user may change the problem's plan (kind, deadline, measures) now.

    The same rule as the services': the unit and the office, and once closing is asked for,
    the office only.
    """
    if not may_edit_unit(user, problem.assignment.unit_id):
        return False
    return problem.status not in LOCKED or acting_role(user, problem.assignment) == Role.OFFICE


def accepts_reports(problem: Problem) -> bool:
    """Whether the progress form is shown: 整改中 or 持续整改, or closed but 长期坚持 (reported
    on periodically after the concentrated phase). The service decides again on posting;
    tests/web/test_problem_work.py keeps the two in step."""
    return problem.status in {ProblemStatus.IN_PROGRESS, ProblemStatus.CONTINUING} or (
        problem.status == ProblemStatus.CLOSED
        and problem.rectification_kind == RectificationKind.LONG_TERM
    )


def problem_actions(
    user: Any, problem: Problem, role: str | None, measures: list[Measure], evidence_count: int
) -> list[Action]:
    """The problem's workflow steps this user's part allows from its status."""
    actions = []
    for transition in page_steps():
        if role not in transition.roles or problem.status not in transition.sources:
            continue
        blocked = ""
        if transition.name == "close" and closing_requester_id(problem) == user.pk:
            blocked = _("您提出了销号申请，须由另一名人员审核销号。")
        elif transition.name == "request_closing":
            if not measures:
                blocked = _("该问题还没有整改措施。")
            elif any(m.status != MeasureStatus.DONE for m in measures):
                blocked = _("尚有未完成的整改措施。")
            elif not evidence_count:
                blocked = _("尚未上传佐证材料。")
        actions.append(Action(transition, blocked))
    return actions


def measure_actions(role: str | None, problem: Problem, measure: Measure) -> list[Action]:
    if role not in WORKERS or problem.status in LOCKED:
        return []
    return [
        Action(transition)
        for transition in MEASURE_TRANSITIONS.values()
        if role in transition.roles and measure.status in transition.sources
    ]


def evidence_rows(user: Any, problem: Problem) -> list[Evidence]:
    """The problem's files, each marked ``is_latest`` unless a newer version replaced it."""
    files = list(
        evidence_for_user(user)
        .filter(problem=problem)
        .select_related("supersedes", "measure", "uploaded_by__profile")
        .order_by("uploaded_at", "id")
    )
    replaced = {item.supersedes_id for item in files if item.supersedes_id}
    for item in files:
        item.is_latest = item.pk not in replaced
    return files


def problem_context(
    request: HttpRequest,
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
    role = acting_role(user, assignment)
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
    may_report = role in WORKERS and accepts_reports(problem)
    version = problem.version
    work = []
    for measure in measures:
        item = MeasureWork(
            measure=measure,
            form=editing.get(measure.pk),
            actions=measure_actions(role, problem, measure),
            reports=reports.get(measure.pk, []),
        )
        if may_report:
            item.progress_form = bound.get("progress", {}).get(measure.pk) or ProgressReportForm(
                measure=measure
            )
        if editable and measure.status == MeasureStatus.NOT_STARTED:
            item.delete_form = bound.get("delete", {}).get(measure.pk) or MeasureDeleteForm(
                initial={"expected_version": version}
            )
        work.append(item)
    may_upload = role in WORKERS and (
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
        "measures": work,
        "may_edit": editable,
        "actions": problem_actions(user, problem, role, measures, len(files)),
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
        if role in {Role.GROUP, Role.OFFICE}
        else None,
        "events": history,
        "audit": audit_rows(entries, {measure.pk: measure.ordinal for measure in measures}),
    }


@login_required
@require_GET
def problem_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A problem with its measures, evidence, comments, the user's actions and its history."""
    problem = get_problem_for_user(request.user, pk)
    return render(request, "web/problem.html", problem_context(request, problem))


def render_problem(
    request: HttpRequest, problem: Problem, *, status: int, **bound: Any
) -> HttpResponse:
    """The problem page again with a posted form and its errors (a refusal or a conflict)."""
    problem = get_problem_for_user(request.user, problem.pk)
    context = problem_context(request, problem, bound=bound)
    return render(request, "web/problem.html", context, status=status)
