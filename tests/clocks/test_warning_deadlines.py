"""Every warning names its deadline: the problem's own 整改时限 runs as a clock, a problem asked
for closing (or closed) is no longer red for its measures, and each warning says which deadline
it is about and when it falls."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.clocks.builders import (
    assignment_with_feedback,
    complete_measure,
    count_plan_in_warnings,
    deadline_of,
    problem_with_deadline,
    problem_with_measures,
)
from tests.factories import default_rules_replay, make_evidence
from xuncha.clocks.check import clocks_check
from xuncha.clocks.models import Clock, DeadlineRule
from xuncha.clocks.selectors import colour_filter, with_warning
from xuncha.findings.models import Problem
from xuncha.findings.services import problem_plan_update
from xuncha.findings.warnings import problem_deadlines, warning_notes
from xuncha.rectification.transitions import problem_transition

pytestmark = pytest.mark.django_db

D = dt.date
TODAY = D(2025, 6, 16)  # a Monday
DAY = dt.timedelta(days=1)


def warned(problem: Problem) -> Problem:
    """The problem as the ledger reads it: its stored nearest deadline and today's colour."""
    return with_warning(Problem.objects.filter(pk=problem.pk), TODAY).get()


def red_ids() -> set[int]:
    return set(Problem.objects.filter(colour_filter("red", TODAY)).values_list("pk", flat=True))


def measure_states(problem: Problem) -> list[str]:
    measures = problem.measures.order_by("ordinal").values_list("pk", flat=True)
    clocks = {c.subject_id: c.state for c in Clock.objects.filter(subject_type="measure")}
    return [clocks[pk] for pk in measures]


def set_deadline(problem: Problem, deadline: dt.date | None) -> Problem:
    return problem_plan_update(
        actor=None,
        problem=problem,
        expected_version=None,
        rectification_kind=problem.rectification_kind,
        deadline=deadline,
    )


def rule_done(problem: Problem) -> Problem:
    """A follow-up's 整改到位: closing is asked for whatever the measures (no guard on them)."""
    problem = problem_transition(actor=None, problem=problem, name="start")
    return problem_transition(actor=None, problem=problem, name="rule_done", reason="回访认定")


# ---------------------------------------------------------------------------------------------
# The problem's own deadline


def test_a_data_migration_writes_the_default_rule_for_a_problems_own_deadline():
    rule = DeadlineRule.objects.get(code="problem_due")
    assert (rule.subject, rule.anchor, rule.amount, rule.count_unit) == (
        "problem",
        "problem",
        0,
        "calendar_days",
    )
    assert (rule.counts_in_warnings, rule.supersedes, rule.active) == (True, False, True)
    assert rule.name == "问题整改时限" and "此为可修改的配置" in rule.source


def test_the_replay_of_the_default_rules_puts_the_problem_rule_back():
    DeadlineRule.objects.filter(code="problem_due").delete()
    default_rules_replay()
    rule = DeadlineRule.objects.get(code="problem_due")
    assert (rule.subject, rule.anchor, rule.counts_in_warnings) == ("problem", "problem", True)


def test_a_problems_own_deadline_runs_as_a_clock_and_follows_its_edits():
    problem = problem_with_deadline(assignment_with_feedback(None), TODAY - 2 * DAY, None)
    clock = Clock.objects.get(subject_type="problem", subject_id=problem.pk)
    assert (clock.rule.code, clock.state, clock.due) == ("problem_due", "running", TODAY - 2 * DAY)
    assert (clock.holder_type, clock.holder_id) == ("problem", problem.pk)
    found = warned(problem)
    assert (found.nearest_kind, found.nearest_due, found.warning) == (
        "problem",
        TODAY - 2 * DAY,
        "red",
    )

    set_deadline(problem, TODAY + 30 * DAY)
    assert (warned(problem).nearest_due, warned(problem).warning) == (TODAY + 30 * DAY, "green")
    set_deadline(problem, None)
    assert not Clock.objects.filter(subject_type="problem", subject_id=problem.pk).exists()
    assert warned(problem).nearest_kind == ""
    assert clocks_check() == []


def test_a_problems_own_deadline_is_met_once_closing_is_asked(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    problem = problem_with_deadline(assignment_with_feedback(None), TODAY - DAY, TODAY + 20 * DAY)
    problem = problem_transition(actor=None, problem=problem, name="start")
    complete_measure(problem, 1)
    make_evidence(problem)
    problem_transition(actor=None, problem=problem, name="request_closing")
    clock = Clock.objects.get(subject_type="problem", subject_id=problem.pk)
    assert (clock.state, clock.due) == ("met", TODAY - DAY)  # met, keeping its date
    assert warned(problem).warning is None


# ---------------------------------------------------------------------------------------------
# A problem asked for closing, or closed, is not red for its measures


def test_a_problem_asked_for_closing_is_not_red_for_its_overdue_measure():
    problem = problem_with_measures(assignment_with_feedback(None), TODAY - 3 * DAY)
    problem = problem_transition(actor=None, problem=problem, name="start")
    assert problem.pk in red_ids()

    problem = problem_transition(actor=None, problem=problem, name="rule_done", reason="回访认定")
    assert problem.status == "closing_requested"
    assert problem.measures.get().status != "done"  # the measure itself is unfinished
    assert measure_states(problem) == ["met"]
    assert (warned(problem).nearest_due, warned(problem).warning) == (None, None)
    assert problem.pk not in red_ids()

    # Sent back, the problem is red again for the same measure.
    problem_transition(actor=None, problem=problem, name="return", reason="佐证不足")
    assert measure_states(problem) == ["running"]
    assert warned(problem).warning == "red"
    assert clocks_check() == []


def test_a_closed_problem_reopened_is_red_again_for_its_unfinished_measure():
    problem = rule_done(problem_with_measures(assignment_with_feedback(None), TODAY - DAY))
    problem = problem_transition(actor=None, problem=problem, name="close")
    assert measure_states(problem) == ["met"]
    assert problem.pk not in red_ids()

    problem_transition(actor=None, problem=problem, name="reopen", reason="发现问题反弹")
    assert measure_states(problem) == ["running"]
    assert problem.pk in red_ids()
    assert clocks_check() == []


def test_a_problem_asked_for_closing_keeps_the_units_report_deadline():
    """Only its own clocks stop: the unit's report, due for every problem, still counts."""
    assignment = assignment_with_feedback(D(2025, 4, 19))  # report due 19 Jun 2025
    problem = rule_done(problem_with_measures(assignment, TODAY - 3 * DAY))
    found = warned(problem)
    assert (found.nearest_kind, found.nearest_due, found.warning) == (
        "report",
        D(2025, 6, 19),
        "yellow",
    )


# ---------------------------------------------------------------------------------------------
# What each warning is about


def test_a_measures_warning_names_the_measure_and_measures_due_the_same_day_together():
    assignment = assignment_with_feedback(None)
    one = problem_with_measures(assignment, TODAY + 9 * DAY, TODAY - DAY, title="一项逾期")
    two = problem_with_measures(
        assignment, TODAY - 2 * DAY, TODAY + 5 * DAY, TODAY - 2 * DAY, title="两项同日"
    )
    done = problem_with_measures(assignment, TODAY - DAY, TODAY + 3 * DAY, title="首项已完成")
    done = problem_transition(actor=None, problem=done, name="start")
    complete_measure(done, 1)
    notes = warning_notes(list(with_warning(Problem.objects.order_by("pk"), TODAY)), TODAY)
    assert {pk: (n.name, n.due, n.colour) for pk, n in notes.items()} == {
        one.pk: ("整改措施（第2项）", TODAY - DAY, "red"),
        two.pk: ("整改措施（第1、3项）", TODAY - 2 * DAY, "red"),
        done.pk: ("整改措施（第2项）", TODAY + 3 * DAY, "yellow"),
    }


def test_each_kind_of_deadline_is_named_with_its_date():
    count_plan_in_warnings()
    plan_unit = assignment_with_feedback(D(2025, 6, 9))  # plan due 15 working days later
    planned = problem_with_measures(plan_unit, TODAY + 90 * DAY, title="待定方案")
    report_unit = assignment_with_feedback(D(2025, 4, 19))  # report due 19 Jun 2025
    reported = problem_with_measures(report_unit, TODAY + 90 * DAY, title="待报告")
    reported = problem_transition(actor=None, problem=reported, name="start")  # plan met
    own = problem_with_deadline(assignment_with_feedback(None), TODAY + 8 * DAY, TODAY + 90 * DAY)
    measured = problem_with_measures(assignment_with_feedback(None), TODAY, title="措施今日到期")
    notes = warning_notes(list(with_warning(Problem.objects.order_by("pk"), TODAY)), TODAY)
    plan_due = deadline_of(plan_unit, "plan_due").due
    assert plan_due == D(2025, 6, 30)
    assert {pk: (n.kind, n.name, n.due, n.colour) for pk, n in notes.items()} == {
        planned.pk: ("plan", "整改方案", plan_due, "green"),
        reported.pk: ("report", "整改情况报告", D(2025, 6, 19), "yellow"),
        own.pk: ("problem", "问题整改时限", TODAY + 8 * DAY, "green"),
        measured.pk: ("measure", "整改措施（第1项）", TODAY, "yellow"),
    }


def test_a_paused_warning_names_its_deadline_without_a_colour():
    from xuncha.clocks.services import clock_pause

    problem = problem_with_measures(assignment_with_feedback(None), TODAY - 3 * DAY)
    clock = Clock.objects.get(subject_type="measure")
    clock_pause(actor=None, clock=clock, on=TODAY - DAY, reason="等待上级批复")
    [note] = warning_notes([warned(problem)], TODAY).values()
    assert (note.name, note.paused, note.colour, note.due) == (
        "整改措施（第1项）",
        True,
        None,
        None,
    )


def test_the_problem_page_lists_every_deadline_bearing_on_it_the_nearest_first():
    assignment = assignment_with_feedback(D(2025, 4, 19))  # report due 2025-06-19
    problem = problem_with_deadline(assignment, TODAY + 40 * DAY, TODAY + 2 * DAY, TODAY - 5 * DAY)
    problem = problem_transition(actor=None, problem=problem, name="start")  # the plan is met
    complete_measure(problem, 2)
    rows = problem_deadlines(Problem.objects.get(pk=problem.pk), TODAY)
    assert [
        (row.name, row.report.clock.due, row.report.clock.state, row.report.colour, row.nearest)
        for row in rows
    ] == [
        ("整改措施（第1项）", TODAY + 2 * DAY, "running", "yellow", True),
        ("整改情况报告", D(2025, 6, 19), "running", "yellow", False),
        ("问题整改时限", TODAY + 40 * DAY, "running", "green", False),
        ("整改方案", deadline_of(assignment, "plan_due").due, "met", None, False),
        ("整改措施（第2项）", TODAY - 5 * DAY, "met", None, False),
    ]
    assert [row.days_text for row in rows[:2]] == ["剩余2天", "剩余3天"]
    assert rows[3].counts_in_warnings is False  # the plan's rule does not count by default


def test_a_problem_asked_for_closing_has_no_nearest_deadline_on_its_page():
    problem = rule_done(problem_with_measures(assignment_with_feedback(None), TODAY - DAY))
    rows = problem_deadlines(Problem.objects.get(pk=problem.pk), TODAY)
    assert [(row.name, row.report.clock.state, row.nearest) for row in rows] == [
        ("整改措施（第1项）", "met", False)
    ]
