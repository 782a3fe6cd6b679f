"""Deadlines computed from rules and feedback dates, stored with the rule that made them."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command

from tests.clocks.builders import (
    assignment_with_feedback,
    deadline_of,
    problem_with_measures,
)
from xuncha.clocks.models import Deadline, DeadlineRule
from xuncha.clocks.services import (
    deadline_rule_set,
    deadlines_refresh_all,
    deadlines_refresh_for_assignment,
)
from xuncha.core.models import AuditEntry
from xuncha.findings.services import measure_update

pytestmark = pytest.mark.django_db

D = dt.date
RULE = "rule_under_test"
WORKING, DAYS, MONTHS = "working_days", "calendar_days", "calendar_months"


def set_rule(amount: int, count_unit: str, *, roll: bool = False, active: bool = True) -> None:
    deadline_rule_set(
        actor=None,
        code=RULE,
        name="测试时限",
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
    deadlines_refresh_for_assignment(actor=None, assignment=assignment)
    deadline = deadline_of(assignment, RULE)
    assert (deadline.start, deadline.due) == (feedback, due)
    assert deadline.holidays_known
    assert deadline.label == due.isoformat()


def test_the_default_rules_exist_with_their_sources_and_can_be_edited():
    rules = {rule.code: rule for rule in DeadlineRule.objects.all()}
    assert {"plan_due", "report_due", "measure_due"} <= set(rules)
    plan, report, measure = rules["plan_due"], rules["report_due"], rules["measure_due"]
    assert (plan.amount, plan.count_unit, plan.anchor) == (15, "working_days", "feedback")
    assert (report.amount, report.count_unit, report.roll_to_workday) == (
        2,
        "calendar_months",
        True,
    )
    assert (measure.anchor, measure.amount, measure.roll_to_workday) == ("measure", 0, False)
    assert all(rule.source and rule.active for rule in rules.values())
    assert "巡视工作条例" in report.source


def test_the_default_rules_give_the_plan_and_report_deadlines_of_an_assignment():
    assignment = assignment_with_feedback(D(2025, 1, 20))
    deadlines = deadlines_refresh_for_assignment(actor=None, assignment=assignment)
    assert [(d.rule.code, d.due) for d in deadlines] == [
        ("plan_due", D(2025, 2, 14)),
        ("report_due", D(2025, 3, 20)),
    ]
    assert all(d.start == D(2025, 1, 20) and d.holidays_known for d in deadlines)


def test_no_deadline_is_invented_when_the_feedback_date_is_empty():
    assignment = assignment_with_feedback(None)
    assert deadlines_refresh_for_assignment(actor=None, assignment=assignment) == []
    assert not Deadline.objects.filter(assignment=assignment).exists()


def test_a_measure_deadline_is_stored_as_the_plan_set_it_without_rolling():
    # 1 Oct 2025 is a holiday: measure_due keeps the date the plan chose.
    assignment = assignment_with_feedback(None)
    problem = problem_with_measures(assignment, D(2025, 10, 1), None)
    first, second = problem.measures.order_by("ordinal")
    deadline = deadline_of(assignment, "measure_due")
    assert (deadline.measure_id, deadline.problem_id) == (first.pk, problem.pk)
    assert (deadline.start, deadline.due, deadline.holidays_known) == (
        D(2025, 10, 1),
        D(2025, 10, 1),
        True,
    )
    assert not Deadline.objects.filter(measure=second).exists()


def test_refreshing_twice_changes_nothing_and_writes_no_audit_rows():
    assignment = assignment_with_feedback(D(2025, 1, 20))
    problem_with_measures(assignment, D(2025, 3, 1))
    first = deadlines_refresh_for_assignment(actor=None, assignment=assignment)
    rows = AuditEntry.objects.count()
    second = deadlines_refresh_for_assignment(actor=None, assignment=assignment)
    assert [(d.pk, d.due, d.computed_at) for d in first] == [
        (d.pk, d.due, d.computed_at) for d in second
    ]
    assert AuditEntry.objects.count() == rows


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
    deadlines_refresh_for_assignment(actor=None, assignment=assignment)
    after = deadline_of(assignment, "measure_due")
    assert (after.pk, after.due) == (before.pk, D(2025, 4, 30))
    entry = AuditEntry.objects.filter(action="deadline.update").get()
    assert entry.before["due"] == "2025-03-01"
    assert entry.after["due"] == "2025-04-30"
    assert entry.scope == f"problem:{problem.pk}"


def test_a_cleared_measure_deadline_removes_the_stored_one():
    assignment = assignment_with_feedback(None)
    problem = problem_with_measures(assignment, D(2025, 3, 1))
    measure = problem.measures.get()
    measure_update(actor=None, measure=measure, expected_version=problem.version, text=measure.text)
    assert deadlines_refresh_for_assignment(actor=None, assignment=assignment) == []
    assert AuditEntry.objects.filter(action="deadline.delete").count() == 1


def test_an_edited_rule_recomputes_the_stored_deadlines():
    assignment = assignment_with_feedback(D(2025, 1, 20))
    deadlines_refresh_for_assignment(actor=None, assignment=assignment)
    plan = DeadlineRule.objects.get(code="plan_due")
    deadline_rule_set(
        actor=None,
        code="plan_due",
        name=plan.name,
        anchor=plan.anchor,
        amount=20,
        count_unit=plan.count_unit,
        problem_warning=plan.problem_warning,
        source=plan.source,
    )
    # Five more working days after 14 Feb 2025: 17–21 Feb.
    assert deadline_of(assignment, "plan_due").due == D(2025, 2, 21)
    assert AuditEntry.objects.filter(action="deadline_rule.update").count() == 1


def test_a_rule_switched_off_takes_its_deadlines_with_it():
    set_rule(10, "calendar_days")
    assignment = assignment_with_feedback(D(2025, 1, 20))
    deadlines_refresh_for_assignment(actor=None, assignment=assignment)
    assert Deadline.objects.filter(rule__code=RULE).count() == 1
    set_rule(10, "calendar_days", active=False)
    assert not Deadline.objects.filter(rule__code=RULE).exists()
    assert Deadline.objects.filter(assignment=assignment).count() == 2


def test_refreshing_everything_picks_up_every_assignment_and_is_safe_to_repeat():
    first = assignment_with_feedback(D(2025, 1, 20))
    second = assignment_with_feedback(None)
    problem_with_measures(second, D(2025, 6, 30))
    Deadline.objects.all().delete()
    assert deadlines_refresh_all(actor=None) == 3
    assert Deadline.objects.filter(assignment=first).count() == 2
    assert Deadline.objects.filter(assignment=second).count() == 1
    assert deadlines_refresh_all(actor=None) == 0


def test_a_deadline_reads_as_its_rule_and_date():
    assignment = assignment_with_feedback(D(2025, 1, 20))
    deadlines_refresh_for_assignment(actor=None, assignment=assignment)
    deadline = deadline_of(assignment, "report_due")
    assert str(deadline) == "整改情况报告报送时限：2025-03-20"


def test_the_refresh_command_recomputes_and_is_safe_to_run_twice():
    assignment = assignment_with_feedback(D(2025, 1, 20))
    # Setting the feedback date computed them already; drop them as after a package upgrade.
    assert Deadline.objects.filter(assignment=assignment).count() == 2
    Deadline.objects.filter(assignment=assignment).delete()
    out = io.StringIO()
    call_command("deadlines_refresh", stdout=out)
    assert "2 项有变化" in out.getvalue()
    assert Deadline.objects.filter(assignment=assignment).count() == 2
    out = io.StringIO()
    call_command("deadlines_refresh", stdout=out)
    assert "0 项有变化" in out.getvalue()
