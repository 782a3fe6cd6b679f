"""The rectification report (整改情况报告) as an object: drafted, written and submitted by the
unit, received or returned with a new due date by the office; its clock stops on submission and
runs again to the office's date on a return. The plan's clock does the same on a return."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import create_problem, make_upload, status_changes
from tests.rectification.conftest import planned_problem
from tests.web.conftest import client_for
from xuncha.clocks.models import Clock, ClockState
from xuncha.core.models import AuditEntry
from xuncha.core.workflow import TransitionRefused
from xuncha.findings.models import Problem
from xuncha.findings.services import EditConflict, EditRefused, MeasureInput
from xuncha.notifications.models import Notification
from xuncha.rectification.models import PlanStatus, RectificationReport, ReportStatus
from xuncha.rectification.reports import (
    report_file_add,
    report_get_or_create,
    report_save,
    report_transition,
)
from xuncha.rectification.services import plan_get_or_create
from xuncha.rectification.transitions import plan_transition

pytestmark = pytest.mark.django_db


def today() -> dt.date:
    """Today in the site's time zone, asked each time: a run may cross midnight."""
    return timezone.localdate()


DAY = dt.timedelta(days=1)


def far_problem(assignment: Any) -> Problem:
    """A problem under way whose one measure is due long after the report: the report's clock
    gives the problem its warning until the report is submitted."""
    return create_problem(
        actor=None,
        assignment=assignment,
        title="财务审批把关不严",
        measures=[MeasureInput(text="修订财务报销制度。", deadline=today() + 200 * DAY)],
        start=True,
    )


def clock_of(assignment: Any, subject: str) -> Clock:
    return Clock.objects.get(subject_type=subject, subject_id=assignment.pk)


def submitted(actor: Any, assignment: Any, text: str = "我单位整改情况如下……") -> Any:
    report = report_get_or_create(actor=actor, assignment=assignment)
    report = report_save(actor=actor, report=report, text=text)
    return report_transition(actor=actor, report=report, name="submit")


def ledger_warning(client: Any, problem: Problem) -> str:
    """The ledger row of ``problem`` as it reads (tags left out): its warning names the deadline."""
    import re

    content = client.get(reverse("web:ledger")).content.decode()
    link = f'href="{reverse("web:problem", args=[problem.pk])}"'
    row = next(row for row in content.split("<tr") if link in row)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row))


# ---- The acceptance test -----------------------------------------------------------------


def test_submitting_the_report_stops_its_clock_and_returning_it_restarts_it(cast):
    problem = far_problem(cast.assignment)
    clock = clock_of(cast.assignment, "report")
    report_due = clock.due
    assert clock.state == ClockState.RUNNING and report_due < today()  # feedback 3 March 2025
    problem.refresh_from_db()
    assert (problem.nearest_kind, problem.nearest_due) == ("report", report_due)
    office = client_for(cast.office)
    row = ledger_warning(office, problem)
    assert "整改情况报告" in row and report_due.isoformat() in row

    report = submitted(cast.liaison, cast.assignment)

    assert report.status == ReportStatus.SUBMITTED
    clock.refresh_from_db()
    assert (clock.state, clock.due) == (ClockState.MET, report_due)
    problem.refresh_from_db()
    assert problem.nearest_kind == "measure"
    assert problem.nearest_due == today() + 200 * DAY
    row = ledger_warning(office, problem)
    assert "整改情况报告" not in row and report_due.isoformat() not in row

    due = today() + 30 * DAY
    report = report_transition(
        actor=cast.office, report=report, name="return", reason="未逐项说明整改成效。", due_date=due
    )

    assert (report.status, report.due_date) == (ReportStatus.RETURNED, due)
    clock.refresh_from_db()
    assert (clock.state, clock.due) == (ClockState.RUNNING, due)
    problem.refresh_from_db()
    assert (problem.nearest_kind, problem.nearest_due) == ("report", due)
    row = ledger_warning(office, problem)
    assert "整改情况报告" in row and due.isoformat() in row


def test_a_resubmitted_report_is_met_by_the_date_the_office_set_and_then_received(cast):
    report = submitted(cast.liaison, cast.assignment)
    due = today() + 10 * DAY
    report = report_transition(
        actor=cast.office, report=report, name="return", reason="请补充附件。", due_date=due
    )
    report_file_add(actor=cast.liaison, report=report, upload=make_upload("整改情况报告.pdf"))
    report = report_transition(actor=cast.liaison, report=report, name="submit")
    report = report_transition(actor=cast.office2, report=report, name="receive")
    assert report.status == ReportStatus.RECEIVED
    clock = clock_of(cast.assignment, "report")
    assert (clock.state, clock.due) == (ClockState.MET, due)
    moves = [(c.move, c.to_status) for c in status_changes(report)]
    assert moves == [
        ("submit", "submitted"),
        ("return", "returned"),
        ("submit", "submitted"),
        ("receive", "received"),
    ]


def test_closing_every_problem_no_longer_meets_the_report_clock(cast):
    from tests.rectification.conftest import problem_at

    problem_at(cast.assignment, "closed")
    assert clock_of(cast.assignment, "report").state == ClockState.RUNNING


# ---- The plan's clock --------------------------------------------------------------------


def test_submitting_the_plan_stops_its_clock_and_a_return_restarts_it_to_the_offices_date(cast):
    planned_problem(cast.assignment)
    clock = clock_of(cast.assignment, "plan")
    counted = clock.due
    assert clock.state == ClockState.RUNNING
    plan = plan_get_or_create(actor=cast.liaison, assignment=cast.assignment)
    plan = plan_transition(actor=cast.liaison, plan=plan, name="submit")
    clock.refresh_from_db()
    assert (clock.state, clock.due) == (ClockState.MET, counted)

    due = today() + 7 * DAY
    plan = plan_transition(
        actor=cast.office, plan=plan, name="return", reason="措施过于笼统。", due_date=due
    )

    assert (plan.status, plan.due_date) == (PlanStatus.RETURNED, due)
    clock.refresh_from_db()
    assert (clock.state, clock.due) == (ClockState.RUNNING, due)
    plan = plan_transition(actor=cast.liaison, plan=plan, name="submit")
    clock.refresh_from_db()
    assert (clock.state, clock.due) == (ClockState.MET, due)


def test_a_plan_returned_without_a_date_runs_again_on_the_rules_count(cast):
    planned_problem(cast.assignment)
    counted = clock_of(cast.assignment, "plan").due
    plan = plan_get_or_create(actor=cast.liaison, assignment=cast.assignment)
    plan = plan_transition(actor=cast.liaison, plan=plan, name="submit")
    plan = plan_transition(actor=cast.office, plan=plan, name="return", reason="请细化。")
    assert plan.due_date is None
    clock = clock_of(cast.assignment, "plan")
    assert (clock.state, clock.due) == (ClockState.RUNNING, counted)


def test_a_plans_new_due_date_must_be_after_today_and_only_on_a_return(cast):
    planned_problem(cast.assignment)
    plan = plan_get_or_create(actor=cast.liaison, assignment=cast.assignment)
    with pytest.raises(ValueError, match="只有退回时"):
        plan_transition(actor=cast.liaison, plan=plan, name="submit", due_date=today() + DAY)
    plan = plan_transition(actor=cast.liaison, plan=plan, name="submit")
    with pytest.raises(ValueError, match="须晚于今天"):
        plan_transition(actor=cast.office, plan=plan, name="return", reason="x", due_date=today())
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED and plan.due_date is None


def test_a_plan_returned_with_a_date_tells_the_liaison_by_when(cast):
    planned_problem(cast.assignment)
    plan = plan_get_or_create(actor=cast.liaison, assignment=cast.assignment)
    plan = plan_transition(actor=cast.liaison, plan=plan, name="submit")
    due = today() + 5 * DAY
    plan_transition(actor=cast.office, plan=plan, name="return", reason="请细化。", due_date=due)
    message = Notification.objects.get(recipient=cast.liaison, kind="plan").message
    assert "请细化" in message and due.isoformat() in message


# ---- The rules of the report's workflow ----------------------------------------------------


def test_an_empty_report_cannot_be_submitted_but_one_file_is_enough(cast):
    report = report_get_or_create(actor=cast.liaison, assignment=cast.assignment)
    with pytest.raises(TransitionRefused, match="正文为空且没有附件"):
        report_transition(actor=cast.liaison, report=report, name="submit")
    report_file_add(actor=cast.liaison, report=report, upload=make_upload("整改情况报告.pdf"))
    report = report_transition(actor=cast.liaison, report=report, name="submit")
    assert report.status == ReportStatus.SUBMITTED


def test_a_return_needs_a_reason_and_a_due_date_after_today(cast):
    report = submitted(cast.liaison, cast.assignment)
    with pytest.raises(TransitionRefused, match="须填写理由"):
        report_transition(actor=cast.office, report=report, name="return", due_date=today() + DAY)
    with pytest.raises(ValueError, match="须确定重新报送时限"):
        report_transition(actor=cast.office, report=report, name="return", reason="不全。")
    with pytest.raises(ValueError, match="须晚于今天"):
        report_transition(
            actor=cast.office, report=report, name="return", reason="不全。", due_date=today()
        )
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED and report.due_date is None


def test_a_submitted_or_received_report_cannot_be_changed(cast):
    report = submitted(cast.liaison, cast.assignment)
    with pytest.raises(TransitionRefused, match="已报送"):
        report_save(actor=cast.liaison, report=report, text="改一改")
    report = report_transition(actor=cast.office, report=report, name="receive")
    with pytest.raises(TransitionRefused, match="已接收"):
        report_file_add(actor=cast.office, report=report, upload=make_upload())
    with pytest.raises(TransitionRefused):
        report_transition(actor=cast.liaison, report=report, name="submit")


def test_saving_over_a_newer_version_is_refused(cast):
    report = report_get_or_create(actor=cast.liaison, assignment=cast.assignment)
    stale = report.version
    report_save(actor=cast.office, report=report, text="巡察办补充的内容")
    with pytest.raises(EditConflict):
        report_save(actor=cast.liaison, report=report, text="联络员的内容", expected_version=stale)
    report.refresh_from_db()
    assert report.text == "巡察办补充的内容"


@pytest.mark.parametrize(
    "who", ["other_liaison", "member", "other_member", "supervisor", "outsider"]
)
def test_only_the_units_liaison_and_the_office_draft_and_write_the_report(cast, who):
    person = cast.by_name(who)
    with pytest.raises(EditRefused, match="权限"):
        report_get_or_create(actor=person, assignment=cast.assignment)
    report = report_get_or_create(actor=cast.liaison, assignment=cast.assignment)
    with pytest.raises(EditRefused, match="权限"):
        report_save(actor=person, report=report, text="不该由我写")
    with pytest.raises(EditRefused, match="权限"):
        report_file_add(actor=person, report=report, upload=make_upload())
    report.refresh_from_db()
    assert (report.text, report.files.count()) == ("", 0)


@pytest.mark.parametrize("who", ["other_liaison", "member", "supervisor", "outsider"])
def test_a_liaison_of_another_unit_or_a_group_member_cannot_submit_or_receive(cast, who):
    person = cast.by_name(who)
    report = report_get_or_create(actor=cast.liaison, assignment=cast.assignment)
    report = report_save(actor=cast.liaison, report=report, text="正文")
    with pytest.raises(TransitionRefused, match="权限"):
        report_transition(actor=person, report=report, name="submit")
    report = report_transition(actor=cast.liaison, report=report, name="submit")
    with pytest.raises(TransitionRefused, match="权限"):
        report_transition(actor=person, report=report, name="receive")
    with pytest.raises(TransitionRefused, match="权限"):
        report_transition(
            actor=person, report=report, name="return", reason="x", due_date=today() + DAY
        )
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED


def test_the_liaison_cannot_receive_or_return_their_own_report(cast):
    report = submitted(cast.liaison, cast.assignment)
    for move in ("receive", "return"):
        with pytest.raises(TransitionRefused, match="权限"):
            report_transition(
                actor=cast.liaison, report=report, name=move, reason="x", due_date=today() + DAY
            )


def test_the_office_may_write_and_submit_for_the_unit_and_the_system_may_do_all(cast):
    report = submitted(cast.office, cast.assignment)
    assert report.status == ReportStatus.SUBMITTED
    other = submitted(None, cast.other_assignment)
    other = report_transition(
        actor=None, report=other, name="return", reason="补充。", due_date=today() + DAY
    )
    assert other.status == ReportStatus.RETURNED


# ---- Audit, files and notifications ------------------------------------------------------


def test_every_write_leaves_an_audit_row_under_the_units_history(cast, tmp_path):
    report = report_get_or_create(actor=cast.liaison, assignment=cast.assignment)
    report = report_save(
        actor=cast.liaison,
        report=report,
        text="正文",
        files=[make_upload("报告.pdf"), make_upload("附件.pdf", content=b"%PDF-1.4\n%other\n")],
    )
    assert report.version == 2  # one save, whatever the number of files
    report = report_transition(actor=cast.liaison, report=report, name="submit")
    scope = f"assignment:{cast.assignment.pk}"
    actions = list(
        AuditEntry.objects.filter(scope=scope, action__startswith="report")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "report.create",
        "report.update",
        "report_file.add",
        "report_file.add",
        "report.submit",
    ]
    names = sorted(report.files.values_list("original_name", flat=True))
    assert names == ["报告.pdf", "附件.pdf"]
    assert all(f.uploaded_by == cast.liaison for f in report.files.all())


def test_submitting_tells_the_office_and_a_return_tells_the_liaison_by_when(cast):
    report = submitted(cast.liaison, cast.assignment)
    told = Notification.objects.filter(kind="report")
    assert set(told.values_list("recipient__username", flat=True)) == {"office", "office2"}
    assert "市测试局报送了整改情况报告" in told.first().message
    due = today() + 14 * DAY
    report = report_transition(
        actor=cast.office, report=report, name="return", reason="缺少附件。", due_date=due
    )
    message = told.get(recipient=cast.liaison).message
    assert "缺少附件" in message and due.isoformat() in message
    assert told.get(recipient=cast.liaison).link == reverse("web:report", args=[cast.assignment.pk])
    report = report_transition(actor=cast.liaison, report=report, name="submit")
    report_transition(actor=cast.office, report=report, name="receive")
    assert told.filter(recipient=cast.liaison, message__contains="已被巡察办接收").exists()


def test_a_report_belongs_to_one_unit_in_one_round(cast):
    first = report_get_or_create(actor=cast.liaison, assignment=cast.assignment)
    again = report_get_or_create(actor=cast.office, assignment=cast.assignment)
    assert first.pk == again.pk
    assert RectificationReport.objects.count() == 1
    assert AuditEntry.objects.filter(action="report.create").count() == 1
