"""A sheet with errors, or a row that fails, leaves nothing written."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.factories import make_problem
from tests.ledgers.test_import_support import counts, edited, exported, workbook_bytes
from xuncha.ledgers import applying
from xuncha.ledgers.columns import measure_key
from xuncha.ledgers.importing import (
    LedgerImportRefused,
    ledger_import_apply,
    ledger_import_preview,
)

pytestmark = pytest.mark.django_db

TODAY = dt.date(2025, 5, 6)


def test_an_unknown_header_a_date_in_a_number_column_and_a_merged_header_are_named(cast):
    make_problem(cast.assignment, title="制度执行不够严格")
    round_ = cast.assignment.round
    data = workbook_bytes(
        [
            [1, "市测试局", "制度执行不够严格", "修订完善制度12项。", None, "王某"],
            [dt.datetime(2025, 6, 30), "市测试局", "制度执行不够严格", "清退资金。", None, "王某"],
        ],
        headers=["序号", "单位", "问题", "整改措施", None, "经办人"],  # type: ignore[list-item]
        merges=["D1:E1"],
    )
    stored = counts()

    preview = ledger_import_preview(
        actor=cast.office, round_=round_, data=data, file_name="坏表.xlsx", today=TODAY
    )

    found = {(e.sheet, e.row, e.letter, e.header): e.message for e in preview.errors}
    assert set(found) == {
        ("台账", 1, "F", "经办人"),
        ("台账", 3, "A", "序号"),
        ("台账", 1, "D", "整改措施"),
    }
    assert "无法识别的列名“经办人”" in found[("台账", 1, "F", "经办人")]
    assert "日期" in found[("台账", 3, "A", "序号")]
    assert "D1:E1" in found[("台账", 1, "D", "整改措施")]
    assert preview.changed == [] and preview.new == [] and preview.missing == []
    assert {e["column"] for e in preview.as_json()["errors"]} == {"A", "D", "F"}
    with pytest.raises(LedgerImportRefused, match="3处错误") as refused:
        ledger_import_apply(
            actor=cast.office, round_=round_, data=data, file_name="坏表.xlsx", today=TODAY
        )
    assert len(refused.value.errors) == 3
    assert counts() == stored


def test_a_row_that_fails_rolls_the_whole_import_back_and_is_named(cast, monkeypatch):
    problem = make_problem(cast.assignment)
    first, second = problem.measures.order_by("ordinal")
    round_ = cast.assignment.round
    data = edited(
        exported(cast.office, round_, today=TODAY),
        {
            ("措施编号", measure_key(first.pk), "责任领导"): "党组书记 张某",
            ("措施编号", measure_key(second.pk), "整改进展"): "已完成清退。",
        },
    )
    preview = ledger_import_preview(
        actor=cast.office, round_=round_, data=data, file_name="台账.xlsx", today=TODAY
    )
    assert preview.errors == [] and len(preview.changed) == 2

    def broken(**kwargs: Any) -> Any:
        raise RuntimeError("磁盘已满")

    monkeypatch.setattr(applying, "progress_report_create", broken)
    stored = counts()
    with pytest.raises(LedgerImportRefused) as refused:
        ledger_import_apply(actor=cast.office, preview=preview, today=TODAY)

    (error,) = refused.value.errors
    assert error.row == 3 and "导入第3行时出错" in error.message and "磁盘已满" in error.message
    assert counts() == stored
    first.refresh_from_db()
    assert first.owner == "", "the row before the failing one is rolled back too"


def test_two_keyless_rows_claiming_one_problem_are_an_error_not_a_duplicate(cast):
    make_problem(cast.assignment, title="制度执行不够严格")
    round_ = cast.assignment.round
    data = workbook_bytes(
        [
            [1, "市测试局", "制度执行不够严格", "修订完善制度12项。"],
            [2, "市测试局", "制度执行不够严格。", "另一措施。"],
        ],
        headers=["序号", "单位", "问题", "整改措施"],
    )

    preview = ledger_import_preview(
        actor=cast.office, round_=round_, data=data, file_name="表.xlsx", today=TODAY
    )

    (error,) = preview.errors
    assert (error.row, error.letter) == (3, "C")
    assert "已对应问题" in error.message and preview.new == []


def test_a_key_of_another_round_is_an_error_for_its_row(cast):
    elsewhere = make_problem()
    round_ = cast.assignment.round
    data = workbook_bytes(
        [[f"P{elsewhere.pk}", "市测试局", "制度执行不够严格"]],
        headers=["问题编号", "单位", "问题"],
    )

    preview = ledger_import_preview(
        actor=cast.office, round_=round_, data=data, file_name="表.xlsx", today=TODAY
    )

    (error,) = preview.errors
    assert (error.row, error.letter, error.header) == (2, "A", "问题编号")
    assert f"P{elsewhere.pk}" in error.message and round_.name in error.message
