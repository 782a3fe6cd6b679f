"""Satisfaction surveys: answers typed in or imported, checked against the scale, the rate."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.followups.conftest import QUESTIONS, survey_sheet
from xuncha.findings.services import EditRefused
from xuncha.followups.access import FollowUpError
from xuncha.followups.models import SurveyResponse
from xuncha.followups.surveys import satisfaction_rate, survey_answers_add, survey_import_xlsx


def test_a_typed_answer_not_on_the_scale_names_the_respondent_and_the_question(cast, plan):
    with pytest.raises(FollowUpError) as refused:
        survey_answers_add(
            actor=cast.member,
            visit=plan.visit,
            answers=[["满意", "满意", "满意"], ["满意", "比较满意", "满意"]],
        )
    assert "第2份答卷第2题“对整改成效的评价”：“比较满意”不是有效选项" in str(refused.value)
    assert "可选：满意、基本满意、不满意" in str(refused.value)
    assert not SurveyResponse.objects.exists()


def test_a_respondent_with_too_few_answers_is_refused(cast, plan):
    with pytest.raises(FollowUpError, match="第1份答卷应有3个回答，实有2个"):
        survey_answers_add(actor=cast.member, visit=plan.visit, answers=[["满意", "满意"]])


def test_blank_answers_are_kept_but_do_not_count_in_the_rate(cast, plan):
    survey_answers_add(
        actor=cast.member, visit=plan.visit, answers=[["满意", "", "不满意"], [" 满意 ", "", ""]]
    )
    assert satisfaction_rate(plan.visit) == Decimal("66.67")  # 2 of 3 answers given


def test_a_visit_without_answers_has_no_rate(cast, plan):
    assert satisfaction_rate(plan.visit) is None


def test_only_the_visits_group_enters_the_survey(cast, plan):
    with pytest.raises(EditRefused, match="录入满意度测评"):
        survey_answers_add(actor=cast.liaison, visit=plan.visit, answers=[["满意"] * 3])


def test_every_bad_cell_of_a_sheet_is_named_and_nothing_is_imported(cast, plan):
    sheet = survey_sheet(
        [["满意", "很满意", "满意"], ["满意", "满意", "满意"], ["好", "满意", "差"]]
    )
    with pytest.raises(FollowUpError) as refused:
        survey_import_xlsx(actor=cast.member, visit=plan.visit, file=sheet)
    message = str(refused.value)
    assert "工作表“测评”第2行第C列：“很满意”不是有效选项" in message
    assert "工作表“测评”第4行第B列：“好”不是有效选项" in message
    assert "工作表“测评”第4行第D列：“差”不是有效选项" in message
    assert not SurveyResponse.objects.exists()
    assert not plan.visit.evidence.exists()


def test_a_sheet_missing_a_question_column_is_refused(cast, plan):
    sheet = survey_sheet([["满意", "满意"]], header=QUESTIONS[:2])
    with pytest.raises(FollowUpError, match="第1行缺少题目“对长效机制建设的评价”"):
        survey_import_xlsx(actor=cast.member, visit=plan.visit, file=sheet)


def test_a_file_that_is_not_a_spreadsheet_is_refused(cast, plan):
    fake = SimpleUploadedFile("测评.xlsx", b"PK\x03\x04 not really a workbook")
    with pytest.raises(FollowUpError, match="不是有效的 Excel"):
        survey_import_xlsx(actor=cast.member, visit=plan.visit, file=fake)
    with pytest.raises(FollowUpError, match=r"请上传 \.xlsx"):
        survey_import_xlsx(
            actor=cast.member, visit=plan.visit, file=SimpleUploadedFile("测评.csv", b"a,b")
        )


def test_an_imported_sheet_skips_blank_rows_and_traces_each_answer_to_its_row(cast, plan):
    sheet = survey_sheet([["满意", "满意", "满意"], [None, None, None], ["不满意", "满意", None]])
    responses = survey_import_xlsx(actor=cast.member, visit=plan.visit, file=sheet)
    assert [r.source for r in responses] == ["满意度测评.xlsx第2行", "满意度测评.xlsx第4行"]
    assert responses[1].answers == ["不满意", "满意", ""]
    assert satisfaction_rate(plan.visit) == Decimal("80.00")  # 4 of 5 answers satisfied


def test_a_follow_up_without_a_survey_refuses_answers(cast, plan):
    from tests.followups.conftest import record
    from xuncha.followups.services import batch_create, followup_create, visit_plan

    bare = followup_create(actor=cast.office, round_=cast.assignment.round, name="专项回访")
    batch = batch_create(actor=cast.office, followup=bare, sequence=1, name="首批")
    visit = visit_plan(
        actor=cast.office, batch=batch, assignment=cast.assignment, group=plan.visit.group
    )
    visit = record(visit, cast.member)
    with pytest.raises(FollowUpError, match="没有设置满意度测评问卷"):
        survey_answers_add(actor=cast.member, visit=visit, answers=[["满意"] * 3])
