"""Acceptance 1 of issue 8 in a real browser: after the plan is approved the liaison has no
form to move a deadline; it asks for an extension of a measure's deadline, the office approves
it in its own browser, and the ledger and the problem page show the new date."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from tests.factories import make_assignment, make_round
from tests.rectification.conftest import planned_problem
from tests.web.browser import log_in, new_page, screenshot
from xuncha.clocks.models import Clock
from xuncha.rectification.models import ChangeRequest, RequestStatus
from xuncha.rectification.services import plan_get_or_create
from xuncha.rectification.transitions import plan_transition

pytestmark = pytest.mark.browser

NEW_DATE = dt.date.today() + dt.timedelta(days=80)


def test_the_liaison_asks_for_an_extension_and_the_office_approves_it(
    live_server, deadline_rules, browser, cast
):
    # A unit of the cast's liaison in a round without a feedback date: the measure's clock is
    # the problem's only one, so the ledger's warning shows its date.
    assignment = make_assignment(make_round("延期测试轮"), cast.assignment.unit)
    problem = planned_problem(assignment, title="合同管理不规范")
    plan = plan_get_or_create(actor=cast.liaison, assignment=assignment)
    plan = plan_transition(actor=cast.liaison, plan=plan, name="submit")
    plan_transition(actor=cast.office, plan=plan, name="approve")
    measure = problem.measures.get()

    liaison = new_page(browser)
    log_in(liaison, live_server, "liaison")
    liaison.goto(f"{live_server.url}/problems/{problem.pk}/")
    # No form moves what the unit is judged by.
    assert liaison.get_by_role("button", name="更新整改类型与时限").count() == 0
    assert liaison.locator(f"a[href$='/measures/{measure.pk}/edit/']").count() == 0
    liaison.locator("#requests summary", has_text="申请延期").click()
    form = liaison.locator("#requests form").first
    form.get_by_label("申请延期的时限").select_option(str(measure.pk))
    form.get_by_label("申请延至").fill(NEW_DATE.isoformat())
    form.get_by_label("申请理由").fill("合同范本须经法律顾问审核，需延长一个月")
    form.get_by_role("button", name="提交延期申请").click()
    liaison.get_by_text("延期申请已提交").wait_for()
    assert "待审批" in liaison.locator("#requests article").inner_text()
    screenshot(liaison, "request-1-liaison-asked.png")
    liaison.context.close()

    office = new_page(browser)
    log_in(office, live_server, "office")
    office.goto(f"{live_server.url}/problems/{problem.pk}/#requests")
    article = office.locator("#requests article")
    assert "2025-06-30" in article.inner_text() and NEW_DATE.isoformat() in article.inner_text()
    approve = article.locator("form", has=office.get_by_role("button", name="批准申请"))
    approve.get_by_label("审批意见").fill("同意延期")
    approve.get_by_role("button", name="批准申请").click()
    office.get_by_text("已完成“批准申请”").wait_for()
    assert "已批准" in office.locator("#requests article").inner_text()
    screenshot(office, "request-2-office-approved.png")

    office.goto(f"{live_server.url}/ledger/?round={assignment.round_id}")
    row = office.locator("tr", has=office.get_by_role("link", name="合同管理不规范"))
    assert re.search(re.escape(NEW_DATE.isoformat()), row.inner_text())
    office.context.close()

    assert ChangeRequest.objects.get().status == RequestStatus.APPROVED
    clock = Clock.objects.get(subject_type="measure", subject_id=measure.pk)
    assert clock.due == NEW_DATE
