"""Reading pages: the rounds, one round, one unit in a round (the problem page is in problem.py)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from xuncha.clocks.models import WarningColour
from xuncha.clocks.selectors import COLOURS as WARNING_COLOURS
from xuncha.clocks.selectors import warning_counts_by_group, warning_counts_by_unit
from xuncha.core.permissions import role_of
from xuncha.findings.models import ProblemStatus
from xuncha.findings.selectors import (
    measures_prefetch,
    problems_for_user,
    status_counts,
    status_counts_by_unit,
)
from xuncha.followups.selectors import followups_for_user
from xuncha.rounds.models import GroupMembership
from xuncha.rounds.selectors import (
    assignments_for_user,
    get_assignment_for_user,
    get_round_for_user,
    rounds_for_user,
)
from xuncha.web.views.queue import queue_sections


def status_columns() -> list[tuple[str, str]]:
    """The problem statuses in workflow order, as (value, label) for table columns."""
    return [(value, str(label)) for value, label in ProblemStatus.choices]


@login_required
def home(request: HttpRequest) -> HttpResponse:
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
    problems = {row["assignment__round_id"]: row for row in problem_rows}
    rows = [
        {
            "round": round_,
            "units": units.get(round_.pk, 0),
            "problems": problems.get(round_.pk, {}).get("total", 0),
            "closed": problems.get(round_.pk, {}).get("closed", 0),
        }
        for round_ in rounds
    ]
    summary = queue_sections(request.user, items=False)
    context = {"rows": rows, "summary": summary, "role": role_of(request.user)}
    return render(request, "web/home.html", context)


@login_required
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A round's facts, its groups and the units the user may see, with problem counts by
    status and by deadline warning (per unit and per group)."""
    round_ = get_round_for_user(request.user, pk)
    groups = round_.groups.prefetch_related(
        Prefetch(
            "groupmembership_set",
            queryset=GroupMembership.objects.select_related("user__profile").order_by("id"),
            to_attr="memberships",
        )
    )
    assignments = list(
        assignments_for_user(request.user).filter(round=round_).order_by("position", "id")
    )
    problems = problems_for_user(request.user).filter(assignment__round=round_)
    counts = status_counts_by_unit(problems)
    statuses = status_columns()
    empty = {value: 0 for value, _label in statuses} | {"total": 0}
    unit_rows = [
        {
            "assignment": assignment,
            "counts": [counts.get(assignment.pk, empty)[value] for value, _label in statuses],
            "total": counts.get(assignment.pk, empty)["total"],
        }
        for assignment in assignments
    ]
    totals = status_counts(problems)
    today = timezone.localdate()
    no_warning = {colour: 0 for colour in WARNING_COLOURS}
    by_unit = warning_counts_by_unit(problems, today)
    by_group = warning_counts_by_group(problems, today)
    for row in unit_rows:
        row["warnings"] = by_unit.get(row["assignment"].unit_id, no_warning)
    groups = list(groups)
    for group in groups:
        group.warnings = by_group.get(group.pk, no_warning)
    context = {
        "round": round_,
        "groups": groups,
        "unit_rows": unit_rows,
        "statuses": statuses,
        "totals": [totals[value] for value, _label in statuses],
        "total": sum(totals.values()),
        "followups": followups_for_user(request.user).filter(round=round_).order_by("created_at"),
        "last_import": round_.digest_imports.order_by("-imported_at", "-id").first(),
        "warning_colours": [(c.value, c.label) for c in WarningColour],
        "warning_totals": {
            colour: sum(counts[colour] for counts in by_unit.values()) for colour in WARNING_COLOURS
        },
    }
    return render(request, "web/round.html", context)


@login_required
def assignment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One unit in one round: its problems, measures, and the figures each measure states."""
    assignment = get_assignment_for_user(request.user, pk)
    problems = (
        problems_for_user(request.user)
        .filter(assignment=assignment)
        .prefetch_related(measures_prefetch())
        .order_by("ordinal")
    )
    return render(request, "web/assignment.html", {"assignment": assignment, "problems": problems})
