"""Reads of problems and measures, always through the user's scope."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.http import Http404

from xuncha.clocks.selectors import COLOURS, PAUSED, colour_filter
from xuncha.core.models import AuditEntry, StatusChange
from xuncha.core.permissions import Viewer
from xuncha.findings.filters import problems_filtered, sort_order
from xuncha.findings.models import Measure, MeasureStatus, Problem, ProblemStatus
from xuncha.rounds.access import unit_ids_for_user


def problems_for_user(user: Viewer) -> QuerySet[Problem]:
    """Every problem the user may see."""
    problems = Problem.objects.all()
    scope = unit_ids_for_user(user)
    if scope is not None:
        problems = problems.filter(assignment__unit_id__in=scope)
    return problems


def get_problem_for_user(user: Viewer, pk: int) -> Problem:
    """The problem with its unit, round and group, or 404 when the user may not see it."""
    try:
        return (
            problems_for_user(user)
            .select_related(
                "assignment__unit", "assignment__round", "assignment__group", "nearest_rule"
            )
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
    user: Viewer,
    *,
    round_id: int | None = None,
    group_id: int | None = None,
    unit_id: int | None = None,
    status: str | None = None,
    q: str | None = None,
    sort: str | None = None,
) -> QuerySet[Problem]:
    """The ledger (整改台账): problems in scope, filtered through the ledger's FilterSet
    (``findings.filters``), searched for ``q`` and in a stable order for paging.

    Without ``sort`` the order follows the primary key, so that any page is an index walk,
    not a sort of the whole table (see bench/ledger.py); a sort column orders by it, then
    by id.
    """
    values = {"round": round_id, "group": group_id, "unit": unit_id, "status": status}
    problems = problems_filtered(problems_for_user(user), values | {"q": q})
    problems = problems.select_related(
        "assignment__unit", "assignment__round", "assignment__group", "nearest_rule"
    )
    return problems.order_by(*sort_order(sort))


def problem_count(filter: Q | None = None) -> Count:
    """A count of problems (those ``filter`` keeps) that PostgreSQL can answer from an index
    alone: every row (``COUNT(*)``), or ``status``, never null and in the (assignment, …)
    index the counts per unit walk, rather than the id, which only the table holds (counting
    ids reads all 100,000 rows from the table: 36 ms against 23 ms, bench/dashboard.py)."""
    return Count("*") if filter is None else Count("status", filter=filter)


def status_counts(problems: QuerySet[Problem]) -> dict[str, int]:
    """How many problems stand in each status (every status present, zero included)."""
    counts = {status: 0 for status in ProblemStatus.values}
    for row in problems.order_by().values("status").annotate(n=problem_count()):
        counts[row["status"]] = row["n"]
    return counts


def status_counts_by_unit(problems: QuerySet[Problem]) -> dict[int, dict[str, int]]:
    """Problem counts per assignment (unit in a round) and status, in one query."""
    result: dict[int, dict[str, int]] = {}
    rows = (
        problems.order_by()
        .values("assignment_id")
        .annotate(
            **{status: problem_count(Q(status=status)) for status in ProblemStatus.values},
            total=problem_count(),
        )
    )
    for row in rows:
        counts: Mapping[str, Any] = row  # its status keys are made at run time, unknown to mypy
        result[row["assignment_id"]] = {
            key: value for key, value in counts.items() if key != "assignment_id"
        }
    return result


WARNING_KEYS = [*COLOURS, PAUSED]


def counts_by_assignment(problems: QuerySet[Problem], today: dt.date) -> dict[int, dict[str, int]]:
    """Per assignment (a unit in a round): its problems by status, by the warning their stored
    nearest deadline gives today (green, yellow, red, paused) and in all, in one aggregate
    over the problems' own columns (no join, so an index walk where one covers them)."""
    aggregates: dict[str, Any] = {
        status: problem_count(Q(status=status)) for status in ProblemStatus.values
    }
    aggregates |= {key: problem_count(colour_filter(key, today)) for key in WARNING_KEYS}
    rows = problems.order_by().values("assignment_id").annotate(total=problem_count(), **aggregates)
    result: dict[int, dict[str, int]] = {}
    for row in rows:
        counts: Mapping[str, Any] = row  # its keys are made at run time, unknown to mypy
        result[row["assignment_id"]] = {
            key: value for key, value in counts.items() if key != "assignment_id"
        }
    return result


def counts_summed(
    counts: Mapping[int, Mapping[str, int]], key_of: Mapping[int, Any]
) -> dict[Any, dict[str, int]]:
    """Counts per assignment summed per whatever ``key_of`` maps each assignment to (its unit,
    its group): a unit inspected in several rounds adds up its assignments."""
    summed: dict[Any, dict[str, int]] = {}
    for assignment_id, row in counts.items():
        target = summed.setdefault(key_of.get(assignment_id), {})
        for key, value in row.items():
            target[key] = target.get(key, 0) + value
    return summed


def get_measure_for_user(user: Viewer, pk: int) -> Measure:
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


def problem_history(problem: Problem) -> tuple[QuerySet[StatusChange], QuerySet[AuditEntry]]:
    """A problem's status changes (its own and its measures') and its audit rows (every change
    under its scope), in order."""
    events = (
        StatusChange.objects.filter(scope=f"problem:{problem.pk}")
        .select_related("actor__profile")
        .order_by("at", "id")
    )
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
    last = StatusChange.objects.filter(workflow="problem", subject_id=OuterRef("pk")).order_by(
        "-at", "-id"
    )
    return problems.annotate(
        last_transition=Subquery(last.values("move")[:1]),
        last_reason=Subquery(last.values("reason")[:1]),
        last_step_at=Subquery(last.values("at")[:1]),
    )
