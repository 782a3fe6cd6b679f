"""Reads of deadlines and the warning colours computed from them and today.

The colour is never stored: green, yellow (due within ``XUNCHA_WARNING_DAYS`` days, today
included), red (overdue), none (done, closed, or no deadline). The SQL annotations below and
:func:`warning_colour` apply the same boundaries, so a page can filter in SQL and a template
can show a single object's colour alike.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    DateField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)

from xuncha.clocks.models import Deadline, DeadlineAnchor, WarningColour
from xuncha.findings.models import MeasureStatus, Problem, ProblemStatus
from xuncha.rounds.models import Assignment

DEFAULT_WARNING_DAYS = 7
COLOURS = [WarningColour.GREEN.value, WarningColour.YELLOW.value, WarningColour.RED.value]


def warning_days() -> int:
    """How many days before the due date a deadline turns yellow (setting XUNCHA_WARNING_DAYS)."""
    return int(getattr(settings, "XUNCHA_WARNING_DAYS", DEFAULT_WARNING_DAYS))


def warning_colour(
    due: dt.date | None, today: dt.date, *, done: bool, days: int | None = None
) -> str | None:
    """The warning a deadline gives on ``today``: "green", "yellow", "red", or None."""
    if done or due is None:
        return None
    if due < today:
        return WarningColour.RED.value
    if (due - today).days <= (warning_days() if days is None else days):
        return WarningColour.YELLOW.value
    return WarningColour.GREEN.value


def _colour_case(field: str, today: dt.date, days: int | None, *none_when: Q) -> Case:
    """The SQL twin of :func:`warning_colour` over the date column or annotation ``field``."""
    horizon = today + dt.timedelta(days=warning_days() if days is None else days)
    return Case(
        *(When(condition, then=Value(None, output_field=CharField())) for condition in none_when),
        When(**{f"{field}__isnull": True}, then=Value(None, output_field=CharField())),
        When(**{f"{field}__lt": today}, then=Value(WarningColour.RED.value)),
        When(**{f"{field}__lte": horizon}, then=Value(WarningColour.YELLOW.value)),
        default=Value(WarningColour.GREEN.value),
        output_field=CharField(),
    )


def with_warning(
    deadlines: QuerySet[Deadline], today: dt.date, *, days: int | None = None
) -> QuerySet[Deadline]:
    """Deadlines annotated with ``warning`` (filterable: ``.filter(warning="red")``).

    A deadline gives no warning once its measure is done or its problem is closed. Deadlines
    of the assignment as a whole (the plan, the report) have no "done" of their own here; a
    caller that knows one is met filters it out.
    """
    return deadlines.annotate(
        warning=_colour_case(
            "due",
            today,
            days,
            Q(measure__status=MeasureStatus.DONE),
            Q(problem__status=ProblemStatus.CLOSED),
        )
    )


def _open_problem_deadlines() -> QuerySet[Deadline]:
    """The deadlines that bear on the problem in the outer query, while still open.

    Its open measures' deadlines (a done measure's deadline no longer threatens), and the
    assignment-wide deadlines whose rule counts for problems (the rectification report). A new
    deadline set by a follow-up verdict (再整改时限) supersedes them all: it comes first.
    """
    return (
        Deadline.objects.filter(
            Q(
                rule__anchor=DeadlineAnchor.MEASURE,
                problem_id=OuterRef("pk"),
                measure__status__in=[MeasureStatus.NOT_STARTED, MeasureStatus.IN_PROGRESS],
            )
            | Q(
                rule__anchor=DeadlineAnchor.FEEDBACK,
                assignment_id=OuterRef("assignment_id"),
                problem__isnull=True,
                measure__isnull=True,
            )
            | Q(
                rule__anchor=DeadlineAnchor.VERDICT,
                problem_id=OuterRef("pk"),
                measure__isnull=True,
            ),
            rule__active=True,
            rule__problem_warning=True,
        )
        .annotate(
            superseding=Case(
                When(rule__anchor=DeadlineAnchor.VERDICT, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        # On a tie of dates, the one counted without known holidays carries the mark.
        .order_by("superseding", "due", "holidays_known", "id")
    )


def _unless_closed(expression: Any, output_field: Any) -> Case:
    """A closed problem has no open deadline and no warning, whatever its rows say."""
    return Case(
        When(status=ProblemStatus.CLOSED, then=Value(None, output_field=output_field)),
        default=expression,
        output_field=output_field,
    )


def _problem_warning(today: dt.date, days: int | None) -> Case:
    # The colour is worked out inside the subquery, so each problem runs it once.
    colour = (
        _open_problem_deadlines()
        .annotate(colour=_colour_case("due", today, days))
        .values("colour")[:1]
    )
    return _unless_closed(Subquery(colour), CharField())


def problems_with_warning(
    problems: QuerySet[Problem], today: dt.date, *, days: int | None = None
) -> QuerySet[Problem]:
    """Problems annotated with their nearest open deadline and its warning colour.

    ``nearest_due`` (date or None), ``nearest_holidays_known`` (show the mark when False) and
    ``warning`` ("green" / "yellow" / "red" / None). A closed problem has none of them. All
    three are SQL, so a ledger can order and filter by them: ``.filter(warning="red")``.
    """
    nearest = _open_problem_deadlines()
    return problems.annotate(
        nearest_due=_unless_closed(Subquery(nearest.values("due")[:1]), DateField()),
        nearest_holidays_known=_unless_closed(
            Subquery(nearest.values("holidays_known")[:1]), BooleanField()
        ),
        warning=_problem_warning(today, days),
    )


def _counts_by(
    problems: QuerySet[Problem], key: str, today: dt.date, days: int | None
) -> dict[Any, dict[str, int]]:
    rows = (
        problems.order_by()
        .annotate(warning=_problem_warning(today, days))
        .values(key)
        .annotate(**{colour: Count("pk", filter=Q(warning=colour)) for colour in COLOURS})
    )
    return {row[key]: {colour: row[colour] for colour in COLOURS} for row in rows}


def warning_counts_by_unit(
    problems: QuerySet[Problem], today: dt.date, *, days: int | None = None
) -> dict[int, dict[str, int]]:
    """{unit id: {"green": n, "yellow": n, "red": n}} over ``problems``, in one query."""
    return _counts_by(problems, "assignment__unit_id", today, days)


def warning_counts_by_group(
    problems: QuerySet[Problem], today: dt.date, *, days: int | None = None
) -> dict[int | None, dict[str, int]]:
    """{group id: {"green": n, "yellow": n, "red": n}} over ``problems``, in one query.

    Problems of an assignment without a group are counted under None.
    """
    return _counts_by(problems, "assignment__group_id", today, days)


def deadlines_for_assignment(assignment: Assignment) -> QuerySet[Deadline]:
    """An assignment's stored deadlines (its own and its measures'), nearest first.

    The caller has reached ``assignment`` through an access-checked selector.
    """
    return (
        Deadline.objects.filter(assignment=assignment)
        .select_related("rule", "measure", "problem")
        .order_by("due", "rule__code", "id")
    )
