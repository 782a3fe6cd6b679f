"""Acceptance 1 of issue 9 in a real browser: the office takes an imported seed round to the
point where a group records a follow-up visit, without opening an admin page.

The office imports the seed digest, seats a new member in one of the digest's groups (opening
their account on the way), gives a unit its group and feedback date (its problems' deadlines
start), names the unit's liaison, plans a follow-up with a batch and a visit; the new member
logs in with the password the office set and records the visit.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.utils import timezone

from tests.factories import make_user
from tests.shared import seed_path
from tests.web.browser import log_in, new_page, screenshot
from xuncha.core.models import Role
from xuncha.findings.models import Problem
from xuncha.followups.models import Visit, VisitStatus
from xuncha.rounds.models import Assignment, GroupMembership

pytestmark = [pytest.mark.browser, pytest.mark.shared]

MEMBER_PASSWORD = "Xuncha-setup-2026"


def test_the_office_sets_an_imported_round_up_until_a_group_records_a_visit(
    live_server, deadline_rules, browser
):
    make_user("office", Role.OFFICE)
    visited: list[str] = []
    office = new_page(browser)
    office.on("request", lambda request: visited.append(request.url))
    log_in(office, live_server, "office")

    # The seed, imported through the pages.
    office.get_by_role("link", name="导入摘编", exact=True).click()
    office.get_by_label("文件", exact=True).set_input_files(str(seed_path()))
    office.get_by_label("导入到轮次").fill("第八轮")
    office.get_by_role("button", name="预览").click()
    office.get_by_role("button", name="确认导入").click()
    office.wait_for_url(re.compile(r"/rounds/\d+/$"))

    # 轮次设置: a member for 市委第二巡察组, opened as a new account.
    office.locator(".page-head").get_by_role("link", name="轮次设置").click()
    office.get_by_role("heading", name="轮次设置").wait_for()
    group = office.locator("article.setup-group", has_text="市委第二巡察组")
    group.locator("summary", has_text="添加成员").click()
    group.get_by_role("textbox", name="账号", exact=True).fill("zhangwei")
    group.get_by_role("textbox", name="姓名", exact=True).fill("张伟")
    group.get_by_label("初始密码（新开账号时填写）").fill(MEMBER_PASSWORD)
    group.get_by_label("职务").select_option(label="组长")
    group.get_by_role("button", name="添加成员").click()
    office.get_by_text("张伟已加入市委第二巡察组").wait_for()

    # The unit's group and feedback date, saved with the table.
    feedback = timezone.localdate() - dt.timedelta(days=20)
    office.get_by_label("市委统战部的巡察组").select_option(label="市委第二巡察组")
    office.get_by_label("市委统战部的反馈日期").fill(feedback.isoformat())
    office.get_by_role("button", name="保存巡察组和反馈日期").click()
    office.get_by_text("已保存1家单位的巡察组和反馈日期").wait_for()

    # Its liaison, a new account too.
    row = office.locator("#liaisons tbody tr", has_text="市委统战部")
    row.locator("summary", has_text="添加").click()
    row.get_by_role("textbox", name="账号", exact=True).fill("lisi")
    row.get_by_role("textbox", name="姓名", exact=True).fill("李四")
    row.get_by_label("初始密码（新开账号时填写）").fill(MEMBER_PASSWORD)
    row.get_by_role("button", name="添加联络员").click()
    office.get_by_text("李四已成为市委统战部的联络员").wait_for()
    screenshot(office, "setup-1-round.png")

    # A follow-up of the round, its first batch, and a visit of the unit by the group.
    office.locator("#followups").get_by_role("link", name="安排回访督查和批次").click()
    form = office.locator("#create form")
    form.get_by_label("名称").fill("整改落实情况回访督查")
    form.get_by_label("轮次").select_option(label="第八轮")
    form.get_by_role("button", name="创建").click()
    office.get_by_text("已安排回访督查").wait_for()
    office.locator("summary", has_text="添加批次").click()
    office.get_by_role("button", name="添加批次").click()
    office.get_by_text("已添加批次“首批”").wait_for()
    office.locator("summary", has_text="安排回访单位").click()
    plan_form = office.locator("form[action$='/visits/']")
    plan_form.get_by_label("单位").select_option(label="市委统战部（市委第二巡察组）")
    plan_form.get_by_label("计划日期").fill(timezone.localdate().isoformat())
    plan_form.get_by_role("button", name="安排回访").click()
    office.get_by_text("已将市委统战部列入首批").wait_for()
    office.context.close()

    # The new member, with the password the office set: the visit, recorded.
    member = new_page(browser)
    member.on("request", lambda request: visited.append(request.url))
    member_log_in(member, live_server)
    member.get_by_role("navigation", name="主导航").get_by_role("link", name="回访督查").click()
    member.get_by_role("link", name="整改落实情况回访督查").click()
    member.locator("#plan").get_by_role("link", name="市委统战部").click()
    record = member.locator("#record form")
    record.get_by_label("回访日期").fill(timezone.localdate().isoformat())
    record.get_by_label("听：听取汇报").fill("听取部务会关于巡察整改工作情况的汇报")
    record.get_by_label("访谈人数").fill("4")
    record.get_by_role("button", name="记录回访情况").click()
    member.get_by_text("回访情况已保存").wait_for()
    screenshot(member, "setup-2-visit-recorded.png")
    member.context.close()

    assert not [url for url in visited if "/admin/" in url]
    assignment = Assignment.objects.get(round__name="第八轮", unit__name="市委统战部")
    assert assignment.group is not None and assignment.group.name == "市委第二巡察组"
    assert assignment.feedback_date == feedback
    seat = GroupMembership.objects.get(group=assignment.group, user__username="zhangwei")
    assert seat.role == "leader"
    assert list(assignment.unit.liaisons.values_list("username", flat=True)) == ["lisi"]
    # The unit's problems now count their deadlines from the feedback date.
    problems = Problem.objects.filter(assignment=assignment)
    assert problems.exists()
    assert not problems.filter(nearest_due__isnull=True).exists()
    visit = Visit.objects.get(assignment=assignment)
    assert visit.status == VisitStatus.DONE and visit.interview_count == 4


def member_log_in(page: Any, live_server: Any) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill("zhangwei")
    page.get_by_label("密码").fill(MEMBER_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(r"/$"))
