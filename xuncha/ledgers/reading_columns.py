"""How a ledger sheet's headers and cells are read as the ledger's columns.

A header maps to a column of :data:`~xuncha.ledgers.columns.COLUMNS` by its exact name, then a
synonym, then a normalised form (spaces, full-width forms and bracketed notes removed), unless
the caller's mapping says otherwise; a cell is read as its column's
:class:`~xuncha.ledgers.columns.Kind` says, or gives the message saying why it does not fit.
Nothing here touches the database.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel
from rapidfuzz import fuzz, process

from xuncha.findings.models import MeasureStatus, RectificationKind
from xuncha.ledgers.columns import BY_NAME, COLUMNS, NO, YES, Column, Kind

CANDIDATE_SCORE = 50
"""How alike (rapidfuzz ratio, 0-100) a column's name must be to an unknown header to be
offered as what it may mean: headers are a few characters long, so half of them alike
("牵头人" and "牵头领导", "完成日期" and "完成时间") is a fair guess to offer."""

IGNORE = ""
"""In a caller's mapping, a header mapped to this (or to None) is read past."""

CHOICES: dict[str, type[models.TextChoices]] = {
    "rectification_kind": RectificationKind,
    "measure_status": MeasureStatus,
}


@dataclass(frozen=True)
class SheetError:
    """What is wrong in the sheet, and where: the sheet, the Excel row number, the column's
    letter and header (empty when the error is about a whole row or sheet)."""

    sheet: str
    row: int | None
    letter: str
    header: str
    message: str

    @property
    def column(self) -> str:
        """The column as people name it: "K（完成时限）"."""
        if self.letter and self.header:
            return f"{self.letter}（{self.header}）"
        return self.letter or self.header

    @property
    def where(self) -> str:
        """ "台账!K12（完成时限）", the place as a spreadsheet user reads it."""
        cell = f"{self.letter}{self.row or ''}" if self.letter else ""
        row = "" if self.letter else (_("第%(row)s行") % {"row": self.row} if self.row else "")
        header = f"（{self.header}）" if self.header else ""
        return f"{self.sheet}!{cell or row}{header}"

    def as_json(self) -> dict[str, Any]:
        return {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.letter,
            "header": self.header,
            "message": self.message,
        }


@dataclass(frozen=True)
class HeaderMapping:
    """One header of a sheet and the column it was taken for (None: unknown or ignored).

    ``how`` says how it was found: "exact", "synonym", "normalised", "mapping" (the caller's),
    "ignored" or "unknown"; ``candidates`` are the columns an unknown header may mean, best
    first, for a page to offer.
    """

    sheet: str
    letter: str
    header: str
    column: str | None
    how: str
    candidates: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return str(BY_NAME[self.column].header) if self.column else ""

    def as_json(self) -> dict[str, Any]:
        return {
            "sheet": self.sheet,
            "letter": self.letter,
            "header": self.header,
            "column": self.column,
            "label": self.label,
            "how": self.how,
            "candidates": [
                {"column": name, "label": str(BY_NAME[name].header)} for name in self.candidates
            ],
        }


# ---------------------------------------------------------------------------------------------
# Headers

_BRACKETED = re.compile(r"[（(【\[〔<《][^）)】\]〕>》]*[）)】\]〕>》]")
_NOISE = re.compile(r"[\s*＊:：、/／\\]+")


def header_normalised(text: str) -> str:
    """A header as compared when neither its name nor a synonym matches: full-width forms
    folded, bracketed notes ("完成时限（年月日）") and spaces removed."""
    folded = unicodedata.normalize("NFKC", text)
    return _NOISE.sub("", _BRACKETED.sub("", folded)).lower()


def _names_of(column: Column) -> list[str]:
    return [str(column.header), *column.synonyms]


def header_column(text: str) -> tuple[str | None, str]:
    """The column a header names and how it was found ("exact", "synonym", "normalised"), or
    (None, "unknown")."""
    stripped = text.strip()
    for column in COLUMNS:
        if stripped == str(column.header):
            return column.name, "exact"
    for column in COLUMNS:
        if stripped in column.synonyms:
            return column.name, "synonym"
    wanted = header_normalised(stripped)
    if wanted:
        for column in COLUMNS:
            if any(header_normalised(name) == wanted for name in _names_of(column)):
                return column.name, "normalised"
    return None, "unknown"


def header_candidates(text: str, limit: int = 3) -> tuple[str, ...]:
    """The columns an unknown header may mean, best first."""
    choices = {
        f"{column.name}\t{name}": header_normalised(name)
        for column in COLUMNS
        for name in _names_of(column)
    }
    found: list[str] = []
    for _choice, score, key in process.extract(
        header_normalised(text), choices, scorer=fuzz.ratio, limit=limit * 4
    ):
        name = key.split("\t", 1)[0]
        if score >= CANDIDATE_SCORE and name not in found:
            found.append(name)
    return tuple(found[:limit])


def _override(mapping: Mapping[str, str | None], header: str) -> tuple[bool, str | None]:
    """Whether the caller's mapping speaks of ``header`` (exactly or normalised), and what
    it maps it to (None: read past it)."""
    if header in mapping:
        target = mapping[header]
    else:
        wanted = header_normalised(header)
        keys = [key for key in mapping if header_normalised(key) == wanted]
        if not keys:
            return False, None
        target = mapping[keys[0]]
    return True, (target or None)


def header_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def headers_map(
    sheet: str, row: int, cells: list[Any], mapping: Mapping[str, str | None]
) -> tuple[list[HeaderMapping], list[SheetError]]:
    """Each header of the header row (``row``) mapped to its column, and the errors: unknown
    headers, two headers for one column, a mapping to no column."""
    entries: list[HeaderMapping] = []
    errors: list[SheetError] = []
    taken: dict[str, HeaderMapping] = {}
    for index, value in enumerate(cells, start=1):
        header = header_text(value)
        if not header:
            continue
        letter = get_column_letter(index)
        spoken, target = _override(mapping, header)
        if spoken:
            if target is not None and target not in BY_NAME:
                errors.append(
                    SheetError(
                        sheet,
                        row,
                        letter,
                        header,
                        _("映射指定的字段“%(name)s”不存在。") % {"name": target},
                    )
                )
                target = None
            entry = HeaderMapping(sheet, letter, header, target, "mapping" if target else "ignored")
        else:
            name, how = header_column(header)
            entry = HeaderMapping(
                sheet, letter, header, name, how, () if name else header_candidates(header)
            )
            if name is None:
                errors.append(
                    SheetError(
                        sheet,
                        row,
                        letter,
                        header,
                        _("无法识别的列名“%(header)s”；请在映射中指定它对应的字段或忽略该列。")
                        % {"header": header},
                    )
                )
        if entry.column is not None and entry.column in taken:
            first = taken[entry.column]
            errors.append(
                SheetError(
                    sheet,
                    row,
                    letter,
                    header,
                    _(
                        "“%(header)s”与%(first)s列“%(first_header)s”都对应字段“%(label)s”；请在映射中忽略其中一列。"
                    )
                    % {
                        "header": header,
                        "first": first.letter,
                        "first_header": first.header,
                        "label": entry.label,
                    },
                )
            )
            entry = HeaderMapping(sheet, letter, header, None, "unknown", (entry.column,))
        elif entry.column is not None:
            taken[entry.column] = entry
        entries.append(entry)
    return entries, errors


def known_count(cells: list[Any], mapping: Mapping[str, str | None]) -> int:
    count = 0
    for value in cells:
        header = header_text(value)
        if not header:
            continue
        spoken, target = _override(mapping, header)
        if (spoken and target) or (not spoken and header_column(header)[0] is not None):
            count += 1
    return count


# ---------------------------------------------------------------------------------------------
# Cells

_DATE_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T].*)?$")
# Excel's serial numbers from 1954 to 2119: a number in a date column that is a date unformatted.
_SERIAL_RANGE = (20_000, 80_000)


def choice_labels(name: str) -> dict[str, str]:
    """The labels (and codes) a choice column accepts, normalised, to the stored value."""
    choices = CHOICES[name]
    accepted: dict[str, str] = {}
    for value, label in choices.choices:
        accepted[header_normalised(str(label))] = value
        accepted[header_normalised(value)] = value
    return accepted


def _text(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).replace("\r\n", "\n").strip()


def cell_value(column: Column, value: Any) -> tuple[Any, str]:
    """A cell's value as its column reads it, or (None, the error message).

    Empty cells (None or blank text) read as None.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, ""
    if column.kind == Kind.TEXT:
        return _text(value), ""
    if column.kind == Kind.INT:
        return _int_value(value)
    if column.kind == Kind.DATE:
        return _date_value(value)
    if column.kind == Kind.CHOICE:
        found = choice_labels(column.name).get(header_normalised(_text(value)))
        if found is None:
            labels = "、".join(str(label) for _value, label in CHOICES[column.name].choices)
            return None, _("“%(value)s”不是有效的%(header)s，应为：%(labels)s。") % {
                "value": _text(value),
                "header": column.header,
                "labels": labels,
            }
        return found, ""
    text = _text(value)
    if text in (str(YES), "已销号", "Y", "y"):
        return True, ""
    if text in (str(NO), "未销号", "N", "n"):
        return False, ""
    return None, _("“%(value)s”应填“%(yes)s”或“%(no)s”。") % {"value": text, "yes": YES, "no": NO}


def _int_value(value: Any) -> tuple[Any, str]:
    if isinstance(value, dt.date | dt.time):
        shown = value.date() if isinstance(value, dt.datetime) else value
        return None, _("此列应填整数，这里却是日期（%(value)s）。") % {"value": shown}
    if isinstance(value, bool):
        return None, _("此列应填整数。")
    if isinstance(value, int):
        return value, ""
    if isinstance(value, float):
        if value.is_integer():
            return int(value), ""
        return None, _("此列应填整数，这里是“%(value)s”。") % {"value": value}
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if text.isdigit():
        return int(text), ""
    return None, _("此列应填整数，这里是“%(value)s”。") % {"value": text}


def _date_value(value: Any) -> tuple[Any, str]:
    if isinstance(value, dt.datetime):
        return value.date(), ""
    if isinstance(value, dt.date):
        return value, ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        if _SERIAL_RANGE[0] <= value <= _SERIAL_RANGE[1]:
            day = from_excel(value)
            if isinstance(day, dt.datetime):
                return day.date(), ""
        return None, _("“%(value)s”不是日期。") % {"value": _text(value)}
    text = unicodedata.normalize("NFKC", str(value)).strip()
    match = _DATE_TEXT.match(text)
    if match:
        try:
            return dt.date(*(int(part) for part in match.groups())), ""
        except ValueError:
            pass
    return None, _(
        "“%(value)s”不是日期；请填Excel日期，或写作2025-06-30、2025年6月30日、2025.6.30。"
    ) % {"value": text}


__all__ = [
    "CANDIDATE_SCORE",
    "CHOICES",
    "IGNORE",
    "HeaderMapping",
    "SheetError",
    "cell_value",
    "choice_labels",
    "header_candidates",
    "header_column",
    "header_normalised",
    "header_text",
    "headers_map",
    "known_count",
]
