"""Acceptance 6 of issue 3 in a real browser: the liaison uploads evidence and asks for
closing; the office, in its own browser, finds the problem in its queue and closes it.
"""

from __future__ import annotations

import re

import pytest

from tests.factories import PDF_BYTES, status_changes
from tests.rectification.conftest import problem_at
from tests.web.browser import log_in, new_page, screenshot
from xuncha.findings.models import ProblemStatus
from xuncha.findings.services import MeasureInput, problem_create
from xuncha.rectification.models import Evidence

pytestmark = pytest.mark.browser


def test_the_liaison_asks_for_closing_and_the_office_closes_from_its_queue(
    live_server, deadline_rules, browser, cast, tmp_path
):
    problem = problem_at(cast.assignment, "in_progress")
    evidence_file = tmp_path / "整改会议纪要.pdf"
    evidence_file.write_bytes(PDF_BYTES)

    # The liaison: from the queue to the problem, completes the measure, uploads, asks.
    liaison = new_page(browser)
    log_in(liaison, live_server, "liaison")
    assert liaison.locator(".queue-summary").count() == 1  # the home page starts with it
    liaison.get_by_role("link", name=re.compile("^待办")).click()
    liaison.get_by_role("heading", name=re.compile("待办问题")).wait_for()
    liaison.get_by_role("link", name=problem.title).click()
    liaison.wait_for_url(re.compile(rf"/problems/{problem.pk}/"))

    request_closing = liaison.locator("#actions").get_by_role("button", name="申请销号")
    assert request_closing.is_disabled()  # the measure is not done yet, and no evidence
    # 完成 needs a progress report first: the page says so, and offers the button after it.
    work = liaison.locator(".measure-work")
    assert work.get_by_role("button", name=re.compile("^完成")).count() == 0
    work.locator("summary", has_text="报告进展").click()
    work.get_by_label(re.compile("^进展情况")).fill("已修订财务报销制度3项，经党组会审议通过。")
    work.get_by_role("button", name="提交进展").click()
    liaison.get_by_text("已报告整改进展。").wait_for()
    liaison.locator(".measure-work").get_by_role("button", name=re.compile("^完成")).click()
    liaison.get_by_text("已完成“完成”").wait_for()

    liaison.locator("#evidence summary", has_text="上传佐证材料").click()
    upload = liaison.locator("#evidence form")
    upload.get_by_label(re.compile("^文件")).set_input_files(str(evidence_file))
    upload.get_by_label("说明").fill("党组会议纪要")
    liaison.locator("#evidence").get_by_role("button", name="上传", exact=True).click()
    liaison.get_by_text("已上传佐证材料“整改会议纪要.pdf”").wait_for()
    assert liaison.locator(".evidence-table tbody tr").count() == 1
    screenshot(liaison, "closing-1-liaison-problem.png")

    liaison.locator("#actions").get_by_role("button", name="申请销号").click()
    liaison.locator("#confirm").get_by_role("button", name="确认申请销号").click()
    liaison.get_by_text("已完成“申请销号”").wait_for()
    assert liaison.locator(".page-head .badge").inner_text() == "申请销号"
    screenshot(liaison, "closing-2-liaison-requested.png", full_page=False)
    liaison.context.close()

    # The office, in a browser of its own: the queue badge, the queue, the problem, 销号.
    office = new_page(browser)
    log_in(office, live_server, "office")
    screenshot(office, "closing-3-office-home.png", full_page=False)
    queue_link = office.get_by_role("link", name=re.compile("^待办"))
    assert queue_link.locator(".nav-badge").inner_text() == "1"
    queue_link.click()
    closing = office.locator("#closing")
    closing.get_by_role("link", name=problem.title).wait_for()
    screenshot(office, "closing-4-office-queue.png")
    closing.get_by_role("link", name="审核").click()
    office.wait_for_url(re.compile(rf"/problems/{problem.pk}/"))
    assert office.locator(".evidence-table").get_by_text("整改会议纪要.pdf").count() == 1
    office.locator("#actions").get_by_role("button", name="销号", exact=True).click()
    office.locator("#confirm").get_by_role("button", name="确认销号").click()
    office.get_by_text("已完成“销号”").wait_for()
    assert office.locator(".page-head .badge").inner_text() == "已销号"
    screenshot(office, "closing-5-office-closed.png")

    # The round page counts warnings per unit and group; the ledger filters by colour.
    problem_at(cast.other_assignment, "in_progress")
    office.goto(f"{live_server.url}/rounds/{cast.assignment.round_id}/")
    screenshot(office, "round-warnings.png")
    office.goto(f"{live_server.url}/ledger/?warning=red")
    office.get_by_text("共 1 个问题").wait_for()
    screenshot(office, "ledger-red.png", full_page=False)
    office.context.close()

    problem.refresh_from_db()
    assert problem.status == ProblemStatus.CLOSED
    assert Evidence.objects.get(problem=problem).uploaded_by == cast.liaison
    assert list(status_changes(problem).values_list("move", "actor__username"))[-2:] == [
        ("request_closing", "liaison"),
        ("close", "office"),
    ]


def test_the_plan_is_drafted_submitted_and_approved_and_the_pages_read_well(
    live_server, deadline_rules, browser, cast
):
    problem = problem_create(
        actor=cast.office,
        assignment=cast.assignment,
        title="会议记录不完整",
        measures=[MeasureInput(text="规范党组会议记录，建立会议纪要审核制度。")],
    )

    liaison = new_page(browser)
    log_in(liaison, live_server, "liaison")
    liaison.goto(f"{live_server.url}/assignments/{cast.assignment.pk}/plan/")
    assert liaison.locator("#gaps li").count() == 2  # no kind; the measure lacks its owners
    assert liaison.get_by_role("button", name="报送方案").is_disabled()
    screenshot(liaison, "plan-1-draft.png")

    # The kind is saved through htmx, which then reloads the page with the message.
    liaison.goto(f"{live_server.url}/problems/{problem.pk}/")
    liaison.get_by_label("整改类型", exact=True).select_option("by_deadline")
    liaison.get_by_role("button", name="更新整改类型与时限").click()
    liaison.get_by_text("整改类型与时限已保存").wait_for()
    measure = liaison.locator("article.measure").first
    measure.get_by_role("link", name=re.compile("编辑")).click()
    editing = liaison.locator("article.measure-editing")
    editing.get_by_label("责任领导").fill("党组书记 王某")
    editing.get_by_label("责任部门").fill("办公室")
    editing.get_by_label("完成时限").fill("2027-03-31")
    editing.get_by_role("button", name="保存", exact=True).click()
    liaison.locator("article.measure").get_by_text("党组书记 王某").wait_for()

    liaison.goto(f"{live_server.url}/assignments/{cast.assignment.pk}/plan/")
    liaison.get_by_role("button", name="报送方案").click()
    liaison.get_by_text("已完成“报送方案”").wait_for()
    liaison.context.close()

    office = new_page(browser)
    log_in(office, live_server, "office")
    office.get_by_role("link", name=re.compile("^待办")).click()
    office.locator("#plans").get_by_role("link", name="审核方案").click()
    office.get_by_role("heading", name="责任清单").wait_for()
    screenshot(office, "plan-2-submitted.png")
    office.get_by_role("button", name="批准方案").click()
    office.get_by_text("已完成“批准方案”").wait_for()
    screenshot(office, "plan-3-approved.png", full_page=False)

    office.get_by_role("link", name="审计日志").click()
    office.get_by_role("button", name="校验哈希链").click()
    office.get_by_text("哈希链校验通过").wait_for()
    screenshot(office, "audit.png", full_page=False)
    office.context.close()

    problem.refresh_from_db()
    assert problem.status == ProblemStatus.IN_PROGRESS

    liaison = new_page(browser)
    log_in(liaison, live_server, "liaison")
    liaison.get_by_role("link", name=re.compile("^通知")).click()
    liaison.get_by_text("整改方案已批准").wait_for()
    screenshot(liaison, "inbox.png", full_page=False)
    liaison.get_by_role("button", name="全部标为已读").click()
    liaison.get_by_text("已将").wait_for()
    assert liaison.locator(".notification.unread").count() == 0
    liaison.get_by_role("link", name=re.compile("^待办")).click()
    screenshot(liaison, "queue-liaison.png", full_page=False)
    liaison.context.close()
