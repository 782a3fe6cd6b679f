"""Reading an Excel ledger (整改台账): its sheets, header rows, merged cells and typed rows.

Nothing here touches the database. A workbook is read sheet by sheet: the header row is the
first of the top :data:`HEADER_SCAN_ROWS` rows that names at least :data:`HEADER_MIN_KNOWN`
known columns (a title row may stand above it); how headers map to columns and cells are read
is ``ledgers.reading_columns``. Whatever does not fit is a :class:`SheetError` naming the sheet,
the row, the column's letter and its header.

Merged cells: a merged range's value applies to every cell it covers (a problem's cells merged
down over its measures' rows). openpyxl's read-only mode, which a 10,000-row sheet needs to be
read in seconds, does not report merged ranges, so they are read from the sheet's own XML.
"""

from __future__ import annotations

import hashlib
import io
import posixpath
import re
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from xml.etree import ElementTree

from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils import column_index_from_string, get_column_letter, range_boundaries

from xuncha.ledgers.columns import BY_NAME
from xuncha.ledgers.reading_columns import (
    HeaderMapping,
    SheetError,
    cell_value,
    header_text,
    headers_map,
    known_count,
)

HEADER_MIN_KNOWN = 3
"""A row is the header when it names at least this many known columns."""
HEADER_SCAN_ROWS = 10
"""The header is looked for in this many rows at the top of each sheet."""


class LedgerFileError(ValueError):
    """A file that is not a workbook openpyxl can read; the message says why."""


@dataclass(frozen=True)
class SheetRow:
    """One data row: each mapped column's typed value (None for an empty cell)."""

    sheet: str
    row: int
    values: dict[str, Any]

    def filled(self, names: Iterable[str]) -> bool:
        return any(self.values.get(name) not in (None, "") for name in names)


@dataclass(frozen=True)
class LedgerSheet:
    """A sheet with a header: where the header is, how it maps, its data rows."""

    name: str
    header_row: int
    mapping: list[HeaderMapping]
    rows: list[SheetRow]

    @property
    def letters(self) -> dict[str, str]:
        """Each mapped column's letter, by column name."""
        return {entry.column: entry.letter for entry in self.mapping if entry.column}

    def place(self, row: int, column: str, message: str) -> SheetError:
        """An error at ``row`` in ``column`` of this sheet (by column name)."""
        letter = self.letters.get(column, "")
        header = next((m.header for m in self.mapping if m.column == column), "")
        return SheetError(self.name, row, letter, header or str(BY_NAME[column].header), message)


@dataclass(frozen=True)
class LedgerRead:
    """A workbook read: its sheets with a header, the errors found and the file's hash."""

    sheets: list[LedgerSheet]
    errors: list[SheetError]
    sha256: str
    skipped: list[str] = field(default_factory=list)

    @property
    def mapping(self) -> list[HeaderMapping]:
        return [entry for sheet in self.sheets for entry in sheet.mapping]


# ---------------------------------------------------------------------------------------------
# The workbook

Range = tuple[int, int, int, int]  # min_col, min_row, max_col, max_row


def merged_ranges(data: bytes) -> dict[str, list[Range]]:
    """Each sheet's merged ranges, by sheet name, read from the workbook's XML (openpyxl's
    read-only mode does not read them)."""
    found: dict[str, list[Range]] = {}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = set(archive.namelist())
        workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        rels_name = "xl/_rels/workbook.xml.rels"
        rels = ElementTree.fromstring(archive.read(rels_name)) if rels_name in names else None
        targets = {
            rel.get("Id"): rel.get("Target", "")
            for rel in (rels.iter() if rels is not None else ())
            if rel.tag.endswith("Relationship")
        }
        for sheet in workbook.iter():
            if not sheet.tag.endswith("}sheet") and sheet.tag != "sheet":
                continue
            rid = next((v for k, v in sheet.attrib.items() if k.endswith("}id")), None)
            target = targets.get(rid, "")
            path = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
            path = posixpath.normpath(path)
            if path not in names:
                continue
            xml = archive.read(path)
            tail = xml[xml.rfind(b"sheetData") :]
            found[sheet.get("name", "")] = [
                range_boundaries(ref.decode())  # type: ignore[misc]
                for ref in re.findall(rb"<(?:\w+:)?mergeCell\s+ref=\"([A-Z]+\d+:[A-Z]+\d+)\"", tail)
            ]
    return found


def _rows(worksheet: Any) -> list[list[Any]]:
    worksheet.reset_dimensions()
    return [list(row) for row in worksheet.iter_rows(values_only=True)]


def _fill_merged(rows: list[list[Any]], ranges: list[Range]) -> None:
    """Write each merged range's value into every cell it covers."""
    for min_col, min_row, max_col, max_row in ranges:
        if min_row > len(rows):
            continue
        top = rows[min_row - 1]
        value = top[min_col - 1] if min_col - 1 < len(top) else None
        for number in range(min_row, min(max_row, len(rows)) + 1):
            row = rows[number - 1]
            if len(row) < max_col:
                row.extend([None] * (max_col - len(row)))
            for col in range(min_col, max_col + 1):
                row[col - 1] = value


def ledger_read(data: bytes, *, mapping: Mapping[str, str | None] | None = None) -> LedgerRead:
    """Read every sheet of a workbook that has a header row; raises :class:`LedgerFileError`
    for a file that is not an .xlsx workbook.

    ``mapping`` (header text → column name, or None / "" to read past it) overrides what the
    headers are taken for.
    """
    mapping = dict(mapping or {})
    try:
        merges = merged_ranges(data)
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError, OSError, ValueError) as error:
        raise LedgerFileError(
            _("无法读取该文件：它不是Excel工作簿（.xlsx）。（%(error)s）") % {"error": error}
        ) from error
    sheets: list[LedgerSheet] = []
    errors: list[SheetError] = []
    skipped: list[str] = []
    try:
        for worksheet in workbook.worksheets:
            if getattr(worksheet, "sheet_state", "visible") != "visible":
                continue
            rows = _rows(worksheet)
            read = _sheet_read(worksheet.title, rows, merges.get(worksheet.title, []), mapping)
            if read is None:
                skipped.append(worksheet.title)
                continue
            sheet, sheet_errors = read
            sheets.append(sheet)
            errors.extend(sheet_errors)
    finally:
        workbook.close()
    if not sheets:
        name = workbook.sheetnames[0] if workbook.sheetnames else ""
        errors.append(
            SheetError(
                name,
                None,
                "",
                "",
                _(
                    "未找到表头：每张工作表的前%(rows)s行中，没有一行含有至少%(known)s个可识别的列名（如序号、单位、问题、整改措施）。"
                )
                % {"rows": HEADER_SCAN_ROWS, "known": HEADER_MIN_KNOWN},
            )
        )
    return LedgerRead(sheets, errors, hashlib.sha256(data).hexdigest(), skipped)


def _sheet_read(
    name: str, rows: list[list[Any]], ranges: list[Range], mapping: Mapping[str, str | None]
) -> tuple[LedgerSheet, list[SheetError]] | None:
    header_row = next(
        (
            number
            for number, cells in enumerate(rows[:HEADER_SCAN_ROWS], start=1)
            if known_count(cells, mapping) >= HEADER_MIN_KNOWN
        ),
        None,
    )
    if header_row is None:
        return None
    errors: list[SheetError] = []
    for min_col, min_row, max_col, max_row in ranges:
        if min_row <= header_row <= max_row and max_col > min_col:
            span = f"{get_column_letter(min_col)}{min_row}:{get_column_letter(max_col)}{max_row}"
            top = rows[min_row - 1] if min_row <= len(rows) else []
            errors.append(
                SheetError(
                    name,
                    header_row,
                    get_column_letter(min_col),
                    header_text(top[min_col - 1] if min_col - 1 < len(top) else None),
                    _(
                        "表头单元格%(cells)s跨列合并，无法确定各列对应的字段；请取消合并，每列一个表头。"
                    )
                    % {"cells": span},
                )
            )
    # Merges standing across the header row are errors; the others are filled now.
    _fill_merged(rows, [r for r in ranges if not (r[1] <= header_row <= r[3] and r[2] > r[0])])
    entries, header_errors = headers_map(name, header_row, rows[header_row - 1], mapping)
    errors.extend(header_errors)
    sheet_rows: list[SheetRow] = []
    mapped = [(entry, BY_NAME[entry.column]) for entry in entries if entry.column]
    for number, cells in enumerate(rows[header_row:], start=header_row + 1):
        if all(value is None or (isinstance(value, str) and not value.strip()) for value in cells):
            continue
        values: dict[str, Any] = {}
        for entry, column in mapped:
            index = column_index_from_string(entry.letter) - 1
            raw = cells[index] if index < len(cells) else None
            value, problem = cell_value(column, raw)
            if problem:
                errors.append(SheetError(name, number, entry.letter, entry.header, problem))
            values[column.name] = value
        sheet_rows.append(SheetRow(name, number, values))
    return LedgerSheet(name, header_row, entries, sheet_rows), errors


__all__ = [
    "HEADER_MIN_KNOWN",
    "HEADER_SCAN_ROWS",
    "HeaderMapping",
    "LedgerFileError",
    "LedgerRead",
    "LedgerSheet",
    "SheetError",
    "SheetRow",
    "ledger_read",
    "merged_ranges",
]
