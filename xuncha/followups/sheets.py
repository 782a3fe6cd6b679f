"""Reading a satisfaction survey (满意度测评) from an .xlsx sheet, without Django.

The first worksheet's first row holds the questions (other columns, such as 序号 or 备注, are
ignored); each following row is one respondent, one scale label per question. A blank row is
skipped, a blank answer is kept as not answered. Every bad cell is reported by sheet, row and
column, and nothing is returned unless the whole sheet is good.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from xuncha.followups.scales import Translate, answer_problem, normalise_answer, same
from xuncha.text._i18n import gettext_noop

MAX_REPORTED = 20
# What openpyxl, zipfile and the XML parser raise on a file that is not a sound .xlsx: cut short,
# garbled bytes, missing parts. Caught only around the calls that read the file, so a mistake in
# this module's own code still shows as one.
_UNREADABLE: tuple[type[Exception], ...] = (
    InvalidFileException,
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    struct.error,
    EOFError,
    RuntimeError,  # zipfile: an encrypted part, an unknown compression method
    KeyError,
    IndexError,
    OSError,
    ValueError,
    TypeError,
    AttributeError,
    SyntaxError,  # xml.etree's ParseError and lxml's syntax errors
)


@dataclass(frozen=True)
class SheetRow:
    """One respondent: the sheet row they were read from and their answers, in question order."""

    row: int
    answers: tuple[str, ...]


class SheetError(ValueError):
    """A sheet that cannot be imported; ``errors`` lists each bad cell, the message sums up."""

    def __init__(self, errors: Sequence[str], translate: Translate = same) -> None:
        self.errors = list(errors)
        shown = self.errors[:MAX_REPORTED]
        more = len(self.errors) - len(shown)
        message = translate(gettext_noop("；")).join(shown)
        if more > 0:
            total = translate(gettext_noop("；等共%(count)s处错误"))
            message += total % {"count": len(self.errors)}
        super().__init__(
            translate(gettext_noop("测评表未导入：%(errors)s。")) % {"errors": message}
        )


def read_survey_sheet(
    file: str | IO[bytes],
    *,
    questions: Sequence[str],
    scores: Mapping[str, Decimal],
    name: str = "",
    translate: Translate = same,
) -> list[SheetRow]:
    """The respondents of the sheet, or :class:`SheetError` naming every bad cell.

    The messages are marked for translation and passed through ``translate`` (the Django
    side's ``gettext``).
    """
    named = {"name": name}
    try:
        workbook = load_workbook(file, read_only=True, data_only=True)
    except _UNREADABLE:
        message = translate(gettext_noop("文件“%(name)s”不是有效的 Excel（.xlsx）文件"))
        raise SheetError([message % named], translate) from None
    try:
        if not workbook.worksheets:
            raise SheetError(
                [translate(gettext_noop("文件“%(name)s”没有工作表")) % named], translate
            )
        try:
            sheet = workbook.worksheets[0]
            title = sheet.title
            # the rows are read from the file only now, so damage inside the sheet shows here
            rows = [tuple(row) for row in sheet.iter_rows(values_only=True)]
        except _UNREADABLE:
            message = translate(gettext_noop("文件“%(name)s”已损坏，无法读出第一个工作表的内容"))
            raise SheetError([message % named], translate) from None
        return _read_rows(rows, title, questions, scores, translate)
    finally:
        workbook.close()


def _read_rows(
    rows: list[tuple[Any, ...]],
    title: str,
    questions: Sequence[str],
    scores: Mapping[str, Decimal],
    translate: Translate,
) -> list[SheetRow]:
    where = translate(gettext_noop("工作表“%(title)s”")) % {"title": title}
    if not rows:
        raise SheetError([translate(gettext_noop("%(where)s是空的")) % {"where": where}], translate)
    columns, errors = _question_columns(rows[0], where, questions, translate)
    if errors:
        raise SheetError(errors, translate)
    respondents: list[SheetRow] = []
    for number, row in enumerate(rows[1:], start=2):
        answers = tuple(
            normalise_answer(row[column] if column < len(row) else None) for column in columns
        )
        if not any(answers):
            continue
        for column, answer in zip(columns, answers, strict=True):
            problem = answer_problem(answer, scores, translate)
            if problem:
                cell = {"where": where, "row": number, "column": get_column_letter(column + 1)}
                message = translate(gettext_noop("%(where)s第%(row)s行第%(column)s列：%(problem)s"))
                errors.append(message % (cell | {"problem": problem}))
        respondents.append(SheetRow(row=number, answers=answers))
    if errors:
        raise SheetError(errors, translate)
    if not respondents:
        message = translate(gettext_noop("%(where)s第1行以下没有答卷"))
        raise SheetError([message % {"where": where}], translate)
    return respondents


def _question_columns(
    header: tuple[Any, ...], where: str, questions: Sequence[str], translate: Translate
) -> tuple[list[int], list[str]]:
    """The column of each question in the header row, and what is missing or repeated."""
    found: dict[str, int] = {}
    errors: list[str] = []
    repeated = translate(gettext_noop("%(where)s第1行第%(column)s列：题目“%(question)s”重复"))
    for column, cell in enumerate(header):
        text = normalise_answer(cell)
        if text in questions:
            if text in found:
                letter = get_column_letter(column + 1)
                errors.append(repeated % {"where": where, "column": letter, "question": text})
            found.setdefault(text, column)
    missing = translate(gettext_noop("%(where)s第1行缺少题目“%(question)s”"))
    errors.extend(missing % {"where": where, "question": q} for q in questions if q not in found)
    return [found.get(q, -1) for q in questions], errors


__all__ = ["SheetError", "SheetRow", "read_survey_sheet"]
