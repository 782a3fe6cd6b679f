"""Work queues: what waits for each person, by their role.

The office reviews closing requests and submitted plans; a liaison works on their open
problems, the returned ones first with the reason; a group member reviews the closing
requests of the units their group inspects; a supervisor watches what is overdue.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Case, F, IntegerField, QuerySet, Value, When
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from xuncha.clocks.selectors import colour_filter, with_warning
from xuncha.core.models import Role
from xuncha.core.permissions import Viewer, has_role
from xuncha.findings.models import Problem
from xuncha.findings.selectors import problems_for_user, with_last_step
from xuncha.followups.selectors import with_latest_verdict
from xuncha.rectification.selectors import (
    closing_queue,
    group_closing_queue,
    plan_queue,
    returned_plans,
    unit_work_queue,
)
from xuncha.web.views.common import AuthenticatedHttpRequest

QUEUE_LIMIT = 200  # a queue longer than this is a ledger: the page links there for the rest


@dataclass
class Section:
    """One list of a queue page: its anchor, title, how many items, and (on the page) them."""

    key: str
    title: Any
    count: int
    items: list[Any] = field(default_factory=list)
    kind: str = "problems"  # or "plans"
    empty: Any = ""


def overdue_problems(user: Viewer, today: dt.date) -> QuerySet[Problem]:
    """Problems in scope whose nearest open deadline has passed (red), nearest first."""
    return (
        with_warning(problems_for_user(user), today)
        .filter(colour_filter("red", today))
        .select_related("assignment__unit", "assignment__round", "nearest_rule")
        .order_by(F("nearest_due").asc(nulls_last=True), "id")
    )


# The steps that send a problem back to the unit: the office's 退回, and a follow-up visit's
# verdicts that leave work to do (基本到位, 未到位, 问题反弹).
SENT_BACK = ("return", "rule_mostly", "rule_not_done", "rule_not_done_reopen", "rule_rebound")


def liaison_queue(user: Viewer, today: dt.date) -> QuerySet[Problem]:
    """A liaison's open problems: those sent back first (退回, or by a follow-up verdict, with
    the verdict's reason and new deadline), then by the nearest deadline."""
    problems = with_warning(with_latest_verdict(with_last_step(unit_work_queue(user))), today)
    return problems.order_by(
        Case(
            When(last_transition__in=SENT_BACK, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        ),
        F("nearest_due").asc(nulls_last=True),
        F("deadline").asc(nulls_last=True),
        "id",
    )


def overdue_section(user: Viewer, today: dt.date, section: Any) -> Section:
    return section("overdue", _("已逾期"), overdue_problems(user, today), empty=_("没有逾期问题。"))


def queue_sections(user: Viewer, *, items: bool, today: dt.date | None = None) -> list[Section]:
    """The user's queue, as sections; with ``items`` the rows too (else only the counts).

    A person holding several roles gets each role's sections, in the order of the roles
    (the office's, a liaison's, a group member's, a supervisor's), each section once.
    """
    today = today or timezone.localdate()

    def section(key: str, title: Any, queryset: QuerySet[Any], **extra: Any) -> Section:
        rows = list(queryset[:QUEUE_LIMIT]) if items else []
        count = len(rows) if items and len(rows) < QUEUE_LIMIT else queryset.count()
        return Section(key, title, count, rows, **extra)

    sections: list[Section] = []
    if has_role(user, Role.OFFICE):
        sections += [
            section(
                "closing",
                _("待审核销号"),
                with_last_step(closing_queue(user)),
                empty=_("没有待审核的销号申请。"),
            ),
            section(
                "plans",
                _("待批准方案"),
                plan_queue(user),
                kind="plans",
                empty=_("没有待批准的整改方案。"),
            ),
            overdue_section(user, today, section),
        ]
    if has_role(user, Role.UNIT):
        sections += [
            section(
                "open",
                _("待办问题"),
                liaison_queue(user, today),
                empty=_("没有待整改的问题。"),
            ),
            section(
                "returned_plans",
                _("被退回的整改方案"),
                returned_plans(user),
                kind="plans",
                empty=_("没有被退回的整改方案。"),
            ),
        ]
    if has_role(user, Role.GROUP):
        sections.append(
            section(
                "group_closing",
                _("待评议销号"),
                group_closing_queue(user),
                empty=_("本组联系的单位暂无销号申请。"),
            )
        )
    if has_role(user, Role.SUPERVISOR) and not has_role(user, Role.OFFICE):
        sections.append(overdue_section(user, today, section))
    return sections


def queue_badge(user: Viewer) -> int | None:
    """The number in the navigation's badge: what waits for this user to act on.

    Cheap counts only (no deadline arithmetic): a supervisor acts on nothing, so gets none.
    """
    counts = []
    if has_role(user, Role.OFFICE):
        counts.append(closing_queue(user).count() + plan_queue(user).count())
    if has_role(user, Role.UNIT):
        counts.append(unit_work_queue(user).count())
    if has_role(user, Role.GROUP):
        counts.append(group_closing_queue(user).count())
    return sum(counts) if counts else None


@login_required
@require_GET
def queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The user's work queue page."""
    sections = queue_sections(request.user, items=True)
    return render(
        request,
        "web/queue.html",
        {"sections": sections, "limit": QUEUE_LIMIT},
    )
