"""The pure parts: scales, rubrics, scores and the survey sheet reader, without a database."""

from __future__ import annotations

from decimal import Decimal

import pytest
from openpyxl import Workbook

from xuncha.followups.scales import (
    answers_problems,
    percentage,
    rubric_problems,
    scale_problems,
    scale_scores,
    score_problems,
)
from xuncha.followups.sheets import SheetError, read_survey_sheet

SCORES = scale_scores([["满意", 1], ["基本满意", "0.5"], ["不满意", 0]])


def test_a_usable_scale_gives_each_label_its_score():
    assert {"满意": Decimal(1), "基本满意": Decimal("0.5"), "不满意": Decimal(0)} == SCORES
    assert scale_problems([["满意", 1], ["不满意", 0]]) == []


@pytest.mark.parametrize(
    ("scale", "problem"),
    [
        ([], "选项不能为空"),
        ([["满意"]], "选项第1项应为[名称, 分值]"),
        ([["满意", "高"]], "选项“满意”的分值应为不小于0的数"),
        ([["满意", 5], ["不满意", 0]], "选项分值应在0到1之间"),
        ([["", 1]], "选项第1项的名称为空"),
    ],
)
def test_a_bad_scale_says_what_is_wrong(scale, problem):
    assert problem in "；".join(scale_problems(scale))


def test_a_rubric_must_add_up_and_pass_below_its_total():
    assert rubric_problems([["责任", 50], ["成效", 50]], 100, 90) == []
    assert rubric_problems([["责任", 50], ["成效", 50]], 100, 120) == ["合格分120高于满分100"]


def test_scores_are_checked_item_by_item():
    maxima = {"责任": Decimal(50), "成效": Decimal(50)}
    assert score_problems({"责任": 50, "成效": "49.5"}, maxima) == []
    assert score_problems({"责任": -1, "成效": "1.234"}, maxima) == [
        "“责任”的得分-1应在0到50之间",
        "“成效”的得分1.234最多保留两位小数",
    ]
    assert score_problems({"责任": "五十", "成效": 1}, maxima) == ["“责任”的得分“五十”不是数字"]


def test_an_entirely_blank_respondent_is_refused():
    assert answers_problems(["", ""], ["一", "二"], SCORES, "第1份答卷") == [
        "第1份答卷没有任何回答"
    ]


def test_the_rate_is_the_mean_score_in_percent_rounded_half_up():
    assert percentage([Decimal(1), Decimal(1), Decimal("0.5")]) == Decimal("83.33")
    assert percentage([Decimal(1)] * 7 + [Decimal(0)]) == Decimal("87.50")
    assert percentage([Decimal(1), Decimal("0.5"), Decimal("0.5")] * 1) == Decimal("66.67")
    assert percentage([]) is None


def test_a_sheet_read_from_a_path_maps_columns_by_their_question(tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Sheet1"
    sheet.append(["备注", "二", "一"])  # the questions in another order, and a column to ignore
    sheet.append(["电话回访", "不满意", "满意"])
    sheet.append([None, 1, None])
    path = tmp_path / "测评.xlsx"
    workbook.save(path)
    with pytest.raises(SheetError) as refused:
        read_survey_sheet(str(path), questions=["一", "二"], scores=SCORES, name="测评.xlsx")
    assert refused.value.errors == [
        "工作表“Sheet1”第3行第B列：“1”不是有效选项（可选：满意、基本满意、不满意）"
    ]
    numbered = scale_scores([["1", 1], ["0", 0]])
    rows = read_survey_sheet(str(path), questions=["一", "二"], scores=numbered | SCORES)
    assert [(row.row, row.answers) for row in rows] == [(2, ("满意", "不满意")), (3, ("", "1"))]
