"""Importing an Excel ledger (整改台账): a preview of what it would change, then the import.

:func:`ledger_import_preview` reads the file (``ledgers.reading``), matches its rows to the
round (``ledgers.reconcile``), plans what each change becomes for the acting user
(``ledgers.planning``) and runs the plan through the services in a transaction it rolls back
(``ledgers.applying``), so that every refusal it shows is the service's or workflow's own.

:func:`ledger_import_apply` never trusts a preview: it reads and matches the file again, and
refuses when the result's fingerprint is not the preview's (the file, the mapping or a matched
record changed meanwhile). It then makes the accepted changes in one transaction: each change in
a savepoint with its own audit rows, the clocks synced once at the end, and one audit row for the
import itself. A change a service refuses is left out and shown refused; any other failure rolls
the whole import back and names the row. A row matched without a key (an office's own sheet) is
changed only when confirmed. Importing a file already imported changes nothing.

One transaction for the whole import, not one per batch of problems: on SQLite the write lock is
the database's anyway, and 10,000 rows with 2,000 changes apply in seconds
(``bench/ledger_xlsx_import.py``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xuncha.clocks.services import clocks_batch
from xuncha.core.audit import audit_batch, audit_record
from xuncha.core.locks import advisory_lock
from xuncha.core.permissions import Actor
from xuncha.findings.reading import texts_read
from xuncha.ledgers.applying import LedgerRowFailed, Outcome, Run
from xuncha.ledgers.columns import measure_key
from xuncha.ledgers.planning import ImportPlan, plan_import
from xuncha.ledgers.preview import LedgerPreview, RecordChange, RowMatch
from xuncha.ledgers.reading import LedgerRead, SheetError, ledger_read
from xuncha.ledgers.reconcile import Reconciled, reconcile, round_state
from xuncha.rounds.models import Round

IMPORT_REASON = gettext_lazy("经Excel台账导入提出（%(file)s）")
"""The reason given for every request and move an import makes."""

CONFIRM_ALL: Literal["all"] = "all"

Confirmations = Collection[int | tuple[str, int]] | Literal["all"]
"""Rows matched without a key that the user confirmed: Excel row numbers (any sheet),
(sheet, row) pairs, or :data:`CONFIRM_ALL`."""


class LedgerImportRefused(ValueError):
    """An import that was not made: errors in the file, a row that failed, or a preview no
    longer current. Nothing was written; ``errors`` say where."""

    def __init__(self, message: str, errors: list[SheetError] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.errors = list(errors or [])


@dataclass
class LedgerImportResult:
    """What an import did: ``preview`` as it turned out (refusals with the services' messages),
    how many changes were made, requests made and changes refused, and the rows matched without
    a key that were left alone, unconfirmed."""

    preview: LedgerPreview
    made: int
    requests: int
    refused: int
    unconfirmed: list[tuple[str, int]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return self.preview.as_json() | {
            "made": self.made,
            "requests": self.requests,
            "refused": self.refused,
            "unconfirmed": [{"sheet": sheet, "row": row} for sheet, row in self.unconfirmed],
        }


@dataclass
class _Prepared:
    read: LedgerRead
    reconciled: Reconciled | None
    plan: ImportPlan | None
    errors: list[SheetError]
    fingerprint: str


def _prepare(
    actor: Actor,
    read: LedgerRead,
    round_: Round,
    mapping: Mapping[str, str | None],
    today: dt.date,
) -> _Prepared:
    if read.errors:
        return _Prepared(read, None, None, list(read.errors), "")
    reconciled = reconcile(read, round_state(actor, round_, today))
    plan = plan_import(reconciled, actor)
    errors = [*reconciled.errors, *plan.errors]
    return _Prepared(
        read, reconciled, plan, errors, fingerprint(read, round_, actor, mapping, reconciled, plan)
    )


def fingerprint(
    read: LedgerRead,
    round_: Round,
    actor: Actor,
    mapping: Mapping[str, str | None],
    reconciled: Reconciled,
    plan: ImportPlan,
) -> str:
    """A hash of the file, the mapping, the acting user and the plan made from what is stored
    (every matched problem's version and status, every change and what it becomes)."""
    problems = []
    for item in plan.problems:
        problem = item.match.problem
        problems.append(
            {
                "row": [item.match.sheet.sheet.name, item.match.sheet.row],
                "problem": [problem.pk, problem.version, problem.status] if problem else None,
                "changes": [_change_json(item.record)] if item.record else [],
                "new": item.new.as_json() if item.new else None,
                "measures": [
                    {
                        "measure": m.match.measure.pk if m.match.measure else None,
                        "changes": _change_json(m.record) if m.record else None,
                        "new": m.new.as_json() if m.new else None,
                    }
                    for m in item.measures
                ],
            }
        )
    document = {
        "file": read.sha256,
        "round": round_.pk,
        "actor": actor.pk if actor is not None else None,
        "mapping": sorted((key, value or "") for key, value in mapping.items()),
        "problems": problems,
        "missing": [record.key for record in reconciled.missing],
    }
    text = json.dumps(document, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _change_json(record: RecordChange) -> list[Any]:
    return [
        [change.column, change.before, change.after, str(change.becomes), change.move]
        for change in record.changes
    ]


def _texts(plan: ImportPlan) -> list[str]:
    """The texts whose figures the import's services will read: changed and new measures'
    texts and new progress reports."""
    texts = []
    for item in plan.problems:
        for measure in item.measures:
            changes = measure.record.changes if measure.record else []
            changes = changes + (measure.new.changes if measure.new else [])
            texts += [str(c.new) for c in changes if c.column in ("measure", "progress") and c.new]
            if measure.new is not None:
                texts.append(measure.match.sheet.text)
    return texts


def _preview(
    prepared: _Prepared, round_: Round, file_name: str, data: bytes, mapping: dict[str, str | None]
) -> LedgerPreview:
    read = prepared.read
    preview = LedgerPreview(
        round_id=round_.pk,
        round_name=round_.name,
        file_name=file_name,
        fingerprint=prepared.fingerprint,
        mapping=read.mapping,
        matches=[],
        new=[],
        changed=[],
        unchanged=[],
        missing=[],
        errors=list(prepared.errors),
        sheets=[sheet.name for sheet in read.sheets],
        header_mapping=mapping,
        data=data,
    )
    if prepared.errors or prepared.plan is None or prepared.reconciled is None:
        return preview
    for item in prepared.plan.problems:
        match = item.match
        sheet = match.sheet.sheet.name
        preview.matches.append(
            RowMatch("problem", sheet, match.sheet.row, match.key, match.matched_by, match.score)
        )
        if item.new is not None:
            preview.new.append(item.new)
        if item.record is not None:
            preview.changed.append(item.record)
        for measure in item.measures:
            key = measure_key(measure.match.measure.pk) if measure.match.measure else ""
            preview.matches.append(
                RowMatch(
                    "measure",
                    sheet,
                    measure.match.sheet.row,
                    key,
                    measure.match.matched_by,
                    measure.match.score,
                )
            )
            if measure.new is not None and item.new is None:
                preview.new.append(measure.new)
            if measure.record is not None:
                preview.changed.append(measure.record)
    preview.unchanged = list(prepared.plan.unchanged)
    preview.missing = list(prepared.reconciled.missing)
    return preview


def _confirmed(confirmed: Confirmations) -> Any:
    if confirmed == CONFIRM_ALL:
        return lambda sheet, row: True
    rows = {item for item in confirmed if isinstance(item, int)}
    pairs = {item for item in confirmed if isinstance(item, tuple)}
    return lambda sheet, row: row in rows or (sheet, row) in pairs


class _RolledBack(Exception):
    def __init__(self, outcome: Outcome) -> None:
        self.outcome = outcome


def _row_error(failure: LedgerRowFailed) -> SheetError:
    message = _("导入第%(row)s行时出错，整个导入未写入：%(error)s") % {
        "row": failure.row,
        "error": failure.message,
    }
    return SheetError(failure.sheet, failure.row, "", "", message)


def ledger_import_preview(
    *,
    actor: Actor,
    round_: Round,
    data: bytes,
    file_name: str,
    mapping: Mapping[str, str | None] | None = None,
    today: dt.date | None = None,
) -> LedgerPreview:
    """What importing ``data`` (an .xlsx file) into ``round_`` would do for ``actor`` (None:
    the system), nothing written. ``mapping`` (header text → column name, None to ignore)
    overrides how the headers are read. Raises ``ledgers.reading.LedgerFileError`` for a file
    that is no workbook."""
    today = today or timezone.localdate()
    mapping = dict(mapping or {})
    read = ledger_read(data, mapping=mapping)
    prepared = _prepare(actor, read, round_, mapping, today)
    if not prepared.errors and prepared.plan is not None:
        reason = str(IMPORT_REASON) % {"file": file_name}
        run = Run(
            actor=actor, plan=prepared.plan, reason=reason, confirmed=lambda s, r: True, today=today
        )
        try:
            texts = _texts(prepared.plan)
            with texts_read(texts), transaction.atomic(), clocks_batch(actor=actor):
                raise _RolledBack(run.all())
        except _RolledBack:
            pass
        except LedgerRowFailed as failure:
            prepared.errors.append(_row_error(failure))
    return _preview(prepared, round_, file_name, data, mapping)


def ledger_import_apply(
    *,
    actor: Actor,
    round_: Round | None = None,
    data: bytes | None = None,
    file_name: str = "",
    mapping: Mapping[str, str | None] | None = None,
    preview: LedgerPreview | None = None,
    confirmed: Confirmations = (),
    fingerprint: str | None = None,
    today: dt.date | None = None,
) -> LedgerImportResult:
    """Import the file (given, or the ``preview``'s) into the round, as ``actor``.

    With a preview or a ``fingerprint``, refuses (:class:`LedgerImportRefused`, nothing
    written) when the file read now gives another plan than the one shown. ``confirmed`` are
    the rows matched without a key that may be changed. Refuses a file with errors, and rolls
    everything back, naming the row, when a change fails for a reason no refusal explains.
    """
    if preview is not None:
        data = preview.data
        file_name = file_name or preview.file_name
        mapping = preview.header_mapping if mapping is None else mapping
        fingerprint = fingerprint or preview.fingerprint
        round_ = round_ or Round.objects.get(pk=preview.round_id)
    if data is None or round_ is None:
        raise TypeError("ledger_import_apply needs the file and the round, or a preview")
    today = today or timezone.localdate()
    mapping = dict(mapping or {})
    read = ledger_read(data, mapping=mapping)
    first = _prepare(actor, read, round_, mapping, today)
    _refuse_if_wrong(first, fingerprint)
    assert first.plan is not None
    reason = str(IMPORT_REASON) % {"file": file_name}
    try:
        with texts_read(_texts(first.plan)), transaction.atomic():
            advisory_lock(f"ledger-import:{round_.pk}")
            # Read again under the lock: what was planned must still be what is stored.
            prepared = _prepare(actor, read, round_, mapping, today)
            _refuse_if_wrong(prepared, first.fingerprint)
            assert prepared.plan is not None
            run = Run(
                actor=actor,
                plan=prepared.plan,
                reason=reason,
                confirmed=_confirmed(confirmed),
                today=today,
            )
            with clocks_batch(actor=actor):
                outcome = run.all()
            if outcome.made or outcome.requests:
                _audit_import(actor, round_, file_name, read.sha256, outcome)
    except LedgerRowFailed as failure:
        error = _row_error(failure)
        raise LedgerImportRefused(error.message, [error]) from failure
    return LedgerImportResult(
        preview=_preview(prepared, round_, file_name, data, mapping),
        made=outcome.made,
        requests=outcome.requests,
        refused=outcome.refused,
        unconfirmed=outcome.unconfirmed,
    )


def _audit_import(
    actor: Actor, round_: Round, file_name: str, sha256: str, outcome: Outcome
) -> None:
    """The import's own audit row, beside the rows of each change (an import that changed
    nothing writes none)."""
    with audit_batch():
        audit_record(
            actor=actor,
            action="ledger.import",
            instance=round_,
            before=None,
            after={
                "file_name": file_name,
                "sha256": sha256,
                "made": outcome.made,
                "requests": outcome.requests,
                "refused": outcome.refused,
            },
            scope=f"round:{round_.pk}",
        )


def _refuse_if_wrong(prepared: _Prepared, fingerprint: str | None) -> None:
    if prepared.errors:
        raise LedgerImportRefused(
            _("台账有%(count)s处错误，未导入任何内容。") % {"count": len(prepared.errors)},
            prepared.errors,
        )
    if fingerprint and fingerprint != prepared.fingerprint:
        raise LedgerImportRefused(
            _("预览之后，文件、列的对应或台账中的问题已有变动；请重新预览后再导入。")
        )


__all__ = [
    "CONFIRM_ALL",
    "IMPORT_REASON",
    "Confirmations",
    "LedgerImportRefused",
    "LedgerImportResult",
    "fingerprint",
    "ledger_import_apply",
    "ledger_import_preview",
]
