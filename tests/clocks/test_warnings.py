"""Warning colours computed from a stored nearest deadline and today: in Python, and in SQL."""

from __future__ import annotations

import datetime as dt

import pytest
from django.template import Context, Template

from tests.clocks.builders import (
    assignment_clocks,
    assignment_with_feedback,
    close_through_workflow,
    complete_measure,
    deadline_of,
    problem_with_measures,
)
from tests.factories import make_round, make_unit
from xuncha.clocks.models import Clock
from xuncha.clocks.selectors import (
    clock_report,
    colour_filter,
    warning_colour,
    warning_counts,
    with_warning,
)
from xuncha.findings.models import Problem
from xuncha.rounds.services import group_get_or_create

D = dt.date
TODAY = D(2025, 6, 16)  # a Monday
DAY = dt.timedelta(days=1)


@pytest.mark.parametrize(
    ("due", "done", "colour"),
    [
        pytest.param(TODAY, False, "yellow", id="due-today"),
        pytest.param(TODAY + 7 * DAY, False, "yellow", id="due-in-7-days"),
        pytest.param(TODAY + 8 * DAY, False, "green", id="due-in-8-days"),
        pytest.param(TODAY - DAY, False, "red", id="due-yesterday"),
        pytest.param(TODAY - DAY, True, None, id="done"),
        pytest.param(None, False, None, id="no-deadline"),
    ],
)
def test_the_warning_colour_changes_at_the_boundaries(due, done, colour):
    assert warning_colour(due, TODAY, done=done) == colour


def test_the_number_of_warning_days_is_a_setting(settings):
    settings.XUNCHA_WARNING_DAYS = 3
    assert warning_colour(TODAY + 3 * DAY, TODAY, done=False) == "yellow"
    assert warning_colour(TODAY + 4 * DAY, TODAY, done=False) == "green"


@pytest.fixture
def boundary_problems(settings, tmp_path):
    """One problem per boundary, each with one measure due on that day (no feedback date)."""
    settings.MEDIA_ROOT = tmp_path
    assignment = assignment_with_feedback(None)
    problems = {
        "today": problem_with_measures(assignment, TODAY, title="今日到期"),
        "in_7": problem_with_measures(assignment, TODAY + 7 * DAY, title="7日后到期"),
        "in_8": problem_with_measures(assignment, TODAY + 8 * DAY, title="8日后到期"),
        "yesterday": problem_with_measures(assignment, TODAY - DAY, title="昨日到期"),
        "no_deadline": problem_with_measures(assignment, None, title="未设时限"),
        "closed": problem_with_measures(assignment, TODAY - DAY, title="已销号"),
        # The overdue measure is done, so only the one due in 8 days still counts.
        "done_measure": problem_with_measures(
            assignment, TODAY - DAY, TODAY + 8 * DAY, title="措施已完成"
        ),
    }
    complete_measure(problems["done_measure"], 1)
    problems["closed"] = close_through_workflow(problems["closed"])
    return problems


@pytest.mark.django_db
def test_each_problem_carries_its_nearest_open_deadline_and_colour(boundary_problems):
    rows = {
        problem.pk: (problem.nearest_due, problem.warning)
        for problem in with_warning(Problem.objects.all(), TODAY)
    }
    by_name = {name: rows[problem.pk] for name, problem in boundary_problems.items()}
    assert by_name == {
        "today": (TODAY, "yellow"),
        "in_7": (TODAY + 7 * DAY, "yellow"),
        "in_8": (TODAY + 8 * DAY, "green"),
        "yesterday": (TODAY - DAY, "red"),
        "no_deadline": (None, None),
        "closed": (None, None),  # its measures are all done: nothing is open
        "done_measure": (TODAY + 8 * DAY, "green"),
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("colour", "names"),
    [
        ("red", {"yesterday"}),
        ("yellow", {"today", "in_7"}),
        ("green", {"in_8", "done_measure"}),
    ],
)
def test_problems_are_filtered_by_colour_in_sql(boundary_problems, colour, names):
    found = Problem.objects.filter(colour_filter(colour, TODAY))
    assert set(found.values_list("pk", flat=True)) == {boundary_problems[name].pk for name in names}


@pytest.mark.django_db
def test_problems_without_a_warning_are_found_by_an_empty_colour(boundary_problems):
    found = Problem.objects.filter(nearest_due__isnull=True)
    assert set(found.values_list("title", flat=True)) == {"未设时限", "已销号"}


@pytest.mark.django_db
def test_each_clock_is_reported_with_its_colour(boundary_problems):
    by_title = {}
    for clock in Clock.objects.filter(rule__code="measure_due"):
        measure = Problem.objects.get(pk=clock.holder_id).measures.get(pk=clock.subject_id)
        by_title.setdefault(measure.problem.title, []).append(
            (measure.ordinal, clock_report(clock, TODAY).colour)
        )
    assert {title: sorted(rows) for title, rows in by_title.items()} == {
        "今日到期": [(1, "yellow")],
        "7日后到期": [(1, "yellow")],
        "8日后到期": [(1, "green")],
        "昨日到期": [(1, "red")],
        "已销号": [(1, None)],
        "措施已完成": [(1, None), (2, "green")],
    }
    overdue = Clock.objects.filter(state="running", due__lt=TODAY)
    assert [Problem.objects.get(pk=c.holder_id).title for c in overdue] == ["昨日到期"]


@pytest.mark.django_db
def test_the_report_deadline_counts_for_every_problem_but_the_plan_deadline_does_not():
    # Feedback on 19 Apr 2025: the plan was due 12 May (overdue), the report is due 19 Jun.
    assignment = assignment_with_feedback(D(2025, 4, 19))
    problem = problem_with_measures(assignment, TODAY + 30 * DAY)
    assert deadline_of(assignment, "plan_due").due < TODAY
    annotated = with_warning(Problem.objects.filter(pk=problem.pk), TODAY).get()
    assert (annotated.nearest_due, annotated.warning) == (D(2025, 6, 19), "yellow")
    assert annotated.nearest_holidays_known is True
    assert (annotated.nearest_rule.code, annotated.nearest_kind) == ("report_due", "report")


@pytest.mark.django_db
def test_a_nearest_deadline_in_an_unknown_year_carries_the_mark_to_the_ledger():
    assignment = assignment_with_feedback(D(2026, 11, 1))
    problem = problem_with_measures(assignment, None)
    annotated = with_warning(Problem.objects.filter(pk=problem.pk), D(2026, 12, 1)).get()
    assert (annotated.nearest_due, annotated.nearest_holidays_known) == (D(2027, 1, 1), False)
    shown = Template(
        "{% load clocks %}{{ p.nearest_due|due_label:p.nearest_holidays_known }}"
        "/{{ p.warning|warning_label }}"
    ).render(Context({"p": annotated}))
    assert shown == "2027-01-01（节假日安排未公布，按周一至周五计）/正常"


@pytest.mark.django_db
def test_a_missing_deadline_shows_as_not_set():
    shown = Template(
        "{% load clocks %}{{ none|deadline_label }}/{{ none|due_label }}/{{ none|warning_label }}"
    ).render(Context({"none": None}))
    assert shown == "未设定/未设定/"


@pytest.fixture
def units_and_groups(settings, tmp_path):
    """Two groups in one round; group 1 inspects units A and C, group 2 unit B."""
    settings.MEDIA_ROOT = tmp_path
    round_ = make_round()
    group_1, _created = group_get_or_create(actor=None, round_=round_, name="第一巡察组")
    group_2, _created = group_get_or_create(actor=None, round_=round_, name="第二巡察组")
    unit_a, unit_b, unit_c = make_unit("单位甲"), make_unit("单位乙"), make_unit("单位丙")
    a = assignment_with_feedback(None, round_=round_, unit=unit_a, group=group_1)
    b = assignment_with_feedback(None, round_=round_, unit=unit_b, group=group_2)
    c = assignment_with_feedback(None, round_=round_, unit=unit_c, group=group_1)
    for due in (TODAY - DAY, TODAY + DAY, TODAY + 30 * DAY, None):
        problem_with_measures(a, due)
    close_through_workflow(problem_with_measures(a, TODAY - 5 * DAY))
    problem_with_measures(b, TODAY - DAY)
    problem_with_measures(b, TODAY - 9 * DAY)
    problem_with_measures(c, TODAY + 7 * DAY)
    return {"A": unit_a, "B": unit_b, "C": unit_c, "G1": group_1, "G2": group_2}


@pytest.mark.django_db
def test_warnings_are_counted_per_unit_in_one_query(units_and_groups, django_assert_num_queries):
    ids = units_and_groups
    with django_assert_num_queries(1):
        counts = warning_counts(Problem.objects.all(), "assignment__unit_id", TODAY)
    assert counts == {
        ids["A"].pk: {"green": 1, "yellow": 1, "red": 1, "paused": 0},
        ids["B"].pk: {"green": 0, "yellow": 0, "red": 2, "paused": 0},
        ids["C"].pk: {"green": 0, "yellow": 1, "red": 0, "paused": 0},
    }


@pytest.mark.django_db
def test_warnings_are_counted_per_group_in_one_query(units_and_groups, django_assert_num_queries):
    ids = units_and_groups
    with django_assert_num_queries(1):
        counts = warning_counts(Problem.objects.all(), "assignment__group_id", TODAY)
    assert counts == {
        ids["G1"].pk: {"green": 1, "yellow": 2, "red": 1, "paused": 0},
        ids["G2"].pk: {"green": 0, "yellow": 0, "red": 2, "paused": 0},
    }


@pytest.mark.django_db
def test_counts_follow_the_problems_they_are_given(units_and_groups):
    ids = units_and_groups
    only_b = Problem.objects.filter(assignment__unit=ids["B"])
    assert warning_counts(only_b, "assignment__unit_id", TODAY) == {
        ids["B"].pk: {"green": 0, "yellow": 0, "red": 2, "paused": 0}
    }


@pytest.mark.django_db
def test_a_closed_problem_has_no_open_deadline_even_while_the_report_is_due(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    assignment = assignment_with_feedback(D(2025, 4, 19))  # report due Thu 19 Jun 2025
    still_open = problem_with_measures(assignment, None, title="整改中")
    closed = close_through_workflow(problem_with_measures(assignment, None, title="已销号"))
    rows = {
        p.pk: (p.nearest_due, p.nearest_holidays_known, p.warning)
        for p in with_warning(Problem.objects.all(), TODAY)
    }
    assert rows == {
        still_open.pk: (D(2025, 6, 19), True, "yellow"),
        closed.pk: (None, True, None),
    }


@pytest.mark.django_db
def test_deadlines_of_the_whole_assignment_are_coloured_too():
    assignment = assignment_with_feedback(D(2025, 4, 19))
    problem_with_measures(assignment, None)  # waits for the plan, due 12 May
    colours = {c.rule.code: clock_report(c, TODAY).colour for c in assignment_clocks(assignment)}
    assert colours == {"plan_due": "red", "report_due": "yellow"}


@pytest.mark.django_db
def test_the_sql_colours_follow_the_warning_days_setting(settings):
    settings.XUNCHA_WARNING_DAYS = 3
    assignment = assignment_with_feedback(None)
    problem_with_measures(assignment, TODAY + 5 * DAY)
    assert with_warning(Problem.objects.all(), TODAY).get().warning == "green"
    assert with_warning(Problem.objects.all(), TODAY, days=5).get().warning == "yellow"
    assert Problem.objects.filter(colour_filter("green", TODAY)).count() == 1
    assert Problem.objects.filter(colour_filter("yellow", TODAY, days=5)).count() == 1
    clock = deadline_of(assignment, "measure_due")
    assert clock_report(clock, TODAY).colour == "green"
