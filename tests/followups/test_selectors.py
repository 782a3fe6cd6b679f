"""Who sees which follow-ups and visits; the plan table and progress as the office reads them."""

from __future__ import annotations

import pytest
from django.http import Http404

from tests.followups.conftest import D, problem_in
from xuncha.followups.selectors import (
    followups_for_user,
    gap_list,
    get_followup_for_user,
    get_visit_for_user,
    plan_table,
    progress,
    visit_problems,
    visits_for_user,
)
from xuncha.followups.verdicts import verdict_record


def test_a_liaison_sees_only_the_visits_to_their_unit(cast, plan):
    assert list(visits_for_user(cast.liaison)) == [plan.visit]
    assert get_visit_for_user(cast.liaison, plan.visit.pk) == plan.visit
    with pytest.raises(Http404):
        get_visit_for_user(cast.liaison, plan.other_visit.pk)


@pytest.mark.parametrize("who", ["office", "supervisor", "member", "other_member"])
def test_the_office_supervisors_and_groups_see_every_visit(cast, plan, who):
    assert set(visits_for_user(cast.by_name(who))) == {plan.visit, plan.other_visit}
    assert get_followup_for_user(cast.by_name(who), plan.followup.pk) == plan.followup


def test_an_outsider_sees_no_follow_up_and_no_visit(cast, plan):
    assert not followups_for_user(cast.outsider).exists()
    assert not visits_for_user(cast.outsider).exists()
    with pytest.raises(Http404):
        get_followup_for_user(cast.outsider, plan.followup.pk)
    with pytest.raises(Http404):
        get_visit_for_user(cast.outsider, plan.visit.pk)


def test_a_liaison_sees_the_follow_up_that_visits_them_and_only_their_row_of_its_plan(cast, plan):
    assert list(followups_for_user(cast.liaison)) == [plan.followup]
    rows = plan_table(plan.followup, user=cast.liaison)
    assert [row.unit_name for row in rows] == ["市测试局"]
    assert len(plan_table(plan.followup)) == 2


def test_the_plan_table_and_progress_before_any_verdict(cast, plan):
    problem_in(cast.assignment, "in_progress", title="制度执行不严")
    problem_in(cast.assignment, "closed", title="会议记录不全")
    rows = {row.unit_name: row for row in plan_table(plan.followup)}
    assert (rows["市测试局"].status, rows["市测试局"].status_label) == ("done", "已回访")
    assert (rows["市另一局"].status_label, rows["市另一局"].visited_on) == ("已安排", None)
    assert (rows["市测试局"].problems, rows["市测试局"].to_rule) == (2, 2)
    line = progress(plan.followup).batches[0]
    assert (line.visits_done, line.visits_planned, line.problems_ruled, line.problems) == (
        1,
        2,
        0,
        2,
    )
    assert gap_list(plan.followup) == []


def test_the_problems_of_a_visit_show_which_are_still_to_rule(cast, plan):
    ruled = problem_in(cast.assignment, "in_progress", title="制度执行不严")
    problem_in(cast.assignment, "in_progress", title="会议记录不全")
    verdict_record(
        actor=cast.member,
        visit=plan.visit,
        problem=ruled,
        kind="mostly",
        reason="基本完成",
        new_deadline=D(2025, 12, 31),
    )
    kinds = {p.title: p.verdict_kind for p in visit_problems(plan.visit)}
    assert kinds == {"制度执行不严": "mostly", "会议记录不全": None}


def test_the_gap_list_refuses_an_unknown_grouping(cast, plan):
    with pytest.raises(ValueError, match="by must be one of"):
        gap_list(plan.followup, by="round")
