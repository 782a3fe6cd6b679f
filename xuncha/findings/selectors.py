"""Reads of problems and measures, always through the user's scope."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.http import Http404

from xuncha.core.models import AuditEntry
from xuncha.core.permissions import unit_ids_for_user
from xuncha.findings.models import (
    Measure,
    MeasureStatus,
    Problem,
    ProblemEvent,
    ProblemStatus,
)


def problems_for_user(user: Any) -> QuerySet[Problem]:
    """Every problem the user may see."""
    problems = Problem.objects.all()
    scope = unit_ids_for_user(user)
    if scope is not None:
        problems = problems.filter(assignment__unit_id__in=scope)
    return problems


def get_problem_for_user(user: Any, pk: int) -> Problem:
    """The problem with its unit, round and group, or 404 when the user may not see it."""
    try:
        return (
            problems_for_user(user)
            .select_related("assignment__unit", "assignment__round", "assignment__group")
            .get(pk=pk)
        )
    except Problem.DoesNotExist:
        raise Http404 from None


def measures_prefetch() -> Prefetch:
    """A prefetch of each problem's measures with their outcomes, facts and regulations."""
    return Prefetch(
        "measures",
        queryset=Measure.objects.order_by("ordinal").prefetch_related(
            "outcomes", "accountabilities", "regulations"
        ),
    )


def ledger_problems(
    user: Any,
    *,
    round_id: int | None = None,
    group_id: int | None = None,
    unit_id: int | None = None,
    status: str | None = None,
) -> QuerySet[Problem]:
    """The ledger (整改台账): problems in scope, filtered, in a stable order for paging.

    The order follows the primary key so that any page is an index walk, not a sort of the
    whole table (see bench/ledger.py).
    """
    problems = problems_for_user(user)
    if round_id:
        problems = problems.filter(assignment__round_id=round_id)
    if group_id:
        problems = problems.filter(assignment__group_id=group_id)
    if unit_id:
        problems = problems.filter(assignment__unit_id=unit_id)
    if status:
        problems = problems.filter(status=status)
    return problems.select_related(
        "assignment__unit", "assignment__round", "assignment__group"
    ).order_by("id")


def status_counts(problems: QuerySet[Problem]) -> dict[str, int]:
    """How many problems stand in each status (every status present, zero included)."""
    counts = {status: 0 for status in ProblemStatus.values}
    for row in problems.order_by().values("status").annotate(n=Count("id")):
        counts[row["status"]] = row["n"]
    return counts


def status_counts_by_unit(problems: QuerySet[Problem]) -> dict[int, dict[str, int]]:
    """Problem counts per assignment (unit in a round) and status, in one query."""
    result: dict[int, dict[str, int]] = {}
    rows = (
        problems.order_by()
        .values("assignment_id")
        .annotate(
            **{status: Count("id", filter=Q(status=status)) for status in ProblemStatus.values},
            total=Count("id"),
        )
    )
    for row in rows:
        result[row["assignment_id"]] = {
            key: value for key, value in row.items() if key != "assignment_id"
        }
    return result


def get_measure_for_user(user: Any, pk: int) -> Measure:
    """The measure with its problem, unit and round, or 404 when the user may not see it."""
    measures = Measure.objects.all()
    scope = unit_ids_for_user(user)
    if scope is not None:
        measures = measures.filter(problem__assignment__unit_id__in=scope)
    try:
        return (
            measures.select_related(
                "problem__assignment__unit",
                "problem__assignment__round",
                "problem__assignment__group",
            )
            .prefetch_related("outcomes", "accountabilities", "regulations")
            .get(pk=pk)
        )
    except Measure.DoesNotExist:
        raise Http404 from None


def measure_progress(problem_ids: list[int]) -> dict[int, dict[str, int]]:
    """For the given problems only: how many measures each has, and how many are done.

    One aggregate over the measures of these ids, so a ledger page costs one query whatever
    the size of the table.
    """
    rows = (
        Measure.objects.filter(problem_id__in=problem_ids)
        .order_by()
        .values("problem_id")
        .annotate(total=Count("id"), done=Count("id", filter=Q(status=MeasureStatus.DONE)))
    )
    return {row["problem_id"]: {"total": row["total"], "done": row["done"]} for row in rows}


def problem_history(problem: Problem) -> tuple[QuerySet[ProblemEvent], QuerySet[AuditEntry]]:
    """A problem's workflow events and its audit rows (every change under its scope), in order."""
    events = problem.events.select_related("actor__profile", "measure").order_by("at", "id")
    entries = (
        AuditEntry.objects.filter(scope=f"problem:{problem.pk}")
        .select_related("actor__profile")
        .order_by("id")
    )
    return events, entries


def with_last_step(problems: QuerySet[Problem]) -> QuerySet[Problem]:
    """Problems annotated with their last problem-level workflow step (measures' steps aside).

    ``last_transition`` (e.g. "return"), ``last_reason`` and ``last_step_at``: a work queue
    puts returned problems first and shows why they came back.
    """
    last = ProblemEvent.objects.filter(problem_id=OuterRef("pk"), measure=None).order_by(
        "-at", "-id"
    )
    return problems.annotate(
        last_transition=Subquery(last.values("transition")[:1]),
        last_reason=Subquery(last.values("reason")[:1]),
        last_step_at=Subquery(last.values("at")[:1]),
    )


def closing_requester_id(problem: Problem) -> int | None:
    """Who asked for the problem's closing most recently (None: nobody, or the system)."""
    return (
        problem.events.filter(transition="request_closing", measure=None)
        .order_by("-at", "-id")
        .values_list("actor_id", flat=True)
        .first()
    )
