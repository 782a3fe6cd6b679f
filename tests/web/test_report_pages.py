"""The rectification report's page (整改情况报告): the liaison writes, saves and submits; the
office receives or returns with a reason and a new due date; everyone who sees the unit reads
it. The links to it from the unit's and the problem's pages, and the plan page's return date."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_upload
from tests.rectification.conftest import planned_problem, problem_at
from tests.web.conftest import client_for
from xuncha.core.models import AuditEntry
from xuncha.rectification.models import PlanStatus, RectificationReport, ReportStatus
from xuncha.rectification.reports import report_get_or_create, report_save, report_transition
from xuncha.rectification.services import plan_get_or_create
from xuncha.rectification.transitions import plan_transition

pytestmark = pytest.mark.django_db


def today() -> dt.date:
    """Today in the site's time zone, asked each time: a run may cross midnight."""
    return timezone.localdate()


DAY = dt.timedelta(days=1)


def page(client: Any, assignment: Any) -> Any:
    return client.get(reverse("web:report", args=[assignment.pk]))


def errors(response: Any) -> list[str]:
    return [str(m) for m in response.context["messages"] if m.level_tag == "error"]


def submitted_report(cast: Any) -> RectificationReport:
    report = report_get_or_create(actor=cast.liaison, assignment=cast.assignment)
    report = report_save(actor=cast.liaison, report=report, text="整改情况如下：……")
    return report_transition(actor=cast.liaison, report=report, name="submit")


def test_the_liaison_sees_an_undrafted_report_with_its_deadline_and_a_form(cast):
    response = page(client_for(cast.liaison), cast.assignment)
    assert response.status_code == 200
    content = response.content.decode()
    assert response.context["report"] is None and "尚未起草" in content
    assert response.context["form"] is not None and "保存并报送" in content
    [clock] = response.context["clocks"]
    assert clock.clock.rule.code == "report_due" and clock.colour == "red"
    assert clock.clock.due.isoformat() in content
    assert not response.context["actions"]  # receiving and returning are the office's


def test_the_liaison_saves_with_a_file_then_submits_and_the_form_goes(cast):
    client = client_for(cast.liaison)
    url = reverse("web:report_edit", args=[cast.assignment.pk])
    response = client.post(
        url,
        {"text": "第一稿", "files": [make_upload("整改情况报告.pdf")], "expected_version": 0},
        follow=True,
    )
    assert not errors(response)
    report = RectificationReport.objects.get(assignment=cast.assignment)
    assert (report.status, report.text, report.files.count()) == ("draft", "第一稿", 1)
    response = client.post(
        url, {"text": "定稿", "expected_version": report.version, "and_submit": "1"}, follow=True
    )
    assert not errors(response), errors(response)
    report.refresh_from_db()
    assert (report.status, report.text) == (ReportStatus.SUBMITTED, "定稿")
    assert response.context["form"] is None
    content = response.content.decode()
    assert "已报送" in content and "定稿" in content and "整改情况报告.pdf" in content
    assert "报送整改情况报告" in content  # the history row


def test_saving_from_a_stale_page_keeps_the_typed_text_and_says_why(cast):
    report = report_get_or_create(actor=cast.liaison, assignment=cast.assignment)
    report_save(actor=cast.office, report=report, text="巡察办改过")
    response = client_for(cast.liaison).post(
        reverse("web:report_edit", args=[cast.assignment.pk]),
        {"text": "联络员的稿子", "expected_version": report.version},
    )
    assert response.status_code == 409
    assert "已被他人修改" in response.content.decode()
    assert "联络员的稿子" in response.content.decode()


def test_submitting_an_empty_report_is_refused_and_nothing_is_submitted(cast):
    response = client_for(cast.liaison).post(
        reverse("web:report_edit", args=[cast.assignment.pk]),
        {"text": "", "expected_version": 0, "and_submit": "1"},
        follow=True,
    )
    assert any("正文为空且没有附件" in e for e in errors(response))
    assert RectificationReport.objects.get(assignment=cast.assignment).status == "draft"


def test_the_office_returns_with_a_reason_and_a_date_and_the_liaison_can_write_again(cast):
    report = submitted_report(cast)
    office = client_for(cast.office)
    response = page(office, cast.assignment)
    assert [a.name for a in response.context["actions"]] == ["receive", "return"]
    assert response.context["form"] is None
    assert 'name="due_date"' in response.content.decode()
    url = reverse("web:report_step", args=[cast.assignment.pk])
    data = {"name": "return", "reason": "未说明成效。", "expected_version": report.version}
    response = office.post(url, data, follow=True)
    assert any("须确定重新报送时限" in e for e in errors(response))
    due = today() + 20 * DAY
    response = office.post(url, {**data, "due_date": due.isoformat()}, follow=True)
    assert not errors(response)
    report.refresh_from_db()
    assert (report.status, report.due_date) == (ReportStatus.RETURNED, due)
    content = response.content.decode()
    assert due.isoformat() in content and "未说明成效" in content

    response = page(client_for(cast.liaison), cast.assignment)
    assert response.context["form"] is not None
    [clock] = response.context["clocks"]
    assert (clock.clock.state, clock.clock.due) == ("running", due)


def test_the_office_receives_a_submitted_report(cast):
    report = submitted_report(cast)
    response = client_for(cast.office).post(
        reverse("web:report_step", args=[cast.assignment.pk]),
        {"name": "receive", "expected_version": report.version},
        follow=True,
    )
    assert not errors(response)
    report.refresh_from_db()
    assert report.status == ReportStatus.RECEIVED
    [clock] = response.context["clocks"]
    assert clock.clock.state == "met" and clock.colour is None


@pytest.mark.parametrize("who", ["member", "supervisor"])
def test_readers_who_are_not_the_unit_nor_the_office_read_but_are_refused_writing(cast, who):
    submitted_report(cast)
    client = client_for(cast.by_name(who))
    response = page(client, cast.assignment)
    assert response.status_code == 200
    assert response.context["form"] is None and not response.context["actions"]
    assert "整改情况如下" in response.content.decode()
    before = AuditEntry.objects.count()
    response = client.post(
        reverse("web:report_step", args=[cast.assignment.pk]),
        {"name": "receive", "expected_version": 0},
        follow=True,
    )
    assert any("权限" in e for e in errors(response))
    response = client.post(
        reverse("web:report_edit", args=[cast.assignment.pk]),
        {"text": "x", "expected_version": 0},
        follow=True,
    )
    assert any("权限" in e for e in errors(response))
    assert AuditEntry.objects.count() == before


def test_another_units_liaison_gets_404_for_the_page_and_the_files(cast):
    report = report_get_or_create(actor=cast.liaison, assignment=cast.assignment)
    report = report_save(
        actor=cast.liaison, report=report, text="正文", files=[make_upload("报告.pdf")]
    )
    attachment = report.files.get()
    other = client_for(cast.other_liaison)
    assert page(other, cast.assignment).status_code == 404
    download = reverse("web:report_file_download", args=[attachment.pk])
    assert other.get(download).status_code == 404
    response = client_for(cast.member).get(download)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert "attachment" in response["Content-Disposition"]


def test_the_unit_and_problem_pages_link_to_the_report_with_its_status_and_deadline(cast):
    problem = problem_at(cast.assignment, "in_progress")
    client = client_for(cast.member)
    url = reverse("web:report", args=[cast.assignment.pk])
    content = client.get(reverse("web:assignment", args=[cast.assignment.pk])).content.decode()
    assert f'href="{url}"' in content
    response = client.get(reverse("web:problem", args=[problem.pk]))
    summary = response.context["rectification_report"]
    assert (summary.status_label, summary.colour, summary.url) == ("尚未起草", "red", url)
    content = response.content.decode()
    assert f'href="{url}"' in content and summary.due.isoformat() in content
    submitted_report(cast)
    summary = client.get(reverse("web:problem", args=[problem.pk])).context["rectification_report"]
    assert (summary.status_label, summary.colour) == ("已报送", None)


def test_the_plan_page_asks_the_office_for_a_new_due_date_when_returning(cast):
    planned_problem(cast.assignment)
    plan = plan_get_or_create(actor=cast.liaison, assignment=cast.assignment)
    plan = plan_transition(actor=cast.liaison, plan=plan, name="submit")
    office = client_for(cast.office)
    content = office.get(reverse("web:plan", args=[cast.assignment.pk])).content.decode()
    assert 'name="due_date"' in content
    url = reverse("web:plan_step", args=[cast.assignment.pk])
    data = {"name": "return", "reason": "措施笼统。", "expected_version": plan.version}
    response = office.post(url, data, follow=True)
    assert any("须确定重新报送时限" in e for e in errors(response))
    due = today() + 9 * DAY
    response = office.post(url, {**data, "due_date": due.isoformat()}, follow=True)
    assert not errors(response)
    plan.refresh_from_db()
    assert (plan.status, plan.due_date) == (PlanStatus.RETURNED, due)
    assert due.isoformat() in response.content.decode()
