"""Data for the clock tests, built through the real services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q

from tests.factories import make_evidence, make_round, make_unit, measure_complete
from xuncha.clocks.models import Clock, DeadlineRule
from xuncha.clocks.rules import deadline_rule_set
from xuncha.clocks.services import clocks_changed
from xuncha.findings.models import Measure, Problem
from xuncha.findings.services import MeasureInput, problem_create
from xuncha.rectification.models import ProgressReport
from xuncha.rectification.transitions import measure_transition, problem_transition
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
    problem.refresh_from_db()
    return problem


def problem_with_deadline(
    assignment: Assignment,
    deadline: dt.date | None,
    *measures: dt.date | None,
    title: str = "问题自身有整改时限",
) -> Problem:
    """A problem (待整改) with its own deadline (整改时限) and one measure per given deadline."""
    return problem_create(
        actor=None,
        assignment=assignment,
        title=title,
        deadline=deadline,
        measures=[
            MeasureInput(text=f"第{number}项措施。", deadline=day)
            for number, day in enumerate(measures, start=1)
        ],
    )


def complete_measure(problem: Problem, ordinal: int) -> None:
    """Mark one measure done, whatever its problem's status (a problem still waiting for its
    plan takes no progress report through the service, so its report is written directly)."""
    measure = problem.measures.get(ordinal=ordinal)
    if problem.status == "pending":
        ProgressReport.objects.create(measure=measure, text="已完成。")
        measure_transition(actor=None, measure=measure, name="complete")
    else:
        measure_complete(measure, actor=None)


def close_through_workflow(problem: Problem) -> Problem:
    """Start, finish every measure, back it with evidence, ask for closing and close (销号)."""
    problem = problem_transition(actor=None, problem=problem, name="start")
    for measure in problem.measures.exclude(status="done"):
        measure_complete(measure, actor=None)
    make_evidence(problem)
    problem = problem_transition(actor=None, problem=problem, name="request_closing")
    return problem_transition(actor=None, problem=problem, name="close")


def assignment_clocks(assignment: Assignment) -> list[Clock]:
    """Every clock of a unit in a round: its plan's and report's, its problems' own, its
    measures', its verdicts', nearest first."""
    problems = Problem.objects.filter(assignment=assignment).values("pk")
    measures = Measure.objects.filter(problem__assignment=assignment).values("pk")
    return list(
        Clock.objects.filter(
            Q(subject_type__in=["plan", "report"], subject_id=assignment.pk)
            | Q(subject_type="problem", subject_id__in=problems)
            | Q(subject_type="measure", subject_id__in=measures)
            | Q(subject_type="verdict", holder_type="problem", holder_id__in=problems)
        )
        .select_related("rule")
        .order_by("due", "rule__code", "subject_id")
    )


def refresh(assignment: Assignment) -> list[Clock]:
    """Bring the unit's clocks up to date (as any service does) and return them."""
    clocks_changed(actor=None, source="assignment", ids=[assignment.pk])
    measures = Measure.objects.filter(problem__assignment=assignment).values_list("pk", flat=True)
    clocks_changed(actor=None, source="measure", ids=list(measures))
    return assignment_clocks(assignment)


def deadline_of(assignment: Assignment, code: str, **lookup: Any) -> Clock:
    """The one clock of rule ``code`` among the unit's (``measure=`` picks a measure's)."""
    measure = lookup.pop("measure", None)
    found = [
        clock
        for clock in assignment_clocks(assignment)
        if clock.rule.code == code
        and (measure is None or (clock.subject_type, clock.subject_id) == ("measure", measure.pk))
        and all(getattr(clock, key) == value for key, value in lookup.items())
    ]
    assert len(found) == 1, found
    return found[0]


def count_plan_in_warnings() -> None:
    """The office makes the plan's deadline count in its unit's problems' warnings (by default
    it does not)."""
    plan = DeadlineRule.objects.get(code="plan_due")
    deadline_rule_set(
        actor=None,
        code=plan.code,
        name=plan.name,
        subject=plan.subject,
        anchor=plan.anchor,
        amount=plan.amount,
        count_unit=plan.count_unit,
        roll_to_workday=plan.roll_to_workday,
        counts_in_warnings=True,
        source=plan.source,
    )
