"""Reading pages: the rounds, one round, one unit in a round (the problem page is in problem.py)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xuncha.clocks.models import WarningColour
from xuncha.clocks.selectors import COLOURS as WARNING_COLOURS
from xuncha.core.models import Role
from xuncha.core.permissions import has_role
from xuncha.digests.claims_check import (
    CHECKS_SHOWN,
    check_rows,
    round_checks_for_user,
    verdict_counts,
)
from xuncha.findings.models import ProblemStatus
from xuncha.findings.search import problem_highlights, search_problems
from xuncha.findings.selectors import (
    WARNING_KEYS,
    counts_by_assignment,
    counts_summed,
    measures_prefetch,
    problems_for_user,
)
from xuncha.followups.selectors import followups_for_user
from xuncha.rounds.models import GroupMembership
from xuncha.rounds.selectors import (
    assignments_for_user,
    get_assignment_for_user,
    get_round_for_user,
    rounds_for_user,
)
from xuncha.rounds.services import round_settings_update
from xuncha.web.forms import RoundSettingsForm
from xuncha.web.views.common import AuthenticatedHttpRequest, attach, done, refused
from xuncha.web.views.queue import queue_sections


def status_columns() -> list[tuple[str, str]]:
    """The problem statuses in workflow order, as (value, label) for table columns."""
    return [(value, str(label)) for value, label in ProblemStatus.choices]


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The user's queue in brief, then the rounds they may see with their counts."""
    rounds = list(rounds_for_user(request.user).order_by("-id"))
    units = dict(
        assignments_for_user(request.user)
        .order_by()
        .values_list("round_id")
        .annotate(n=Count("id"))
    )
    problem_rows = (
        problems_for_user(request.user)
        .order_by()
        .values("assignment__round_id")
        .annotate(
            total=Count("id"),
            closed=Count("id", filter=Q(status=ProblemStatus.CLOSED)),
        )
    )
    problems = {row["assignment__round_id"]: (row["total"], row["closed"]) for row in problem_rows}
    rows = []
    for round_ in rounds:
        total, closed = problems.get(round_.pk, (0, 0))
        rows.append(
            {
                "round": round_,
                "units": units.get(round_.pk, 0),
                "problems": total,
                "closed": closed,
            }
        )
    summary = queue_sections(request.user, items=False)
    context = {"rows": rows, "summary": summary}
    return render(request, "web/home.html", context)


UNITS_PER_PAGE = 50


@login_required
def round_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A round's facts, its groups and the units the user may see, with problem counts by
    status and by deadline warning (per unit and per group).

    Every count comes from one aggregate per assignment over the problems' stored columns;
    the units are listed a page at a time (a province's round inspects hundreds), the totals
    and the groups cover them all. The claims check of the round's imports follows, the lines
    the user may see only.
    """
    round_ = get_round_for_user(request.user, pk)
    groups = round_.groups.prefetch_related(
        Prefetch(
            "groupmembership_set",
            queryset=GroupMembership.objects.select_related("user__profile").order_by("id"),
            to_attr="memberships",
        )
    )
    assignments = assignments_for_user(request.user).filter(round=round_).order_by("position", "id")
    today = timezone.localdate()
    counts = counts_by_assignment(
        problems_for_user(request.user).filter(assignment__round=round_), today
    )
    group_of = dict(assignments.values_list("pk", "group_id"))
    by_group = counts_summed(counts, group_of)
    statuses = status_columns()
    empty = dict.fromkeys([*ProblemStatus.values, *WARNING_KEYS, "total"], 0)
    totals = counts_summed(counts, dict.fromkeys(counts, "all")).get("all", empty)
    page = Paginator(assignments, UNITS_PER_PAGE).get_page(request.GET.get("page"))
    ledger = reverse("web:ledger")
    unit_rows = []
    for assignment in page.object_list:
        row = counts.get(assignment.pk, empty)
        filter_url = f"{ledger}?round={round_.pk}&unit={assignment.unit_id}&warning="
        unit_rows.append(
            {
                "assignment": assignment,
                "counts": [row[value] for value, _label in statuses],
                "total": row["total"],
                "warnings": {key: row[key] for key in WARNING_KEYS},
                "cells": [(row[colour], filter_url + colour) for colour in WARNING_COLOURS],
            }
        )
    group_list = list(groups)
    for group in group_list:
        row = by_group.get(group.pk, empty)
        filter_url = f"{ledger}?group={group.pk}&warning="
        attach(
            group,
            warnings={key: row[key] for key in WARNING_KEYS},
            cells=[(row[colour], filter_url + colour) for colour in WARNING_COLOURS],
        )
    context = {
        "round": round_,
        "groups": group_list,
        "unit_rows": unit_rows,
        "page": page,
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2),
        "statuses": statuses,
        "totals": [totals[value] for value, _label in statuses],
        "total": totals["total"],
        "followups": followups_for_user(request.user).filter(round=round_).order_by("created_at"),
        "settings_form": RoundSettingsForm(
            initial={"evidence_per_measure": round_.evidence_per_measure}
        )
        if has_role(request.user, Role.OFFICE)
        else None,
        "last_import": round_.digest_imports.order_by("-imported_at", "-id").first(),
        "warning_colours": [(c.value, c.label) for c in WarningColour],
        "warning_totals": {colour: totals[colour] for colour in WARNING_COLOURS},
        "claim_checks": [
            {
                "name": item.name,
                "rows": check_rows(item.checks[:CHECKS_SHOWN]),
                "more": max(0, len(item.checks) - CHECKS_SHOWN),
                "counts": verdict_counts(item.checks),
            }
            for item in round_checks_for_user(request.user, round_)
            if item.checks
        ],
    }
    return render(request, "web/round.html", context)


@login_required
def assignment_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """One unit in one round: its problems, measures, and the figures each measure states.

    ``q`` searches the unit's problems as the ledger does (titles, texts, measures; every
    word must occur), with the matches marked in the titles.
    """
    assignment = get_assignment_for_user(request.user, pk)
    query = request.GET.get("q", "").strip()
    in_unit = problems_for_user(request.user).filter(assignment=assignment)
    problems = list(
        search_problems(in_unit, query).prefetch_related(measures_prefetch()).order_by("ordinal")
    )
    context = {
        "assignment": assignment,
        "problems": problems,
        "problem_count": in_unit.count() if query else len(problems),
        "query": query,
        "highlights": problem_highlights(problems, query),
    }
    return render(request, "web/assignment.html", context)


@login_required
@require_POST
def round_settings(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The office sets how a round's problems are closed (evidence per measure)."""
    round_ = get_round_for_user(request.user, pk)
    back = reverse("web:round", args=[round_.pk])
    if not has_role(request.user, Role.OFFICE):
        return refused(request, back, PermissionError(_("只有巡察办可以修改轮次设置。")))
    form = RoundSettingsForm(request.POST)
    if not form.is_valid():
        return refused(request, back, ValueError(_("请求无效，请刷新页面后重试。")))
    round_settings_update(
        actor=request.user,
        round_=round_,
        evidence_per_measure=form.cleaned_data["evidence_per_measure"],
    )
    return done(request, back, _("轮次设置已保存。"))
