"""Random sequences of service calls on a few problems never leave a stored clock or nearest
deadline that differs from one recomputed from scratch (hypothesis).

Each example builds a small unit (feedback date, three problems with measures, two recorded
follow-up visits), then runs a random sequence of the services people use: measures started,
finished, reopened, rescheduled, added and removed; problems asked for closing, returned,
closed and reopened; verdicts with new deadlines; the plan submitted, approved or returned; the
feedback date moved; clocks paused, resumed and extended. A step the workflow refuses is
skipped, as a person would be refused. After every step, ``clocks_check()`` (what
``xuncha deadlines-refresh --check`` runs) must find nothing to report.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tests.factories import make_evidence, make_round, make_unit, make_user, measure_complete
from tests.followups.conftest import record
from xuncha.clocks.check import clocks_check
from xuncha.clocks.models import Clock, ClockState, DeadlineRule
from xuncha.clocks.rules import extension_rule_set
from xuncha.clocks.services import ClockError, clock_extend, clock_pause, clock_resume
from xuncha.core.models import Role
from xuncha.core.workflow import TransitionRefused
from xuncha.findings.models import Problem, RectificationKind
from xuncha.findings.services import (
    EditConflict,
    EditRefused,
    MeasureInput,
    measure_create,
    measure_delete,
    measure_update,
    problem_create,
)
from xuncha.followups.access import FollowUpError
from xuncha.followups.services import batch_create, followup_create, visit_plan
from xuncha.followups.verdicts import verdict_record
from xuncha.rectification.services import comment_add, plan_get_or_create
from xuncha.rectification.transitions import (
    measure_transition,
    plan_transition,
    problem_transition,
)
from xuncha.rounds.models import GroupMembership
from xuncha.rounds.services import assignment_get_or_create, assignment_update, group_get_or_create

pytestmark = pytest.mark.django_db

D = dt.date
BASE = D(2025, 3, 3)
REFUSED = (TransitionRefused, EditRefused, EditConflict, ValueError, ClockError, FollowUpError)


@dataclass
class World:
    office: Any
    office2: Any
    liaison: Any
    member: Any
    assignment: Any
    problems: list[Problem]
    visits: list[Any]
    extension: Any


def build() -> World:
    round_ = make_round("性质测试轮次")
    group, _ = group_get_or_create(actor=None, round_=round_, name="市委第一巡察组")
    unit = make_unit("性质测试局")
    assignment, _ = assignment_get_or_create(
        actor=None, round_=round_, unit=unit, group=group, feedback_date=BASE
    )
    office, office2 = make_user("p-office", Role.OFFICE), make_user("p-office2", Role.OFFICE)
    liaison, member = make_user("p-liaison", Role.UNIT), make_user("p-member", Role.GROUP)
    unit.liaisons.add(liaison)
    GroupMembership.objects.create(group=group, user=member)
    problems = [
        problem_create(
            actor=None,
            assignment=assignment,
            title=f"问题{number}",
            rectification_kind=RectificationKind.BY_DEADLINE,
            measures=[
                MeasureInput(
                    text=f"措施{number}-{ordinal}。",
                    owner="王某",
                    department="办公室",
                    deadline=BASE + dt.timedelta(days=30 * number + 7 * ordinal),
                )
                for ordinal in range(1, number + 1)
            ],
        )
        for number in (1, 2, 3)
    ]
    # The first waits for the plan; the others are under way, as after an import.
    problems[1:] = [
        problem_transition(actor=None, problem=problem, name="start") for problem in problems[1:]
    ]
    # The second has done its measures and shown its evidence: it can ask for closing.
    for measure in problems[1].measures.all():
        measure_complete(measure)
    make_evidence(problems[1])
    followup = followup_create(actor=office, round_=round_, name="回访督查")
    visits = []
    for sequence, day in ((1, D(2025, 9, 10)), (2, D(2025, 11, 10))):
        batch = batch_create(
            actor=office, followup=followup, sequence=sequence, name=f"第{sequence}批"
        )
        visit = visit_plan(actor=office, batch=batch, assignment=assignment, group=group)
        visits.append(record(visit, member, on=day))
    report = DeadlineRule.objects.get(code="report_due")
    extension = extension_rule_set(
        actor=None,
        code="report_extension",
        name="整改报告延期",
        rule=report,
        amount=30,
        count_unit="calendar_days",
        times=2,
    )
    return World(office, office2, liaison, member, assignment, problems, visits, extension)


def fresh(problem: Problem) -> Problem:
    return Problem.objects.get(pk=problem.pk)


def measure_of(world: World, p: int, m: int) -> Any:
    measures = list(fresh(world.problems[p]).measures.order_by("ordinal"))
    return measures[m % len(measures)] if measures else None


def report_clock(world: World) -> Clock | None:
    return Clock.objects.filter(
        subject_type="report", subject_id=world.assignment.pk, rule__code="report_due"
    ).first()


PROBLEM = st.integers(0, 2)
MEASURE = st.integers(0, 3)
DAYS = st.integers(-60, 400)
STEPS = st.one_of(
    st.tuples(
        st.just("measure"), PROBLEM, MEASURE, st.sampled_from(["start", "complete", "reopen"])
    ),
    st.tuples(st.just("deadline"), PROBLEM, MEASURE, st.one_of(st.none(), DAYS)),
    st.tuples(st.just("add_measure"), PROBLEM, DAYS),
    st.tuples(st.just("delete_measure"), PROBLEM, MEASURE),
    st.tuples(st.just("evidence"), PROBLEM),
    st.tuples(
        st.just("problem"),
        PROBLEM,
        st.sampled_from(["start", "request_closing", "return", "close", "reopen"]),
        st.sampled_from(["office", "office2", "liaison"]),
    ),
    st.tuples(
        st.just("verdict"),
        PROBLEM,
        st.sampled_from(["done", "mostly", "not_done", "rebound"]),
        st.integers(0, 1),
        st.integers(1, 200),
    ),
    st.tuples(st.just("plan"), st.sampled_from(["submit", "approve", "return"])),
    st.tuples(st.just("feedback"), st.one_of(st.none(), st.integers(-30, 60))),
    st.tuples(st.just("pause"), st.integers(1, 90)),
    st.tuples(st.just("resume"), st.integers(0, 60)),
    st.tuples(st.just("extend"), st.integers(1, 40)),
)


def run(world: World, step: tuple[Any, ...]) -> None:
    kind, *args = step
    office, liaison = world.office, world.liaison
    if kind == "measure":
        measure = measure_of(world, args[0], args[1])
        if measure is not None:
            measure_transition(actor=liaison, measure=measure, name=args[2], reason="再推进")
    elif kind == "deadline":
        measure = measure_of(world, args[0], args[1])
        if measure is not None:
            day = None if args[2] is None else BASE + dt.timedelta(days=args[2])
            measure_update(
                actor=office,
                measure=measure,
                expected_version=fresh(world.problems[args[0]]).version,
                text=measure.text,
                owner=measure.owner,
                department=measure.department,
                deadline=day,
            )
    elif kind == "add_measure":
        problem = fresh(world.problems[args[0]])
        measure_create(
            actor=office,
            problem=problem,
            expected_version=problem.version,
            text="新增措施。",
            deadline=BASE + dt.timedelta(days=args[1]),
        )
    elif kind == "delete_measure":
        measure = measure_of(world, args[0], args[1])
        if measure is not None:
            problem = fresh(world.problems[args[0]])
            measure_delete(actor=office, measure=measure, expected_version=problem.version)
    elif kind == "evidence":
        make_evidence(fresh(world.problems[args[0]]))
    elif kind == "problem":
        actor = {"office": office, "office2": world.office2, "liaison": liaison}[args[2]]
        problem_transition(
            actor=actor, problem=fresh(world.problems[args[0]]), name=args[1], reason="理由"
        )
    elif kind == "verdict":
        visit = world.visits[args[2]]
        deadline = visit.visited_on + dt.timedelta(days=args[3])
        verdict_record(
            actor=world.member,
            visit=visit,
            problem=fresh(world.problems[args[0]]),
            kind=args[1],
            reason="回访认定",
            new_deadline=deadline if args[1] in {"mostly", "not_done"} else None,
        )
    elif kind == "plan":
        plan = plan_get_or_create(actor=liaison, assignment=world.assignment)
        actor = liaison if args[0] == "submit" else office
        plan_transition(actor=actor, plan=plan, name=args[0], reason="退回修改")
    elif kind == "feedback":
        day = None if args[0] is None else BASE + dt.timedelta(days=args[0])
        assignment_update(
            actor=office,
            assignment=world.assignment,
            group=world.assignment.group,
            feedback_date=day,
        )
    elif kind == "pause":
        clock = report_clock(world)
        if clock is not None:
            clock_pause(
                actor=office,
                clock=clock,
                on=clock.start + dt.timedelta(days=args[0]),
                reason="暂停",
            )
    elif kind == "resume":
        clock = report_clock(world)
        pause = clock.pauses.filter(end__isnull=True).first() if clock else None
        if pause is not None:
            clock_resume(actor=office, clock=clock, on=pause.start + dt.timedelta(days=args[0]))
    elif kind == "extend":
        clock = report_clock(world)
        if clock is not None:
            decision = comment_add(
                actor=office, problem=fresh(world.problems[0]), text="同意延期。"
            )
            clock_extend(
                actor=office,
                clock=clock,
                rule=world.extension,
                amount=args[0],
                reason="延期",
                approval=decision,
            )


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(STEPS, min_size=1, max_size=14))
def test_the_stored_nearest_deadlines_always_equal_a_recomputation(db, settings_media, steps):
    with transaction.atomic():
        world = build()
        assert clocks_check() == []
        for number, step in enumerate(steps, start=1):
            try:
                with transaction.atomic():
                    run(world, step)
            except REFUSED:
                event(f"{step[0]} refused")
            else:
                event(f"{step[0]} made")
            differences = clocks_check()
            assert differences == [], (number, step, [str(d) for d in differences])
        transaction.set_rollback(True)


@pytest.fixture
def settings_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_the_recomputation_finds_a_tampered_value(db, settings_media):
    # The property above means something only if the check can see a difference.
    world = build()
    problem = world.problems[2]
    Problem.objects.filter(pk=problem.pk).update(nearest_due=D(2040, 1, 1))
    assert [d.key for d in clocks_check()] == [f"problem:{problem.pk}"]
    clock = report_clock(world)
    Clock.objects.filter(pk=clock.pk).update(state=ClockState.MET)
    assert len(clocks_check()) == 2
