"""Editing a measure in place (HTMX), with a full-page fallback that works without JavaScript."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from xuncha.findings.models import Measure
from xuncha.findings.selectors import get_measure_for_user
from xuncha.findings.services import EditConflict, EditRefused
from xuncha.rectification.authority import measure_change, plan_edit_refusal
from xuncha.rounds.access import may_edit_unit
from xuncha.web.forms import MeasureForm
from xuncha.web.views.common import AuthenticatedHttpRequest, refused
from xuncha.web.views.problem import may_edit_plan, problem_context


def problem_anchor(measure: Measure) -> str:
    return f"{reverse('web:problem', args=[measure.problem_id])}#measure-{measure.pk}"


@login_required
@require_GET
def measure_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The measure as the problem page shows it (HTMX), else the problem page at the measure."""
    measure = get_measure_for_user(request.user, pk)
    if not request.htmx:
        return redirect(problem_anchor(measure))
    problem = measure.problem
    return render(
        request,
        "web/_measure.html",
        {
            "measure": measure,
            "problem": problem,
            "may_edit": may_edit_plan(request.user, problem),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def measure_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Show and save a measure's edit form; only for users who may edit the unit, else 404."""
    measure = get_measure_for_user(request.user, pk)
    problem = measure.problem
    if not may_edit_unit(request.user, problem.assignment.unit_id):
        raise Http404
    if request.method == "GET" and not may_edit_plan(request.user, problem):
        why = plan_edit_refusal(request.user, problem) or _("问题当前状态下整改措施不能再修改。")
        return refused(request, problem_anchor(measure), EditRefused(why))
    status = 200
    if request.method == "GET":
        form = MeasureForm(
            initial={
                "text": measure.text,
                "owner": measure.owner,
                "department": measure.department,
                "deadline": measure.deadline,
                "expected_version": problem.version,
            }
        )
    else:
        form = MeasureForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                measure_change(
                    actor=request.user,
                    measure=measure,
                    expected_version=data["expected_version"],
                    text=data["text"],
                    owner=data["owner"],
                    department=data["department"],
                    deadline=data["deadline"],
                )
            except EditConflict as conflict:
                form.add_error(None, str(conflict))
                status = 409
            except EditRefused as error:
                return refused(request, problem_anchor(measure), error)
            except ValueError as error:
                form.add_error("text", str(error))
            else:
                return saved_response(request, measure)
        if status == 200:
            status = 422 if request.htmx else 200
    if request.htmx:
        context = {"measure": measure, "problem": problem, "form": form}
        return render(request, "web/_measure_form.html", context, status=status)
    context = problem_context(request, problem, editing={measure.pk: form})
    return render(request, "web/problem.html", context, status=status)


def saved_response(request: AuthenticatedHttpRequest, measure: Measure) -> HttpResponse:
    """After a save: the refreshed measure and history (HTMX), or back to the problem page."""
    if not request.htmx:
        messages.success(request, _("整改措施已保存。"))
        return redirect(problem_anchor(measure))
    fresh = get_measure_for_user(request.user, measure.pk)
    context = problem_context(request, fresh.problem)
    context.update({"measure": fresh, "history_oob": True})
    return render(request, "web/_measure_saved.html", context)
