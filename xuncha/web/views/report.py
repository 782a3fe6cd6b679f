"""A unit's rectification report (整改情况报告) for one round: its text, attachments, clock,
history, and the steps on it (the liaison writes and submits; the office receives or returns).

Whoever may read the unit's assignment page reads the report; the services decide who writes
(the unit's liaison and the office) and refuse everyone else with a message. An attachment is
only ever served through ``get_report_file_for_user``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from xuncha.clocks.models import WarningColour, due_label
from xuncha.clocks.selectors import ClockReport, clock_report, clocks_of
from xuncha.core.models import Role
from xuncha.core.permissions import Actor, Viewer
from xuncha.core.workflow import Move
from xuncha.rectification.models import RectificationReport, ReportStatus
from xuncha.rectification.reports import (
    EDITABLE,
    report_get_or_create,
    report_save,
    report_transition,
)
from xuncha.rectification.selectors import (
    get_report_file_for_user,
    get_report_for_assignment,
    report_events_for_assignment,
    report_files_for_user,
)
from xuncha.rectification.workflow import REPORT
from xuncha.rounds.access import acting_roles
from xuncha.rounds.models import Assignment
from xuncha.rounds.selectors import get_assignment_for_user
from xuncha.web.history import event_rows
from xuncha.web.views.common import (
    INPUT_REFUSALS,
    REFUSALS,
    STEP_REFUSALS,
    AuthenticatedHttpRequest,
    done,
    error_status,
    refused,
)
from xuncha.web.workflow_forms import ReportForm, ReportTransitionForm

WRITERS = {Role.UNIT, Role.OFFICE}


def report_actions(
    user: Actor, assignment: Assignment, report: RectificationReport | None
) -> list[Move]:
    """The report's moves this user may make, from the engine's list (a report not yet drafted
    is asked as the draft it would be)."""
    return REPORT.moves(report or RectificationReport(assignment=assignment), user)


def report_clocks(assignment: Assignment, today: dt.date) -> list[ClockReport]:
    """The clocks the report runs on (one per rule), as a page reports them."""
    clocks = clocks_of("report", [assignment.pk]).get(assignment.pk, [])
    return [clock_report(clock, today) for clock in clocks]


@dataclass(frozen=True)
class ReportSummary:
    """The unit's report in brief, for the problem page: where it stands and by when it is due."""

    status: str
    status_label: str
    drafted: bool
    due: dt.date | None
    due_text: str
    colour: str | None
    colour_label: str
    url: str


def report_summary(user: Viewer, assignment: Assignment, today: dt.date) -> ReportSummary:
    """The report of an assignment the caller reached through a scoped selector, in brief."""
    report = get_report_for_assignment(user, assignment)
    status = report.status if report else ReportStatus.DRAFT
    clocks = report_clocks(assignment, today)
    first = clocks[0] if clocks else None
    due = first.clock.due if first else None
    return ReportSummary(
        status=status,
        status_label=str(ReportStatus(status).label) if report else _("尚未起草"),
        drafted=report is not None,
        due=due,
        due_text=first.clock.label if first else due_label(None),
        colour=first.colour if first else None,
        colour_label=str(WarningColour(first.colour).label) if first and first.colour else "",
        url=reverse("web:report", args=[assignment.pk]),
    )


def report_context(
    request: AuthenticatedHttpRequest, assignment: Assignment, *, form: ReportForm | None = None
) -> dict[str, Any]:
    """What the report page shows to this user; ``form`` is a posted form with its errors."""
    user = request.user
    today = timezone.localdate()
    report = get_report_for_assignment(user, assignment)
    status = report.status if report else ReportStatus.DRAFT
    version = report.version if report else 0
    actions = report_actions(user, assignment, report)
    writes = bool(acting_roles(user, assignment) & WRITERS) and status in EDITABLE
    files = list(report_files_for_user(user).filter(report=report)) if report else []
    return {
        "assignment": assignment,
        "report": report,
        "status": status,
        "status_label": ReportStatus(status).label,
        "version": version,
        "clocks": report_clocks(assignment, today),
        "files": files,
        "form": (form or ReportForm(initial={"text": report.text if report else ""}))
        if writes
        else None,
        "may_submit": any(move.name == "submit" for move in actions),
        # 报送 is the form's second button; the office's steps have forms of their own.
        "actions": [move for move in actions if move.name != "submit"],
        "tomorrow": today + dt.timedelta(days=1),
        "events": event_rows(report_events_for_assignment(assignment)),
    }


@login_required
@require_GET
def report_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The unit's rectification report in the round, with its clock, files and history."""
    assignment = get_assignment_for_user(request.user, pk)
    return render(request, "web/report.html", report_context(request, assignment))


@login_required
@require_POST
def report_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """保存 (report_save, drafting the report if need be), and with 保存并报送 the submit step."""
    assignment = get_assignment_for_user(request.user, pk)
    back = reverse("web:report", args=[assignment.pk])
    form = ReportForm(request.POST, request.FILES)
    failure: Exception | None = None
    if form.is_valid():
        data = form.cleaned_data
        try:
            report = get_report_for_assignment(request.user, assignment)
            expected = data["expected_version"] if report is not None else None
            if report is None:
                report = report_get_or_create(actor=request.user, assignment=assignment)
            report = report_save(
                actor=request.user,
                report=report,
                text=data["text"],
                files=data["files"],
                expected_version=expected,
            )
        except STEP_REFUSALS as error:
            return refused(request, back, error)
        except INPUT_REFUSALS as error:
            form.add_error(None, str(error))
            failure = error
        else:
            if not data["and_submit"]:
                return done(request, back, _("整改情况报告已保存。"))
            try:
                report_transition(actor=request.user, report=report, name="submit")
            except REFUSALS as error:
                # The text and files are saved; only the submission is refused.
                return refused(request, back, error)
            return done(request, back, _("整改情况报告已报送。"))
    context = report_context(request, assignment, form=form)
    return render(request, "web/report.html", context, status=error_status(request, failure))


@login_required
@require_POST
def report_step(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """报送 as it stands (the unit), 接收 / 退回 with a reason and a new due date (the office)."""
    assignment = get_assignment_for_user(request.user, pk)
    back = reverse("web:report", args=[assignment.pk])
    form = ReportTransitionForm(request.POST)
    if not form.is_valid():
        return refused(request, back, ValueError(_("请求无效，请刷新页面后重试。")))
    data = form.cleaned_data
    try:
        report = get_report_for_assignment(request.user, assignment)
        if report is None:
            if data["name"] != "submit":
                raise ValueError(_("整改情况报告尚未起草。"))
            report = report_get_or_create(actor=request.user, assignment=assignment)
        report_transition(
            actor=request.user,
            report=report,
            name=data["name"],
            reason=data["reason"],
            due_date=data["due_date"],
            expected_version=data["expected_version"] or None,
        )
    except REFUSALS as error:
        return refused(request, back, error)
    label = REPORT.move_label(data["name"])
    return done(request, back, _("已完成“%(action)s”。") % {"action": label})


@login_required
@require_GET
def report_file_download(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    """A report's attachment, under the name it was uploaded with."""
    attachment = get_report_file_for_user(request.user, pk)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("文件已不在存储中。")) from None
    return FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type or "application/octet-stream",
    )
