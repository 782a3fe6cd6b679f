"""Data for the clock tests, built through the real services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tests.factories import make_evidence, make_round, make_unit
from xuncha.clocks.models import Deadline
from xuncha.clocks.services import deadlines_refresh_for_assignment
from xuncha.findings.models import Problem
from xuncha.findings.services import (
    MeasureInput,
    measure_transition,
    problem_create,
    problem_transition,
)
from xuncha.rounds.models import Assignment, Group, Round, Unit
from xuncha.rounds.services import assignment_get_or_create

D = dt.date


def assignment_with_feedback(
    feedback_date: dt.date | None,
    *,
    round_: Round | None = None,
    unit: Unit | None = None,
    group: Group | None = None,
) -> Assignment:
    """A unit's assignment in a round, with the date its problem list was handed over."""
    assignment, _created = assignment_get_or_create(
        actor=None,
        round_=round_ or make_round(),
        unit=unit or make_unit(),
        group=group,
        feedback_date=feedback_date,
    )
    return assignment


def problem_with_measures(
    assignment: Assignment, *deadlines: dt.date | None, title: str = "整改责任落实不到位"
) -> Problem:
    """A problem (待整改) with one measure per given deadline (None: no deadline set)."""
    problem = problem_create(
        actor=None,
        assignment=assignment,
        title=title,
        measures=[
            MeasureInput(text=f"第{number}项措施。", deadline=deadline)
            for number, deadline in enumerate(deadlines, start=1)
        ],
    )
    deadlines_refresh_for_assignment(actor=None, assignment=assignment)
    return problem


def complete_measure(problem: Problem, ordinal: int) -> None:
    measure_transition(actor=None, measure=problem.measures.get(ordinal=ordinal), name="complete")


def close_through_workflow(problem: Problem) -> Problem:
    """Start, finish every measure, back it with evidence, ask for closing and close (销号)."""
    problem = problem_transition(actor=None, problem=problem, name="start")
    for measure in problem.measures.exclude(status="done"):
        measure_transition(actor=None, measure=measure, name="complete")
    make_evidence(problem)
    problem = problem_transition(actor=None, problem=problem, name="request_closing")
    return problem_transition(actor=None, problem=problem, name="close")


def deadline_of(assignment: Assignment, code: str, **lookup: Any) -> Deadline:
    return Deadline.objects.select_related("rule").get(
        assignment=assignment, rule__code=code, **lookup
    )
