"""Follow-up supervision (回访督查): the list, one follow-up's plan and progress, the gap list,
and the office's planning forms (a follow-up, its batches, its visits).

A liaison sees only the follow-ups that visit their units, and of each only their units' rows:
no progress across units, no group's totals.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from xuncha.core.models import Role
from xuncha.core.permissions import has_role
from xuncha.followups.models import Batch, FollowUp, VerdictKind, VisitStatus
from xuncha.followups.selectors import (
    followups_for_user,
    gap_list,
    gap_total,
    get_followup_for_user,
    plan_table,
    progress,
    visits_for_user,
)
from xuncha.followups.services import batch_create, followup_create, visit_plan
from xuncha.followups.surveys import satisfaction_by_unit
from xuncha.rounds.access import unit_ids_for_user
from xuncha.rounds.selectors import rounds_for_user
from xuncha.web.followup_forms import BatchForm, FollowUpForm, VisitPlanForm
from xuncha.web.views.common import (
    INPUT_REFUSALS,
    STEP_REFUSALS,
    AuthenticatedHttpRequest,
    done,
    error_status,
    query_id,
    refused,
)


def verdict_columns() -> list[tuple[str, str]]:
    """The verdict kinds as (value, label), in the order of the workflow."""
    return [(value, str(label)) for value, label in VerdictKind.choices]


def chosen_pk(request: AuthenticatedHttpRequest, name: str) -> int | None:
    """An id from the query string (?round=3), or None when absent or not a number."""
    return query_id(request.GET.get(name, ""))


@login_required
@require_GET
def followup_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The follow-ups the user may see (those of one round with ?round=), with their counts."""
    return render_followup_list(request)


def render_followup_list(
    request: AuthenticatedHttpRequest, *, form: FollowUpForm | None = None, status: int = 200
) -> HttpResponse:
    user = request.user
    round_pk = chosen_pk(request, "round")
    round_ = rounds_for_user(user).filter(pk=round_pk).first() if round_pk else None
    followups = followups_for_user(user).annotate(batch_count=Count("batches", distinct=True))
    if round_ is not None:
        followups = followups.filter(round=round_)
    visits = {
        row["batch__followup_id"]: row
        for row in visits_for_user(user)
        .order_by()
        .values("batch__followup_id")
        .annotate(planned=Count("pk"), done=Count("pk", filter=Q(status=VisitStatus.DONE)))
    }
    rows = [
        {"followup": followup, "visits": visits.get(followup.pk, {"planned": 0, "done": 0})}
        for followup in followups.order_by("-created_at", "-id")
    ]
    may_plan = has_role(user, Role.OFFICE)
    if may_plan and form is None:
        form = FollowUpForm(user=user, initial={"round": round_})
    context = {"rows": rows, "round": round_, "form": form if may_plan else None}
    return render(request, "web/followups.html", context, status=status)


@login_required
@require_POST
def followup_create_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """安排回访督查 (the office): followup_create, then its page."""
    if not has_role(request.user, Role.OFFICE):
        raise Http404
    form = FollowUpForm(request.POST, user=request.user)
    if form.is_valid():
        data = form.cleaned_data
        try:
            followup = followup_create(
                actor=request.user,
                round_=data["round"],
                name=data["name"],
                kind=data["kind"],
                description=data["description"],
                rubric=data["rubric"],
                survey=data["survey"],
            )
        except STEP_REFUSALS as error:
            return refused(request, reverse("web:followups"), error)
        except INPUT_REFUSALS as error:
            form.add_error(None, str(error))
        else:
            message = _("已安排回访督查“%(name)s”，请添加批次和回访单位。") % {
                "name": followup.name
            }
            return done(request, reverse("web:followup", args=[followup.pk]), message)
    return render_followup_list(request, form=form, status=error_status(request))


def followup_context(
    request: AuthenticatedHttpRequest,
    followup: FollowUp,
    *,
    batch_form: BatchForm | None = None,
    visit_form: VisitPlanForm | None = None,
) -> dict[str, Any]:
    """The plan, its progress, the gap list and satisfaction, as this user may see them."""
    user = request.user
    scope = unit_ids_for_user(user)
    batches = list(Batch.objects.filter(followup=followup).order_by("sequence"))
    batch_pk = chosen_pk(request, "batch")
    batch = next((b for b in batches if b.pk == batch_pk), None)
    target = batch or followup
    gap_units = gap_list(target, by="unit")
    satisfaction = satisfaction_by_unit(target)
    if scope is not None:
        gap_units = [row for row in gap_units if row.key in scope]
        satisfaction = [row for row in satisfaction if row.unit_id in scope]
    gap_groups = gap_list(target, by="group") if scope is None else []
    may_plan = has_role(user, Role.OFFICE)
    context: dict[str, Any] = {
        "followup": followup,
        "batches": batches,
        "batch": batch,
        "plan": plan_table(followup, user=user),
        "progress": progress(followup) if scope is None else None,
        "verdict_columns": verdict_columns(),
        "gap_units": gap_units,
        "gap_units_total": gap_total(gap_units),
        "gap_groups": gap_groups,
        "gap_groups_total": gap_total(gap_groups),
        "satisfaction": satisfaction,
        "may_plan": may_plan,
    }
    if may_plan:
        context["batch_form"] = batch_form or BatchForm(initial=BatchForm.initial_for(followup))
        context["visit_form"] = visit_form or VisitPlanForm(followup=followup)
    return context


@login_required
@require_GET
def followup_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """One follow-up: the plan as a table, progress per batch, self-report beside verdict."""
    followup = get_followup_for_user(request.user, pk)
    return render(request, "web/followup.html", followup_context(request, followup))


def followup_url(followup: FollowUp, anchor: str = "") -> str:
    url = reverse("web:followup", args=[followup.pk])
    return f"{url}#{anchor}" if anchor else url


@login_required
@require_POST
def batch_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """添加批次 (the office): batch_create."""
    followup = get_followup_for_user(request.user, pk)
    form = BatchForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            batch = batch_create(
                actor=request.user,
                followup=followup,
                sequence=data["sequence"],
                name=data["name"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
            )
        except STEP_REFUSALS as error:
            return refused(request, followup_url(followup), error)
        except INPUT_REFUSALS as error:
            form.add_error(None, str(error))
        else:
            message = _("已添加批次“%(name)s”。") % {"name": batch.name}
            return done(request, followup_url(followup, "plan"), message)
    context = followup_context(request, followup, batch_form=form)
    return render(request, "web/followup.html", context, status=error_status(request))


@login_required
@require_POST
def visit_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """安排回访 (the office): a unit of the round, in a batch, by a group, on a date."""
    followup = get_followup_for_user(request.user, pk)
    form = VisitPlanForm(request.POST, followup=followup)
    if form.is_valid():
        data = form.cleaned_data
        try:
            visit = visit_plan(
                actor=request.user,
                batch=data["batch"],
                assignment=data["assignment"],
                group=data["group"],
                planned_on=data["planned_on"],
            )
        except STEP_REFUSALS as error:
            return refused(request, followup_url(followup), error)
        except INPUT_REFUSALS as error:
            form.add_error(None, str(error))
        else:
            message = _("已将%(unit)s列入%(batch)s，由%(group)s回访。") % {
                "unit": visit.assignment.unit.name,
                "batch": visit.batch.name,
                "group": visit.group.name,
            }
            return done(request, followup_url(followup, "plan"), message)
    context = followup_context(request, followup, visit_form=form)
    return render(request, "web/followup.html", context, status=error_status(request))
