"""Verdicts: who may rule, what each refusal says, and that a refusal writes nothing."""

from __future__ import annotations

import pytest

from tests.factories import status_changes
from tests.followups.conftest import VISITED_ON, D, problem_in, record
from xuncha.clocks.models import Clock
from xuncha.clocks.rules import deadline_rule_set
from xuncha.core.workflow import TransitionRefused
from xuncha.findings.models import ProblemStatus
from xuncha.findings.services import EditRefused
from xuncha.followups.access import FollowUpError
from xuncha.followups.models import Verdict
from xuncha.followups.services import batch_create, visit_plan
from xuncha.followups.verdicts import verdict_record
from xuncha.notifications.models import Notification
from xuncha.rectification.transitions import problem_transition

S = ProblemStatus


def rule(plan, actor, problem, kind="not_done", reason="抽查发现问题依旧", **extra):
    return verdict_record(
        actor=actor, visit=plan.visit, problem=problem, kind=kind, reason=reason, **extra
    )


def assert_nothing_written(problem, status):
    problem.refresh_from_db()
    assert problem.status == status
    assert not Verdict.objects.filter(problem=problem).exists()


@pytest.mark.parametrize(
    ("who", "message"),
    [
        ("other_member", "只有市委第一巡察组的成员可以作出整改认定"),
        ("liaison", "只有市委第一巡察组的成员可以作出整改认定"),
        ("supervisor", "只能查看，不能作出整改认定"),
        ("office", "只有市委第一巡察组的成员可以作出整改认定"),
        ("outsider", "只有市委第一巡察组的成员可以作出整改认定"),
    ],
)
def test_only_a_member_of_the_visits_group_may_rule(cast, plan, who, message):
    problem = problem_in(cast.assignment, "in_progress", title="制度执行不严")
    with pytest.raises(EditRefused, match=message):
        rule(plan, cast.by_name(who), problem, new_deadline=D(2025, 12, 31))
    assert_nothing_written(problem, S.IN_PROGRESS)


def test_a_member_of_the_visits_group_rules_even_if_another_group_inspected(cast, plan):
    # The office may send any group back; the one it sends rules, whoever inspected first.
    problem = problem_in(cast.other_assignment, "in_progress", title="制度执行不严")
    second = batch_create(actor=cast.office, followup=plan.followup, sequence=2, name="第二批")
    visit = visit_plan(
        actor=cast.office, batch=second, assignment=cast.other_assignment, group=plan.visit.group
    )
    visit = record(visit, cast.member)
    verdict_record(
        actor=cast.member,
        visit=visit,
        problem=problem,
        kind="mostly",
        reason="基本完成",
        new_deadline=D(2025, 12, 31),
    )
    problem.refresh_from_db()
    assert problem.status == S.CONTINUING


def test_a_rebound_of_a_problem_never_closed_is_refused(cast, plan):
    problem = problem_in(cast.assignment, "in_progress", title="制度执行不严")
    with pytest.raises(TransitionRefused, match="尚未销号，不能认定为“问题反弹”"):
        rule(plan, cast.member, problem, kind="rebound")
    assert_nothing_written(problem, S.IN_PROGRESS)


def test_a_problem_not_yet_under_rectification_cannot_be_ruled(cast, plan):
    problem = problem_in(cast.assignment, "pending", title="制度执行不严")
    with pytest.raises(TransitionRefused, match="尚未开始整改"):
        rule(plan, cast.member, problem, kind="done", reason="已整改")
    assert_nothing_written(problem, S.PENDING)


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_verdict_without_a_reason_is_refused(cast, plan, reason):
    problem = problem_in(cast.assignment, "closed", title="制度执行不严")
    with pytest.raises(FollowUpError, match="认定“整改到位”须写明理由"):
        rule(plan, cast.member, problem, kind="done", reason=reason)
    assert_nothing_written(problem, S.CLOSED)


@pytest.mark.parametrize(("kind", "label"), [("mostly", "基本到位"), ("not_done", "未到位")])
def test_basically_done_and_not_done_without_a_new_deadline_are_refused(cast, plan, kind, label):
    problem = problem_in(cast.assignment, "in_progress", title="制度执行不严")
    with pytest.raises(FollowUpError, match=f"认定“{label}”须确定新的整改时限"):
        rule(plan, cast.member, problem, kind=kind)
    assert_nothing_written(problem, S.IN_PROGRESS)


@pytest.mark.parametrize("deadline", [VISITED_ON, D(2025, 1, 1)])
def test_a_new_deadline_not_after_the_visit_is_refused(cast, plan, deadline):
    problem = problem_in(cast.assignment, "in_progress", title="制度执行不严")
    with pytest.raises(FollowUpError, match="须晚于回访日期（2025-09-10）"):
        rule(plan, cast.member, problem, new_deadline=deadline)
    assert_nothing_written(problem, S.IN_PROGRESS)


def test_done_with_a_new_deadline_is_refused(cast, plan):
    problem = problem_in(cast.assignment, "in_progress", title="制度执行不严")
    with pytest.raises(FollowUpError, match="不需要新的整改时限"):
        rule(plan, cast.member, problem, kind="done", new_deadline=D(2025, 12, 31))
    assert_nothing_written(problem, S.IN_PROGRESS)


def test_a_problem_of_another_unit_is_refused(cast, plan):
    problem = problem_in(cast.other_assignment, "in_progress", title="别单位的问题")
    with pytest.raises(FollowUpError, match="不属于本次回访的单位（市测试局）"):
        rule(plan, cast.member, problem, new_deadline=D(2025, 12, 31))
    assert_nothing_written(problem, S.IN_PROGRESS)


def test_a_second_verdict_on_the_same_problem_at_the_same_visit_is_refused(cast, plan):
    problem = problem_in(cast.assignment, "in_progress", title="制度执行不严")
    rule(plan, cast.member, problem, new_deadline=D(2025, 12, 31))
    with pytest.raises(FollowUpError, match="已对问题“制度执行不严”作出认定，不能重复认定"):
        rule(plan, cast.member, problem, kind="done", reason="改判")
    problem.refresh_from_db()
    assert problem.status == S.IN_PROGRESS
    assert Verdict.objects.filter(problem=problem).count() == 1


def test_a_verdict_before_the_visit_is_recorded_is_refused(cast, plan):
    problem = problem_in(cast.other_assignment, "in_progress", title="制度执行不严")
    with pytest.raises(FollowUpError, match="请先记录回访情况"):
        verdict_record(
            actor=cast.other_member,
            visit=plan.other_visit,
            problem=problem,
            kind="done",
            reason="已整改",
        )
    assert_nothing_written(problem, S.IN_PROGRESS)


def test_an_unknown_kind_of_verdict_is_refused(cast, plan):
    problem = problem_in(cast.assignment, "in_progress", title="制度执行不严")
    with pytest.raises(FollowUpError, match="认定结果无效"):
        rule(plan, cast.member, problem, kind="perfect")


def test_the_member_who_ruled_done_cannot_close_and_the_office_can(cast, plan):
    problem = problem_in(cast.assignment, "in_progress", title="制度执行不严")
    rule(plan, cast.member, problem, kind="done", reason="整改到位")
    with pytest.raises(TransitionRefused):
        problem_transition(actor=cast.member, problem=problem, name="close")
    problem = problem_transition(actor=cast.office, problem=problem, name="close")
    assert problem.status == S.CLOSED


def test_basically_done_on_a_closed_problem_reopens_it_as_continuing(cast, plan):
    problem = problem_in(cast.assignment, "closed", title="制度执行不严")
    rule(plan, cast.member, problem, kind="mostly", new_deadline=D(2025, 12, 31))
    problem.refresh_from_db()
    assert (problem.status, problem.deadline) == (S.CONTINUING, D(2025, 12, 31))
    assert status_changes(problem).last().move == "rule_mostly"


def test_a_rebound_may_carry_a_new_deadline(cast, plan):
    problem = problem_in(cast.assignment, "closed", title="制度执行不严")
    rule(plan, cast.member, problem, kind="rebound", new_deadline=D(2026, 3, 31))
    problem.refresh_from_db()
    assert (problem.status, problem.deadline) == (S.IN_PROGRESS, D(2026, 3, 31))


def test_the_new_deadline_follows_the_rule_when_the_office_changes_it(cast, plan):
    problem = problem_in(cast.assignment, "in_progress", title="制度执行不严")
    rule(plan, cast.member, problem, new_deadline=D(2025, 10, 1))  # National Day
    deadline_rule_set(
        actor=cast.office,
        code="followup_due",
        name="回访督查再整改时限",
        subject="verdict",
        anchor="verdict",
        amount=0,
        count_unit="calendar_days",
        roll_to_workday=True,
        supersedes=True,
        source="本地规定：遇节假日顺延。",
    )
    clock = Clock.objects.get(
        holder_type="problem", holder_id=problem.pk, rule__code="followup_due"
    )
    assert clock.due == D(2025, 10, 9)
    problem.refresh_from_db()
    assert problem.nearest_due == D(2025, 10, 9)


def test_verdicts_tell_the_unit_and_the_office(cast, plan):
    sent_back = problem_in(cast.assignment, "in_progress", title="制度执行不严")
    done = problem_in(cast.assignment, "in_progress", title="会议记录不全")
    rule(plan, cast.member, sent_back, new_deadline=D(2025, 12, 31))
    rule(plan, cast.member, done, kind="done", reason="整改到位")
    to_liaison = Notification.objects.get(recipient=cast.liaison, kind="followup")
    assert "未到位，请再整改：抽查发现问题依旧" in to_liaison.message
    to_office = Notification.objects.filter(recipient=cast.office, kind="closing_requested")
    assert to_office.filter(message__contains="会议记录不全").exists()
