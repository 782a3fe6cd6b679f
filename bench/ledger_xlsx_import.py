"""Excel ledger import benchmark: a 10,000-row ledger with 2,000 changed cells, previewed and
applied by the office on SQLite, in under a minute?

    .venv/bin/python bench/ledger_xlsx_import.py [--problems 19000] [--changes 2000]
                                                 [--target-seconds 60] [--keep FILE]

Makes a throwaway SQLite database (a temporary file, as bench/ledger.py does), migrates it and
bulk-writes an office's ledger with bench/ledger_xlsx_export.py's ``build_ledger`` (rounds of
problems of every status, 1–4 measures each, progress reports, evidence). One round (about a
quarter of the problems: some 10,000 rows at the default size) is exported by the real export as
the office, merged, and ``--changes`` cells of its measure rows are edited with openpyxl as a
user would (责任领导, 责任部门, 完成时限 and 整改进展 in turn, spread over the sheet).

It then times, in this process: reading the sheet alone, the preview (reading, matching,
planning and the dry run through the services, rolled back), the apply (everything again, then
the changes in one transaction, audit rows and the clock sync included) and a second preview of
the same file, which must find nothing left to change. Prints each with the counts and exits 1
when the apply misses its target or the second preview is not empty.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

EDITED_COLUMNS = ("责任领导", "责任部门", "完成时限", "整改进展")


def export_round(user: Any, round_id: int, today: dt.date) -> bytes:
    from xuncha.ledgers.export import ledger_xlsx

    out = io.BytesIO()
    ledger_xlsx(
        user,
        filters={"round_id": round_id},
        warning=None,
        deadline_kind=None,
        today=today,
        out=out,
        merge=True,
    )
    return out.getvalue()


def edit_cells(data: bytes, changes: int) -> tuple[bytes, int, int]:
    """``changes`` cells of the measure rows edited, spread evenly over the sheet; returns the
    file, its data rows and the cells edited."""
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data))
    sheet = book.worksheets[0]
    headers = {cell.value: int(cell.column or 0) for cell in sheet[1]}
    key = headers["措施编号"]
    rows = [r for r in range(2, sheet.max_row + 1) if sheet.cell(r, key).value]
    step = max(1, len(rows) * len(EDITED_COLUMNS) // max(1, changes))
    edited = 0
    for index in range(0, len(rows) * len(EDITED_COLUMNS), step):
        if edited >= changes:
            break
        row = rows[index // len(EDITED_COLUMNS)]
        header = EDITED_COLUMNS[index % len(EDITED_COLUMNS)]
        cell = sheet.cell(row, headers[header])
        if header == "完成时限":
            cell.value = dt.datetime(2027, 1, 1) + dt.timedelta(days=index % 300)
            cell.number_format = "yyyy-mm-dd"
        elif header == "整改进展":
            cell.value = f"经核查，第{index}项整改已按计划推进，相关台账已更新。"
        else:
            cell.value = f"{cell.value or ''}（调整{index}）"
        edited += 1
    out = io.BytesIO()
    book.save(out)
    return out.getvalue(), sheet.max_row - 1, edited


def timed(label: str, action: Any) -> tuple[Any, float]:
    started = time.perf_counter()
    result = action()
    seconds = time.perf_counter() - started
    print(f"{label}: {seconds:.1f} s", flush=True)
    return result, seconds


def run(problems: int, changes: int, target: float, keep: Path | None) -> int:
    from ledger import configure_django

    data_dir = tempfile.mkdtemp(prefix="xuncha-bench-import-")
    configure_django(f"sqlite:///{Path(data_dir) / 'bench.sqlite3'}", data_dir)
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone
    from ledger_xlsx_export import build_ledger

    try:
        call_command("migrate", verbosity=0)
        built = build_ledger(problems)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(
            f"sqlite: built {built.data.problems:,} problems, {built.measures:,} measures, "
            f"{built.reports:,} progress reports in {built.seconds:.1f} s",
            flush=True,
        )
        return _measure(built.data.office, changes, target, keep, timezone.localdate())
    finally:
        connection.close()
        shutil.rmtree(data_dir, ignore_errors=True)


def _measure(office: Any, changes: int, target: float, keep: Path | None, today: dt.date) -> int:
    from xuncha.core.models import AuditEntry
    from xuncha.ledgers.importing import ledger_import_apply, ledger_import_preview
    from xuncha.ledgers.reading import ledger_read
    from xuncha.rounds.models import Round

    round_ = Round.objects.order_by("pk").first()
    assert round_ is not None
    exported, _seconds = timed(
        "export of one round", lambda: export_round(office, round_.pk, today)
    )
    data, rows, edited = edit_cells(exported, changes)
    if keep:
        keep.write_bytes(data)
    print(f"sheet: {rows:,} rows, {edited:,} cells edited, {len(data) / 2**20:.1f} MiB", flush=True)
    read, _seconds = timed("read (openpyxl read-only + merged ranges)", lambda: ledger_read(data))
    assert not read.errors, read.errors[:3]

    def preview() -> Any:
        return ledger_import_preview(
            actor=office, round_=round_, data=data, file_name="bench.xlsx", today=today
        )

    shown, _seconds = timed("preview (read, match, plan, dry run rolled back)", preview)
    cells = sum(len(record.changes) for record in shown.changed)
    refused = sum(1 for r in shown.changed for c in r.changes if c.refused)
    print(
        f"preview: {len(shown.changed):,} records with {cells:,} changed cells "
        f"({refused:,} refused by the services), {len(shown.unchanged):,} unchanged, "
        f"{len(shown.new):,} new, {len(shown.missing):,} missing, {len(shown.errors):,} errors",
        flush=True,
    )
    audit_before = AuditEntry.objects.count()
    result, apply_seconds = timed(
        "apply (again, then one transaction through the services)",
        lambda: ledger_import_apply(actor=office, preview=shown, today=today),
    )
    print(
        f"apply: {result.made:,} changes made, {result.refused:,} refused, "
        f"{AuditEntry.objects.count() - audit_before:,} audit rows written "
        f"({result.made / apply_seconds:,.0f} changes/s)",
        flush=True,
    )
    again, _seconds = timed("preview of the same file again", preview)
    left = sum(1 for r in again.changed for c in r.changes if not c.refused)
    print(f"again: {left} changes left to make, {len(again.new)} new", flush=True)
    failed = apply_seconds > target or left or again.new
    print(
        f"target: apply in under {target:.0f} s — {'MISSED' if failed else 'met'} "
        f"({apply_seconds:.1f} s)"
    )
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--problems", type=int, default=19_000)
    parser.add_argument("--changes", type=int, default=2_000)
    parser.add_argument("--target-seconds", type=float, default=60.0)
    parser.add_argument("--keep", type=Path, help="write the edited sheet here")
    parsed = parser.parse_args(argv)
    return run(parsed.problems, parsed.changes, parsed.target_seconds, parsed.keep)


if __name__ == "__main__":
    sys.exit(main())
