"""The unit's requests on a problem (延期申请, 方案调整申请) and the office's decisions.

The problem page lists the requests side by side with the values they would change; the
forms post here. Who may ask or decide, for what and when, is ``rectification.requests``'.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from xuncha.core.models import Role
from xuncha.findings.models import Measure, Problem
from xuncha.findings.selectors import get_problem_for_user
from xuncha.rectification.models import ChangeRequest, RequestFile
from xuncha.rectification.requests import (
    REQUEST,
    MeasureProposal,
    RequestRefused,
    extension_request,
    measure_values,
    request_transition,
    revision_request,
)
from xuncha.rounds.access import acting_roles
from xuncha.web.request_forms import (
    PROBLEM_TARGET,
    ExtensionRequestForm,
    RequestDecisionForm,
    RevisionMeasureFormSet,
    RevisionRequestForm,
)
from xuncha.web.views.common import (
    REFUSALS,
    STEP_REFUSALS,
    AuthenticatedHttpRequest,
    done,
    problem_url,
    refused,
)
from xuncha.web.views.problem import render_problem


@login_required
@require_POST
def extension_request_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Ask for a later deadline of the problem or of one of its measures."""
    problem = get_problem_for_user(request.user, pk)
    measures = list(problem.measures.order_by("ordinal"))
    form = ExtensionRequestForm(request.POST, request.FILES, problem=problem, measures=measures)
    if not form.is_valid():
        return render_problem(request, problem, status=422 if request.htmx else 200, extension=form)
    data = form.cleaned_data
    target = data["target"]
    measure = None if target == PROBLEM_TARGET else next(m for m in measures if str(m.pk) == target)
    try:
        made = extension_request(
            actor=request.user,
            problem=problem,
            measure=measure,
            new_date=data["new_date"],
            reason=data["reason"],
            files=data["files"] or [],
        )
    except STEP_REFUSALS as error:
        # Not theirs to ask (the office, a group): said as a message, the form is not theirs.
        return refused(request, problem_url(problem, "requests"), error)
    except REFUSALS as error:
        form.add_error(None, str(error))
        return render_problem(request, problem, status=422 if request.htmx else 200, extension=form)
    return done(
        request,
        problem_url(problem, f"request-{made.pk}"),
        _("延期申请已提交，等待巡察办审批。"),
    )


def revision_initial(problem: Problem, measures: list[Measure]) -> list[dict[str, Any]]:
    return [{"measure": m.pk, **measure_values(m), "deadline": m.deadline} for m in measures]


@login_required
@require_http_methods(["GET", "POST"])
def revision_request_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The problem's measures as the unit would have them: change, add or remove, and why."""
    problem = get_problem_for_user(request.user, pk)
    if Role.UNIT not in acting_roles(request.user, problem.assignment):
        raise Http404  # only the unit asks; the office changes the plan directly
    measures = list(problem.measures.order_by("ordinal"))
    by_id = {m.pk: m for m in measures}
    status = 200
    if request.method == "POST":
        form = RevisionRequestForm(request.POST, request.FILES)
        formset = RevisionMeasureFormSet(request.POST, prefix="m")
        if form.is_valid() and formset.is_valid():
            proposals = []
            for item in formset.cleaned_data:
                if not item:
                    continue
                measure = by_id.get(item["measure"]) if item.get("measure") else None
                if item.get("measure") and measure is None:
                    raise Http404
                proposals.append(
                    MeasureProposal(
                        measure=measure,
                        text=item["text"],
                        owner=item["owner"],
                        department=item["department"],
                        deadline=item["deadline"],
                        delete=item["delete"],
                    )
                )
            try:
                made = revision_request(
                    actor=request.user,
                    problem=problem,
                    proposals=proposals,
                    reason=form.cleaned_data["reason"],
                    rectification_kind=form.cleaned_data["rectification_kind"],
                    files=form.cleaned_data["files"] or [],
                )
            except REFUSALS as error:
                form.add_error(None, str(error))
            else:
                return done(
                    request,
                    problem_url(problem, f"request-{made.pk}"),
                    _("方案调整申请已提交，等待巡察办审批。"),
                )
        status = 422 if request.htmx else 200
    else:
        form = RevisionRequestForm(initial={"rectification_kind": problem.rectification_kind})
        formset = RevisionMeasureFormSet(initial=revision_initial(problem, measures), prefix="m")
    rows = [
        (sub, by_id.get(sub.initial.get("measure") or 0) if sub.initial else None)
        for sub in formset.forms
    ]
    context = {
        "problem": problem,
        "assignment": problem.assignment,
        "form": form,
        "formset": formset,
        "rows": rows,
    }
    return render(request, "web/request_revision.html", context, status=status)


@login_required
@require_POST
def request_step(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """批准, 不予批准 (the office, with its reason) or 撤回 (the unit)."""
    change = get_object_or_404(ChangeRequest, pk=pk)
    problem = get_problem_for_user(request.user, change.problem_id)
    back = problem_url(problem, f"request-{change.pk}")
    form = RequestDecisionForm(request.POST)
    if not form.is_valid():
        return refused(request, back, ValueError(_("请求无效，请刷新页面后重试。")))
    name = form.cleaned_data["name"]
    try:
        request_transition(
            actor=request.user, request=change, name=name, reason=form.cleaned_data["reason"]
        )
    except (*REFUSALS, RequestRefused) as error:
        return refused(request, back, error)
    return done(request, back, _("已完成“%(action)s”。") % {"action": REQUEST.move_label(name)})


@login_required
def request_file_download(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    """A request's attachment, for those who may read its problem."""
    attachment = get_object_or_404(RequestFile.objects.select_related("request"), pk=pk)
    get_problem_for_user(request.user, attachment.request.problem_id)
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
