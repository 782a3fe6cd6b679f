"""Planning a follow-up (the office's) and recording a visit (the group's), with refusals."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.factories import make_assignment, make_upload
from tests.followups.conftest import RUBRIC_ITEMS, VISITED_ON, D, record
from xuncha.core.files import FileRefused
from xuncha.core.models import AuditEntry
from xuncha.findings.services import EditConflict, EditRefused
from xuncha.followups.access import FollowUpError
from xuncha.followups.models import VisitStatus
from xuncha.followups.scoring import score_record
from xuncha.followups.services import (
    batch_create,
    followup_create,
    re_feedback_record,
    rubric_create,
    survey_template_create,
    visit_evidence_add,
    visit_plan,
    visit_record,
)


@pytest.mark.parametrize("who", ["member", "liaison", "supervisor", "outsider"])
def test_only_the_office_plans_a_follow_up(cast, who):
    with pytest.raises(EditRefused, match=r"巡察办|只能查看"):
        followup_create(actor=cast.by_name(who), round_=cast.assignment.round, name="回访督查")


def test_only_the_office_adds_batches_and_visits(cast, plan):
    with pytest.raises(EditRefused, match="只有巡察办可以安排回访批次"):
        batch_create(actor=cast.member, followup=plan.followup, sequence=2, name="第二批")
    with pytest.raises(EditRefused, match="只能查看，不能安排回访"):
        visit_plan(
            actor=cast.supervisor,
            batch=plan.batch,
            assignment=cast.assignment,
            group=cast.assignment.group,
        )


def test_a_batch_number_is_used_once_and_its_dates_are_in_order(cast, plan):
    with pytest.raises(FollowUpError, match="已有第1批"):
        batch_create(actor=cast.office, followup=plan.followup, sequence=1, name="首批")
    with pytest.raises(FollowUpError, match="结束日期早于开始日期"):
        batch_create(
            actor=cast.office,
            followup=plan.followup,
            sequence=2,
            name="第二批",
            starts_on=D(2025, 11, 30),
            ends_on=D(2025, 11, 1),
        )


def test_a_unit_not_inspected_in_the_round_cannot_be_visited(cast, plan):
    stranger = make_assignment()  # another round
    with pytest.raises(FollowUpError, match="不是测试第一轮的巡察对象"):
        visit_plan(actor=cast.office, batch=plan.batch, assignment=stranger, group=plan.visit.group)


def test_a_follow_up_name_is_used_once_per_round(cast, plan):
    with pytest.raises(FollowUpError, match="已有名为“巡察整改回访督查”"):
        followup_create(actor=cast.office, round_=cast.assignment.round, name="巡察整改回访督查")


def test_a_rubric_whose_items_do_not_add_up_is_refused(cast):
    with pytest.raises(FollowUpError, match="各评分项分值之和为90，与满分100不符"):
        rubric_create(actor=cast.office, name="评分", items=[["责任", 40], ["成效", 50]])


def test_a_survey_scale_with_a_repeated_label_is_refused(cast):
    with pytest.raises(FollowUpError, match="选项中“满意”重复"):
        survey_template_create(
            actor=cast.office, name="测评", questions=["总体评价"], scale=[["满意", 1], ["满意", 0]]
        )


def test_a_member_records_the_visit_with_the_four_methods(cast, plan):
    visit = plan.visit
    assert visit.status == VisitStatus.DONE
    assert visit.visited_on == VISITED_ON
    assert visit.version == 2
    entry = AuditEntry.objects.filter(action="visit.record").get()
    assert entry.actor == cast.member
    assert entry.scope == f"visit:{visit.pk}"
    assert entry.after["interview_count"] == 12


def test_an_edit_that_raced_another_is_refused(cast, plan):
    stale = plan.visit.version - 1
    with pytest.raises(EditConflict, match="已被他人修改"):
        visit_record(
            actor=cast.member,
            visit=plan.visit,
            expected_version=stale,
            visited_on=VISITED_ON,
            heard="汇报",
        )


def test_a_visit_without_any_method_recorded_is_refused(cast, plan):
    with pytest.raises(FollowUpError, match="请至少填写听、看、查、访中的一项"):
        visit_record(
            actor=cast.other_member,
            visit=plan.other_visit,
            expected_version=plan.other_visit.version,
            visited_on=VISITED_ON,
        )


@pytest.mark.parametrize("who", ["other_liaison", "member", "office", "supervisor"])
def test_only_the_visits_group_records_it(cast, plan, who):
    with pytest.raises(EditRefused, match="记录回访情况"):
        record(plan.other_visit, cast.by_name(who))


def test_visit_evidence_is_checked_by_its_content(cast, plan):
    with pytest.raises(FileRefused, match=r"内容与其扩展名\.pdf不符"):
        visit_evidence_add(
            actor=cast.member, visit=plan.visit, upload=make_upload("照片.pdf", b"not a pdf")
        )
    with pytest.raises(EditRefused):
        visit_evidence_add(actor=cast.liaison, visit=plan.visit, upload=make_upload())


def test_the_same_file_twice_is_stored_once(cast, plan):
    first = visit_evidence_add(actor=cast.member, visit=plan.visit, upload=make_upload())
    second = visit_evidence_add(actor=cast.member, visit=plan.visit, upload=make_upload())
    assert first.pk != second.pk
    assert first.file.name == second.file.name


def test_a_score_over_an_items_maximum_or_missing_an_item_is_refused(cast, plan):
    with pytest.raises(FollowUpError, match="“问题整改成效”的得分41应在0到40之间"):
        score_record(
            actor=cast.member,
            visit=plan.visit,
            item_scores={"整改责任落实": 30, "问题整改成效": 41, "长效机制建设": 30},
        )
    with pytest.raises(FollowUpError, match="缺少评分项“长效机制建设”的得分"):
        score_record(
            actor=cast.member,
            visit=plan.visit,
            item_scores={"整改责任落实": 30, "问题整改成效": 40},
        )
    with pytest.raises(FollowUpError, match="“作风”不是评分标准中的评分项"):
        score_record(
            actor=cast.member,
            visit=plan.visit,
            item_scores={name: 0 for name, _ in RUBRIC_ITEMS} | {"作风": 5},
        )


def test_exactly_the_pass_mark_passes_and_scoring_again_replaces_the_score(cast, plan):
    first = score_record(
        actor=cast.member,
        visit=plan.visit,
        item_scores={"整改责任落实": 25, "问题整改成效": 35, "长效机制建设": "29.99"},
    )
    assert (first.total, first.passed) == (Decimal("89.99"), False)
    again = score_record(
        actor=cast.member,
        visit=plan.visit,
        item_scores={"整改责任落实": 25, "问题整改成效": 35, "长效机制建设": 30},
    )
    assert (again.pk, again.total, again.passed) == (first.pk, Decimal("90.00"), True)
    assert AuditEntry.objects.filter(action="score.update").count() == 1


def test_a_supervisor_cannot_score_and_a_follow_up_without_a_rubric_cannot_be_scored(cast, plan):
    with pytest.raises(EditRefused, match="只能查看，不能评分"):
        score_record(actor=cast.supervisor, visit=plan.visit, item_scores={})
    bare = followup_create(actor=cast.office, round_=cast.assignment.round, name="专项回访")
    batch = batch_create(actor=cast.office, followup=bare, sequence=1, name="首批")
    visit = visit_plan(
        actor=cast.office, batch=batch, assignment=cast.assignment, group=plan.visit.group
    )
    visit = record(visit, cast.member)
    with pytest.raises(FollowUpError, match="没有设置评分标准"):
        score_record(actor=cast.member, visit=visit, item_scores={})


def test_re_feedback_by_another_group_or_before_the_visit_is_refused(cast, plan):
    with pytest.raises(EditRefused, match="再反馈"):
        re_feedback_record(
            actor=cast.other_member, visit=plan.visit, text="请整改", on=D(2025, 9, 20)
        )
    with pytest.raises(FollowUpError, match="不能早于回访日期"):
        re_feedback_record(actor=cast.member, visit=plan.visit, text="请整改", on=D(2025, 9, 1))
    with pytest.raises(FollowUpError, match="请填写再反馈意见"):
        re_feedback_record(actor=cast.member, visit=plan.visit, text=" ", on=D(2025, 9, 20))
