"""A unit's rectification plan (整改方案) for one round: the three lists, its status and steps."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from xuncha.core.permissions import Actor
from xuncha.core.workflow import Move
from xuncha.findings.selectors import measures_prefetch, problems_for_user
from xuncha.rectification.models import PlanStatus, RectificationPlan
from xuncha.rectification.plans import plan_gaps
from xuncha.rectification.selectors import get_plan_for_assignment, plan_events_for_assignment
from xuncha.rectification.services import plan_get_or_create
from xuncha.rectification.transitions import plan_transition
from xuncha.rectification.workflow import PLAN
from xuncha.rounds.models import Assignment
from xuncha.rounds.selectors import get_assignment_for_user
from xuncha.web.history import plan_event_rows
from xuncha.web.views.common import REFUSALS, AuthenticatedHttpRequest, done, refused
from xuncha.web.workflow_forms import PlanTransitionForm

OPEN = {PlanStatus.DRAFT, PlanStatus.RETURNED}


def plan_actions(user: Actor, assignment: Assignment, plan: RectificationPlan | None) -> list[Move]:
    """The plan's moves this user may make, from the engine's list (a plan not yet drafted is
    asked as the draft it would be)."""
    return PLAN.moves(plan or RectificationPlan(assignment=assignment), user)


@login_required
@require_GET
def plan_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
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
        "actions": plan_actions(request.user, assignment, plan),
        "version": plan.version if plan else 0,
        "tomorrow": timezone.localdate() + dt.timedelta(days=1),
        "events": plan_event_rows(plan_events_for_assignment(assignment)),
    }
    return render(request, "web/plan.html", context)


@login_required
@require_POST
def plan_step(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
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
            due_date=data["due_date"],
            # The page asks the office when the plan is due again (the service leaves it open).
            due_date_required=True,
        )
    except REFUSALS as error:
        return refused(request, back, error)
    label = PLAN.move_label(data["name"])
    return done(request, back, _("已完成“%(action)s”。") % {"action": label})
