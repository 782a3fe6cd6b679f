"""Reading a ledger sheet: its header row, how headers map to columns, merged cells, typed
cells. No database: the reading is plain Python."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import Workbook

from tests.ledgers.test_import_support import workbook_bytes
from xuncha.ledgers.reading import LedgerFileError, ledger_read
from xuncha.ledgers.reading_columns import header_column
from xuncha.ledgers.reading_problems import sheet_problems


def only_sheet(data: bytes, **options):
    read = ledger_read(data, **options)
    assert len(read.sheets) == 1
    return read, read.sheets[0]


def test_a_title_row_above_the_header_is_read_past():
    data = workbook_bytes(
        [[1, "市档案馆", "档案数字化进度偏慢"]],
        headers=["序号", "单位", "问题"],
        title="2025年巡察整改台账",
        merges=["A1:C1"],
    )
    read, sheet = only_sheet(data)
    assert read.errors == []
    assert sheet.header_row == 2
    assert [(row.row, row.values["unit"]) for row in sheet.rows] == [(3, "市档案馆")]


@pytest.mark.parametrize(
    ("header", "column", "how"),
    [
        ("完成时限", "deadline", "exact"),
        ("被巡察单位", "unit", "synonym"),
        ("责任人", "owner", "synonym"),
        ("完成时限（年月日）", "deadline", "normalised"),
        ("整改 措施", "measure", "normalised"),
        ("问题编号", "problem_key", "exact"),
        ("备注", None, "unknown"),
    ],
)
def test_headers_map_by_name_then_synonym_then_normalised_form(header, column, how):
    assert header_column(header) == (column, how)


def test_an_unknown_header_is_an_error_unless_the_mapping_ignores_or_maps_it():
    data = workbook_bytes(
        [[1, "市档案馆", "偏慢", "x"]], headers=["序号", "单位", "问题", "牵头人"]
    )
    read, _sheet = only_sheet(data)
    (error,) = read.errors
    assert (error.sheet, error.row, error.letter, error.header) == ("台账", 1, "D", "牵头人")
    unknown = next(entry for entry in read.mapping if entry.header == "牵头人")
    assert unknown.column is None and "owner" in unknown.candidates

    ignored = ledger_read(data, mapping={"牵头人": None})
    assert ignored.errors == []
    mapped, sheet = only_sheet(data, mapping={"牵头人": "owner"})
    assert mapped.errors == [] and sheet.rows[0].values["owner"] == "x"


def test_a_problems_cells_merged_down_apply_to_each_of_its_measures_rows():
    data = workbook_bytes(
        [
            [1, "市档案馆", "进度偏慢", "制定方案。"],
            [None, None, None, "完成数字化12万卷。"],
            [2, "市档案馆", "管理不严", "修订制度。"],
        ],
        headers=["序号", "单位", "问题", "整改措施"],
        merges=["A2:A3", "B2:B3", "C2:C3"],
    )
    read, _sheet = only_sheet(data)
    problems, errors = sheet_problems(read)
    assert errors == []
    assert [(p.row, p.title, [m.text for m in p.measures]) for p in problems] == [
        (2, "进度偏慢", ["制定方案。", "完成数字化12万卷。"]),
        (4, "管理不严", ["修订制度。"]),
    ]


def test_a_merged_range_of_measure_cells_gives_its_value_to_every_row_it_covers():
    data = workbook_bytes(
        [
            ["P1", "M1", "制定方案。", "办公室", dt.datetime(2025, 6, 30)],
            ["P1", "M2", "完成数字化。", None, None],
            ["P1", "M3", "修订制度。", "法规科", None],
        ],
        headers=["问题编号", "措施编号", "整改措施", "责任部门", "完成时限"],
        merges=["D2:D3", "E2:E4"],
    )
    read, _sheet = only_sheet(data)
    (problem,), errors = sheet_problems(read)
    assert errors == []
    assert [(m.values["department"], m.values["deadline"]) for m in problem.measures] == [
        ("办公室", dt.date(2025, 6, 30)),
        ("办公室", dt.date(2025, 6, 30)),
        ("法规科", dt.date(2025, 6, 30)),
    ]


@pytest.mark.parametrize(
    "cell",
    [
        dt.datetime(2025, 6, 30),
        dt.date(2025, 6, 30),
        "2025-06-30",
        "2025年6月30日",
        "2025.6.30",
        "2025/6/30",
        45838,  # the day as an Excel serial number in an unformatted cell
    ],
)
def test_dates_are_read_in_the_forms_offices_write_them(cell):
    data = workbook_bytes([[1, "单位", "问题", cell]], headers=["序号", "单位", "问题", "完成时限"])
    read, sheet = only_sheet(data)
    assert read.errors == []
    assert sheet.rows[0].values["deadline"] == dt.date(2025, 6, 30)


@pytest.mark.parametrize(
    ("header", "cell", "message"),
    [
        ("完成时限", "六月底", "“六月底”不是日期"),
        ("完成时限", "2025-02-30", "不是日期"),
        ("序号", dt.datetime(2025, 6, 30), "此列应填整数，这里却是日期（2025-06-30）"),
        ("序号", "三", "此列应填整数"),
        ("完成情况", "基本完成", "“基本完成”不是有效的完成情况，应为：未开始、推进中、已完成"),
        ("整改类型", "马上就改", "不是有效的整改类型"),
        ("是否销号", "大概", "应填“是”或“否”"),
    ],
)
def test_a_cell_that_does_not_fit_its_column_is_an_error_naming_it(header, cell, message):
    headers = ["单位", "问题", "整改措施", header]
    data = workbook_bytes([["单位", "问题", "措施。", cell]], headers=headers)
    read = ledger_read(data)
    (error,) = read.errors
    assert (error.sheet, error.row, error.letter, error.header) == ("台账", 2, "D", header)
    assert message in error.message


def test_a_header_cell_merged_across_columns_is_an_error_naming_the_cells():
    data = workbook_bytes(
        [[1, "单位", "问题", "措施。", ""]],
        headers=["序号", "单位", "问题", "整改措施", None],  # type: ignore[list-item]
        merges=["D1:E1"],
    )
    read = ledger_read(data)
    (error,) = read.errors
    assert (error.row, error.letter, error.header) == (1, "D", "整改措施")
    assert "D1:E1" in error.message and "跨列合并" in error.message


def test_rows_of_one_problem_that_disagree_are_an_error():
    data = workbook_bytes(
        [["P1", "问题甲", "M1", "措施一。"], ["P1", "问题乙", "M2", "措施二。"]],
        headers=["问题编号", "问题", "措施编号", "整改措施"],
    )
    read = ledger_read(data)
    _problems, errors = sheet_problems(read)
    (error,) = errors
    assert (error.row, error.letter) == (3, "B") and "不一致" in error.message


def test_a_measure_key_on_two_rows_is_an_error():
    data = workbook_bytes(
        [["P1", "问题", "M1", "措施一。"], ["P1", "问题", "M1", "措施二。"]],
        headers=["问题编号", "问题", "措施编号", "整改措施"],
    )
    _problems, errors = sheet_problems(ledger_read(data))
    (error,) = errors
    assert (error.row, error.letter) == (3, "C") and "M1已在台账第2行出现" in error.message


def test_a_sheet_without_a_header_and_a_file_that_is_no_workbook():
    book = Workbook()
    book.active.append(["说明", "本表为空"])  # type: ignore[union-attr]
    out = io.BytesIO()
    book.save(out)
    read = ledger_read(out.getvalue())
    (error,) = read.errors
    assert read.sheets == [] and "未找到表头" in error.message
    with pytest.raises(LedgerFileError, match="不是Excel工作簿"):
        ledger_read(b"not a workbook")
