"""The follow-up pages: planning, the visit, verdicts, survey, score, re-feedback, the queue.

Everything is set up through the real services (the follow-up tests' ``plan``: the cast's unit
visited and recorded by its group, the other unit planned for the second group).
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import make_upload, status_changes
from tests.followups.conftest import D, problem_in, survey_sheet
from tests.web.conftest import client_for
from xuncha.findings.models import ProblemStatus
from xuncha.followups.models import (
    Batch,
    FollowUp,
    Score,
    SurveyResponse,
    Verdict,
    Visit,
    VisitEvidence,
    VisitStatus,
)
from xuncha.followups.services import re_feedback_record, visit_evidence_add
from xuncha.followups.surveys import survey_answers_add
from xuncha.followups.verdicts import verdict_record
from xuncha.notifications.models import Notification

pytestmark = pytest.mark.django_db

S = ProblemStatus


def messages_of(response, level="error"):
    return [str(m) for m in response.context["messages"] if m.level_tag == level]


def visit_url(visit):
    return reverse("web:visit", args=[visit.pk])


def verdict_post(problem, kind, reason="抽查台账，整改措施未落实", deadline=""):
    return {
        "problem": problem.pk,
        f"verdict-{problem.pk}-kind": kind,
        f"verdict-{problem.pk}-reason": reason,
        f"verdict-{problem.pk}-new_deadline": deadline,
    }


# ---- The list and the office's plan -----------------------------------------------------


def test_the_office_sees_every_followup_and_the_form_to_plan_one(cast, plan):
    response = client_for(cast.office).get(reverse("web:followups"))
    content = response.content.decode()
    assert "巡察整改回访督查" in content and "整改验收评分" in content
    [row] = response.context["rows"]
    assert row["visits"] == {"batch__followup_id": plan.followup.pk, "planned": 2, "done": 1}
    assert response.context["form"] is not None and "安排回访督查" in content


def test_a_liaison_sees_the_followups_of_their_unit_counted_for_it_alone_and_no_form(cast, plan):
    response = client_for(cast.liaison).get(reverse("web:followups"))
    [row] = response.context["rows"]
    assert (row["visits"]["planned"], row["visits"]["done"]) == (1, 1)
    assert response.context["form"] is None
    assert "安排回访督查" not in response.content.decode()


def test_the_round_page_links_to_its_followups(cast, plan):
    response = client_for(cast.liaison).get(reverse("web:round", args=[plan.followup.round_id]))
    content = response.content.decode()
    assert f"{reverse('web:followups')}?round={plan.followup.round_id}" in content
    assert reverse("web:followup", args=[plan.followup.pk]) in content


def test_the_top_navigation_has_the_followups_and_the_publications(cast):
    content = client_for(cast.liaison).get(reverse("web:home")).content.decode()
    assert ">回访督查<" in content and ">公开发布<" in content


def test_the_office_plans_a_followup_a_batch_and_a_visit_through_the_pages(cast):
    office = client_for(cast.office)
    response = office.post(
        reverse("web:followup_create"),
        {"round": cast.assignment.round_id, "name": "整改落实情况回访督查", "kind": "look_back"},
        follow=True,
    )
    followup = FollowUp.objects.get()
    assert followup.kind == "look_back" and followup.rubric is None
    assert response.redirect_chain[-1][0] == reverse("web:followup", args=[followup.pk])
    assert "已安排回访督查" in messages_of(response, "success")[0]
    # The batch form offers the next batch by its name.
    assert response.context["batch_form"].initial == {"sequence": 1, "name": "首批"}

    office.post(
        reverse("web:batch_create", args=[followup.pk]),
        {"sequence": 1, "name": "首批", "starts_on": "2025-09-01"},
    )
    batch = Batch.objects.get()
    response = office.post(
        reverse("web:visit_plan", args=[followup.pk]),
        {"batch": batch.pk, "assignment": cast.assignment.pk, "planned_on": "2025-09-10"},
        follow=True,
    )
    visit = Visit.objects.get()
    # No group chosen: the group that inspected the unit revisits it.
    assert visit.group == cast.assignment.group and visit.planned_on == D(2025, 9, 10)
    assert "已将市测试局列入首批，由市委第一巡察组回访" in messages_of(response, "success")[-1]
    [row] = response.context["plan"]
    assert (row.unit_name, row.group_name, row.status) == ("市测试局", "市委第一巡察组", "planned")
    assert response.context["batch_form"].initial == {"sequence": 2, "name": "第二批"}


def test_a_followup_named_twice_is_refused_in_its_form_with_the_input_kept(cast, plan):
    response = client_for(cast.office).post(
        reverse("web:followup_create"),
        {"round": cast.assignment.round_id, "name": "巡察整改回访督查", "kind": "supervision"},
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "已有名为“巡察整改回访督查”的回访督查" in form.non_field_errors()[0]
    assert form["name"].value() == "巡察整改回访督查"
    assert FollowUp.objects.count() == 1


def test_a_unit_planned_twice_in_a_batch_is_refused_in_the_form(cast, plan):
    response = client_for(cast.office).post(
        reverse("web:visit_plan", args=[plan.followup.pk]),
        {"batch": plan.batch.pk, "assignment": cast.assignment.pk},
    )
    assert response.status_code == 200
    assert "同一批次只回访一次" in response.context["visit_form"].non_field_errors()[0]
    assert Visit.objects.count() == 2


# ---- The follow-up page: plan, progress, gap list, satisfaction ---------------------------


@pytest.fixture
def ruled(cast, plan):
    """Three problems of the cast's unit ruled at the visit, one declared done but not done."""
    claimed = problem_in(cast.assignment, "in_progress", title="台账不实", measures_done=True)
    open_ = problem_in(cast.assignment, "in_progress", title="制度执行不严")
    closed = problem_in(cast.assignment, "closed", title="会议记录不全")
    verdict_record(
        actor=cast.member,
        visit=plan.visit,
        problem=claimed,
        kind="not_done",
        reason="自称完成，抽查发现台账仍不完整",
        new_deadline=D(2025, 12, 31),
    )
    verdict_record(
        actor=cast.member,
        visit=plan.visit,
        problem=open_,
        kind="mostly",
        reason="大部分措施已落实",
        new_deadline=D(2025, 11, 30),
    )
    verdict_record(
        actor=cast.member, visit=plan.visit, problem=closed, kind="done", reason="整改到位"
    )
    survey_answers_add(
        actor=cast.member,
        visit=plan.visit,
        answers=[["满意", "满意", "满意"], ["基本满意", "不满意", "满意"]],
    )
    return claimed, open_, closed


def test_the_office_sees_the_plan_progress_and_the_gap_list_with_the_gap_highlighted(
    cast, plan, ruled
):
    response = client_for(cast.office).get(reverse("web:followup", args=[plan.followup.pk]))
    context = response.context
    rows = {row.unit_name: row for row in context["plan"]}
    assert rows["市测试局"].verdicts == {"done": 1, "mostly": 1, "not_done": 1, "rebound": 0}
    assert rows["市另一局"].status == "planned"
    [batch] = context["progress"].batches
    assert (batch.visits_done, batch.visits_planned, batch.problems_ruled) == (1, 2, 3)
    [unit] = context["gap_units"]
    assert (unit.declared_done, unit.declared_done_ruled_not_done) == (2, 1)
    [group] = context["gap_groups"]
    assert group.name == "市委第一巡察组"
    [satisfaction] = context["satisfaction"]
    assert satisfaction.rate == pytest.approx(75)  # 4.5 of 6 answers
    content = response.content.decode()
    assert "自报与认定对照" in content and "自报完成、认定未完成" in content
    assert 'gap-alert">1<' in content
    assert "75.00%" in content


def test_a_liaison_sees_their_units_rows_only_without_progress_or_groups(cast, plan, ruled):
    problem_in(cast.other_assignment, "in_progress", title="另一单位的问题")
    response = client_for(cast.liaison).get(reverse("web:followup", args=[plan.followup.pk]))
    context = response.context
    assert [row.unit_name for row in context["plan"]] == ["市测试局"]
    assert context["progress"] is None and context["gap_groups"] == []
    assert [row.name for row in context["gap_units"]] == ["市测试局"]
    content = response.content.decode()
    assert "市另一局" not in content and "添加批次" not in content


def test_the_gap_list_can_be_narrowed_to_one_batch(cast, plan, ruled):
    second = Batch.objects.create(followup=plan.followup, sequence=2, name="第二批")
    office = client_for(cast.office)
    url = reverse("web:followup", args=[plan.followup.pk])
    assert office.get(url, {"batch": second.pk}).context["gap_units"] == []
    [row] = office.get(url, {"batch": plan.batch.pk}).context["gap_units"]
    assert row.verdicts == 3


# ---- The visit page -----------------------------------------------------------------------


def test_a_member_of_the_visits_group_gets_every_form(cast, plan):
    problem = problem_in(cast.assignment, "in_progress", title="制度执行不严")
    response = client_for(cast.member).get(visit_url(plan.visit))
    context = response.context
    for name in ("record_form", "evidence_form", "answers_form", "import_form", "score_form"):
        assert context[name] is not None, name
    [row] = context["rows"]
    assert row.problem == problem and row.form is not None and not row.declares_done
    content = response.content.decode()
    assert "作出认定" in content and "听：听取汇报" in content and "访谈人数" in content


@pytest.mark.parametrize("who", ["office", "supervisor", "other_member", "liaison"])
def test_everyone_else_who_sees_the_visit_reads_it_without_forms(cast, plan, who):
    problem_in(cast.assignment, "in_progress", title="制度执行不严")
    response = client_for(cast.by_name(who)).get(visit_url(plan.visit))
    assert response.status_code == 200
    context = response.context
    assert "record_form" not in context and "score_form" not in context
    assert all(row.form is None for row in context["rows"])
    assert "查阅党组会议记录" in response.content.decode()  # 查, recorded by the fixture


def test_a_liaison_reads_verdicts_and_re_feedback_but_not_the_interviews(cast, plan):
    problem = problem_in(cast.assignment, "in_progress", title="制度执行不严")
    verdict_record(
        actor=cast.member,
        visit=plan.visit,
        problem=problem,
        kind="not_done",
        reason="抽查发现问题依旧",
        new_deadline=D(2025, 12, 31),
    )
    re_feedback_record(
        actor=cast.member, visit=plan.visit, text="请于年底前完成再整改。", on=D(2025, 9, 20)
    )
    content = client_for(cast.liaison).get(visit_url(plan.visit)).content.decode()
    assert "抽查发现问题依旧" in content and "2025-12-31" in content
    assert "请于年底前完成再整改。" in content
    assert "访谈12人" in content and "个别访谈干部职工和服务对象" not in content
    office = client_for(cast.office).get(visit_url(plan.visit)).content.decode()
    assert "个别访谈干部职工和服务对象" in office


def test_a_planned_visit_must_be_recorded_before_the_group_rules(cast, plan):
    problem_in(cast.other_assignment, "in_progress", title="制度执行不严")
    response = client_for(cast.other_member).get(visit_url(plan.other_visit))
    assert "请先记录回访情况" in response.content.decode()
    assert all(row.form is None for row in response.context["rows"])
    assert "answers_form" not in response.context


@pytest.mark.parametrize(
    ("name", "data", "form"),
    [
        (
            "web:score_record",
            {"score-item_0": 1, "score-item_1": 1, "score-item_2": 1},
            "score_form",
        ),
        ("web:re_feedback", {"text": "请整改。", "on": "2025-09-12", "expected_version": 1}, None),
        ("web:survey_answers", {"survey-r0_q0": "满意"}, "answers_form"),
        ("web:survey_import", {"file": "sheet"}, "import_form"),
    ],
)
def test_work_posted_before_the_visit_is_recorded_shows_what_to_do_first(
    cast, plan, name, data, form
):
    visit = plan.other_visit
    if data.get("file") == "sheet":
        data = {"file": survey_sheet([["满意", "满意", "满意"]])}
    response = client_for(cast.other_member).post(reverse(name, args=[visit.pk]), data)
    assert response.status_code == 200
    bound = response.context[form or "re_feedback_form"]
    errors = " ".join(bound.non_field_errors()) + " ".join(bound.errors.get("file", []))
    assert "请先记录回访情况" in errors
    assert "请先记录回访情况" in response.content.decode()


def test_a_verdict_posted_before_the_visit_is_recorded_shows_what_to_do_first(cast, plan):
    problem = problem_in(cast.other_assignment, "in_progress", title="制度执行不严")
    response = client_for(cast.other_member).post(
        reverse("web:verdict_record", args=[plan.other_visit.pk]),
        verdict_post(problem, "not_done", deadline="2025-12-31"),
    )
    [row] = response.context["rows"]
    assert "请先记录回访情况" in row.form.non_field_errors()[0]
    assert not Verdict.objects.exists()


def test_recording_the_visit_saves_the_four_methods(cast, plan):
    visit = plan.other_visit
    response = client_for(cast.other_member).post(
        reverse("web:visit_record", args=[visit.pk]),
        {
            "expected_version": visit.version,
            "visited_on": "2025-09-11",
            "heard": "听取党组书记汇报",
            "seen": "查看办事大厅",
            "checked": "查阅党组会议记录",
            "interviewed": "访谈干部8人",
            "interview_count": 8,
            "notes": "",
        },
        follow=True,
    )
    assert "回访情况已保存" in messages_of(response, "success")[0]
    visit.refresh_from_db()
    assert visit.status == VisitStatus.DONE and visit.visited_on == D(2025, 9, 11)
    assert (visit.heard, visit.seen, visit.checked, visit.interview_count) == (
        "听取党组书记汇报",
        "查看办事大厅",
        "查阅党组会议记录",
        8,
    )


def test_a_record_that_raced_another_answers_409_and_keeps_the_text(cast, plan):
    visit = plan.visit
    data = {
        "expected_version": visit.version - 1,
        "visited_on": "2025-09-10",
        "heard": "我写的新内容",
        "interview_count": 3,
    }
    response = client_for(cast.member).post(reverse("web:visit_record", args=[visit.pk]), data)
    assert response.status_code == 409
    form = response.context["record_form"]
    assert "已被他人修改" in form.non_field_errors()[0]
    assert form["heard"].value() == "我写的新内容"
    visit.refresh_from_db()
    assert visit.heard == "听取党组书记关于巡察整改工作情况的汇报"


def test_a_record_without_any_method_is_refused_in_the_form(cast, plan):
    visit = plan.other_visit
    response = client_for(cast.other_member).post(
        reverse("web:visit_record", args=[visit.pk]),
        {"expected_version": visit.version, "visited_on": "2025-09-11", "interview_count": 0},
    )
    assert response.status_code == 200
    assert (
        "请至少填写听、看、查、访中的一项" in response.context["record_form"].non_field_errors()[0]
    )
    visit.refresh_from_db()
    assert visit.status == VisitStatus.PLANNED


# ---- Verdicts -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "kind", "deadline", "becomes", "transition"),
    [
        ("in_progress", "not_done", "2025-12-31", S.IN_PROGRESS, "rule_not_done"),
        ("in_progress", "mostly", "2025-11-30", S.CONTINUING, "rule_mostly"),
        ("in_progress", "done", "", S.CLOSING_REQUESTED, "rule_done"),
        ("closed", "rebound", "2026-01-31", S.IN_PROGRESS, "rule_rebound"),
        ("closed", "not_done", "2025-12-31", S.IN_PROGRESS, "rule_not_done_reopen"),
    ],
)
def test_the_verdict_form_drives_the_problems_transition(
    cast, plan, status, kind, deadline, becomes, transition
):
    problem = problem_in(cast.assignment, status, title="制度执行不严")
    response = client_for(cast.member).post(
        reverse("web:verdict_record", args=[plan.visit.pk]),
        verdict_post(problem, kind, deadline=deadline),
        follow=True,
    )
    assert "已对问题“制度执行不严”作出认定" in messages_of(response, "success")[0]
    assert response.redirect_chain[-1][0].endswith(f"#problem-{problem.pk}")
    problem.refresh_from_db()
    assert problem.status == becomes
    assert status_changes(problem).last().move == transition
    verdict = Verdict.objects.get(problem=problem)
    assert verdict.kind == kind and verdict.ruled_by == cast.member
    if deadline:
        assert problem.deadline.isoformat() == deadline
        assert deadline in messages_of(response, "success")[0]
    [row] = response.context["rows"]
    assert row.verdict == verdict and row.form is None


def test_a_verdict_with_evidence_keeps_the_files_with_it(cast, plan):
    problem = problem_in(cast.assignment, "in_progress", title="制度执行不严")
    data = verdict_post(problem, "not_done", deadline="2025-12-31")
    data[f"verdict-{problem.pk}-files"] = [make_upload("抽查记录.pdf")]
    client_for(cast.member).post(reverse("web:verdict_record", args=[plan.visit.pk]), data)
    evidence = VisitEvidence.objects.get(verdict__problem=problem)
    assert evidence.original_name == "抽查记录.pdf"


def test_a_verdict_without_its_new_deadline_is_refused_in_its_form(cast, plan):
    problem = problem_in(cast.assignment, "in_progress", title="制度执行不严")
    response = client_for(cast.member).post(
        reverse("web:verdict_record", args=[plan.visit.pk]), verdict_post(problem, "not_done")
    )
    assert response.status_code == 200
    [row] = response.context["rows"]
    assert "须确定新的整改时限" in row.form.non_field_errors()[0]
    assert row.form["reason"].value() == "抽查台账，整改措施未落实"
    problem.refresh_from_db()
    assert problem.status == S.IN_PROGRESS and not Verdict.objects.exists()


def test_a_rebound_on_a_problem_never_closed_is_refused_with_a_message(cast, plan):
    problem = problem_in(cast.assignment, "in_progress", title="制度执行不严")
    response = client_for(cast.member).post(
        reverse("web:verdict_record", args=[plan.visit.pk]),
        verdict_post(problem, "rebound", deadline="2025-12-31"),
        follow=True,
    )
    assert "不能认定为“问题反弹”" in messages_of(response)[0]
    problem.refresh_from_db()
    assert problem.status == S.IN_PROGRESS and not Verdict.objects.exists()


def test_a_verdict_on_another_units_problem_is_refused(cast, plan):
    problem = problem_in(cast.other_assignment, "in_progress", title="另一单位的问题")
    response = client_for(cast.member).post(
        reverse("web:verdict_record", args=[plan.visit.pk]),
        verdict_post(problem, "not_done", deadline="2025-12-31"),
        follow=True,
    )
    assert "不属于本次回访的单位" in messages_of(response)[0]
    assert not Verdict.objects.exists()


# ---- The liaison's queue --------------------------------------------------------------------


def test_the_liaisons_queue_shows_a_problem_sent_back_by_a_verdict_first_with_its_new_deadline(
    cast, plan
):
    problem_in(cast.assignment, "in_progress", title="另一个待整改的问题")
    problem = problem_in(cast.assignment, "in_progress", title="制度执行不严")
    verdict_record(
        actor=cast.member,
        visit=plan.visit,
        problem=problem,
        kind="not_done",
        reason="抽查发现问题依旧",
        new_deadline=D(2026, 3, 31),
    )
    response = client_for(cast.liaison).get(reverse("web:queue"))
    section = next(s for s in response.context["sections"] if s.key == "open")
    assert section.items[0] == problem
    assert section.items[0].verdict_new_deadline == D(2026, 3, 31)
    content = response.content.decode()
    assert "回访认定未到位</strong>：抽查发现问题依旧，新时限" in content
    assert "2026-03-31" in content and 'class="returned"' in content


def test_a_problem_ruled_basically_done_is_in_the_queue_as_continuing(cast, plan):
    problem = problem_in(cast.assignment, "in_progress", title="制度执行不严")
    verdict_record(
        actor=cast.member,
        visit=plan.visit,
        problem=problem,
        kind="mostly",
        reason="长效机制尚未建立",
        new_deadline=D(2026, 1, 31),
    )
    content = client_for(cast.liaison).get(reverse("web:queue")).content.decode()
    assert "回访认定基本到位</strong>：长效机制尚未建立，新时限" in content
    assert "持续整改" in content


# ---- Survey, score, re-feedback, evidence ----------------------------------------------------


def test_answers_typed_into_the_table_are_added_and_the_rate_shown(cast, plan):
    response = client_for(cast.member).post(
        reverse("web:survey_answers", args=[plan.visit.pk]),
        {
            "survey-r0_q0": "满意",
            "survey-r0_q1": "满意",
            "survey-r0_q2": "满意",
            "survey-r1_q0": "不满意",
            "survey-r1_q1": "",
            "survey-r1_q2": "满意",
            "survey-source": "现场纸质测评表",
        },
        follow=True,
    )
    assert "已录入2份答卷，当前满意度80.00%" in messages_of(response, "success")[0]
    assert SurveyResponse.objects.filter(visit=plan.visit).count() == 2
    assert response.context["rate"] == pytest.approx(80)
    [first, *_rest] = response.context["tally"]
    assert (first.counts, first.blank) == ((1, 0, 1), 0)


def test_an_empty_answer_table_is_refused_in_its_form(cast, plan):
    response = client_for(cast.member).post(reverse("web:survey_answers", args=[plan.visit.pk]), {})
    assert response.status_code == 200
    assert "请至少填写一份答卷" in response.context["answers_form"].non_field_errors()[0]


def test_an_xlsx_with_a_bad_cell_shows_the_error_and_stores_nothing(cast, plan):
    sheet = survey_sheet([["满意", "满意", "满意"], ["满意", "很满意", "满意"]])
    response = client_for(cast.member).post(
        reverse("web:survey_import", args=[plan.visit.pk]), {"file": sheet}
    )
    assert response.status_code == 200
    [error] = response.context["import_form"].errors["file"]
    assert "工作表“测评”第3行第C列" in error and "“很满意”不是有效选项" in error
    assert error in response.content.decode()
    assert not SurveyResponse.objects.exists()
    assert not VisitEvidence.objects.filter(original_name__endswith=".xlsx").exists()


def test_a_good_xlsx_is_imported_and_kept_with_the_visits_files(cast, plan):
    sheet = survey_sheet([["满意", "满意", "满意"], ["满意", "基本满意", "满意"]])
    response = client_for(cast.member).post(
        reverse("web:survey_import", args=[plan.visit.pk]), {"file": sheet}, follow=True
    )
    assert "已录入2份答卷" in messages_of(response, "success")[0]
    assert SurveyResponse.objects.filter(visit=plan.visit).count() == 2
    assert VisitEvidence.objects.filter(original_name="满意度测评.xlsx").exists()


def test_the_score_form_saves_the_total_and_whether_it_passes(cast, plan):
    member = client_for(cast.member)
    url = reverse("web:score_record", args=[plan.visit.pk])
    response = member.post(
        url, {"score-item_0": "28", "score-item_1": "36.5", "score-item_2": "27"}, follow=True
    )
    assert "总分91.50，合格（合格分90）" in messages_of(response, "success")[0]
    response = member.post(url, {"score-item_0": "31", "score-item_1": "36", "score-item_2": "20"})
    assert response.status_code == 200
    assert response.context["score_form"].errors["item_0"]
    assert Score.objects.get().total == pytest.approx(91.5)
    content = client_for(cast.liaison).get(visit_url(plan.visit)).content.decode()
    assert "91.50" in content and "合格" in content


def test_the_re_feedback_is_sent_to_the_unit(cast, plan):
    visit = plan.visit
    response = client_for(cast.member).post(
        reverse("web:re_feedback", args=[visit.pk]),
        {"text": "请对未到位问题再整改。", "on": "2025-09-15", "expected_version": visit.version},
        follow=True,
    )
    assert "再反馈意见已送达市测试局" in messages_of(response, "success")[0]
    visit.refresh_from_db()
    assert visit.re_feedback == "请对未到位问题再整改。"
    assert Notification.objects.filter(
        recipient=cast.liaison, message__contains="请对未到位问题再整改"
    ).exists()


def test_a_re_feedback_over_a_newer_one_answers_409_and_keeps_the_text(cast, plan):
    visit = plan.visit
    stale = visit.version
    re_feedback_record(actor=cast.member, visit=visit, text="第一稿", on=D(2025, 9, 15))
    response = client_for(cast.member).post(
        reverse("web:re_feedback", args=[visit.pk]),
        {"text": "第二稿", "on": "2025-09-15", "expected_version": stale},
    )
    assert response.status_code == 409
    assert response.context["re_feedback_form"]["text"].value() == "第二稿"
    visit.refresh_from_db()
    assert visit.re_feedback == "第一稿"


def test_visit_evidence_is_uploaded_and_downloaded_through_the_visits_scope(cast, plan):
    response = client_for(cast.member).post(
        reverse("web:visit_evidence_upload", args=[plan.visit.pk]),
        {"file": make_upload("现场照片.pdf")},
        follow=True,
    )
    assert "已上传回访材料“现场照片.pdf”" in messages_of(response, "success")[0]
    evidence = VisitEvidence.objects.get(visit=plan.visit)
    download = reverse("web:visit_evidence_download", args=[evidence.pk])
    answer = client_for(cast.liaison).get(download)
    assert answer.status_code == 200
    assert b"".join(answer.streaming_content).startswith(b"%PDF")
    assert client_for(cast.other_liaison).get(download).status_code == 404


def test_a_liaison_cannot_download_another_units_visit_evidence(cast, plan):
    other = visit_evidence_add(
        actor=cast.other_member, visit=plan.other_visit, upload=make_upload("另一单位.pdf")
    )
    url = reverse("web:visit_evidence_download", args=[other.pk])
    assert client_for(cast.liaison).get(url).status_code == 404
    assert client_for(cast.other_liaison).get(url).status_code == 200


def test_a_file_that_is_not_accepted_is_refused_in_the_upload_form(cast, plan):
    response = client_for(cast.member).post(
        reverse("web:visit_evidence_upload", args=[plan.visit.pk]),
        {"file": make_upload("程序.exe", b"MZ\x90\x00")},
    )
    assert response.status_code == 200
    assert response.context["evidence_form"].errors["file"]
    assert not VisitEvidence.objects.exists()
