"""A ledger sheet's rows grouped into its problems, each with its measures' rows.

A problem's rows share its key (问题编号), or else its unit, 序号 and title; a row with no
problem cells continues the problem above (a problem's cells merged down or left blank under
its first row). Rows of one problem that say different things of it are an error, and so is a
measure key on two rows. Nothing here touches the database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from xuncha.ledgers.columns import BY_NAME, COLUMNS, Level, Owner
from xuncha.ledgers.reading import LedgerRead, LedgerSheet, SheetError, SheetRow

PROBLEM_COLUMNS = tuple(
    c.name for c in COLUMNS if c.level == Level.PROBLEM and c.owner != Owner.KEY
)
MEASURE_COLUMNS = tuple(
    c.name for c in COLUMNS if c.level == Level.MEASURE and c.owner != Owner.KEY
)
# The cells that say which problem a keyless row belongs to.
IDENTITY = ("unit", "ordinal", "title")


def comparable(text: Any) -> str:
    """Text as compared: runs of whitespace as one space, ends trimmed (Excel and people change
    line ends and spaces without meaning anything by it)."""
    return re.sub(r"\s+", " ", str(text or "")).strip()


@dataclass
class SheetMeasure:
    """A measure's row: its place under its problem (1, 2 …) and its measure cells."""

    sheet: str
    row: int
    position: int
    values: dict[str, Any]

    @property
    def text(self) -> str:
        return str(self.values.get("measure") or "")


@dataclass
class SheetProblem:
    """A problem's rows in one sheet: its own cells (the same on each row) and its measures."""

    sheet: LedgerSheet
    row: int
    rows: list[int]
    values: dict[str, Any]
    measures: list[SheetMeasure] = field(default_factory=list)

    @property
    def title(self) -> str:
        return str(self.values.get("title") or "")

    def error(self, column: str, message: str, row: int | None = None) -> SheetError:
        return self.sheet.place(row or self.row, column, message)


def _identity(row: SheetRow) -> tuple[Any, ...] | None:
    key = row.values.get("problem_key")
    if key:
        return ("key", str(key).strip().upper())
    if not row.filled(PROBLEM_COLUMNS):
        return None
    return ("cells", *(comparable(row.values.get(name)) for name in IDENTITY))


def sheet_problems(read: LedgerRead) -> tuple[list[SheetProblem], list[SheetError]]:
    """The problems of every sheet, in order, with their measures; and the errors: rows of one
    problem that disagree, a measure key on two rows, a row that belongs to no problem."""
    problems: list[SheetProblem] = []
    errors: list[SheetError] = []
    measure_rows: dict[str, tuple[str, int]] = {}
    for sheet in read.sheets:
        by_identity: dict[tuple[Any, ...], SheetProblem] = {}
        current: SheetProblem | None = None
        for row in sheet.rows:
            identity = _identity(row)
            if identity is None:
                if current is None:
                    errors.append(
                        SheetError(
                            sheet.name, row.row, "", "", _("该行没有问题信息，也不在某个问题之下。")
                        )
                    )
                    continue
            elif identity in by_identity:
                current = by_identity[identity]
                current.rows.append(row.row)
                errors.extend(_disagreements(current, row))
            else:
                problem_values = {name: row.values.get(name) for name in PROBLEM_COLUMNS}
                problem_values["problem_key"] = row.values.get("problem_key")
                current = SheetProblem(sheet, row.row, [row.row], problem_values)
                by_identity[identity] = current
                problems.append(current)
            if row.filled((*MEASURE_COLUMNS, "measure_key")):
                values = {name: row.values.get(name) for name in (*MEASURE_COLUMNS, "measure_key")}
                key = str(values.get("measure_key") or "").strip().upper()
                if key and key in measure_rows:
                    where = measure_rows[key]
                    errors.append(
                        sheet.place(
                            row.row,
                            "measure_key",
                            _("措施编号%(key)s已在%(sheet)s第%(row)s行出现；同一措施只能占一行。")
                            % {"key": key, "sheet": where[0], "row": where[1]},
                        )
                    )
                    continue
                if key:
                    measure_rows[key] = (sheet.name, row.row)
                position = len(current.measures) + 1
                current.measures.append(SheetMeasure(sheet.name, row.row, position, values))
    return problems, errors


def _disagreements(problem: SheetProblem, row: SheetRow) -> list[SheetError]:
    """A later row of a problem whose problem cells say otherwise than its first row."""
    errors = []
    for name in PROBLEM_COLUMNS:
        value = row.values.get(name)
        if value is None:
            continue
        first = problem.values.get(name)
        if first is None:
            problem.values[name] = value
        elif comparable(first) != comparable(value):
            errors.append(
                problem.error(
                    name,
                    _("同一问题的各行中“%(header)s”不一致：第%(first)s行为“%(a)s”，此行为“%(b)s”。")
                    % {
                        "header": BY_NAME[name].header,
                        "first": problem.row,
                        "a": comparable(first),
                        "b": comparable(value),
                    },
                    row=row.row,
                )
            )
    return errors


__all__ = [
    "MEASURE_COLUMNS",
    "PROBLEM_COLUMNS",
    "SheetMeasure",
    "SheetProblem",
    "comparable",
    "sheet_problems",
]
