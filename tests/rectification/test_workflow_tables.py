"""The workflows of rectification, written out by hand: (status, role, move) → allowed, or
refused with its reason. The engine must agree case by case, both when it lists the moves a
person may make (``Workflow.moves``, what the pages draw) and when a move is applied.

The tables are literal: they are not derived from the code's own tables, so a wrong row in
``rectification.workflow`` makes these tests fail. A refusal reads, in the engine's order:
权限 (the role may not make the move at all), 状态 (not from this status), then a guard's
message; ``ok`` is allowed.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction

from tests.factories import make_evidence, measure_complete
from tests.followups.conftest import VISITED_ON, record
from tests.rectification.conftest import planned_problem, problem_at
from xuncha.core.models import StatusChange
from xuncha.core.workflow import TransitionRefused, Workflow
from xuncha.findings.services import MeasureInput, problem_create
from xuncha.followups.services import batch_create, followup_create, visit_plan
from xuncha.rectification.models import ProgressReport
from xuncha.rectification.services import plan_get_or_create
from xuncha.rectification.transitions import measure_transition, plan_transition
from xuncha.rectification.workflow import MEASURE, PLAN, PROBLEM

pytestmark = pytest.mark.django_db

LABELS = {
    # problem
    "start": "开始整改",
    "request_closing": "申请销号",
    "return": "退回",
    "close": "销号",
    "reopen": "重新打开",
    "rule_done": "认定整改到位",
    "rule_done_confirm": "确认整改到位",
    "rule_mostly": "认定基本到位",
    "rule_not_done": "认定未到位，再整改",
    "rule_not_done_reopen": "认定未到位，重新打开",
    "rule_rebound": "认定问题反弹",
}
# Where each move leads, whatever it leaves from.
TARGETS = {
    "start": "in_progress",
    "request_closing": "closing_requested",
    "return": "in_progress",
    "close": "closed",
    "reopen": "in_progress",
    "rule_done": "closing_requested",
    "rule_done_confirm": "closed",
    "rule_mostly": "continuing",
    "rule_not_done": "in_progress",
    "rule_not_done_reopen": "in_progress",
    "rule_rebound": "in_progress",
}
MEASURE_TARGETS = {"start": "in_progress", "complete": "done", "reopen": "in_progress"}
PLAN_TARGETS = {"submit": "submitted", "approve": "approved", "return": "returned"}
PROBLEM_STATUSES = {
    "pending": "待整改",
    "in_progress": "整改中",
    "closing_requested": "申请销号",
    "closed": "已销号",
    "continuing": "持续整改",
}
GUARDS = {
    "未完成": "尚有未完成的整改措施，不能申请销号。",
    "无措施": "该问题还没有整改措施，不能申请销号。",
    "无佐证": "尚未上传佐证材料，不能申请销号。",
    "四眼": "申请销号的人不能自己销号，须由另一名人员审核。",
    "冻结": "问题处于“申请销号”状态，措施不能再变更。",
}


def parse(table: str) -> dict[tuple[str, str, str], str]:
    """``status move outcome-per-role`` lines under a header naming the roles."""
    lines = [line.split() for line in table.strip().splitlines() if line.strip()]
    roles = lines[0][2:]
    cases = {}
    for status, move, *outcomes in lines[1:]:
        assert len(outcomes) == len(roles), (status, move)
        for role, outcome in zip(roles, outcomes, strict=True):
            cases[(status, role, move)] = outcome
    return cases


# The problem's unit is inspected by the member's group; "visitor" is that member at a
# recorded follow-up visit of the unit (the only part the verdict moves are open to).
PROBLEM_TABLE = parse("""
status             move                  office  liaison  member  visitor  supervisor  outsider
pending            start                 ok      权限     权限    权限     权限        权限
pending            request_closing       状态    状态     权限    权限     权限        权限
pending            return                状态    权限     权限    权限     权限        权限
pending            close                 状态    权限     权限    权限     权限        权限
pending            reopen                状态    权限     权限    权限     权限        权限
pending            rule_done             权限    权限     权限    状态     权限        权限
pending            rule_done_confirm     权限    权限     权限    状态     权限        权限
pending            rule_mostly           权限    权限     权限    状态     权限        权限
pending            rule_not_done         权限    权限     权限    状态     权限        权限
pending            rule_not_done_reopen  权限    权限     权限    状态     权限        权限
pending            rule_rebound          权限    权限     权限    状态     权限        权限
in_progress        start                 状态    权限     权限    权限     权限        权限
in_progress        request_closing       未完成  未完成   权限    权限     权限        权限
in_progress        return                状态    权限     权限    权限     权限        权限
in_progress        close                 状态    权限     权限    权限     权限        权限
in_progress        reopen                状态    权限     权限    权限     权限        权限
in_progress        rule_done             权限    权限     权限    ok       权限        权限
in_progress        rule_done_confirm     权限    权限     权限    状态     权限        权限
in_progress        rule_mostly           权限    权限     权限    ok       权限        权限
in_progress        rule_not_done         权限    权限     权限    ok       权限        权限
in_progress        rule_not_done_reopen  权限    权限     权限    状态     权限        权限
in_progress        rule_rebound          权限    权限     权限    状态     权限        权限
closing_requested  start                 状态    权限     权限    权限     权限        权限
closing_requested  request_closing       状态    状态     权限    权限     权限        权限
closing_requested  return                ok      权限     权限    权限     权限        权限
closing_requested  close                 ok      权限     权限    权限     权限        权限
closing_requested  reopen                状态    权限     权限    权限     权限        权限
closing_requested  rule_done             权限    权限     权限    ok       权限        权限
closing_requested  rule_done_confirm     权限    权限     权限    状态     权限        权限
closing_requested  rule_mostly           权限    权限     权限    ok       权限        权限
closing_requested  rule_not_done         权限    权限     权限    ok       权限        权限
closing_requested  rule_not_done_reopen  权限    权限     权限    状态     权限        权限
closing_requested  rule_rebound          权限    权限     权限    状态     权限        权限
closed             start                 状态    权限     权限    权限     权限        权限
closed             request_closing       状态    状态     权限    权限     权限        权限
closed             return                状态    权限     权限    权限     权限        权限
closed             close                 状态    权限     权限    权限     权限        权限
closed             reopen                ok      权限     权限    权限     权限        权限
closed             rule_done             权限    权限     权限    状态     权限        权限
closed             rule_done_confirm     权限    权限     权限    ok       权限        权限
closed             rule_mostly           权限    权限     权限    ok       权限        权限
closed             rule_not_done         权限    权限     权限    状态     权限        权限
closed             rule_not_done_reopen  权限    权限     权限    ok       权限        权限
closed             rule_rebound          权限    权限     权限    ok       权限        权限
continuing         start                 状态    权限     权限    权限     权限        权限
continuing         request_closing       未完成  未完成   权限    权限     权限        权限
continuing         return                状态    权限     权限    权限     权限        权限
continuing         close                 状态    权限     权限    权限     权限        权限
continuing         reopen                状态    权限     权限    权限     权限        权限
continuing         rule_done             权限    权限     权限    ok       权限        权限
continuing         rule_done_confirm     权限    权限     权限    状态     权限        权限
continuing         rule_mostly           权限    权限     权限    ok       权限        权限
continuing         rule_not_done         权限    权限     权限    ok       权限        权限
continuing         rule_not_done_reopen  权限    权限     权限    状态     权限        权限
continuing         rule_rebound          权限    权限     权限    状态     权限        权限
""")

MEASURE_LABELS = {"start": "开始推进", "complete": "完成", "reopen": "重新推进"}
MEASURE_STATUSES = {"not_started": "未开始", "in_progress": "推进中", "done": "已完成"}
# The measure's problem is 整改中; "frozen" rows are the same measure once its problem asks
# for closing (冻结: nothing moves any more).
MEASURE_TABLE = parse("""
status        move      office  liaison  member  supervisor  outsider
not_started   start     ok      ok       权限    权限        权限
not_started   complete  ok      ok       权限    权限        权限
not_started   reopen    状态    状态     权限    权限        权限
in_progress   start     状态    状态     权限    权限        权限
in_progress   complete  ok      ok       权限    权限        权限
in_progress   reopen    状态    状态     权限    权限        权限
done          start     状态    状态     权限    权限        权限
done          complete  状态    状态     权限    权限        权限
done          reopen    ok      ok       权限    权限        权限
frozen        start     状态    状态     权限    权限        权限
frozen        complete  状态    状态     权限    权限        权限
frozen        reopen    冻结    冻结     权限    权限        权限
""")

PLAN_LABELS = {"submit": "报送方案", "approve": "批准方案", "return": "退回方案"}
PLAN_STATUSES = {
    "draft": "起草中",
    "submitted": "已报送",
    "approved": "已批准",
    "returned": "已退回",
}
PLAN_TABLE = parse("""
status     move     office  liaison  member  supervisor  outsider
draft      submit   ok      ok       权限    权限        权限
draft      approve  状态    权限     权限    权限        权限
draft      return   状态    权限     权限    权限        权限
submitted  submit   状态    状态     权限    权限        权限
submitted  approve  ok      权限     权限    权限        权限
submitted  return   ok      权限     权限    权限        权限
approved   submit   状态    状态     权限    权限        权限
approved   approve  状态    权限     权限    权限        权限
approved   return   状态    权限     权限    权限        权限
returned   submit   ok      ok       权限    权限        权限
returned   approve  状态    权限     权限    权限        权限
returned   return   状态    权限     权限    权限        权限
""")


def expected_refusal(outcome: str, label: str, status_label: str) -> str:
    """The message a row's outcome stands for ("" when allowed)."""
    if outcome == "ok":
        return ""
    if outcome == "权限":
        return f"您没有权限执行“{label}”。"
    if outcome == "状态":
        return f"当前状态为“{status_label}”，不能执行“{label}”。"
    return GUARDS[outcome]


def check_table(
    workflow: Workflow[Any],
    subject: Any,
    status: str,
    table: dict[tuple[str, str, str], str],
    actors: dict[str, tuple[Any, dict[str, Any]]],
    labels: dict[str, str],
    status_label: str,
    targets: dict[str, str] = TARGETS,
) -> None:
    """Every row of ``status``: the list of moves, the refusal, and applying the move."""
    for role, (actor, context) in actors.items():
        rows = {move: out for (s, r, move), out in table.items() if (s, r) == (status, role)}
        assert set(rows) == set(labels), (status, role)
        # The engine's list: the moves not refused for the role or the status, each available
        # or with its guard's message.
        listed = {m.name: m.refusal for m in workflow.moves(subject, actor, context)}
        assert listed == {
            move: expected_refusal(out, labels[move], status_label)
            for move, out in rows.items()
            if out not in {"权限", "状态"}
        }, (status, role)
        for move, outcome in rows.items():
            message = expected_refusal(outcome, labels[move], status_label)
            refusal = workflow.refusal(subject, move, actor, reason="理由", context=context)
            assert refusal == message, (status, role, move)
            if outcome == "ok":
                with transaction.atomic():
                    moved = workflow.apply(
                        subject, move, actor=actor, reason="理由", context=context
                    )
                    assert moved.status == targets[move], (status, role, move)
                    change = StatusChange.objects.filter(workflow=workflow.name).last()
                    assert (change.subject_id, change.move, change.from_status) == (
                        subject.pk,
                        move,
                        status,
                    )
                    transaction.set_rollback(True)
            else:
                with pytest.raises(TransitionRefused) as refused:
                    workflow.apply(subject, move, actor=actor, reason="理由", context=context)
                assert str(refused.value) == message, (status, role, move)
            subject.refresh_from_db()
            assert subject.status == status


def visit_of(cast: Any) -> Any:
    followup = followup_create(actor=cast.office, round_=cast.assignment.round, name="回访督查")
    batch = batch_create(actor=cast.office, followup=followup, sequence=1, name="首批")
    visit = visit_plan(
        actor=cast.office,
        batch=batch,
        assignment=cast.assignment,
        group=cast.assignment.group,
        planned_on=VISITED_ON,
    )
    return record(visit, cast.member)


def problem_actors(cast: Any) -> dict[str, tuple[Any, dict[str, Any]]]:
    visit = visit_of(cast)
    return {
        "office": (cast.office, {}),
        "liaison": (cast.liaison, {}),
        "member": (cast.member, {}),
        "visitor": (cast.member, {"visit": visit}),
        "supervisor": (cast.supervisor, {}),
        "outsider": (cast.outsider, {}),
    }


def problem_in(cast: Any, status: str) -> Any:
    """A problem in ``status`` whose measures are not all done unless it is past them."""
    if status == "continuing":
        problem = problem_at(cast.assignment, "in_progress")
        return PROBLEM.apply(problem, "rule_mostly", actor=None, reason="基本到位")
    return problem_at(cast.assignment, status)


@pytest.mark.parametrize("status", list(PROBLEM_STATUSES))
def test_the_problem_workflow_is_the_table(cast, status):
    problem = problem_in(cast, status)
    assert problem.status == status
    check_table(
        PROBLEM,
        problem,
        status,
        PROBLEM_TABLE,
        problem_actors(cast),
        LABELS,
        PROBLEM_STATUSES[status],
    )


def test_asking_for_closing_names_the_first_thing_missing(cast):
    bare = problem_create(actor=None, assignment=cast.assignment, title="尚无措施", measures=[])
    bare = PROBLEM.apply(bare, "start", actor=None)
    assert PROBLEM.refusal(bare, "request_closing", cast.liaison) == GUARDS["无措施"]
    problem = problem_at(cast.assignment, "in_progress")
    for measure in problem.measures.all():
        measure_complete(measure)
    assert PROBLEM.refusal(problem, "request_closing", cast.liaison) == GUARDS["无佐证"]
    make_evidence(problem)
    assert PROBLEM.refusal(problem, "request_closing", cast.liaison) == ""


def test_whoever_asked_for_closing_may_not_close_but_another_office_member_may(cast):
    problem = problem_at(cast.assignment, "closing_requested", requester=cast.office)
    listed = {m.name: m.refusal for m in PROBLEM.moves(problem, cast.office)}
    assert listed == {"return": "", "close": GUARDS["四眼"]}
    assert PROBLEM.refusal(problem, "close", cast.office2) == ""
    assert PROBLEM.refusal(problem, "close", None) == ""  # the system (an import)


def test_a_move_that_needs_a_reason_is_refused_without_one(cast):
    problem = problem_at(cast.assignment, "closing_requested")
    assert PROBLEM.refusal(problem, "return", cast.office, reason=" ") == "“退回”须填写理由。"
    with pytest.raises(TransitionRefused, match="须填写理由"):
        PROBLEM.apply(problem, "return", actor=cast.office, reason="")
    assert PROBLEM.refusal(problem, "nothing", cast.office) == "没有名为“nothing”的操作。"


@pytest.mark.parametrize("status", ["not_started", "in_progress", "done", "frozen"])
def test_the_measure_workflow_is_the_table(cast, status):
    problem = planned_problem(cast.assignment)
    problem = PROBLEM.apply(problem, "start", actor=None)
    measure = problem.measures.get()
    # The table is that of a measure with a progress report (完成 needs one; the guard has
    # its own test), written straight to the table so that the status stays as set.
    ProgressReport.objects.create(measure=measure, text="已推进。")
    if status == "in_progress":
        measure = measure_transition(actor=None, measure=measure, name="start")
    if status in {"done", "frozen"}:
        measure = measure_transition(actor=None, measure=measure, name="complete")
    if status == "frozen":
        make_evidence(problem)
        PROBLEM.apply(problem, "request_closing", actor=None)
        measure.refresh_from_db()
    actors = {
        "office": (cast.office, {}),
        "liaison": (cast.liaison, {}),
        "member": (cast.member, {}),
        "supervisor": (cast.supervisor, {}),
        "outsider": (cast.outsider, {}),
    }
    stored = "done" if status == "frozen" else status
    table = {(s, r, m): out for (s, r, m), out in MEASURE_TABLE.items() if s == status}
    table = {(stored, r, m): out for (_s, r, m), out in table.items()}
    check_table(
        MEASURE,
        measure,
        stored,
        table,
        actors,
        MEASURE_LABELS,
        MEASURE_STATUSES[stored],
        MEASURE_TARGETS,
    )


@pytest.mark.parametrize("status", list(PLAN_STATUSES))
def test_the_plan_workflow_is_the_table(cast, status):
    planned_problem(cast.assignment)
    plan = plan_get_or_create(actor=None, assignment=cast.assignment)
    if status != "draft":
        plan = plan_transition(actor=None, plan=plan, name="submit")
    if status in {"approved", "returned"}:
        plan = plan_transition(
            actor=None, plan=plan, name="approve" if status == "approved" else "return", reason="退"
        )
    actors = {
        "office": (cast.office, {}),
        "liaison": (cast.liaison, {}),
        "member": (cast.member, {}),
        "supervisor": (cast.supervisor, {}),
        "outsider": (cast.outsider, {}),
    }
    check_table(
        PLAN, plan, status, PLAN_TABLE, actors, PLAN_LABELS, PLAN_STATUSES[status], PLAN_TARGETS
    )


def test_an_incomplete_plan_lists_submit_with_what_is_missing(cast):
    problem_create(
        actor=None,
        assignment=cast.assignment,
        title="缺少责任人",
        measures=[MeasureInput("整改。")],
    )
    plan = plan_get_or_create(actor=None, assignment=cast.assignment)
    [submit] = PLAN.moves(plan, cast.liaison)
    assert submit.name == "submit" and submit.refusal.startswith("方案尚不完整：")
    assert (
        "未确定整改类型" in submit.refusal and "缺少责任领导、责任部门、完成时限" in submit.refusal
    )
