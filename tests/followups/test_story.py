"""Acceptance 1 of issue 4, through the services.

The office plans a follow-up of two batches (首批, 第二批) with visits assigned to groups; the
groups' members record their visits with all four methods (听看查访) and evidence, a survey typed
in and another imported from a spreadsheet, verdicts of every kind, scores and re-feedback; the
test checks the resulting statuses, deadlines, history rows, scores, progress and the gap list
per unit and per group.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.factories import make_upload, status_changes
from tests.followups.conftest import (
    QUESTIONS,
    RUBRIC_ITEMS,
    SCALE,
    VISITED_ON,
    D,
    problem_in,
    record,
    survey_sheet,
)
from xuncha.clocks.models import Clock
from xuncha.core.audit import audit_verify
from xuncha.core.models import AuditEntry
from xuncha.findings.models import Problem, ProblemStatus
from xuncha.followups.access import FollowUpError
from xuncha.followups.models import Verdict, VisitStatus
from xuncha.followups.scoring import score_record
from xuncha.followups.selectors import gap_list, gap_total, plan_table, progress
from xuncha.followups.services import (
    batch_create,
    followup_create,
    re_feedback_record,
    rubric_create,
    survey_template_create,
    visit_evidence_add,
    visit_plan,
)
from xuncha.followups.surveys import (
    satisfaction_by_unit,
    satisfaction_rate,
    survey_answers_add,
    survey_import_xlsx,
)
from xuncha.followups.verdicts import verdict_record
from xuncha.notifications.models import Notification
from xuncha.rectification.transitions import problem_transition

S = ProblemStatus


def transitions(problem: Problem) -> list[tuple[str, str, str]]:
    return list(status_changes(problem).values_list("move", "from_status", "to_status"))


def test_a_follow_up_is_planned_visited_ruled_scored_and_its_gaps_listed(cast):
    unit_a, unit_b = cast.assignment, cast.other_assignment  # 市测试局 (一组), 市另一局 (二组)
    open_a = problem_in(unit_a, "in_progress", title="党组理论学习不深入")
    closed_a = problem_in(unit_a, "closed", title="“三重一大”制度执行不严")
    mostly_a = problem_in(unit_a, "in_progress", title="政务服务窗口作风不实")
    declared_a = problem_in(unit_a, "in_progress", title="公务接待超标准", measures_done=True)
    reopened_b = problem_in(unit_b, "closed", title="违规发放津贴补贴")
    rebound_b = problem_in(unit_b, "closed", title="办公用房超标")

    # The office plans: rubric, survey, the follow-up, two batches, visits assigned to groups.
    rubric = rubric_create(actor=cast.office, name="整改验收评分", items=RUBRIC_ITEMS)
    survey = survey_template_create(
        actor=cast.office, name="满意度测评", questions=QUESTIONS, scale=SCALE
    )
    followup = followup_create(
        actor=cast.office,
        round_=unit_a.round,
        name="第八轮巡察整改回访督查",
        kind="supervision",
        rubric=rubric,
        survey=survey,
    )
    first = batch_create(
        actor=cast.office, followup=followup, sequence=1, name="首批", starts_on=D(2025, 9, 1)
    )
    second = batch_create(
        actor=cast.office, followup=followup, sequence=2, name="第二批", starts_on=D(2025, 11, 1)
    )
    visit_a = visit_plan(
        actor=cast.office, batch=first, assignment=unit_a, group=unit_a.group, planned_on=VISITED_ON
    )
    visit_b = visit_plan(
        actor=cast.office, batch=first, assignment=unit_b, group=unit_b.group, planned_on=VISITED_ON
    )
    revisit_a = visit_plan(
        actor=cast.office,
        batch=second,
        assignment=unit_a,
        group=unit_a.group,
        planned_on=D(2025, 11, 20),
    )
    with pytest.raises(FollowUpError, match="同一批次只回访一次"):
        visit_plan(actor=cast.office, batch=first, assignment=unit_a, group=unit_a.group)

    # Each group's member records the visit with all four methods, and evidence.
    visit_a = record(visit_a, cast.member)
    visit_b = record(visit_b, cast.other_member)
    assert visit_a.status == VisitStatus.DONE
    assert (visit_a.heard, visit_a.seen, visit_a.checked) != ("", "", "")
    assert (visit_a.interviewed, visit_a.interview_count) == ("个别访谈干部职工和服务对象", 12)
    photo = visit_evidence_add(
        actor=cast.member, visit=visit_a, upload=make_upload("窗口照片.png", b"\x89PNG\r\n\x1a\n1")
    )
    assert photo.file.name == f"visits/{photo.sha256[:2]}/{photo.sha256}"

    # A survey typed in for one unit, another imported from a spreadsheet for the other.
    survey_answers_add(
        actor=cast.member,
        visit=visit_a,
        answers=[["满意", "满意", "满意"], ["满意", "基本满意", "不满意"]],
    )
    bad = survey_sheet([["满意", "满意", "满意"], ["满意", "很满意", "满意"]])
    with pytest.raises(FollowUpError, match="工作表“测评”第3行第C列：“很满意”不是有效选项"):
        survey_import_xlsx(actor=cast.other_member, visit=visit_b, file=bad)
    assert not visit_b.survey_responses.exists()  # refused whole
    sheet = survey_sheet([["满意", "满意", "满意"], ["基本满意", "满意", "满意"]])
    survey_import_xlsx(actor=cast.other_member, visit=visit_b, file=sheet)
    assert satisfaction_rate(visit_a) == Decimal("75.00")  # (3 + 1.5) / 6
    assert satisfaction_rate(visit_b) == Decimal("91.67")  # 5.5 / 6
    assert {row.unit_name: row.rate for row in satisfaction_by_unit(followup)} == {
        "市测试局": Decimal("75.00"),
        "市另一局": Decimal("91.67"),
    }
    assert visit_b.evidence.filter(original_name="满意度测评.xlsx").exists()

    # Verdicts of every kind.
    verdict_record(
        actor=cast.member,
        visit=visit_a,
        problem=open_a,
        kind="done",
        reason="学习制度已建立并执行，会议记录齐全",
        evidence=[make_upload("学习记录.pdf")],
    )
    verdict_record(
        actor=cast.member, visit=visit_a, problem=closed_a, kind="done", reason="复核无反复"
    )
    verdict_record(
        actor=cast.member,
        visit=visit_a,
        problem=mostly_a,
        kind="mostly",
        reason="窗口作风有改善，但群众仍反映等候时间长",
        new_deadline=D(2025, 12, 31),
    )
    verdict_record(
        actor=cast.member,
        visit=visit_a,
        problem=declared_a,
        kind="not_done",
        reason="单位报已完成，但抽查发现仍有超标准接待",
        new_deadline=D(2025, 11, 30),
    )
    verdict_record(
        actor=cast.other_member,
        visit=visit_b,
        problem=reopened_b,
        kind="not_done",
        reason="已销号但清退资金未全部到账",
        new_deadline=D(2025, 10, 31),
    )
    verdict_record(
        actor=cast.other_member,
        visit=visit_b,
        problem=rebound_b,
        kind="rebound",
        reason="腾退的办公用房又被占用",
    )

    # 整改到位 on an open problem asks for closing; the office closes it (four eyes).
    open_a.refresh_from_db()
    assert open_a.status == S.CLOSING_REQUESTED
    problem_transition(actor=cast.office, problem=open_a, name="close")
    assert transitions(open_a)[-2:] == [
        ("rule_done", S.IN_PROGRESS, S.CLOSING_REQUESTED),
        ("close", S.CLOSING_REQUESTED, S.CLOSED),
    ]
    assert Verdict.objects.get(problem=open_a).evidence.get().original_name == "学习记录.pdf"

    # 整改到位 on a closed problem stays closed, with a confirming history row.
    closed_a.refresh_from_db()
    assert closed_a.status == S.CLOSED
    assert transitions(closed_a)[-1] == ("rule_done_confirm", S.CLOSED, S.CLOSED)

    # 基本到位: 持续整改 with the new deadline, and the clocks count from it.
    mostly_a.refresh_from_db()
    assert (mostly_a.status, mostly_a.deadline) == (S.CONTINUING, D(2025, 12, 31))
    assert transitions(mostly_a)[-1] == ("rule_mostly", S.IN_PROGRESS, S.CONTINUING)
    followup_deadline = Clock.objects.get(
        holder_type="problem", holder_id=mostly_a.pk, rule__code="followup_due"
    )
    assert (followup_deadline.start, followup_deadline.due) == (D(2025, 12, 31), D(2025, 12, 31))
    assert mostly_a.nearest_due == D(2025, 12, 31)  # it supersedes the older deadlines

    # 未到位 on an open problem: back to 整改中 (再整改) with a new deadline.
    declared_a.refresh_from_db()
    assert (declared_a.status, declared_a.deadline) == (S.IN_PROGRESS, D(2025, 11, 30))
    assert transitions(declared_a)[-1] == ("rule_not_done", S.IN_PROGRESS, S.IN_PROGRESS)
    assert Clock.objects.get(
        holder_type="problem", holder_id=declared_a.pk, rule__code="followup_due"
    ).due == D(2025, 11, 30)

    # 未到位 on a closed problem reopens it; so does 问题反弹.
    reopened_b.refresh_from_db()
    assert (reopened_b.status, reopened_b.deadline) == (S.IN_PROGRESS, D(2025, 10, 31))
    assert transitions(reopened_b)[-1] == ("rule_not_done_reopen", S.CLOSED, S.IN_PROGRESS)
    rebound_b.refresh_from_db()
    assert rebound_b.status == S.IN_PROGRESS
    assert transitions(rebound_b)[-1] == ("rule_rebound", S.CLOSED, S.IN_PROGRESS)
    assert status_changes(rebound_b).last().reason == "腾退的办公用房又被占用"

    # The verdicts keep what the unit had declared beside what the group found.
    declared = dict(Verdict.objects.values_list("problem__title", "declared_status"))
    assert declared == {
        "党组理论学习不深入": S.IN_PROGRESS,
        "“三重一大”制度执行不严": S.CLOSED,
        "政务服务窗口作风不实": S.IN_PROGRESS,
        "公务接待超标准": S.IN_PROGRESS,
        "违规发放津贴补贴": S.CLOSED,
        "办公用房超标": S.CLOSED,
    }
    assert set(
        Verdict.objects.filter(declared_done=True).values_list("problem__title", flat=True)
    ) == {"“三重一大”制度执行不严", "公务接待超标准", "违规发放津贴补贴", "办公用房超标"}

    # Scores against the rubric: pass at 90.
    passed = score_record(
        actor=cast.member,
        visit=visit_a,
        item_scores={"整改责任落实": 28, "问题整改成效": "36.5", "长效机制建设": 27},
    )
    failed = score_record(
        actor=cast.other_member,
        visit=visit_b,
        item_scores={"整改责任落实": 27, "问题整改成效": 33, "长效机制建设": 25},
    )
    assert (passed.total, passed.passed) == (Decimal("91.50"), True)
    assert (failed.total, failed.passed) == (Decimal("85.00"), False)

    # The group's re-feedback reaches the unit's liaison.
    re_feedback_record(
        actor=cast.other_member,
        visit=visit_b,
        text="请于2025年10月底前完成津贴补贴清退，并对办公用房再次清理。",
        on=D(2025, 9, 15),
    )
    notice = Notification.objects.filter(recipient=cast.other_liaison, kind="followup").first()
    assert notice is not None and "再反馈" in notice.message

    # The second batch revisits the first unit: 持续整改 found done, its new deadline ends.
    revisit_a = record(revisit_a, cast.member, on=D(2025, 11, 20))
    verdict_record(
        actor=cast.member, visit=revisit_a, problem=mostly_a, kind="done", reason="等候时间已达标"
    )
    mostly_a.refresh_from_db()
    assert mostly_a.status == S.CLOSING_REQUESTED
    # The later verdict set no deadline: the earlier one's clock is gone.
    assert not Clock.objects.filter(
        holder_type="problem", holder_id=mostly_a.pk, rule__code="followup_due"
    ).exists()

    # The plan table and progress, per batch.
    table = {(row.batch_name, row.unit_name): row for row in plan_table(followup)}
    assert table["首批", "市测试局"].verdicts == {
        "done": 2,
        "mostly": 1,
        "not_done": 1,
        "rebound": 0,
    }
    assert (table["首批", "市测试局"].group_name, table["首批", "市测试局"].to_rule) == (
        "市委第一巡察组",
        0,
    )
    assert (table["第二批", "市测试局"].visited_on, table["第二批", "市测试局"].to_rule) == (
        D(2025, 11, 20),
        3,
    )
    status = progress(followup)
    assert [
        (b.name, b.visits_done, b.visits_planned, b.problems_ruled, b.problems)
        for b in status.batches
    ] == [("首批", 2, 2, 6, 6), ("第二批", 1, 1, 1, 4)]
    assert (status.total.problems_ruled, status.total.problems_to_rule) == (7, 3)

    # The gap list: declared done, ruled not done — per unit and per group.
    by_unit = {row.name: row for row in gap_list(first, by="unit")}
    assert by_unit["市测试局"].as_dict() | {"key": 0} == {
        "key": 0,
        "name": "市测试局",
        "verdicts": 4,
        "declared_done": 2,
        "ruled_done": 2,
        "ruled_mostly": 1,
        "ruled_not_done": 1,
        "ruled_rebound": 0,
        "declared_done_ruled_mostly": 0,
        "declared_done_ruled_not_done": 1,
    }
    assert by_unit["市另一局"].declared_done_ruled_not_done == 2
    by_group = {row.name: row.declared_done_ruled_not_done for row in gap_list(first, by="group")}
    assert by_group == {"市委第一巡察组": 1, "市委第二巡察组": 2}
    whole = gap_total(gap_list(followup, by="group"))
    assert (whole.verdicts, whole.declared_done, whole.declared_done_ruled_not_done) == (7, 4, 3)

    # Every step left its audit row, and the chain holds.
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {
        "followup.create",
        "batch.create",
        "visit.plan",
        "visit.record",
        "visit_evidence.add",
        "survey.answers_add",
        "verdict.record",
        "problem.rule_rebound",
        "problem.plan_update",
        "score.record",
        "visit.re_feedback",
    } <= actions
    assert audit_verify() is None
