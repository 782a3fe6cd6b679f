"""Posting to a problem: workflow steps, and the plan's fields and measures (任务清单).

Each view fetches its object through a selector (404 outside the user's scope), calls one
service and reports the outcome. A refused step comes back as a message; a refused or
raced edit shows its form again with the message, 409 when someone saved first.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xuncha.findings.models import Problem
from xuncha.findings.selectors import get_measure_for_user, get_problem_for_user
from xuncha.rectification.authority import measure_add as measure_create
from xuncha.rectification.authority import measure_remove as measure_delete
from xuncha.rectification.authority import problem_plan_change
from xuncha.rectification.transitions import measure_transition, problem_transition
from xuncha.rectification.workflow import MEASURE, PROBLEM, VERDICT_STEPS
from xuncha.web.views.common import (
    INPUT_REFUSALS,
    REFUSALS,
    STEP_REFUSALS,
    AuthenticatedHttpRequest,
    done,
    error_status,
    next_url,
    problem_url,
    refused,
)
from xuncha.web.views.confirm import confirmation, move_to_confirm
from xuncha.web.views.problem import render_problem
from xuncha.web.workflow_forms import (
    MeasureAddForm,
    MeasureDeleteForm,
    ProblemPlanForm,
    TransitionForm,
)


def step_done_message(label: Any) -> str:
    return _("已完成“%(action)s”。") % {"action": label}


@login_required
@require_POST
def problem_step(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """申请销号, 退回, 销号, 重新打开 … as the workflow table and the user's part allow; a move
    whose row says what it will do is confirmed first (``web.views.confirm``)."""
    problem = get_problem_for_user(request.user, pk)
    back = next_url(request, problem_url(problem))
    form = TransitionForm(request.POST)
    if not form.is_valid():
        return refused(request, back, ValueError(_("请求无效，请刷新页面后重试。")))
    name = form.cleaned_data["name"]
    if name in VERDICT_STEPS:
        message = _("回访认定须在回访记录中作出，不能在问题页面直接操作。")
        return refused(request, back, ValueError(message))
    reason = form.cleaned_data["reason"]
    move = move_to_confirm(request, PROBLEM, problem, name, reason=reason)
    if move is not None:  # 申请销号, 销号: asked first, in the table's words
        return confirmation(
            request,
            move=move,
            action=request.path,
            back=back,
            record=problem_record(problem),
            reason=reason,
        )
    try:
        problem_transition(actor=request.user, problem=problem, name=name, reason=reason)
    except REFUSALS as error:
        return refused(request, back, error)
    return done(request, back, step_done_message(PROBLEM.move_label(name)))


def problem_record(problem: Problem) -> list[tuple[str, str]]:
    """The problem as a confirmation names it."""
    return [
        (_("问题"), _("问题%(n)s：%(title)s") % {"n": problem.ordinal, "title": problem.title}),
        (_("单位"), problem.assignment.unit.name),
        (_("状态"), problem.get_status_display()),
    ]


@login_required
@require_POST
def measure_step(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """开始推进, 完成, 重新推进 (with a reason) for one measure."""
    measure = get_measure_for_user(request.user, pk)
    back = next_url(request, problem_url(measure.problem_id, f"measure-{measure.pk}"))
    form = TransitionForm(request.POST)
    if not form.is_valid():
        return refused(request, back, ValueError(_("请求无效，请刷新页面后重试。")))
    name = form.cleaned_data["name"]
    try:
        measure_transition(
            actor=request.user, measure=measure, name=name, reason=form.cleaned_data["reason"]
        )
    except REFUSALS as error:
        return refused(request, back, error)
    return done(request, back, step_done_message(MEASURE.move_label(name)))


def versioned_edit(
    request: AuthenticatedHttpRequest,
    problem: Problem,
    form: Form,
    save: Callable[[dict[str, Any]], object],
    *,
    bound: dict[str, Any] | None,
    partial: str,
    partial_context: dict[str, Any],
    success: str,
    anchor: str,
) -> HttpResponse:
    """Save a form carrying ``expected_version`` through ``save``, or show it again.

    On a conflict or a refusal the form keeps what the user typed and says why: the htmx
    fragment (``partial``) answers 409 for a conflict, the plain page shows it in place
    (``bound`` names it for the page); a form with nothing typed (``bound`` None) goes back
    to the page with a message instead.
    """
    status = error_status(request)
    if form.is_valid():
        try:
            save(form.cleaned_data)
        except STEP_REFUSALS as error:
            return refused(request, problem_url(problem, anchor), error)
        except INPUT_REFUSALS as error:
            form.add_error(None, str(error))
            status = error_status(request, error)
        else:
            return done(request, next_url(request, problem_url(problem, anchor)), success)
    if request.htmx:
        context = {"problem": problem, **partial_context}
        return render(request, partial, context, status=status)
    if bound is None:
        errors = " ".join(str(error) for error in form.non_field_errors()) or _("请求无效。")
        return refused(request, problem_url(problem, anchor), ValueError(errors))
    return render_problem(request, problem, status=status, **bound)


@login_required
@require_POST
def problem_plan_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Set the problem's rectification kind and deadline, where the actor decides them."""
    problem = get_problem_for_user(request.user, pk)
    form = ProblemPlanForm(request.POST)

    def save(data: dict[str, Any]) -> object:
        return problem_plan_change(
            actor=request.user,
            problem=problem,
            expected_version=data["expected_version"],
            rectification_kind=data["rectification_kind"],
            deadline=data["deadline"],
        )

    return versioned_edit(
        request,
        problem,
        form,
        save,
        bound={"plan": form},
        partial="web/_plan_form.html",
        partial_context={"plan_form": form, "may_edit": True},
        success=_("整改类型与时限已保存。"),
        anchor="plan-edit",
    )


@login_required
@require_POST
def measure_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Add a measure with its owner, department and deadline (measure_create)."""
    problem = get_problem_for_user(request.user, pk)
    form = MeasureAddForm(request.POST)

    def save(data: dict[str, Any]) -> object:
        return measure_create(
            actor=request.user,
            problem=problem,
            expected_version=data["expected_version"],
            text=data["text"],
            owner=data["owner"],
            department=data["department"],
            deadline=data["deadline"],
        )

    return versioned_edit(
        request,
        problem,
        form,
        save,
        bound={"add_measure": form},
        partial="web/_measure_add_form.html",
        partial_context={"add_measure_form": form, "may_edit": True},
        success=_("已新增整改措施。"),
        anchor="measures",
    )


@login_required
@require_POST
def measure_remove(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Delete a measure that has not started (measure_delete)."""
    measure = get_measure_for_user(request.user, pk)
    problem = get_problem_for_user(request.user, measure.problem_id)
    form = MeasureDeleteForm(request.POST)

    def save(data: dict[str, Any]) -> None:
        measure_delete(
            actor=request.user, measure=measure, expected_version=data["expected_version"]
        )

    return versioned_edit(
        request,
        problem,
        form,
        save,
        bound=None,
        partial="web/_measure_delete_form.html",
        partial_context={"measure": measure, "delete_form": form},
        success=_("已删除整改措施。"),
        anchor="measures",
    )
