"""Issue 8's acceptance in a real browser: the confirmation is seen before asking for closing
and before publishing, says what will happen, and nothing happens until it is confirmed; the
office reads beside the actions who may close the problem (four eyes)."""

from __future__ import annotations

import re

import pytest

from tests.rectification.conftest import problem_at
from tests.reports.publishing import approved
from tests.web.browser import log_in, new_page, screenshot
from xuncha.findings.models import ProblemStatus
from xuncha.rectification.transitions import problem_transition
from xuncha.rectification.workflow import PROBLEM
from xuncha.reports.models import PublicationStatus
from xuncha.reports.services import notice_draft
from xuncha.reports.workflow import PUBLICATION

pytestmark = pytest.mark.browser


def test_asking_for_closing_is_confirmed_first_and_the_office_reads_who_may_close(
    live_server, deadline_rules, browser, cast
):
    # Measures done and evidence there, sent back once: ready to ask for closing again.
    problem = problem_at(cast.assignment, "closing_requested", requester=cast.liaison)
    problem_transition(actor=cast.office, problem=problem, name="return", reason="补充会议纪要")

    liaison = new_page(browser)
    log_in(liaison, live_server, "liaison")
    liaison.goto(f"{live_server.url}/problems/{problem.pk}/")
    liaison.locator("#actions").get_by_role("button", name="申请销号").click()

    # The confirmation: what will happen, the problem, and nothing done yet.
    liaison.get_by_role("heading", name="请确认：申请销号").wait_for()
    confirm = liaison.locator("#confirm")
    assert str(PROBLEM.table["request_closing"].confirm) in confirm.inner_text()
    assert problem.title in confirm.inner_text()
    screenshot(liaison, "confirm-1-request-closing.png")
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.IN_PROGRESS

    # 取消 goes back to the problem, still 整改中; asked again, 确认 makes the move.
    confirm.get_by_role("link", name="取消").click()
    liaison.wait_for_url(re.compile(rf"/problems/{problem.pk}/$"))
    assert liaison.locator(".page-head .badge").inner_text() == "整改中"
    liaison.locator("#actions").get_by_role("button", name="申请销号").click()
    liaison.locator("#confirm").get_by_role("button", name="确认申请销号").click()
    liaison.get_by_text("已完成“申请销号”").wait_for()
    assert liaison.locator(".page-head .badge").inner_text() == "申请销号"
    liaison.context.close()

    # The office: the page says who may close (not the liaison who asked), then 销号, confirmed.
    office = new_page(browser)
    log_in(office, live_server, "office")
    office.goto(f"{live_server.url}/problems/{problem.pk}/")
    note = office.locator("#four-eyes")
    assert "可以销号的：office（您）、office2" in note.inner_text()
    screenshot(office, "confirm-2-four-eyes.png", full_page=False)
    office.locator("#actions").get_by_role("button", name="销号", exact=True).click()
    office.get_by_role("heading", name="请确认：销号").wait_for()
    assert str(PROBLEM.table["close"].confirm) in office.locator("#confirm").inner_text()
    office.locator("#confirm").get_by_role("button", name="确认销号").click()
    office.get_by_text("已完成“销号”").wait_for()
    assert office.locator(".page-head .badge").inner_text() == "已销号"
    office.context.close()

    problem.refresh_from_db()
    assert problem.status == ProblemStatus.CLOSED


def test_with_one_office_account_the_page_says_a_second_one_is_needed(
    live_server, deadline_rules, browser, cast
):
    cast.office2.is_active = False
    cast.office2.save(update_fields=["is_active"])
    problem = problem_at(cast.assignment, "closing_requested", requester=cast.office)

    office = new_page(browser)
    log_in(office, live_server, "office")
    office.goto(f"{live_server.url}/problems/{problem.pk}/")
    assert office.locator("#actions").get_by_role("button", name="销号", exact=True).is_disabled()
    office.locator("#four-eyes").get_by_text("需要第二个巡察办账号").wait_for()
    screenshot(office, "confirm-3-second-account.png", full_page=False)
    office.context.close()


def test_publishing_a_notice_is_confirmed_first(live_server, deadline_rules, browser, cast):
    problem_at(cast.assignment, "in_progress")
    notice = notice_draft(actor=cast.office, round_=cast.assignment.round)
    notice = approved(notice, cast.office2)  # by another office user (four eyes)

    office = new_page(browser)
    log_in(office, live_server, "office")
    office.goto(f"{live_server.url}/publications/{notice.pk}/")
    office.locator("#actions").get_by_role("button", name="发布").click()

    office.get_by_role("heading", name="请确认：发布").wait_for()
    confirm = office.locator("#confirm")
    assert str(PUBLICATION.table["publish"].confirm) in confirm.inner_text()
    assert notice.title in confirm.inner_text()
    screenshot(office, "confirm-4-publish.png")
    notice.refresh_from_db()
    assert notice.status == PublicationStatus.APPROVED

    confirm.get_by_role("button", name="确认发布").click()
    office.get_by_text(f"“{notice.title}”已发布").wait_for()
    assert office.locator(".publication-status").inner_text() == "已发布"
    office.context.close()

    notice.refresh_from_db()
    assert notice.status == PublicationStatus.PUBLISHED
