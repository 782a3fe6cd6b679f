"""Clocks paused across the 2025 Spring Festival, resumed and extended, counted by hand.

2025 Spring Festival: 28 Jan to 4 Feb off; Sunday 26 Jan and Saturday 8 Feb are working days.
Each rule runs on a unit's report clock (counted from the feedback date) and bears on the unit's
problem, whose stored nearest deadline must follow every step.
"""

from __future__ import annotations

import datetime as dt

import pytest

from tests.clocks.builders import assignment_with_feedback, deadline_of, problem_with_measures
from tests.factories import make_user
from xuncha.clocks.check import clocks_check
from xuncha.clocks.models import Clock, ClockState, DeadlineRule
from xuncha.clocks.rules import deadline_rule_set, extension_rule_set
from xuncha.clocks.selectors import colour_filter, with_warning
from xuncha.clocks.services import ClockError, clock_extend, clock_pause, clock_resume
from xuncha.core.models import AuditEntry, Role
from xuncha.findings.models import Problem
from xuncha.rectification.services import comment_add

pytestmark = pytest.mark.django_db

D = dt.date
RULE = "counted_by_hand"


def only_rule(amount: int, count_unit: str, *, roll: bool = False) -> DeadlineRule:
    """The unit's report clock under a rule of the test's own, the defaults switched off."""
    for rule in DeadlineRule.objects.filter(code__in=["plan_due", "report_due"]):
        deadline_rule_set(
            actor=None,
            code=rule.code,
            name=rule.name,
            subject=rule.subject,
            anchor=rule.anchor,
            amount=rule.amount,
            count_unit=rule.count_unit,
            active=False,
        )
    return deadline_rule_set(
        actor=None,
        code=RULE,
        name="手算时限",
        subject="report",
        anchor="feedback",
        amount=amount,
        count_unit=count_unit,
        roll_to_workday=roll,
        source="测试用规则",
    )


def nearest(problem: Problem) -> tuple[dt.date | None, bool]:
    problem.refresh_from_db()
    return problem.nearest_due, problem.nearest_paused


@pytest.fixture
def office():
    return make_user("clock-office", Role.OFFICE)


def approval(office, problem: Problem):
    """The office's written decision that grants more time."""
    return comment_add(actor=office, problem=problem, text="经研究，同意延长办理期限。")


def test_a_working_day_clock_paused_across_the_festival_resumed_and_extended(office):
    rule = only_rule(10, "working_days")
    assignment = assignment_with_feedback(D(2025, 1, 20))
    problem = problem_with_measures(assignment, None)
    clock = deadline_of(assignment, RULE)
    # 21, 22, 23, 24, Sun 26, 27 Jan, (festival), 5, 6, 7, Sat 8 Feb.
    assert (clock.start, clock.due, clock.state) == (D(2025, 1, 20), D(2025, 2, 8), "running")
    assert nearest(problem) == (D(2025, 2, 8), False)

    clock = clock_pause(actor=office, clock=clock, on=D(2025, 1, 24), reason="等待听证")
    assert (clock.state, clock.due, clock.label) == (ClockState.PAUSED, None, "暂停")
    assert nearest(problem) == (None, True)
    annotated = with_warning(Problem.objects.filter(pk=problem.pk), D(2025, 1, 30)).get()
    assert annotated.warning is None  # 暂停, no colour
    assert list(Problem.objects.filter(colour_filter("paused", D(2025, 1, 30)))) == [problem]
    assert clocks_check() == []

    # Resumed on Mon 10 Feb: 21, 22, 23 Jan count, 24 Jan to 9 Feb do not; then 10, 11, 12,
    # 13, 14, 17, 18 Feb.
    clock = clock_resume(actor=office, clock=clock, on=D(2025, 2, 10))
    assert (clock.state, clock.due) == (ClockState.RUNNING, D(2025, 2, 18))
    assert nearest(problem) == (D(2025, 2, 18), False)

    grant = extension_rule_set(
        actor=office,
        code="extend_by_hand",
        name="延长办理期限",
        rule=rule,
        amount=5,
        count_unit="working_days",
        times=1,
        source="测试用规则：延长一次，最多5个工作日",
    )
    decision = approval(office, problem)
    with pytest.raises(ClockError, match="1至5"):
        clock_extend(
            actor=office, clock=clock, rule=grant, amount=6, reason="情况复杂", approval=decision
        )
    # Five more working days from 18 Feb: 19, 20, 21, 24, 25 Feb.
    clock = clock_extend(
        actor=office, clock=clock, rule=grant, amount=5, reason="情况复杂", approval=decision
    )
    assert clock.due == D(2025, 2, 25)
    assert nearest(problem) == (D(2025, 2, 25), False)
    extension = clock.extensions.get()
    assert (extension.approval_type, extension.approval_id) == (
        "rectification.comment",
        str(decision.pk),
    )
    with pytest.raises(ClockError, match="最多延长1次"):
        clock_extend(
            actor=office, clock=clock, rule=grant, amount=1, reason="再延", approval=decision
        )
    assert Clock.objects.get(pk=clock.pk).due == D(2025, 2, 25)
    decisions = list(
        AuditEntry.objects.filter(
            scope=f"assignment:{assignment.pk}",
            action__in=["clock.pause", "clock.resume", "clock.extend"],
        )
        .order_by("id")
        .values_list("action", "actor__username")
    )
    assert decisions == [
        ("clock.pause", "clock-office"),
        ("clock.resume", "clock-office"),
        ("clock.extend", "clock-office"),
    ]
    assert clocks_check() == []


def test_a_calendar_day_clock_that_rolls_off_days_off_paused_resumed_and_extended(office):
    rule = only_rule(15, "calendar_days", roll=True)
    assignment = assignment_with_feedback(D(2025, 1, 15))
    problem = problem_with_measures(assignment, None)
    clock = deadline_of(assignment, RULE)
    # Day 15 is Thu 30 Jan, a festival day: it rolls to Wed 5 Feb.
    assert clock.due == D(2025, 2, 5)
    clock = clock_pause(actor=office, clock=clock, on=D(2025, 1, 27), reason="补充材料")
    assert nearest(problem) == (None, True)
    # Resumed Wed 5 Feb: 16–26 Jan are days 1–11, then 5, 6, 7, 8 Feb; Sat 8 Feb is worked.
    clock = clock_resume(actor=office, clock=clock, on=D(2025, 2, 5))
    assert clock.due == D(2025, 2, 8)
    assert nearest(problem) == (D(2025, 2, 8), False)
    grant = extension_rule_set(
        actor=office,
        code="extend_days",
        name="延长期限",
        rule=rule,
        amount=30,
        count_unit="calendar_days",
        source="测试用规则：延长一次，最多30日",
    )
    # Seven more days from 8 Feb: Sat 15 Feb is a day off and rolls to Mon 17 Feb.
    clock = clock_extend(
        actor=office,
        clock=clock,
        rule=grant,
        amount=7,
        reason="需要会商",
        approval=approval(office, problem),
    )
    assert clock.due == D(2025, 2, 17)
    assert nearest(problem) == (D(2025, 2, 17), False)
    assert clocks_check() == []


def test_pausing_and_resuming_out_of_order_is_refused_and_changes_nothing(office):
    only_rule(10, "working_days")
    assignment = assignment_with_feedback(D(2025, 1, 20))
    clock = deadline_of(assignment, RULE)
    with pytest.raises(ClockError, match="没有暂停"):
        clock_resume(actor=office, clock=clock, on=D(2025, 2, 1))
    with pytest.raises(ClockError, match="晚于起算日"):
        clock_pause(actor=office, clock=clock, on=D(2025, 1, 20), reason="过早")
    with pytest.raises(ClockError, match="理由"):
        clock_pause(actor=office, clock=clock, on=D(2025, 1, 24), reason=" ")
    clock = clock_pause(actor=office, clock=clock, on=D(2025, 1, 24), reason="听证")
    with pytest.raises(ClockError, match="已暂停"):
        clock_pause(actor=office, clock=clock, on=D(2025, 1, 25), reason="再停")
    with pytest.raises(ClockError, match="不能早于暂停日"):
        clock_resume(actor=office, clock=clock, on=D(2025, 1, 23))
    assert Clock.objects.get(pk=clock.pk).state == ClockState.PAUSED
    assert clock.pauses.count() == 1


def test_an_extension_under_another_rules_grant_is_refused(office):
    only_rule(10, "working_days")
    assignment = assignment_with_feedback(D(2025, 1, 20))
    problem = problem_with_measures(assignment, None)
    clock = deadline_of(assignment, RULE)
    other = DeadlineRule.objects.get(code="measure_due")
    grant = extension_rule_set(
        actor=office,
        code="other",
        name="别的规则",
        rule=other,
        amount=5,
        count_unit="calendar_days",
    )
    with pytest.raises(ClockError, match="不适用"):
        clock_extend(
            actor=office,
            clock=clock,
            rule=grant,
            amount=1,
            reason="试图",
            approval=approval(office, problem),
        )
    assert not clock.extensions.exists()
