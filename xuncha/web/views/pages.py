"""Reading pages: the rounds, one round, one unit in a round, one problem."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from xuncha.core.permissions import may_edit_unit
from xuncha.findings.models import Problem, ProblemStatus
from xuncha.findings.selectors import (
    get_problem_for_user,
    measures_prefetch,
    problem_history,
    problems_for_user,
    status_counts,
    status_counts_by_unit,
)
from xuncha.rounds.models import GroupMembership
from xuncha.rounds.selectors import (
    assignments_for_user,
    get_assignment_for_user,
    get_round_for_user,
    rounds_for_user,
)
from xuncha.web.forms import MeasureForm
from xuncha.web.history import audit_rows, event_rows


def status_columns() -> list[tuple[str, str]]:
    """The problem statuses in workflow order, as (value, label) for table columns."""
    return [(value, str(label)) for value, label in ProblemStatus.choices]


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The rounds the user may see, with how many units and problems each holds for them."""
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
    return render(request, "web/home.html", {"rows": rows})


@login_required
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A round's facts, its groups and the units the user may see, with problem counts."""
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
    context = {
        "round": round_,
        "groups": groups,
        "unit_rows": unit_rows,
        "statuses": statuses,
        "totals": [totals[value] for value, _label in statuses],
        "total": sum(totals.values()),
        "last_import": round_.digest_imports.order_by("-imported_at", "-id").first(),
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


def problem_context(
    request: HttpRequest, problem: Problem, *, editing: dict[int, MeasureForm] | None = None
) -> dict[str, Any]:
    """What the problem page shows; ``editing`` maps measure ids to the form shown in place."""
    events, entries = problem_history(problem)
    measures = list(
        problem.measures.order_by("ordinal").prefetch_related(
            "outcomes", "accountabilities", "regulations"
        )
    )
    editing = editing or {}
    return {
        "problem": problem,
        "assignment": problem.assignment,
        "measures": [(measure, editing.get(measure.pk)) for measure in measures],
        "may_edit": may_edit_unit(request.user, problem.assignment.unit_id),
        "events": event_rows(events),
        "audit": audit_rows(entries, {measure.pk: measure.ordinal for measure in measures}),
    }


@login_required
def problem_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A problem with its measures, the unit's own report and its whole history."""
    problem = get_problem_for_user(request.user, pk)
    return render(request, "web/problem.html", problem_context(request, problem))
