"""A unit's rectification plan (整改方案) for one round: the three lists, its status and steps."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from xuncha.core.permissions import acting_role
from xuncha.findings.selectors import measures_prefetch, problems_for_user
from xuncha.rectification.models import PlanStatus, RectificationPlan
from xuncha.rectification.selectors import get_plan_for_assignment, plan_events_for_assignment
from xuncha.rectification.services import plan_gaps, plan_get_or_create, plan_transition
from xuncha.rectification.workflow import PLAN_TRANSITIONS
from xuncha.rounds.selectors import get_assignment_for_user
from xuncha.web.history import plan_event_rows
from xuncha.web.views.common import REFUSALS, done, refused
from xuncha.web.views.problem import Action
from xuncha.web.workflow_forms import PlanTransitionForm

OPEN = {PlanStatus.DRAFT, PlanStatus.RETURNED}


def plan_actions(user: Any, assignment: Any, status: str, gaps: list[str]) -> list[Action]:
    """The plan's steps this user's part allows; 报送 waits until the plan is complete."""
    role = acting_role(user, assignment)
    actions = []
    for transition in PLAN_TRANSITIONS.values():
        if role not in transition.roles or status not in transition.sources:
            continue
        blocked = ""
        if transition.name == "submit" and gaps:
            blocked = _("方案尚不完整，补齐下列内容后才能报送。")
        actions.append(Action(transition, blocked))
    return actions


@login_required
@require_GET
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """问题清单, 任务清单, 责任清单 of one unit in one round, with the plan's history."""
    assignment = get_assignment_for_user(request.user, pk)
    plan = get_plan_for_assignment(request.user, assignment)
    status = plan.status if plan else PlanStatus.DRAFT
    problems = list(
        problems_for_user(request.user)
        .filter(assignment=assignment)
        .prefetch_related(measures_prefetch())
        .order_by("ordinal")
    )
    gaps = plan_gaps(assignment) if status in OPEN else []
    context = {
        "assignment": assignment,
        "plan": plan,
        "status": status,
        "status_label": PlanStatus(status).label,
        "problems": problems,
        "measures": [(p, m) for p in problems for m in p.measures.all()],
        "gaps": gaps,
        "actions": plan_actions(request.user, assignment, status, gaps),
        "version": plan.version if plan else 0,
        "events": plan_event_rows(plan_events_for_assignment(assignment)),
    }
    return render(request, "web/plan.html", context)


@login_required
@require_POST
def plan_step(request: HttpRequest, pk: int) -> HttpResponse:
    """报送方案 (the unit), 批准 / 退回 (the office): plan_transition, drafting it if need be."""
    assignment = get_assignment_for_user(request.user, pk)
    back = reverse("web:plan", args=[assignment.pk])
    form = PlanTransitionForm(request.POST)
    if not form.is_valid():
        return refused(request, back, ValueError(_("请求无效，请刷新页面后重试。")))
    data = form.cleaned_data
    try:
        plan: RectificationPlan | None = get_plan_for_assignment(request.user, assignment)
        if plan is None:
            if data["name"] != "submit":
                raise ValueError(_("整改方案尚未起草。"))
            plan = plan_get_or_create(actor=request.user, assignment=assignment)
        plan_transition(
            actor=request.user,
            plan=plan,
            name=data["name"],
            reason=data["reason"],
            expected_version=data["expected_version"] or None,
        )
    except REFUSALS as error:
        return refused(request, back, error)
    label = PLAN_TRANSITIONS[data["name"]].label
    return done(request, back, _("已完成“%(action)s”。") % {"action": label})
