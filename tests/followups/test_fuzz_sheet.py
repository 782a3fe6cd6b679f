"""Property tests of the survey sheet reader: whatever the sheet holds, it answers or refuses.

A valid sheet is built with openpyxl, then its cells, rows and columns are mutated, or the bytes
of the saved file are cut or garbled. :func:`read_survey_sheet` must return its rows or raise
its own :class:`SheetError`, each error naming the file, or the sheet and its row and column,
and it must do so in under two seconds. No database is used.
"""

from __future__ import annotations

import datetime as dt
import io
import time
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from xuncha.followups.sheets import SheetError, SheetRow, read_survey_sheet

QUESTIONS = ["对本单位巡察整改工作的总体评价", "对整改成效的评价", "对长效机制建设的评价"]
SCORES = {"满意": Decimal(1), "基本满意": Decimal("0.5"), "不满意": Decimal(0)}
NAME = "满意度测评.xlsx"
TIME_LIMIT = 2.0  # seconds for one sheet
# The characters a typed cell is drawn from: the scale's own words, digits, spaces, controls.
CELL_CHARACTERS = "满意基本不较好差 \t\n0123456789.-#=" + "测评题目序号备注"

FUZZ = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

cells = st.one_of(
    st.none(),
    st.sampled_from([*SCORES, " 满意 ", "满意\n"]),
    st.text(alphabet=CELL_CHARACTERS, max_size=12),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.booleans(),
    st.datetimes(min_value=dt.datetime(1901, 1, 1), max_value=dt.datetime(2100, 1, 1)),
)


@st.composite
def workbooks(draw: st.DrawFn) -> bytes:
    """A sheet of answers, its header and rows mutated, saved as .xlsx bytes."""
    header: list[Any] = ["序号", *QUESTIONS]
    header_change = draw(st.sampled_from(["keep", "drop", "repeat", "extra", "shuffle", "none"]))
    if header_change == "drop":
        header.pop(draw(st.integers(min_value=1, max_value=len(header) - 1)))
    elif header_change == "repeat":
        header.append(draw(st.sampled_from(QUESTIONS)))
    elif header_change == "extra":
        header.insert(draw(st.integers(min_value=0, max_value=len(header))), draw(cells))
    elif header_change == "shuffle":
        header = draw(st.permutations(header))
    elif header_change == "none":
        header = []
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = draw(st.sampled_from(["测评", "Sheet1", "表 1"]))
    if header:
        sheet.append(header)
    rows = draw(st.lists(st.lists(cells, max_size=len(QUESTIONS) + 3), max_size=12))
    for row in rows:
        sheet.append(row)  # a blank row is an empty list
    if draw(st.booleans()) and sheet.max_row > 1:
        top = draw(st.integers(min_value=1, max_value=sheet.max_row))
        left = draw(st.integers(min_value=1, max_value=len(QUESTIONS) + 1))
        sheet.merge_cells(start_row=top, start_column=left, end_row=top + 1, end_column=left + 1)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def offsets(most: int = 10**6) -> st.SearchStrategy[int]:
    """An offset into the file, taken modulo its length: the saved bytes carry the time of
    saving, so their length may differ from one run to the next while the draws must not."""
    return st.integers(min_value=0, max_value=most)


@st.composite
def damaged_files(draw: st.DrawFn) -> bytes:
    """The bytes of a saved sheet cut short, garbled in places, or left whole."""
    data = draw(workbooks())
    damage = draw(st.sampled_from(["none", "truncate", "flip", "splice"]))
    if damage == "truncate":
        return data[: draw(offsets()) % len(data)]
    if damage == "flip":
        garbled = bytearray(data)
        for _ in range(draw(st.integers(min_value=1, max_value=8))):
            garbled[draw(offsets()) % len(garbled)] ^= draw(st.integers(min_value=1, max_value=255))
        return bytes(garbled)
    if damage == "splice":
        start = draw(offsets()) % len(data)
        end = min(len(data), start + draw(st.integers(min_value=0, max_value=200)))
        return data[:start] + draw(st.binary(max_size=64)) + data[end:]
    return data


def check_reader(data: bytes) -> None:
    """Read one file: its rows, or a SheetError whose every error says where; in time."""
    started = time.perf_counter()
    try:
        rows = read_survey_sheet(io.BytesIO(data), questions=QUESTIONS, scores=SCORES, name=NAME)
    except SheetError as refused:
        assert refused.errors, "a SheetError names at least one error"
        for error in refused.errors:
            assert f"文件“{NAME}”" in error or "工作表“" in error, error
            if "列" in error:
                assert "行第" in error, error
    else:
        assert rows and all(isinstance(row, SheetRow) for row in rows)
        assert all(len(row.answers) == len(QUESTIONS) for row in rows)
        assert all(row.row >= 2 for row in rows)
    elapsed = time.perf_counter() - started
    assert elapsed < TIME_LIMIT, f"reading a sheet of {len(data)} bytes took {elapsed:.2f}s"


@FUZZ
@given(workbooks())
def test_a_mutated_sheet_is_read_or_refused_with_its_row_and_column(data: bytes) -> None:
    check_reader(data)


@FUZZ
@given(damaged_files())
def test_a_damaged_file_is_refused_as_not_a_sheet_never_with_a_crash(data: bytes) -> None:
    check_reader(data)


def test_a_good_sheet_still_reads_every_respondent() -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["序号", *QUESTIONS])
    sheet.append([1, "满意", "基本满意", "不满意"])
    sheet.append([])
    sheet.append([2, "满意", None, " 满意 "])
    buffer = io.BytesIO()
    workbook.save(buffer)
    rows = read_survey_sheet(io.BytesIO(buffer.getvalue()), questions=QUESTIONS, scores=SCORES)
    assert [(row.row, row.answers) for row in rows] == [
        (2, ("满意", "基本满意", "不满意")),
        (4, ("满意", "", "满意")),
    ]
