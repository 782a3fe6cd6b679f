"""Clocks computed from rules and the dates their subjects give, stored with their rule."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command

from tests.clocks.builders import (
    assignment_clocks,
    assignment_with_feedback,
    deadline_of,
    problem_with_measures,
    refresh,
)
from xuncha.clocks.check import clocks_check
from xuncha.clocks.models import Clock, ClockState, DeadlineRule
from xuncha.clocks.rules import deadline_rule_set
from xuncha.clocks.services import clocks_refresh_all
from xuncha.core.models import AuditEntry
from xuncha.findings.services import measure_delete, measure_update

pytestmark = pytest.mark.django_db

D = dt.date
RULE = "rule_under_test"
WORKING, DAYS, MONTHS = "working_days", "calendar_days", "calendar_months"


def set_rule(amount: int, count_unit: str, *, roll: bool = False, active: bool = True) -> None:
    deadline_rule_set(
        actor=None,
        code=RULE,
        name="测试时限",
        subject="report",
        anchor="feedback",
        amount=amount,
        count_unit=count_unit,
        roll_to_workday=roll,
        source="测试用规则",
        active=active,
    )


# Each case is worked out by hand from the State Council's published schedules.
FESTIVAL_CASES = [
    # 2024 Spring Festival: 10–17 Feb off; Sundays 4 Feb and 18 Feb are working days.
    pytest.param(15, WORKING, False, D(2024, 2, 1), D(2024, 2, 27), id="2024春节-15工作日"),
    pytest.param(10, DAYS, False, D(2024, 2, 5), D(2024, 2, 15), id="2024春节-10日"),
    pytest.param(10, DAYS, True, D(2024, 2, 5), D(2024, 2, 18), id="2024春节-10日顺延"),
    pytest.param(2, MONTHS, True, D(2023, 12, 10), D(2024, 2, 18), id="2024春节-2月顺延"),
    # 2024 National Day: 1–7 Oct off; Sunday 29 Sep and Saturday 12 Oct are working days.
    pytest.param(15, WORKING, False, D(2024, 9, 25), D(2024, 10, 21), id="2024国庆-15工作日"),
    pytest.param(1, WORKING, False, D(2024, 10, 11), D(2024, 10, 12), id="2024国庆-调休周六"),
    pytest.param(5, DAYS, True, D(2024, 9, 26), D(2024, 10, 8), id="2024国庆-5日顺延"),
    pytest.param(2, MONTHS, True, D(2024, 8, 5), D(2024, 10, 8), id="2024国庆-2月顺延"),
    # 2025 Spring Festival: 28 Jan – 4 Feb off; Sunday 26 Jan and Saturday 8 Feb are working.
    pytest.param(15, WORKING, False, D(2025, 1, 20), D(2025, 2, 14), id="2025春节-15工作日"),
    pytest.param(1, WORKING, False, D(2025, 1, 24), D(2025, 1, 26), id="2025春节-调休周日"),
    pytest.param(10, DAYS, True, D(2025, 1, 18), D(2025, 2, 5), id="2025春节-10日顺延"),
    pytest.param(2, MONTHS, True, D(2024, 12, 1), D(2025, 2, 5), id="2025春节-2月顺延"),
    # 2025 National Day and Mid-Autumn: 1–8 Oct off; Sunday 28 Sep and Saturday 11 Oct work.
    pytest.param(15, WORKING, False, D(2025, 9, 24), D(2025, 10, 21), id="2025国庆-15工作日"),
    pytest.param(5, DAYS, True, D(2025, 9, 27), D(2025, 10, 9), id="2025国庆-5日顺延"),
    pytest.param(2, MONTHS, True, D(2025, 8, 5), D(2025, 10, 9), id="2025国庆-2月顺延"),
    pytest.param(2, MONTHS, False, D(2025, 8, 5), D(2025, 10, 5), id="2025国庆-2月"),
]


@pytest.mark.parametrize(("amount", "count_unit", "roll", "feedback", "due"), FESTIVAL_CASES)
def test_a_deadline_counted_from_feedback_follows_the_official_holidays(
    amount, count_unit, roll, feedback, due
):
    set_rule(amount, count_unit, roll=roll)
    assignment = assignment_with_feedback(feedback)
    deadline = deadline_of(assignment, RULE)
    assert (deadline.start, deadline.due) == (feedback, due)
    assert deadline.holidays_known
    assert deadline.label == due.isoformat()


def test_the_default_rules_exist_with_their_sources_and_can_be_edited():
    rules = {rule.code: rule for rule in DeadlineRule.objects.all()}
    assert {"plan_due", "report_due", "measure_due", "followup_due"} <= set(rules)
    plan, report, measure = rules["plan_due"], rules["report_due"], rules["measure_due"]
    assert (plan.amount, plan.count_unit, plan.subject, plan.anchor) == (
        15,
        "working_days",
        "plan",
        "feedback",
    )
    assert (report.amount, report.count_unit, report.roll_to_workday, report.subject) == (
        2,
        "calendar_months",
        True,
        "report",
    )
    assert (measure.subject, measure.anchor, measure.amount, measure.roll_to_workday) == (
        "measure",
        "measure",
        0,
        False,
    )
    assert rules["followup_due"].supersedes and not plan.counts_in_warnings
    assert all(rule.source and rule.active for rule in rules.values())
    assert "巡视工作条例" in report.source


def test_the_default_rules_give_the_plan_and_report_deadlines_of_an_assignment():
    assignment = assignment_with_feedback(D(2025, 1, 20))
    problem_with_measures(assignment, None)  # a problem waiting for the unit's plan
    clocks = assignment_clocks(assignment)
    assert [(c.rule.code, c.subject_type, c.due) for c in clocks] == [
        ("plan_due", "plan", D(2025, 2, 14)),
        ("report_due", "report", D(2025, 3, 20)),
    ]
    assert all(c.start == D(2025, 1, 20) and c.holidays_known for c in clocks)
    assert all(c.state == ClockState.RUNNING for c in clocks)


def test_the_plans_clock_is_met_once_the_plan_is_sent_or_nothing_waits_for_it(cast):
    from tests.rectification.conftest import planned_problem
    from xuncha.rectification.services import plan_get_or_create
    from xuncha.rectification.transitions import plan_transition, problem_transition

    assignment = cast.assignment
    assert deadline_of(assignment, "plan_due").state == ClockState.MET  # no problem yet
    problem = planned_problem(assignment)
    assert deadline_of(assignment, "plan_due").state == ClockState.RUNNING
    plan = plan_get_or_create(actor=cast.liaison, assignment=assignment)
    plan = plan_transition(actor=cast.liaison, plan=plan, name="submit")
    assert deadline_of(assignment, "plan_due").state == ClockState.MET
    plan_transition(actor=cast.office, plan=plan, name="return", reason="措施不具体")
    assert deadline_of(assignment, "plan_due").state == ClockState.RUNNING
    # An imported problem starts at once: nothing waits for a plan any more.
    problem_transition(actor=None, problem=problem, name="start")
    assert deadline_of(assignment, "plan_due").state == ClockState.MET
    assert clocks_check() == []


def test_no_deadline_is_invented_when_the_feedback_date_is_empty():
    assignment = assignment_with_feedback(None)
    assert refresh(assignment) == []
    assert not Clock.objects.exists()


def test_a_measure_deadline_is_stored_as_the_plan_set_it_without_rolling():
    # 1 Oct 2025 is a holiday: measure_due keeps the date the plan chose.
    assignment = assignment_with_feedback(None)
    problem = problem_with_measures(assignment, D(2025, 10, 1), None)
    first, second = problem.measures.order_by("ordinal")
    deadline = deadline_of(assignment, "measure_due")
    assert (deadline.subject_id, deadline.holder_type, deadline.holder_id) == (
        first.pk,
        "problem",
        problem.pk,
    )
    assert (deadline.start, deadline.due, deadline.holidays_known) == (
        D(2025, 10, 1),
        D(2025, 10, 1),
        True,
    )
    assert not Clock.objects.filter(subject_type="measure", subject_id=second.pk).exists()


def test_refreshing_twice_changes_nothing_and_writes_no_audit_rows():
    assignment = assignment_with_feedback(D(2025, 1, 20))
    problem_with_measures(assignment, D(2025, 3, 1))
    first = refresh(assignment)
    rows = AuditEntry.objects.count()
    second = refresh(assignment)
    assert [(c.pk, c.due, c.computed_at) for c in first] == [
        (c.pk, c.due, c.computed_at) for c in second
    ]
    assert AuditEntry.objects.count() == rows
    assert clocks_check() == []


def test_a_changed_measure_deadline_updates_the_stored_one_in_place_with_an_audit_row():
    assignment = assignment_with_feedback(None)
    problem = problem_with_measures(assignment, D(2025, 3, 1))
    before = deadline_of(assignment, "measure_due")
    measure = problem.measures.get()
    measure_update(
        actor=None,
        measure=measure,
        expected_version=problem.version,
        text=measure.text,
        deadline=D(2025, 4, 30),
    )
    after = deadline_of(assignment, "measure_due")
    assert (after.pk, after.due) == (before.pk, D(2025, 4, 30))
    entry = AuditEntry.objects.filter(action="clock.update").get()
    assert entry.before["due"] == "2025-03-01"
    assert entry.after["due"] == "2025-04-30"
    assert entry.scope == f"problem:{problem.pk}"
    problem.refresh_from_db()
    assert problem.nearest_due == D(2025, 4, 30)


def test_a_cleared_measure_deadline_removes_the_stored_one():
    assignment = assignment_with_feedback(None)
    problem = problem_with_measures(assignment, D(2025, 3, 1))
    measure = problem.measures.get()
    measure_update(actor=None, measure=measure, expected_version=problem.version, text=measure.text)
    assert refresh(assignment) == []
    assert AuditEntry.objects.filter(action="clock.delete").count() == 1
    problem.refresh_from_db()
    assert problem.nearest_due is None


def test_a_deleted_measure_takes_its_clock_with_it():
    assignment = assignment_with_feedback(None)
    problem = problem_with_measures(assignment, D(2025, 3, 1), D(2025, 5, 1))
    first = problem.measures.get(ordinal=1)
    measure_delete(actor=None, measure=first, expected_version=problem.version)
    assert [c.due for c in assignment_clocks(assignment)] == [D(2025, 5, 1)]
    problem.refresh_from_db()
    assert problem.nearest_due == D(2025, 5, 1)


def test_an_edited_rule_recomputes_the_stored_deadlines():
    assignment = assignment_with_feedback(D(2025, 1, 20))
    plan = DeadlineRule.objects.get(code="plan_due")
    deadline_rule_set(
        actor=None,
        code="plan_due",
        name=plan.name,
        subject=plan.subject,
        anchor=plan.anchor,
        amount=20,
        count_unit=plan.count_unit,
        counts_in_warnings=plan.counts_in_warnings,
        source=plan.source,
    )
    # Five more working days after 14 Feb 2025: 17–21 Feb.
    assert deadline_of(assignment, "plan_due").due == D(2025, 2, 21)
    assert AuditEntry.objects.filter(action="deadline_rule.update").count() == 1


def test_a_rule_on_an_unknown_subject_or_anchor_is_refused():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        deadline_rule_set(
            actor=None,
            code="nowhere",
            name="无对象",
            subject="nothing",
            anchor="feedback",
            amount=1,
            count_unit="calendar_days",
        )
    assert "未知的适用对象" in str(refused.value)
    with pytest.raises(ValidationError) as refused:
        deadline_rule_set(
            actor=None,
            code="nowhere",
            name="无起算",
            subject="measure",
            anchor="feedback",
            amount=1,
            count_unit="calendar_days",
        )
    assert "起算依据" in str(refused.value)
    assert not DeadlineRule.objects.filter(code="nowhere").exists()


def test_a_rule_switched_off_takes_its_deadlines_with_it():
    set_rule(10, "calendar_days")
    assignment = assignment_with_feedback(D(2025, 1, 20))
    assert Clock.objects.filter(rule__code=RULE).count() == 1
    set_rule(10, "calendar_days", active=False)
    assert not Clock.objects.filter(rule__code=RULE).exists()
    assert len(assignment_clocks(assignment)) == 2


def test_refreshing_everything_picks_up_every_assignment_and_is_safe_to_repeat():
    first = assignment_with_feedback(D(2025, 1, 20))
    second = assignment_with_feedback(None)
    problem_with_measures(second, D(2025, 6, 30))
    Clock.objects.all().delete()
    assert len(clocks_check()) == 3  # three clocks absent (the nearest deadline still holds)
    assert clocks_refresh_all(actor=None) == 3
    assert len(assignment_clocks(first)) == 2
    assert len(assignment_clocks(second)) == 1
    assert clocks_refresh_all(actor=None) == 0
    assert clocks_check() == []


def test_a_deadline_reads_as_its_rule_and_date():
    assignment = assignment_with_feedback(D(2025, 1, 20))
    deadline = deadline_of(assignment, "report_due")
    assert str(deadline) == "整改情况报告报送时限：2025-03-20"


def test_the_refresh_command_recomputes_and_is_safe_to_run_twice():
    assignment = assignment_with_feedback(D(2025, 1, 20))
    # Setting the feedback date computed them already; drop them as after a package upgrade.
    assert len(assignment_clocks(assignment)) == 2
    Clock.objects.all().delete()
    out = io.StringIO()
    call_command("deadlines_refresh", stdout=out)
    assert "2 项有变化" in out.getvalue()
    assert len(assignment_clocks(assignment)) == 2
    out = io.StringIO()
    call_command("deadlines_refresh", stdout=out)
    assert "0 项有变化" in out.getvalue()


def test_the_check_command_names_what_differs_and_fails():
    assignment = assignment_with_feedback(D(2025, 1, 20))
    problem = problem_with_measures(assignment, D(2025, 3, 1))
    out = io.StringIO()
    call_command("deadlines_refresh", "--check", stdout=out)
    assert "一致" in out.getvalue()
    # A stored value written behind the engine's back is found, and nothing is repaired.
    Clock.objects.filter(rule__code="plan_due").update(due=D(2030, 1, 1))
    type(problem).objects.filter(pk=problem.pk).update(nearest_due=D(2030, 1, 1))
    out = io.StringIO()
    from django.core.management.base import CommandError

    with pytest.raises(CommandError) as failed:
        call_command("deadlines_refresh", "--check", stdout=out)
    assert "2 项" in str(failed.value)
    text = out.getvalue()
    assert f"plan:{assignment.pk} plan_due" in text and "due=2030-01-01" in text
    assert f"problem:{problem.pk}" in text
    assert Clock.objects.get(rule__code="plan_due").due == D(2030, 1, 1)
