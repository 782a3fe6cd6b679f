"""Excel ledger export benchmark: the whole ledger (整改台账) of 100,000 problems to .xlsx.

    .venv/bin/python bench/ledger_xlsx_export.py [--problems 100000] [--database sqlite|postgres]
                                                 [--keep FILE]

Makes a throwaway database (as bench/ledger.py does: a temporary SQLite file, or
``xuncha_bench`` on the local PostgreSQL server), migrates it and bulk-writes the office's ledger
with :func:`build_ledger`: bench/ledger_data.py's rounds, units and problems of every status and
warning colour (their clocks and nearest deadlines computed by the clock engine's code), then a
fourth measure on some problems (1–4 measures each), progress reports on the measures under way
or done, and evidence files on some, a few of them superseded by a newer version.

The export then runs in a fresh process per measurement, as the office user, over every
problem: once merged and once with the problem cells repeated (time, the peak resident memory
before and after, the file's size), and once merged under ``tracemalloc`` (the peak of Python
allocations), and the same on a single round (about a tenth of the rows) to show that the peak
does not grow with the rows. ``build_ledger`` is importable (bench/ledger_xlsx_import.py builds
its data with it); Django is configured only when the script runs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ledger_data import (
    BATCH_SIZE,
    CHUNK,
    GeneratedLedger,
    generate_ledger_data,
)

REPORT_TEXTS = (
    "已召开专题会议研究部署，制定整改工作方案。",
    "已完成制度修订{k}项，正在组织学习培训。",
    "已清退相关款项{n}万元，整改基本完成。",
    "已完成全部整改任务，相关台账资料已归档。",
)
PDF = b"%PDF-1.4\n%bench\n"


@dataclass(frozen=True)
class BuiltLedger:
    """The ledger :func:`build_ledger` wrote: bench/ledger_data.py's data (its office user and
    password, today, counts) and what was added to it."""

    data: GeneratedLedger
    measures: int
    fourth_measures: int
    reports: int
    evidence: int
    superseded: int
    seconds: float


def build_ledger(
    n_problems: int,
    *,
    seed: int = 20_260_105,
    today: dt.date | None = None,
    batch_size: int = BATCH_SIZE,
) -> BuiltLedger:
    """Bulk-write an office's ledger of ``n_problems`` problems with 1–4 measures each, their
    deadlines of every colour, progress reports and evidence (Django set up, database migrated).

    Like bench/ledger_data.py, no services and no audit rows: bulk inserts only, and the clocks
    of the added measures and the nearest deadlines of their problems from the engine's code.
    """
    from django.db import transaction

    started = time.perf_counter()
    data = generate_ledger_data(n_problems, seed=seed, today=today, batch_size=batch_size)
    rng = random.Random(seed + 1)
    with transaction.atomic():
        fourth = _fourth_measures(rng, batch_size)
        reports, evidence, superseded = _reports_and_evidence(rng, data, batch_size)
    from xuncha.findings.models import Measure

    return BuiltLedger(
        data=data,
        measures=Measure.objects.count(),
        fourth_measures=fourth,
        reports=reports,
        evidence=evidence,
        superseded=superseded,
        seconds=time.perf_counter() - started,
    )


def _fourth_measures(rng: random.Random, batch_size: int) -> int:
    """A fourth measure on about 40% of the problems that have three, with its clock, and the
    nearest deadline of each of those problems written again."""
    from django.db.models import Count, Max

    from xuncha.clocks.engine import expected_clock, subject_rules, work_calendar
    from xuncha.clocks.models import Clock
    from xuncha.clocks.nearest import stored_candidates, summaries_for, write_summaries
    from xuncha.clocks.registry import HOLDERS, SUBJECTS
    from xuncha.findings.models import Measure, Problem

    rows = (
        Problem.objects.annotate(n=Count("measures"), last=Max("measures__deadline"))
        .filter(n=3)
        .order_by("pk")
        .values_list("pk", "last", "status")
    )
    added = []
    for pk, last, status in rows.iterator(chunk_size=batch_size):
        if rng.random() < 0.4:
            done = status in {"closing_requested", "closed"}
            added.append(
                Measure(
                    problem_id=pk,
                    ordinal=4,
                    text="建立长效机制，定期开展监督检查。",
                    owner="分管领导 李某",
                    department="纪检监察室",
                    deadline=last,
                    status="done" if done else rng.choice(["not_started", "in_progress"]),
                )
            )
    added = Measure.objects.bulk_create(added, batch_size=batch_size)
    subject = SUBJECTS["measure"]
    rules = subject_rules(subject)
    calendar = work_calendar()
    now = dt.datetime.now(dt.UTC)
    ids = [measure.pk for measure in added]
    clocks = [
        Clock(
            rule=want.rule,
            subject_type="measure",
            subject_id=want.subject_id,
            computed_at=now,
            **expected_clock("measure", want, (), (), calendar).values(),
        )
        for start in range(0, len(ids), CHUNK)
        for want in subject.wanted(rules, ids[start : start + CHUNK])
    ]
    Clock.objects.bulk_create(clocks, batch_size=batch_size)
    holder = HOLDERS["problem"]
    problems = sorted({measure.problem_id for measure in added})
    for start in range(0, len(problems), CHUNK):
        chunk = problems[start : start + CHUNK]
        write_summaries(holder, summaries_for(holder, chunk, stored_candidates))
    return len(added)


def _reports_and_evidence(
    rng: random.Random, data: GeneratedLedger, batch_size: int
) -> tuple[int, int, int]:
    """Progress reports (1–3) on the measures under way or done, evidence files (1–2) on
    about half the done ones, and a newer version superseding one file in ten."""
    from xuncha.findings.models import Measure
    from xuncha.rectification.models import Evidence, ProgressReport

    totals = [0, 0, 0]
    measures = (
        Measure.objects.exclude(status="not_started")
        .order_by("pk")
        .values_list("pk", "problem_id", "status")
    )
    batch: list[tuple[int, int, str]] = []
    for row in measures.iterator(chunk_size=batch_size):
        batch.append(row)
        if len(batch) == batch_size:
            counts = _write_work(rng, data, batch, batch_size, ProgressReport, Evidence)
            totals = [total + count for total, count in zip(totals, counts, strict=True)]
            batch = []
    if batch:
        counts = _write_work(rng, data, batch, batch_size, ProgressReport, Evidence)
        totals = [total + count for total, count in zip(totals, counts, strict=True)]
    reports, evidence, superseded = totals
    return reports, evidence, superseded


def _write_work(
    rng: random.Random,
    data: GeneratedLedger,
    batch: list[tuple[int, int, str]],
    batch_size: int,
    report_model: Any,
    evidence_model: Any,
) -> tuple[int, int, int]:
    reports = []
    files = []
    for pk, problem_id, status in batch:
        for number in range(rng.randint(1, 3)):
            text = REPORT_TEXTS[min(number, 3) if status != "done" else 3]
            reports.append(
                report_model(
                    measure_id=pk,
                    author=data.office,
                    text=text.format(k=rng.randint(2, 9), n=rng.randint(1, 50)),
                )
            )
        if status == "done" and rng.random() < 0.5:
            for _copy in range(rng.randint(1, 2)):
                files.append(_evidence(evidence_model, rng, problem_id, pk, data.office))
    report_model.objects.bulk_create(reports, batch_size=batch_size)
    files = evidence_model.objects.bulk_create(files, batch_size=batch_size)
    newer = [
        _evidence(evidence_model, rng, old.problem_id, old.measure_id, data.office, supersedes=old)
        for old in files
        if rng.random() < 0.1
    ]
    evidence_model.objects.bulk_create(newer, batch_size=batch_size)
    return len(reports), len(files) + len(newer), len(newer)


def _evidence(
    model: Any,
    rng: random.Random,
    problem_id: int,
    measure_id: int,
    office: Any,
    supersedes: Any = None,
) -> Any:
    digest = f"{rng.getrandbits(256):064x}"
    return model(
        problem_id=problem_id,
        measure_id=measure_id,
        file=f"evidence/{digest[:2]}/{digest}",
        original_name="整改佐证材料.pdf",
        content_type="application/pdf",
        size=len(PDF),
        sha256=digest,
        uploaded_by=office,
        supersedes=supersedes,
    )


# ---------------------------------------------------------------- measuring one export


def measure_export(
    username: str, out: Path, *, merge: bool, trace: bool, round_id: int | None
) -> dict[str, Any]:
    """One export as the web would run it, in this (fresh) process: time, peak RSS before and
    after, the file's size, and with ``trace`` the tracemalloc peak of the export alone."""
    import tracemalloc

    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.utils import timezone

    from xuncha.ledgers.export import ledger_xlsx

    user = get_user_model().objects.get(username=username)
    connection.ensure_connection()
    rss_before = peak_rss_kib()
    if trace:
        tracemalloc.start()
    started = time.perf_counter()
    result = ledger_xlsx(
        user,
        filters={"round_id": round_id},
        warning=None,
        deadline_kind=None,
        today=timezone.localdate(),
        out=out,
        merge=merge,
    )
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] if trace else None
    if trace:
        tracemalloc.stop()
    return {
        "seconds": seconds,
        "problems": result.problems,
        "rows": result.rows,
        "bytes": out.stat().st_size,
        "rss_before_kib": rss_before,
        "rss_after_kib": peak_rss_kib(),
        "traced_peak": peak,
    }


def peak_rss_kib() -> int:
    """The process's peak resident memory so far, in KiB. Linux's VmHWM, since ``ru_maxrss``
    carries over through ``exec`` the size of the parent that forked this process."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


# ---------------------------------------------------------------- running the script


def _child(argv: list[str], url: str, data_dir: str) -> dict[str, Any]:
    """Run one measurement in a fresh interpreter (its RSS is the export's alone)."""
    env = {**os.environ, "XUNCHA_BENCH_CHILD_URL": url, "XUNCHA_BENCH_CHILD_DIR": data_dir}
    output = subprocess.run(
        [sys.executable, __file__, "--child", *argv], env=env, capture_output=True, text=True
    )
    if output.returncode:
        raise RuntimeError(output.stderr)
    return dict(json.loads(output.stdout.strip().splitlines()[-1]))


def _line(label: str, result: dict[str, Any]) -> str:
    rss = (result["rss_after_kib"] - result["rss_before_kib"]) / 1024
    peak = result["traced_peak"]
    traced = f", tracemalloc peak {peak / 2**20:.1f} MiB" if peak else ""
    return (
        f"{label}: {result['problems']:,} problems, {result['rows']:,} rows in "
        f"{result['seconds']:.1f} s ({result['rows'] / result['seconds']:,.0f} rows/s), "
        f"{result['bytes'] / 2**20:.1f} MiB file, peak RSS {result['rss_before_kib'] / 1024:.0f}"
        f" → {result['rss_after_kib'] / 1024:.0f} MiB (+{rss:.0f} MiB){traced}"
    )


def run(database: str, problems: int, keep: Path | None) -> int:
    from ledger import bench_database

    with bench_database(database, "xuncha-bench-xlsx-") as made:
        if made is None:
            return 1
        url, data_dir = made
        from django.core.management import call_command
        from django.db import connection

        call_command("migrate", verbosity=0)
        built = build_ledger(problems)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE" if database == "postgres" else "ANALYZE")
        from xuncha.rounds.models import Round

        round_id = Round.objects.order_by("pk").values_list("pk", flat=True).first()
        connection.close()
        print(
            f"{database}: built {built.data.problems:,} problems, {built.measures:,} measures "
            f"({built.fourth_measures:,} fourth ones), {built.reports:,} progress reports, "
            f"{built.evidence:,} evidence files ({built.superseded:,} superseding another) "
            f"in {built.seconds:.1f} s",
            flush=True,
        )
        username = built.data.office.username
        out = Path(data_dir) / "ledger.xlsx"
        runs = [
            ("merged, every problem", ["--merge"]),
            ("repeated, every problem", []),
            ("merged, every problem, tracemalloc", ["--merge", "--trace"]),
            ("merged, one round, tracemalloc", ["--merge", "--trace", f"--round-id={round_id}"]),
        ]
        for label, flags in runs:
            result = _child([f"--user={username}", f"--out={out}", *flags], url, data_dir)
            print(f"{database}: {_line(label, result)}", flush=True)
            if keep and label.startswith("merged, every problem") and "--trace" not in flags:
                shutil.copyfile(out, keep)
    return 0


def child_main(parsed: argparse.Namespace) -> int:
    from ledger import configure_django

    configure_django(os.environ["XUNCHA_BENCH_CHILD_URL"], os.environ["XUNCHA_BENCH_CHILD_DIR"])
    result = measure_export(
        parsed.user,
        Path(parsed.out),
        merge=parsed.merge,
        trace=parsed.trace,
        round_id=parsed.round_id,
    )
    print(json.dumps(result))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--problems", type=int, default=100_000)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--keep", type=Path, help="copy the merged export of every problem here")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--user", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("--merge", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--trace", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--round-id", type=int, help=argparse.SUPPRESS)
    parsed = parser.parse_args(argv)
    if parsed.child:
        return child_main(parsed)
    return run(parsed.database, parsed.problems, parsed.keep)


if __name__ == "__main__":
    sys.exit(main())
