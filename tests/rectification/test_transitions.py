"""Every transition allowed and refused where it should be.

The cases are written out here, by hand, rather than generated from the workflow tables the
code uses: a wrong table must make these tests fail.
"""

from __future__ import annotations

import pytest

from tests.factories import make_evidence, measure_complete, status_changes
from tests.rectification.conftest import planned_problem, problem_at
from xuncha.core.workflow import TransitionRefused
from xuncha.findings.models import MeasureStatus, ProblemStatus
from xuncha.rectification.models import PlanStatus, ProgressReport
from xuncha.rectification.services import plan_get_or_create, plan_transition
from xuncha.rectification.transitions import measure_transition, problem_transition

OK = "ok"
NO = "refused"

# (from status, transition, who, reason, expected outcome: the new status or NO)
PROBLEM_CASES = [
    ("pending", "start", "office", "", "in_progress"),
    ("pending", "start", "liaison", "", NO),
    ("pending", "start", "member", "", NO),
    ("pending", "start", "supervisor", "", NO),
    ("pending", "start", "outsider", "", NO),
    ("in_progress", "start", "office", "", NO),
    ("pending", "request_closing", "liaison", "", NO),
    ("closed", "request_closing", "liaison", "", NO),
    ("closing_requested", "request_closing", "liaison", "", NO),
    ("closing_requested", "return", "office", "佐证材料不足", "in_progress"),
    ("closing_requested", "return", "office", "", NO),
    ("closing_requested", "return", "liaison", "自行撤回", NO),
    ("closing_requested", "return", "member", "意见", NO),
    ("closing_requested", "return", "supervisor", "意见", NO),
    ("in_progress", "return", "office", "理由", NO),
    ("closing_requested", "close", "office", "", "closed"),
    ("closing_requested", "close", "liaison", "", NO),
    ("closing_requested", "close", "member", "", NO),
    ("closing_requested", "close", "supervisor", "", NO),
    ("closing_requested", "close", "other_liaison", "", NO),
    ("in_progress", "close", "office", "", NO),
    ("pending", "close", "office", "", NO),
    ("closed", "reopen", "office", "回访发现问题反弹", "in_progress"),
    ("closed", "reopen", "office", "", NO),
    ("closed", "reopen", "liaison", "重新整改", NO),
    ("closed", "reopen", "member", "回访发现", NO),
    ("in_progress", "reopen", "office", "理由", NO),
    ("in_progress", "publish", "office", "", NO),
    # Verdict moves exist only through a recorded follow-up visit (tests/followups).
    ("in_progress", "rule_done", "member", "整改到位", NO),
    ("in_progress", "rule_not_done", "office", "未到位", NO),
    ("closed", "rule_rebound", "member", "问题反弹", NO),
    ("closed", "rule_rebound", "office", "问题反弹", NO),
]


@pytest.mark.parametrize(("status", "name", "who", "reason", "expected"), PROBLEM_CASES)
def test_problem_transitions(cast, status, name, who, reason, expected):
    # The request for closing comes from the system, so the four-eyes rule stays out of these
    # cases; it has its own test below.
    problem = problem_at(cast.assignment, status)
    actor = cast.by_name(who)
    if expected == NO:
        with pytest.raises(TransitionRefused):
            problem_transition(actor=actor, problem=problem, name=name, reason=reason)
        problem.refresh_from_db()
        assert problem.status == status
    else:
        problem = problem_transition(actor=actor, problem=problem, name=name, reason=reason)
        assert problem.status == expected
        event = status_changes(problem).last()
        assert (event.move, event.from_status, event.to_status) == (name, status, expected)
        assert event.actor == actor and event.reason == reason


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("liaison", "closing_requested"),
        ("office", "closing_requested"),
        ("member", NO),
        ("supervisor", NO),
        ("other_liaison", NO),
        ("other_member", NO),
        ("outsider", NO),
    ],
)
def test_asking_for_closing_by_role(cast, who, expected):
    problem = problem_at(cast.assignment, "in_progress")
    for measure in problem.measures.all():
        measure_complete(measure, actor=cast.liaison)
    make_evidence(problem, actor=cast.liaison)
    if expected == NO:
        with pytest.raises(TransitionRefused):
            problem_transition(actor=cast.by_name(who), problem=problem, name="request_closing")
    else:
        problem = problem_transition(
            actor=cast.by_name(who), problem=problem, name="request_closing"
        )
        assert problem.status == expected


def test_asking_for_closing_with_a_measure_unfinished_is_refused(cast):
    problem = problem_at(cast.assignment, "in_progress")
    make_evidence(problem, actor=cast.liaison)
    with pytest.raises(TransitionRefused, match="未完成"):
        problem_transition(actor=cast.liaison, problem=problem, name="request_closing")


def test_asking_for_closing_without_evidence_is_refused(cast):
    problem = problem_at(cast.assignment, "in_progress")
    for measure in problem.measures.all():
        measure_complete(measure, actor=cast.liaison)
    with pytest.raises(TransitionRefused, match="佐证"):
        problem_transition(actor=cast.liaison, problem=problem, name="request_closing")


def test_the_person_who_asked_for_closing_cannot_close(cast):
    problem = problem_at(cast.assignment, "closing_requested", requester=cast.office)
    with pytest.raises(TransitionRefused, match="另一名"):
        problem_transition(actor=cast.office, problem=problem, name="close")
    problem = problem_transition(actor=cast.office2, problem=problem, name="close")
    assert problem.status == ProblemStatus.CLOSED


# (from status, transition, who, reason, expected)
MEASURE_CASES = [
    ("not_started", "start", "liaison", "", "in_progress"),
    ("not_started", "start", "office", "", "in_progress"),
    ("not_started", "start", "member", "", NO),
    ("not_started", "start", "supervisor", "", NO),
    ("not_started", "start", "other_liaison", "", NO),
    ("in_progress", "start", "liaison", "", NO),
    ("not_started", "complete", "liaison", "", "done"),
    ("in_progress", "complete", "liaison", "", "done"),
    ("in_progress", "complete", "member", "", NO),
    ("done", "complete", "liaison", "", NO),
    ("done", "reopen", "liaison", "数据需更正", "in_progress"),
    ("done", "reopen", "liaison", "", NO),
    ("done", "reopen", "supervisor", "理由", NO),
    ("in_progress", "reopen", "liaison", "理由", NO),
]


@pytest.mark.parametrize(("status", "name", "who", "reason", "expected"), MEASURE_CASES)
def test_measure_transitions(cast, status, name, who, reason, expected):
    problem = problem_at(cast.assignment, "in_progress")
    measure = problem.measures.get()
    # A report written straight to the table (the service would start the measure): the
    # status under test stays as set, and 完成 has the report it needs.
    ProgressReport.objects.create(measure=measure, text="已推进。")
    if status == "in_progress":
        measure = measure_transition(actor=None, measure=measure, name="start")
    elif status == "done":
        measure = measure_transition(actor=None, measure=measure, name="complete")
    assert measure.status == status
    if expected == NO:
        with pytest.raises(TransitionRefused):
            measure_transition(actor=cast.by_name(who), measure=measure, name=name, reason=reason)
        measure.refresh_from_db()
        assert measure.status == status
    else:
        measure = measure_transition(
            actor=cast.by_name(who), measure=measure, name=name, reason=reason
        )
        assert measure.status == expected


def test_a_measure_of_a_problem_awaiting_closing_cannot_change(cast):
    problem = problem_at(cast.assignment, "closing_requested", requester=cast.liaison)
    measure = problem.measures.get()
    assert measure.status == MeasureStatus.DONE
    with pytest.raises(TransitionRefused):
        measure_transition(actor=cast.liaison, measure=measure, name="reopen", reason="补充")


def plan_at(cast, status):
    planned_problem(cast.assignment)
    plan = plan_get_or_create(actor=cast.liaison, assignment=cast.assignment)
    if status == "draft":
        return plan
    plan = plan_transition(actor=cast.liaison, plan=plan, name="submit")
    if status == "submitted":
        return plan
    if status == "returned":
        return plan_transition(actor=cast.office, plan=plan, name="return", reason="时限不明确")
    return plan_transition(actor=cast.office, plan=plan, name="approve")


# (from status, transition, who, reason, expected)
PLAN_CASES = [
    ("draft", "submit", "liaison", "", "submitted"),
    ("draft", "submit", "office", "", "submitted"),
    ("draft", "submit", "member", "", NO),
    ("draft", "submit", "supervisor", "", NO),
    ("draft", "submit", "other_liaison", "", NO),
    ("returned", "submit", "liaison", "", "submitted"),
    ("approved", "submit", "liaison", "", NO),
    ("submitted", "approve", "office", "", "approved"),
    ("submitted", "approve", "liaison", "", NO),
    ("submitted", "approve", "member", "", NO),
    ("draft", "approve", "office", "", NO),
    ("submitted", "return", "office", "措施不具体", "returned"),
    ("submitted", "return", "office", "", NO),
    ("submitted", "return", "liaison", "撤回", NO),
    ("approved", "return", "office", "理由", NO),
]


@pytest.mark.parametrize(("status", "name", "who", "reason", "expected"), PLAN_CASES)
def test_plan_transitions(cast, status, name, who, reason, expected):
    plan = plan_at(cast, status)
    assert plan.status == status
    if expected == NO:
        with pytest.raises(TransitionRefused):
            plan_transition(actor=cast.by_name(who), plan=plan, name=name, reason=reason)
        plan.refresh_from_db()
        assert plan.status == status
    else:
        plan = plan_transition(actor=cast.by_name(who), plan=plan, name=name, reason=reason)
        assert plan.status == expected


def test_an_incomplete_plan_cannot_be_submitted(cast):
    from xuncha.findings.services import MeasureInput, problem_create

    problem_create(
        actor=None,
        assignment=cast.assignment,
        title="缺少责任人",
        measures=[MeasureInput("整改。")],
    )
    plan = plan_get_or_create(actor=cast.liaison, assignment=cast.assignment)
    with pytest.raises(TransitionRefused) as refused:
        plan_transition(actor=cast.liaison, plan=plan, name="submit")
    message = str(refused.value)
    assert "整改类型" in message and "责任领导" in message and "完成时限" in message
    assert plan.status == PlanStatus.DRAFT


def test_approving_a_plan_starts_its_problems(cast):
    plan = plan_at(cast, "submitted")
    plan_transition(actor=cast.office, plan=plan, name="approve")
    statuses = set(cast.assignment.problems.values_list("status", flat=True))
    assert statuses == {ProblemStatus.IN_PROGRESS}
