"""Acceptance 4 of issue 4 in a real browser: a member of the visiting group records the visit
and rules a problem 未到位 with a new deadline; the unit's liaison, in a browser of their own,
finds the problem back in their queue with that deadline. Then the office's side: planning a
follow-up through the pages and publishing a notice.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from tests.followups.conftest import QUESTIONS, RUBRIC_ITEMS, SCALE
from tests.rectification.conftest import problem_at
from tests.reports.publishing import approved
from tests.web.browser import log_in, new_page, screenshot
from xuncha.findings.models import ProblemStatus
from xuncha.followups.models import Verdict, VerdictKind, VisitStatus
from xuncha.followups.services import (
    batch_create,
    followup_create,
    rubric_create,
    survey_template_create,
    visit_plan,
)
from xuncha.reports.models import Publication, PublicationStatus

pytestmark = pytest.mark.browser


def test_a_member_rules_a_problem_not_done_and_the_liaison_sees_it_back_with_the_deadline(
    live_server, deadline_rules, browser, cast
):
    problem = problem_at(cast.assignment, "in_progress")
    rubric = rubric_create(actor=cast.office, name="整改验收评分", items=RUBRIC_ITEMS)
    survey = survey_template_create(
        actor=cast.office, name="整改满意度测评", questions=QUESTIONS, scale=SCALE
    )
    followup = followup_create(
        actor=cast.office,
        round_=cast.assignment.round,
        name="整改落实情况回访督查",
        rubric=rubric,
        survey=survey,
    )
    batch = batch_create(actor=cast.office, followup=followup, sequence=1, name="首批")
    today = timezone.localdate()
    visit = visit_plan(
        actor=cast.office,
        batch=batch,
        assignment=cast.assignment,
        group=cast.assignment.group,  # 市委第一巡察组, the member's group
        planned_on=today,
    )
    new_deadline = (today + dt.timedelta(days=60)).isoformat()

    # The group member: from the navigation to the follow-up, to the visit.
    member = new_page(browser)
    log_in(member, live_server, "member")
    member.get_by_role("navigation", name="主导航").get_by_role("link", name="回访督查").click()
    member.get_by_role("link", name="整改落实情况回访督查").click()
    member.locator("#plan").get_by_role("link", name="市测试局").click()
    member.wait_for_url(re.compile(rf"/visits/{visit.pk}/"))
    screenshot(member, "followup-1-member-visit-planned.png")

    # 听看查访, then 记录回访情况.
    record = member.locator("#record form")
    record.get_by_label("回访日期").fill(today.isoformat())
    record.get_by_label("听：听取汇报").fill("听取党组书记关于巡察整改工作情况的汇报")
    record.get_by_label("看：实地查看").fill("实地查看财务报销窗口")
    record.get_by_label("查：查阅资料").fill("查阅2025年财务报销凭证和整改台账")
    record.get_by_label("访：个别访谈").fill("个别访谈财务人员和报销人员")
    record.get_by_label("访谈人数").fill("6")
    record.get_by_role("button", name="记录回访情况").click()
    member.get_by_text("回访情况已保存").wait_for()
    assert member.locator(".page-head .badge").inner_text() == "已回访"

    # The verdict on the unit's problem: 未到位, a reason and a new deadline.
    verdict = member.get_by_role("form", name=f"认定：{problem.title}")
    verdict.get_by_label("认定").select_option(label="未到位")
    verdict.get_by_label("新的整改时限").fill(new_deadline)
    verdict.get_by_label("理由").fill("抽查发现报销制度修订后仍未执行，存在文字整改")
    screenshot(member, "followup-2-member-ruling.png")
    verdict.get_by_role("button", name="作出认定").click()
    member.get_by_text(f"已对问题“{problem.title}”作出认定：未到位").wait_for()
    row = member.locator(f"#problem-{problem.pk}")
    assert row.locator(".badge-in_progress").inner_text() == "整改中"
    assert new_deadline in row.inner_text()
    screenshot(member, "followup-3-member-ruled.png")
    member.context.close()

    # The unit's liaison, in a browser of their own: the queue shows the problem back.
    liaison = new_page(browser)
    log_in(liaison, live_server, "liaison")
    liaison.get_by_role("link", name=re.compile("^待办")).click()
    open_section = liaison.locator("#open")
    row = open_section.locator("tbody tr").first
    row.get_by_role("link", name=problem.title).wait_for()
    text = row.inner_text()
    assert "整改中" in text
    assert "回访认定未到位：抽查发现报销制度修订后仍未执行，存在文字整改" in text
    assert f"新时限 {new_deadline}" in text
    screenshot(liaison, "followup-4-liaison-queue.png")

    # The liaison opens the visit from the follow-up page: the verdict, without the forms.
    liaison.get_by_role("navigation", name="主导航").get_by_role("link", name="回访督查").click()
    liaison.get_by_role("link", name="整改落实情况回访督查").click()
    screenshot(liaison, "followup-5-liaison-followup.png")
    liaison.locator("#plan").get_by_role("link", name="市测试局").click()
    liaison.get_by_text("抽查发现报销制度修订后仍未执行").wait_for()
    assert liaison.get_by_role("button", name="作出认定").count() == 0
    screenshot(liaison, "followup-6-liaison-visit.png")
    liaison.context.close()

    problem.refresh_from_db()
    visit.refresh_from_db()
    assert problem.status == ProblemStatus.IN_PROGRESS
    assert problem.deadline.isoformat() == new_deadline
    assert visit.status == VisitStatus.DONE and visit.interview_count == 6
    ruled = Verdict.objects.get(problem=problem)
    assert (ruled.kind, ruled.ruled_by) == (VerdictKind.NOT_DONE, cast.member)


def test_the_office_plans_a_follow_up_and_publishes_a_notice_in_the_browser(
    live_server, deadline_rules, browser, cast
):
    problem_at(cast.assignment, "in_progress")
    problem_at(cast.other_assignment, "closed")

    office = new_page(browser)
    log_in(office, live_server, "office")
    office.goto(f"{live_server.url}/rounds/{cast.assignment.round_id}/")
    office.locator(".page-head").get_by_role("link", name=re.compile("^回访督查")).click()
    form = office.locator("#create form")
    form.get_by_label("名称").fill("巡察整改“回头看”")
    form.get_by_label("类型").select_option(label="巡察“回头看”")
    screenshot(office, "followup-7-office-list.png")
    form.get_by_role("button", name="创建").click()
    office.get_by_text("已安排回访督查").wait_for()

    office.locator("summary", has_text="添加批次").click()
    office.get_by_role("button", name="添加批次").click()  # 首批, as offered
    office.get_by_text("已添加批次“首批”").wait_for()
    office.locator("summary", has_text="安排回访单位").click()
    plan_form = office.locator("form[action$='/visits/']")
    plan_form.get_by_label("单位").select_option(label="市测试局（市委第一巡察组）")
    plan_form.get_by_label("计划日期").fill("2025-10-15")
    plan_form.get_by_role("button", name="安排回访").click()
    office.get_by_text("已将市测试局列入首批").wait_for()
    screenshot(office, "followup-8-office-plan.png")

    office.get_by_role("navigation", name="主导航").get_by_role("link", name="公开发布").click()
    notice = office.locator("#notice form")
    notice.get_by_label("轮次").select_option(label="测试第一轮")
    notice.get_by_role("button", name="生成通报").click()
    office.get_by_text("已生成通报草稿").wait_for()
    screenshot(office, "publication-1-draft.png")
    approved(Publication.objects.get(), cast.office2)  # by another office user (four eyes)
    office.reload()
    office.locator("#actions").get_by_role("button", name="发布").click()
    office.locator("#confirm").get_by_role("button", name="确认发布").click()
    office.get_by_text("已发布").first.wait_for()
    screenshot(office, "publication-2-published.png")
    office.get_by_role("navigation", name="主导航").get_by_role("link", name="公开发布").click()
    screenshot(office, "publication-3-list.png", full_page=False)
    office.context.close()

    [publication] = Publication.objects.all()
    assert publication.status == PublicationStatus.PUBLISHED
    assert "反馈问题2个" in publication.published_text


def test_a_fully_recorded_visit_and_its_follow_up_read_well(
    live_server, deadline_rules, browser, cast
):
    """Screenshots of the pages with everything filled in: verdicts of every kind, a survey,
    a score, re-feedback, files, the gap list with its alarm, and a digest draft."""
    from tests.factories import make_upload
    from tests.followups.conftest import problem_in, record
    from xuncha.followups.scoring import score_record
    from xuncha.followups.services import re_feedback_record, visit_evidence_add
    from xuncha.followups.surveys import survey_answers_add
    from xuncha.followups.verdicts import verdict_record
    from xuncha.reports.services import digest_draft_for_batch

    claimed = problem_in(
        cast.assignment, "in_progress", title="财务报销制度执行不严", measures_done=True
    )
    mostly = problem_in(cast.assignment, "in_progress", title="“三重一大”决策程序不规范")
    closed = problem_in(cast.assignment, "closed", title="党组会议记录不完整")
    problem_in(cast.assignment, "in_progress", title="干部教育培训针对性不强")
    rubric = rubric_create(actor=cast.office, name="整改验收评分", items=RUBRIC_ITEMS)
    survey = survey_template_create(
        actor=cast.office, name="整改满意度测评", questions=QUESTIONS, scale=SCALE
    )
    followup = followup_create(
        actor=cast.office,
        round_=cast.assignment.round,
        name="整改落实情况回访督查",
        rubric=rubric,
        survey=survey,
    )
    batch = batch_create(actor=cast.office, followup=followup, sequence=1, name="首批")
    visit = visit_plan(
        actor=cast.office,
        batch=batch,
        assignment=cast.assignment,
        group=cast.assignment.group,
        planned_on=dt.date(2025, 9, 10),
    )
    visit_plan(
        actor=cast.office,
        batch=batch_create(actor=cast.office, followup=followup, sequence=2, name="第二批"),
        assignment=cast.other_assignment,
        group=cast.other_assignment.group,
        planned_on=dt.date(2025, 10, 20),
    )
    visit = record(visit, cast.member)
    for problem, kind, deadline in (
        (claimed, "not_done", dt.date(2025, 12, 31)),
        (mostly, "mostly", dt.date(2025, 11, 30)),
        (closed, "done", None),
    ):
        verdict_record(
            actor=cast.member,
            visit=visit,
            problem=problem,
            kind=kind,
            reason="抽查2025年报销凭证12份，仍有3份审批手续不全"
            if kind == "not_done"
            else "整改措施基本落实",
            new_deadline=deadline,
        )
    survey_answers_add(
        actor=cast.member,
        visit=visit,
        answers=[["满意", "满意", "基本满意"], ["满意", "不满意", "满意"], ["满意", "满意", ""]],
    )
    score_record(
        actor=cast.member,
        visit=visit,
        item_scores={"整改责任落实": 27, "问题整改成效": 33, "长效机制建设": 25},
    )
    re_feedback_record(
        actor=cast.member,
        visit=visit,
        text="一、财务报销制度执行不严问题整改未到位，请于2025年12月31日前完成再整改。\n二、请建立“三重一大”事项决策台账。",
        on=dt.date(2025, 9, 15),
    )
    visit_evidence_add(actor=cast.member, visit=visit, upload=make_upload("现场查看照片.pdf"))
    digest = digest_draft_for_batch(actor=cast.office, batch=batch)

    member = new_page(browser)
    log_in(member, live_server, "member")
    member.goto(f"{live_server.url}/visits/{visit.pk}/")
    member.locator("#survey summary", has_text="手工录入答卷").click()
    screenshot(member, "visit-1-member-full.png")
    member.context.close()

    office = new_page(browser)
    log_in(office, live_server, "office")
    office.goto(f"{live_server.url}/followups/{followup.pk}/")
    office.locator("summary", has_text="安排回访单位").click()
    screenshot(office, "followup-9-office-gaps.png")
    office.goto(f"{live_server.url}/publications/{digest.pk}/")
    screenshot(office, "publication-4-digest-draft.png")
    office.context.close()

    liaison = new_page(browser)
    log_in(liaison, live_server, "liaison")
    liaison.goto(f"{live_server.url}/publications/compose/")
    liaison.get_by_label("轮次").select_option(label="测试第一轮")
    liaison.get_by_role("button", name="生成").click()
    liaison.get_by_role("link", name="下载 .docx").wait_for()
    screenshot(liaison, "publication-5-liaison-compose.png")
    liaison.context.close()
