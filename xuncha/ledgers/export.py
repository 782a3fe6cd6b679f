"""The ledger (整改台账) written to an .xlsx workbook, laid out as ``ledgers.columns`` says.

One row per measure (a problem without measures has one row); a problem's own cells are merged
down over its measures' rows, or repeated on each (``merge=False``). The rows are those of the
ledger page for the same user and filters.

Memory stays flat whatever the number of problems: the problems are read in chunks of
:data:`CHUNK` in id order (or in the page's sort, their ids read first in that order) as plain
tuples, each chunk's measures, latest progress reports and evidence counts in two aggregate
queries, and XlsxWriter runs in ``constant_memory`` mode, which writes each row to a temporary
file as soon as the next row begins.

Merges: in that mode a cell is written only while its row is the current one, and
``merge_range`` pads the rows below with formatted blanks, which moves the current row down
(XlsxWriter documents that it does not work in ``constant_memory`` mode). Unformatted, it works,
but keeps a dict entry for every merged cell and a list for every range until the sheet is
closed: about 400 MB and 20 s at 100,000 problems. So the sheet writes each problem's cells on
its first row and records the problem's rows in :class:`ProblemMerges`, which stands in for
the worksheet's list of merges (``Worksheet.merge``, written after the rows when the workbook
closes): 8 bytes a problem. The tests read the merges back, should a new XlsxWriter change
that list.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from array import array
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import IO, Any, NamedTuple

import xlsxwriter
from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from xuncha.clocks.models import WarningColour
from xuncha.clocks.registry import kind_label
from xuncha.clocks.selectors import PAUSED, colour_filter, kind_filter, warning_colour
from xuncha.core.permissions import Viewer
from xuncha.findings.filters import SORT_LABELS, sort_order
from xuncha.findings.models import (
    Measure,
    MeasureStatus,
    Problem,
    ProblemStatus,
    RectificationKind,
)
from xuncha.findings.search import search_problems, search_terms
from xuncha.findings.selectors import ledger_problems
from xuncha.ledgers.columns import COLUMNS, NO, YES, Kind, Level, measure_key, problem_key
from xuncha.rectification.models import Evidence, ProgressReport
from xuncha.rounds.models import Group, Round, Unit

CHUNK = 2_000
"""Problems read (and rows kept in memory) at a time."""

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "yyyy-mm-dd"
PROBLEM_FIELDS = (
    "id",
    "ordinal",
    "title",
    "category",
    "rectification_kind",
    "deadline",
    "status",
    "nearest_due",
    "nearest_kind",
    "nearest_paused",
    "assignment__unit__name",
    "assignment__group__name",
)

Output = str | os.PathLike[str] | IO[bytes]


@dataclass(frozen=True)
class LedgerExport:
    """What an export wrote: how many problems and rows (header aside), and the round it was
    limited to, if any (for the file's name)."""

    problems: int
    rows: int
    round_name: str | None


class MeasureRow(NamedTuple):
    pk: int
    problem_id: int
    text: str
    owner: str
    department: str
    deadline: dt.date | None
    status: str
    progress: str | None
    evidence: int


class ProblemRow(NamedTuple):
    pk: int
    ordinal: int
    title: str
    category: str
    rectification_kind: str
    deadline: dt.date | None
    status: str
    nearest_due: dt.date | None
    nearest_kind: str
    nearest_paused: bool
    unit: str
    group: str | None


class ProblemMerges:
    """The merged ranges of a sheet as XlsxWriter reads them when it closes (``len`` and
    iteration over (first row, first column, last row, last column)), kept as each problem's
    first and last rows, merged in every one of ``columns``."""

    def __init__(self, columns: Sequence[int]) -> None:
        self.columns = tuple(columns)
        self._rows = array("I")

    def add(self, first_row: int, last_row: int) -> None:
        self._rows.extend((first_row, last_row))

    def __len__(self) -> int:
        return len(self._rows) // 2 * len(self.columns)

    def __iter__(self) -> Iterator[tuple[int, int, int, int]]:
        rows = self._rows
        for start in range(0, len(rows), 2):
            for column in self.columns:
                yield rows[start], column, rows[start + 1], column


def ledger_xlsx(
    user: Viewer | None,
    *,
    filters: Mapping[str, Any],
    warning: str | None,
    deadline_kind: str | None,
    today: dt.date,
    out: Output,
    merge: bool = True,
    unit_ids: Collection[int] | None = None,
    now: dt.datetime | None = None,
) -> LedgerExport:
    """Write the ledger ``user`` may see, filtered as the ledger page filters it, to ``out`` (a
    path or a binary file object).

    ``filters`` are the page form's (``round_id``, ``group_id``, ``unit_id``, ``status``, and
    the search ``q`` and the ``sort``: the rows follow the page's sort when one is given),
    ``warning`` a colour or "paused", ``deadline_kind`` the kind of deadline the warning is
    about; ``unit_ids`` limits the rows to those units besides. ``user`` None is the system
    (the command line), which sees every problem. ``merge`` merges each problem's cells over
    its measures' rows; without it they are repeated on each row.
    """
    now = now or timezone.now()
    problems = ledger_queryset(
        user,
        filters=filters,
        warning=warning,
        deadline_kind=deadline_kind,
        today=today,
        unit_ids=unit_ids,
    )
    target = os.fspath(out) if isinstance(out, (str, os.PathLike)) else out
    with xlsxwriter.Workbook(target, {"constant_memory": True}) as workbook:
        sheet = _LedgerSheet(workbook, today=today, merge=merge)
        about = workbook.add_worksheet(_("导出说明"))
        chunks = (
            sorted_problem_chunks(problems, CHUNK)
            if filters.get("sort")
            else problem_chunks(problems, CHUNK)
        )
        for chunk in chunks:
            sheet.write_chunk(chunk, measures_of([problem.pk for problem in chunk]))
        sheet.finish()
        scope = scope_lines(
            user,
            filters=filters,
            warning=warning,
            deadline_kind=deadline_kind,
            unit_ids=unit_ids,
        )
        round_name = _round_name(filters.get("round_id"))
        _write_about(workbook, about, now=now, scope=scope, merge=merge, sheet=sheet)
        title = _("整改台账")
        workbook.set_properties(
            {
                "title": f"{title}（{round_name}）" if round_name else title,
                "subject": title,
                "author": _("巡察办"),
                "comments": "；".join(f"{label}：{value}" for label, value in scope),
                "created": now.astimezone(dt.UTC).replace(tzinfo=None),
            }
        )
    return LedgerExport(problems=sheet.problems, rows=sheet.rows, round_name=round_name)


def ledger_filename(today: dt.date, round_name: str | None = None) -> str:
    """整改台账-<轮次>-2026-01-05.xlsx, with what a file name may not hold replaced."""
    parts = [_("整改台账"), *([round_name] if round_name else []), today.isoformat()]
    return re.sub(r'[\\/:*?"<>|\s]+', "_", "-".join(parts)) + ".xlsx"


def ledger_queryset(
    user: Viewer | None,
    *,
    filters: Mapping[str, Any],
    warning: str | None,
    deadline_kind: str | None,
    today: dt.date,
    unit_ids: Collection[int] | None = None,
) -> QuerySet[Problem]:
    """The ledger's problems with only the columns the sheet shows, in the page's sort (id
    order without one)."""
    problems = _every_problem(**filters) if user is None else ledger_problems(user, **filters)
    if unit_ids is not None:
        problems = problems.filter(assignment__unit_id__in=list(unit_ids))
    if warning:
        problems = problems.filter(colour_filter(warning, today))
    if deadline_kind:
        problems = problems.filter(kind_filter(deadline_kind))
    return problems.select_related(None).order_by(*sort_order(filters.get("sort")))


def _every_problem(
    *,
    round_id: int | None = None,
    group_id: int | None = None,
    unit_id: int | None = None,
    status: str | None = None,
    q: str | None = None,
    sort: str | None = None,
) -> QuerySet[Problem]:
    """The system's ledger: every problem, with the page's filters (``ledger_problems`` reads
    through a user's scope, and a missing user sees nothing there); ``sort`` is applied by
    the caller."""
    lookups = {
        "assignment__round_id": round_id,
        "assignment__group_id": group_id,
        "assignment__unit_id": unit_id,
        "status": status,
    }
    problems = Problem.objects.filter(**{key: value for key, value in lookups.items() if value})
    return search_problems(problems, q)


def problem_chunks(problems: QuerySet[Problem], size: int) -> Iterator[list[ProblemRow]]:
    """The problems ``size`` at a time as tuples of the sheet's fields, each chunk found from
    the last id of the one before (an index walk, however deep into the table)."""
    last = 0
    while True:
        rows = problems.filter(pk__gt=last).values_list(*PROBLEM_FIELDS)[:size]
        chunk = [ProblemRow(*row) for row in rows]
        if not chunk:
            return
        yield chunk
        if len(chunk) < size:
            return
        last = chunk[-1].pk


def sorted_problem_chunks(problems: QuerySet[Problem], size: int) -> Iterator[list[ProblemRow]]:
    """The problems ``size`` at a time in the queryset's own order (a sort column, then the
    id): their ids are read once in that order (one integer a problem), then each chunk's
    rows by id, put back in order."""
    ids = list(problems.values_list("pk", flat=True))
    for start in range(0, len(ids), size):
        chunk_ids = ids[start : start + size]
        rows = problems.order_by().filter(pk__in=chunk_ids).values_list(*PROBLEM_FIELDS)
        by_id = {row[0]: ProblemRow(*row) for row in rows}
        yield [by_id[pk] for pk in chunk_ids if pk in by_id]


def measures_of(problem_ids: Collection[int]) -> dict[int, list[MeasureRow]]:
    """The measures of the given problems by problem, in order, each with the text of its
    latest progress report and its count of current evidence files (not superseded by a newer
    version): two queries."""
    latest = ProgressReport.objects.filter(measure=OuterRef("pk")).order_by("-created_at", "-id")
    rows = (
        Measure.objects.filter(problem_id__in=list(problem_ids))
        .annotate(progress=Subquery(latest.values("text")[:1]))
        .order_by("problem_id", "ordinal")
        .values_list(
            "pk", "problem_id", "text", "owner", "department", "deadline", "status", "progress"
        )
    )
    evidence = dict(
        Evidence.objects.filter(
            measure__problem_id__in=list(problem_ids), superseded_by__isnull=True
        )
        .order_by()
        .values("measure_id")
        .annotate(files=Count("pk"))
        .values_list("measure_id", "files")
    )
    found: dict[int, list[MeasureRow]] = {}
    for row in rows:
        found.setdefault(row[1], []).append(MeasureRow(*row, evidence.get(row[0], 0)))
    return found


def warning_label(
    problem: Problem | ProblemRow, today: dt.date, labels: Mapping[str, str] | None = None
) -> str:
    """The problem's warning as the ledger page shows it: 正常 / 临期 / 逾期, 暂停 while its
    nearest deadline is paused, empty without an open deadline. ``labels`` (from
    :func:`warning_labels`) spares translating them again for each problem."""
    labels = labels or warning_labels()
    if not problem.nearest_kind:
        return ""
    if problem.nearest_paused:
        return labels[PAUSED]
    colour = warning_colour(problem.nearest_due, today)
    return labels[colour] if colour else ""


def warning_labels() -> dict[str, str]:
    """{colour: its label, "paused": 暂停}, as the ledger page's badges read."""
    return {**{value: str(label) for value, label in WarningColour.choices}, PAUSED: _("暂停")}


# ---------------------------------------------------------------- the cells


def _problem_cells(today: dt.date) -> dict[str, Callable[[ProblemRow], Any]]:
    # Each label translated once, not once a row (a choice's display hashes its choices).
    yes, no = str(YES), str(NO)
    kinds = {value: str(label) for value, label in RectificationKind.choices}
    warnings = warning_labels()
    return {
        "ordinal": lambda p: p.ordinal,
        "unit": lambda p: p.unit,
        "group": lambda p: p.group,
        "title": lambda p: p.title,
        "category": lambda p: p.category,
        "rectification_kind": lambda p: kinds.get(p.rectification_kind, p.rectification_kind),
        "problem_deadline": lambda p: p.deadline,
        "closed": lambda p: yes if p.status == ProblemStatus.CLOSED else no,
        "warning": lambda p: warning_label(p, today, warnings),
        "problem_key": lambda p: problem_key(p.pk),
    }


def _measure_cells() -> dict[str, Callable[[MeasureRow], Any]]:
    statuses = {value: str(label) for value, label in MeasureStatus.choices}
    return {
        "measure": lambda m: m.text,
        "owner": lambda m: m.owner,
        "department": lambda m: m.department,
        "deadline": lambda m: m.deadline,
        "progress": lambda m: m.progress or "",
        "measure_status": lambda m: statuses.get(m.status, m.status),
        "evidence": lambda m: m.evidence,
        "measure_key": lambda m: measure_key(m.pk),
    }


Cell = tuple[int, Callable[[Any], Any], Callable[..., Any], Any]
"""A column as the sheet writes it: its index, its value's getter, the writer and format."""


class _LedgerSheet:
    """The ledger's worksheet, written row by row as constant-memory mode requires."""

    def __init__(self, workbook: Any, *, today: dt.date, merge: bool) -> None:
        self.sheet = workbook.add_worksheet(_("整改台账"))
        self.merge = merge
        self.rows = 0
        self.problems = 0
        getters: dict[str, Callable[[Any], Any]] = {**_problem_cells(today), **_measure_cells()}
        if set(getters) != {column.name for column in COLUMNS}:
            raise RuntimeError("every column of ledgers.columns needs a value in the export")
        base = {"valign": "vcenter"}
        date = workbook.add_format({**base, "num_format": DATE_FORMAT})
        text = workbook.add_format({**base, "text_wrap": True})
        # Texts are always written as strings, never as formulas, whatever they start with.
        writers = {
            Kind.DATE: (self.sheet.write_datetime, date),
            Kind.INT: (self.sheet.write_number, workbook.add_format(base)),
        }
        cells: dict[Level, list[Cell]] = {Level.PROBLEM: [], Level.MEASURE: []}
        for index, column in enumerate(COLUMNS):
            writer, cell_format = writers.get(column.kind, (self.sheet.write_string, text))
            cells[column.level].append((index, getters[column.name], writer, cell_format))
        self.problem_cells, self.measure_cells = cells[Level.PROBLEM], cells[Level.MEASURE]
        self.merges = ProblemMerges([index for index, *_rest in self.problem_cells])
        self.sheet.merge = self.merges  # see the module's docstring
        self._write_header(workbook)

    def _write_header(self, workbook: Any) -> None:
        header = workbook.add_format(
            {
                "bold": True,
                "text_wrap": True,
                "align": "center",
                "valign": "vcenter",
                "border": 1,
                "bg_color": "#DDEBF7",
            }
        )
        for index, column in enumerate(COLUMNS):
            self.sheet.set_column(index, index, column.width)
            self.sheet.write_string(0, index, str(column.header), header)
        self.sheet.freeze_panes(1, 0)

    def write_chunk(
        self, problems: list[ProblemRow], measures: Mapping[int, list[MeasureRow]]
    ) -> None:
        for problem in problems:
            self._write_problem(problem, measures.get(problem.pk, []))

    def _write_problem(self, problem: ProblemRow, measures: list[MeasureRow]) -> None:
        first = self.rows + 1
        span = max(1, len(measures))
        if self.merge and span > 1:
            self.merges.add(first, first + span - 1)
        for offset in range(span):
            row = first + offset
            if offset == 0 or not self.merge:
                _write(row, problem, self.problem_cells)
            if measures:
                _write(row, measures[offset], self.measure_cells)
        self.rows += span
        self.problems += 1

    def finish(self) -> None:
        self.sheet.autofilter(0, 0, self.rows, len(COLUMNS) - 1)


def _write(row: int, record: Any, cells: list[Cell]) -> None:
    for index, getter, writer, cell_format in cells:
        value = getter(record)
        if value is not None and value != "":
            writer(row, index, value, cell_format)


# ---------------------------------------------------------------- what was exported


def scope_lines(
    user: Viewer | None,
    *,
    filters: Mapping[str, Any],
    warning: str | None,
    deadline_kind: str | None,
    unit_ids: Collection[int] | None = None,
) -> list[tuple[str, str]]:
    """The export's scope as (label, value) lines: who, and each filter (全部 when unset)."""
    every = _("全部")
    group = (
        Group.objects.filter(pk=filters["group_id"]).values_list("round__name", "name").first()
        if filters.get("group_id")
        else None
    )
    units = [filters["unit_id"]] if filters.get("unit_id") else []
    units += list(unit_ids or ())
    unit_names = Unit.objects.filter(pk__in=units).order_by("name").values_list("name", flat=True)
    status = filters.get("status")
    warnings = {**dict(WarningColour.choices), PAUSED: _("暂停计时")}
    terms = search_terms(filters.get("q"))
    return [
        (_("导出人"), user.get_username() if user is not None else _("系统")),
        (_("轮次"), _round_name(filters.get("round_id")) or every),
        (_("巡察组"), " · ".join(group) if group else every),
        (_("单位"), "、".join(unit_names) if units else every),
        (_("状态"), str(ProblemStatus(status).label) if status else every),
        (_("预警"), str(warnings.get(warning, warning)) if warning else every),
        (_("预警时限"), kind_label(deadline_kind) if deadline_kind else every),
        (_("搜索"), " ".join(terms) if terms else _("无")),
        (_("排序"), sort_label(filters.get("sort"))),
    ]


def sort_label(sort: str | None) -> str:
    """The rows' order in words: a column, ascending or descending, then the id."""
    column = SORT_LABELS.get(str(sort or "").removeprefix("-"))
    if not column:
        return str(_("按编号"))
    if str(sort).startswith("-"):
        return str(_("按%(column)s降序，同值按编号") % {"column": column})
    return str(_("按%(column)s升序，同值按编号") % {"column": column})


def _round_name(round_id: int | None) -> str | None:
    if not round_id:
        return None
    return Round.objects.filter(pk=round_id).values_list("name", flat=True).first()


def _write_about(
    workbook: Any,
    about: Any,
    *,
    now: dt.datetime,
    scope: list[tuple[str, str]],
    merge: bool,
    sheet: _LedgerSheet,
) -> None:
    """The second sheet: when the ledger was exported, by whom, with which filters, how."""
    bold = workbook.add_format({"bold": True})
    about.set_column(0, 0, 14)
    about.set_column(1, 1, 60)
    lines = [
        (_("导出时间"), timezone.localtime(now).strftime("%Y-%m-%d %H:%M")),
        *scope,
        (_("单元格"), _("问题信息合并单元格") if merge else _("问题信息逐行重复")),
        (_("问题数"), str(sheet.problems)),
        (_("行数"), str(sheet.rows)),
    ]
    for row, (label, value) in enumerate(lines):
        about.write_string(row, 0, label, bold)
        about.write_string(row, 1, value)


__all__ = [
    "CHUNK",
    "XLSX_CONTENT_TYPE",
    "LedgerExport",
    "MeasureRow",
    "ProblemMerges",
    "ProblemRow",
    "ledger_filename",
    "ledger_queryset",
    "ledger_xlsx",
    "measures_of",
    "problem_chunks",
    "scope_lines",
    "sort_label",
    "sorted_problem_chunks",
    "warning_label",
    "warning_labels",
]
