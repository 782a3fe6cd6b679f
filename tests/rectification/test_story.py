"""Acceptance 1 of issue 3, through the services: the same path as tests/web/test_story.py.

liaison drafts the plan → office approves → liaison reports progress with evidence → asks for
closing → office returns it with a reason → liaison completes → office closes; the history
(workflow events, plan events and audit rows) shows every step.
"""

from __future__ import annotations

import datetime as dt

import pytest

from tests.factories import PDF_BYTES, make_upload, measure_complete, problem_steps, status_changes
from xuncha.core.audit import audit_verify
from xuncha.core.models import AuditEntry
from xuncha.core.workflow import TransitionRefused
from xuncha.findings.models import ProblemStatus, RectificationKind
from xuncha.findings.selectors import with_last_step
from xuncha.findings.services import (
    MeasureInput,
    measure_create,
    measure_update,
    problem_create,
    problem_plan_update,
)
from xuncha.notifications.models import Notification
from xuncha.rectification.models import PlanStatus
from xuncha.rectification.selectors import closing_queue, plan_queue, unit_work_queue
from xuncha.rectification.services import (
    evidence_add,
    plan_gaps,
    plan_get_or_create,
    plan_transition,
    progress_report_create,
)
from xuncha.rectification.transitions import problem_transition

RETURN_REASON = "佐证材料不完整：缺少党组会议纪要。"


def test_a_problem_goes_from_plan_to_closing_through_the_services(cast):
    problem = problem_create(
        actor=cast.office,
        assignment=cast.assignment,
        title="财务报销审核把关不严",
        measures=[MeasureInput(text="修订财务报销制度。")],
    )

    # The liaison drafts the plan.
    plan = plan_get_or_create(actor=cast.liaison, assignment=cast.assignment)
    assert plan_gaps(cast.assignment)
    problem = problem_plan_update(
        actor=cast.liaison,
        problem=problem,
        expected_version=problem.version,
        rectification_kind=RectificationKind.BY_DEADLINE,
        deadline=dt.date(2025, 6, 30),
    )
    first = problem.measures.get()
    measure_update(
        actor=cast.liaison,
        measure=first,
        expected_version=problem.version,
        text="修订财务报销制度3项。",
        owner="党组书记 王某",
        department="办公室",
        deadline=dt.date(2025, 5, 31),
    )
    problem.refresh_from_db()
    second = measure_create(
        actor=cast.liaison,
        problem=problem,
        expected_version=problem.version,
        text="对相关责任人进行诫勉谈话2人。",
        owner="纪检组长 李某",
        department="纪检组",
        deadline=dt.date(2025, 6, 15),
    )
    assert plan_gaps(cast.assignment) == []
    plan = plan_transition(actor=cast.liaison, plan=plan, name="submit")
    assert list(plan_queue(cast.office)) == [plan]

    # The office approves; rectification starts.
    plan = plan_transition(actor=cast.office, plan=plan, name="approve")
    problem.refresh_from_db()
    assert (plan.status, problem.status) == (PlanStatus.APPROVED, ProblemStatus.IN_PROGRESS)

    # Progress with evidence; the measures are completed; closing is asked for.
    report = progress_report_create(
        actor=cast.liaison,
        measure=first,
        text="已修订制度3项。",
        files=[make_upload("制度修订稿.pdf")],
    )
    evidence = report.evidence.get()
    for measure in (first, second):
        measure.refresh_from_db()
        measure_complete(measure, actor=cast.liaison)
    problem = problem_transition(actor=cast.liaison, problem=problem, name="request_closing")
    assert list(closing_queue(cast.office)) == [problem]

    # The office returns it with a reason; the liaison sees it in their queue.
    with pytest.raises(TransitionRefused, match="理由"):
        problem_transition(actor=cast.office, problem=problem, name="return")
    problem = problem_transition(
        actor=cast.office, problem=problem, name="return", reason=RETURN_REASON
    )
    queued = with_last_step(unit_work_queue(cast.liaison)).get(pk=problem.pk)
    assert (queued.last_transition, queued.last_reason) == ("return", RETURN_REASON)
    assert Notification.objects.filter(
        recipient=cast.liaison, kind="returned", message__contains=RETURN_REASON
    ).exists()

    # The liaison completes the evidence and asks again; the office closes.
    evidence_add(
        actor=cast.liaison,
        problem=problem,
        upload=make_upload("制度修订稿.pdf", PDF_BYTES + b"% with minutes\n"),
        supersedes=evidence,
    )
    problem = problem_transition(actor=cast.liaison, problem=problem, name="request_closing")
    problem = problem_transition(actor=cast.office, problem=problem, name="close")
    assert problem.status == ProblemStatus.CLOSED

    # Every step is in the history and in the audit chain, which verifies.
    assert problem_steps(problem) == [
        "start",
        "measure.start",
        "measure.complete",
        "measure.start",  # the second measure's first report starts it
        "measure.complete",
        "request_closing",
        "return",
        "request_closing",
        "close",
    ]
    assert list(status_changes(plan).values_list("move", flat=True)) == [
        "submit",
        "approve",
    ]
    actions = list(
        AuditEntry.objects.filter(scope=f"problem:{problem.pk}")
        .order_by("id")
        .values_list("action", flat=True)
    )
    for action in (
        "problem.plan_update",
        "measure.update",
        "measure.create",
        "progress.create",
        "evidence.add",
        "problem.return",
        "problem.close",
    ):
        assert action in actions
    assert audit_verify() is None
