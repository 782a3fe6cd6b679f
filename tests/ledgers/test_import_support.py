"""Sheets for the ledger import's tests: exported by the real export, written by hand with
openpyxl in the export's layout (or an office's own), and edited as a user would."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db.models import Model
from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from xuncha.core.models import AuditEntry, StatusChange
from xuncha.findings.models import Measure, Problem
from xuncha.ledgers.columns import COLUMNS
from xuncha.ledgers.export import ledger_xlsx
from xuncha.rectification.models import ChangeRequest, ProgressReport

HEADERS = [str(column.header) for column in COLUMNS]


def exported(user: Any, round_: Any, *, today: dt.date, merge: bool = True) -> bytes:
    """The round's ledger as ``user`` exports it."""
    out = io.BytesIO()
    ledger_xlsx(
        user,
        filters={"round_id": round_.pk},
        warning=None,
        deadline_kind=None,
        today=today,
        out=out,
        merge=merge,
    )
    return out.getvalue()


def workbook_bytes(
    rows: Sequence[Sequence[Any]],
    *,
    headers: Sequence[str] = HEADERS,
    merges: Iterable[str] = (),
    title: str | None = None,
    sheet: str = "台账",
) -> bytes:
    """A one-sheet workbook: an optional title row, the header row, then ``rows``."""
    book = Workbook()
    worksheet = book.active
    assert worksheet is not None
    worksheet.title = sheet
    if title is not None:
        worksheet.append([title])
    worksheet.append(list(headers))
    for row in rows:
        worksheet.append(list(row))
    for cells in merges:
        worksheet.merge_cells(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def header_column(worksheet: Worksheet, header: str, header_row: int = 1) -> int:
    for cell in worksheet[header_row]:
        if cell.value == header:
            return int(cell.column)
    raise KeyError(header)


def row_of(worksheet: Worksheet, header: str, value: str) -> int:
    """The first row whose cell in ``header``'s column holds ``value``."""
    column = header_column(worksheet, header)
    for row in range(2, worksheet.max_row + 1):
        if worksheet.cell(row, column).value == value:
            return row
    raise KeyError(value)


def delete_row(worksheet: Worksheet, row: int) -> None:
    """Delete a row as Excel does, merged ranges shrunk or moved up with it (openpyxl's own
    ``delete_rows`` leaves them where they were)."""
    ranges = [tuple(r.bounds) for r in worksheet.merged_cells.ranges]
    for bounds in ranges:
        worksheet.unmerge_cells(
            start_column=bounds[0], start_row=bounds[1], end_column=bounds[2], end_row=bounds[3]
        )
    worksheet.delete_rows(row)
    for min_col, min_row, max_col, max_row in ranges:
        if min_row > row:
            min_row -= 1
        if max_row >= row:
            max_row -= 1
        if max_row > min_row or max_col > min_col:
            worksheet.merge_cells(
                f"{get_column_letter(min_col)}{min_row}:{get_column_letter(max_col)}{max_row}"
            )


def edited(
    data: bytes,
    cells: Mapping[tuple[str, str, str], Any] | None = None,
    *,
    delete: Iterable[tuple[str, str]] = (),
) -> bytes:
    """``data`` with cells set and rows deleted: each cell named by (the key column's header,
    the key, the header of the column to set), each row by (key header, key)."""
    book = load_workbook(io.BytesIO(data))
    worksheet = book.worksheets[0]
    for (key_header, key, header), value in (cells or {}).items():
        worksheet.cell(
            row_of(worksheet, key_header, key), header_column(worksheet, header)
        ).value = value
    for key_header, key in delete:
        delete_row(worksheet, row_of(worksheet, key_header, key))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def counts() -> dict[str, int]:
    """How many rows each table an import writes holds now."""
    models: list[type[Model]] = [
        Problem,
        Measure,
        ProgressReport,
        ChangeRequest,
        StatusChange,
        AuditEntry,
    ]
    return {model.__name__: model._default_manager.count() for model in models}
