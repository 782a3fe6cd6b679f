"""What importing a ledger sheet would do, as plain data for a page, the command line and JSON.

:class:`LedgerPreview` lists the sheet's header mapping, how each of its problems and measures
was matched, what is new, what changed field by field (before, after, and what the change
becomes for the acting user), what is unchanged, what the sheet leaves out, and every error.
A preview with errors lists no changes: a file with any error changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.utils.translation import gettext_lazy as _

from xuncha.ledgers.reading import HeaderMapping, SheetError


class Becomes(StrEnum):
    """What one change of the sheet becomes for the acting user."""

    APPLY = "apply"  # changed directly, through the edit services
    EXTENSION_REQUEST = "extension_request"  # a later deadline the office decides
    REVISION_REQUEST = "revision_request"  # a plan revision the office decides
    PROGRESS_REPORT = "progress_report"  # a new progress report on the measure
    TRANSITION = "transition"  # a move of the measure's or problem's workflow
    REFUSED = "refused"  # not made; ``reason`` says why


BECOMES_LABELS = {
    Becomes.APPLY: _("直接修改"),
    Becomes.EXTENSION_REQUEST: _("提出延期申请"),
    Becomes.REVISION_REQUEST: _("提出方案调整申请"),
    Becomes.PROGRESS_REPORT: _("新增进展报告"),
    Becomes.TRANSITION: _("流转"),
    Becomes.REFUSED: _("不予修改"),
}


class MatchedBy(StrEnum):
    """How a row of the sheet was matched to a problem or measure of the round: by its key,
    by its 序号 (a measure: its position under the problem), or by its title (a measure: its
    text) being alike enough. The last two need the user's confirmation."""

    KEY = "key"
    ORDINAL = "ordinal"
    TITLE = "title"


@dataclass
class FieldChange:
    """One cell that differs from what is stored: its column, the values before and after as
    shown, what the change becomes and why (a refusal's reason, the move made …).

    ``old`` and ``new`` are the typed values (dates, codes), for the services. A change a
    service or a workflow refused keeps what it was to become in ``intended``."""

    column: str
    label: str
    before: str
    after: str
    becomes: Becomes
    reason: str = ""
    old: Any = None
    new: Any = None
    move: str = ""  # the workflow's move, for a transition
    intended: Becomes | None = None  # what a refused change was to become

    @property
    def becomes_label(self) -> str:
        return str(BECOMES_LABELS[self.becomes])

    @property
    def refused(self) -> bool:
        return self.becomes == Becomes.REFUSED

    def refuse(self, reason: str) -> None:
        """Mark the change refused by a service or a workflow, with its message."""
        if self.becomes != Becomes.REFUSED:
            self.intended = self.becomes
        self.becomes = Becomes.REFUSED
        self.reason = reason

    def as_json(self) -> dict[str, Any]:
        return {
            "column": self.column,
            "label": self.label,
            "before": self.before,
            "after": self.after,
            "becomes": str(self.becomes),
            "intended": str(self.intended) if self.intended else None,
            "reason": self.reason,
        }


@dataclass
class RecordChange:
    """A problem or measure of the round with the fields the sheet changes."""

    level: str  # "problem" | "measure"
    key: str
    sheet: str
    row: int
    unit: str
    title: str  # the problem's title (for a measure, its problem's)
    ordinal: int | None  # the measure's place under its problem
    matched_by: MatchedBy
    score: int
    changes: list[FieldChange] = field(default_factory=list)

    @property
    def needs_confirmation(self) -> bool:
        return self.matched_by != MatchedBy.KEY

    def as_json(self) -> dict[str, Any]:
        return {
            "level": self.level,
            "key": self.key,
            "sheet": self.sheet,
            "row": self.row,
            "unit": self.unit,
            "title": self.title,
            "ordinal": self.ordinal,
            "matched_by": str(self.matched_by),
            "score": self.score,
            "needs_confirmation": self.needs_confirmation,
            "changes": [change.as_json() for change in self.changes],
        }


@dataclass
class NewRecord:
    """A row that matches nothing: a new problem (with its measures), or a new measure under
    a matched problem (``problem_key``). ``changes`` are what its row reports beyond the new
    record itself (a new measure's progress and 完成情况), made once it is created."""

    level: str
    sheet: str
    row: int
    unit: str
    problem_key: str
    title: str
    values: list[tuple[str, str]]  # (label, value) of each filled cell
    becomes: Becomes
    reason: str = ""
    needs_confirmation: bool = False  # under a problem matched without its key
    measures: list[NewRecord] = field(default_factory=list)
    changes: list[FieldChange] = field(default_factory=list)

    @property
    def becomes_label(self) -> str:
        return str(BECOMES_LABELS[self.becomes])

    def refuse(self, reason: str) -> None:
        self.becomes = Becomes.REFUSED
        self.reason = reason

    def as_json(self) -> dict[str, Any]:
        return {
            "level": self.level,
            "sheet": self.sheet,
            "row": self.row,
            "unit": self.unit,
            "problem_key": self.problem_key,
            "title": self.title,
            "values": [{"label": label, "value": value} for label, value in self.values],
            "becomes": str(self.becomes),
            "reason": self.reason,
            "needs_confirmation": self.needs_confirmation,
            "measures": [measure.as_json() for measure in self.measures],
            "changes": [change.as_json() for change in self.changes],
        }


@dataclass(frozen=True)
class MissingRecord:
    """A problem or measure of the round, in a unit the sheet covers, that the sheet does not
    hold. It is listed, never deleted."""

    level: str
    key: str
    unit: str
    title: str
    ordinal: int

    def as_json(self) -> dict[str, Any]:
        return {
            "level": self.level,
            "key": self.key,
            "unit": self.unit,
            "title": self.title,
            "ordinal": self.ordinal,
        }


@dataclass(frozen=True)
class RowMatch:
    """How one problem or measure of the sheet was matched (``key`` empty: it is new)."""

    level: str
    sheet: str
    row: int
    key: str
    matched_by: MatchedBy | None
    score: int

    @property
    def needs_confirmation(self) -> bool:
        return self.matched_by in (MatchedBy.ORDINAL, MatchedBy.TITLE)

    def as_json(self) -> dict[str, Any]:
        return {
            "level": self.level,
            "sheet": self.sheet,
            "row": self.row,
            "key": self.key,
            "matched_by": str(self.matched_by) if self.matched_by else None,
            "score": self.score,
            "needs_confirmation": self.needs_confirmation,
        }


@dataclass
class LedgerPreview:
    """What importing the file would do for the acting user.

    ``fingerprint`` stands for the file, the mapping and every matched record as stored now:
    an apply refuses when its own reading gives another. ``data`` is the file itself, so that
    an apply can be given the preview.
    """

    round_id: int
    round_name: str
    file_name: str
    fingerprint: str
    mapping: list[HeaderMapping]
    matches: list[RowMatch]
    new: list[NewRecord]
    changed: list[RecordChange]
    unchanged: list[str]
    missing: list[MissingRecord]
    errors: list[SheetError]
    sheets: list[str] = field(default_factory=list)
    header_mapping: dict[str, str | None] = field(default_factory=dict, repr=False)
    data: bytes = field(default=b"", repr=False, compare=False)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def needs_confirmation(self) -> list[int]:
        """The rows matched without a key, which an apply changes only when confirmed."""
        return sorted({m.row for m in self.matches if m.needs_confirmation})

    @property
    def change_count(self) -> int:
        """The cells changed and the rows new, refusals included."""
        return sum(len(record.changes) for record in self.changed) + sum(
            1 + len(record.measures) for record in self.new
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "round": self.round_name,
            "file": self.file_name,
            "fingerprint": self.fingerprint,
            "sheets": self.sheets,
            "mapping": [entry.as_json() for entry in self.mapping],
            "matches": [match.as_json() for match in self.matches],
            "new": [record.as_json() for record in self.new],
            "changed": [record.as_json() for record in self.changed],
            "unchanged": len(self.unchanged),
            "unchanged_keys": self.unchanged,
            "missing": [record.as_json() for record in self.missing],
            "errors": [error.as_json() for error in self.errors],
        }


__all__ = [
    "BECOMES_LABELS",
    "Becomes",
    "FieldChange",
    "LedgerPreview",
    "MatchedBy",
    "MissingRecord",
    "NewRecord",
    "RecordChange",
    "RowMatch",
]
