"""Evidence files, progress reports and group comments on the problem page, and downloads.

A file is only ever served through ``get_evidence_for_user``: whoever may not see its
problem gets 404, whatever the id.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from xuncha.findings.selectors import get_measure_for_user, get_problem_for_user
from xuncha.rectification.selectors import evidence_for_user, get_evidence_for_user
from xuncha.rectification.services import comment_add, evidence_add, progress_report_create
from xuncha.web.views.common import (
    INPUT_REFUSALS,
    STEP_REFUSALS,
    AuthenticatedHttpRequest,
    done,
    error_status,
    problem_url,
    refused,
)
from xuncha.web.views.problem import render_problem
from xuncha.web.workflow_forms import CommentForm, EvidenceForm, ProgressReportForm


@login_required
@require_GET
def evidence_download(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    """The stored file, as an attachment under the name it was uploaded with."""
    evidence = get_evidence_for_user(request.user, pk)
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("文件已不在存储中。")) from None
    return FileResponse(
        handle,
        as_attachment=True,
        filename=evidence.original_name,
        content_type=evidence.content_type or "application/octet-stream",
    )


@login_required
@require_POST
def evidence_upload(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A new evidence file for the problem, or a new version of one (evidence_add)."""
    problem = get_problem_for_user(request.user, pk)
    files = evidence_for_user(request.user).filter(problem=problem)
    form = EvidenceForm(
        request.POST,
        request.FILES,
        measures=list(problem.measures.order_by("ordinal")),
        latest=list(files.filter(superseded_by__isnull=True)),
    )
    if form.is_valid():
        try:
            evidence = evidence_add(
                actor=request.user,
                problem=problem,
                upload=form.cleaned_data["file"],
                measure=form.chosen_measure(),
                description=form.cleaned_data["description"],
                supersedes=form.chosen_supersedes(),
            )
        except STEP_REFUSALS as error:
            return refused(request, problem_url(problem, "evidence"), error)
        except INPUT_REFUSALS as error:
            form.add_error("file", str(error))
        else:
            message = _("已上传佐证材料“%(name)s”。") % {"name": evidence.original_name}
            return done(request, problem_url(problem, "evidence"), message)
    return render_problem(request, problem, status=error_status(request), evidence=form)


@login_required
@require_POST
def progress_report(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A progress report on a measure with its evidence files (progress_report_create)."""
    measure = get_measure_for_user(request.user, pk)
    problem = measure.problem
    form = ProgressReportForm(request.POST, request.FILES, measure=measure)
    if form.is_valid():
        try:
            progress_report_create(
                actor=request.user,
                measure=measure,
                text=form.cleaned_data["text"],
                files=form.cleaned_data["files"],
            )
        except STEP_REFUSALS as error:
            return refused(request, problem_url(problem, f"measure-{measure.pk}"), error)
        except INPUT_REFUSALS as error:
            form.add_error(None, str(error))
        else:
            return done(
                request, problem_url(problem, f"measure-{measure.pk}"), _("已报告整改进展。")
            )
    return render_problem(
        request, problem, status=error_status(request), progress={measure.pk: form}
    )


@login_required
@require_POST
def comment_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """An inspection group's (or the office's) opinion, perhaps recommending closing."""
    problem = get_problem_for_user(request.user, pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            comment_add(
                actor=request.user,
                problem=problem,
                text=form.cleaned_data["text"],
                recommends_closing=form.cleaned_data["recommends_closing"],
            )
        except STEP_REFUSALS as error:
            return refused(request, problem_url(problem, "comments"), error)
        except INPUT_REFUSALS as error:
            form.add_error(None, str(error))
        else:
            return done(request, problem_url(problem, "comments"), _("意见已提交。"))
    return render_problem(request, problem, status=error_status(request), comment=form)
