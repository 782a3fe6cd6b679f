"""Dashboard benchmark: the dashboard page (统计图表) at 100,000 problems, target 200 ms.

    .venv/bin/python bench/dashboard.py [--problems 100000] [--database sqlite|postgres|both]
                                        [--repetitions 10] [--explain]

For each database the script makes a throwaway database (as bench/ledger.py does: SQLite a
temporary file; PostgreSQL ``XUNCHA_BENCH_POSTGRES_URL``, default ``xuncha_bench_dashboard`` on
the local server through its unix socket), migrates it and writes an office's ledger with
bench/ledger_data.py's builders (rounds, groups, units, problems of every status, measures,
clocks and stored nearest deadlines). On top it writes, in bulk, what only the dashboard and
the notice read: money outcomes, people held to account (with parts, 其中…), rules issued or
revised, and the 销号 move of every closed problem, and a liaison of a few units.

It then serves the data with gunicorn (production settings, debug off), and times over HTTP
the dashboard of every round and of one round as the office, and a liaison's; beside it, the
same figures computed in this process, so that the SQL cost shows apart from the page. It
prints the median and the 95th percentile of each against the 200 ms target and does not fail
when one is missed (the figures are for reading).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import subprocess
import sys
import time
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from http_client import Browser
from ledger import bench_database
from ledger_data import BENCH_PREFIX, GUNICORN_WORKERS, OFFICE_USERNAME, generate_ledger_data
from ledger_http import Page, production_server, time_pages
from ledger_timing import Timing, explain, middle_round_id, time_call

TARGET_MS = 200.0
DEFAULT_POSTGRES_URL = "postgres://postgres@/xuncha_bench_dashboard?host=/var/run/postgresql"
LIAISON_USERNAME = f"{BENCH_PREFIX}-liaison"
LIAISON_UNITS = 3
DASHBOARD_MARKERS = ('id="dashboard-data"', 'data-table="overdue"', 'id="figure-fed-back"')
SANCTIONS = ("批评教育", "书面检查", "诫勉谈话", "党纪政务处分", "约谈")
MONEY = (("查处违规资金", "found"), ("清退违规发放津补贴", "refunded"), ("节约经费", "reduced"))


@dataclass(frozen=True)
class Options:
    problems: int
    repetitions: int
    explain: bool


@dataclass(frozen=True)
class Extras:
    outcomes: int
    accountability: int
    regulations: int
    closings: int
    liaison_password: str
    liaison_units: list[str]


def write_dashboard_extras(seed: int = 14) -> Extras:
    """Outcomes, accountability, rules and 销号 moves in bulk, and a liaison of a few units."""
    import secrets

    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone

    from xuncha.core.models import Profile, Role, StatusChange
    from xuncha.core.services import role_grant
    from xuncha.findings.models import (
        Accountability,
        Measure,
        Outcome,
        OutcomeKind,
        Problem,
        ProblemStatus,
        Regulation,
        RegulationAction,
    )
    from xuncha.rounds.models import Unit

    rng = random.Random(seed)
    outcomes: list[Outcome] = []
    counts: list[Accountability] = []
    regulations: list[Regulation] = []
    now = timezone.now()
    with transaction.atomic():
        measures = Measure.objects.order_by("id").values_list("id", "problem_id")
        for measure_id, problem_id in measures.iterator():
            draw = rng.random()
            if draw < 0.08:
                subject, category = rng.choice(MONEY)
                amount = Decimal(rng.randint(1_000, 2_000_000))
                outcomes.append(
                    Outcome(
                        measure_id=measure_id,
                        problem_id=problem_id,
                        kind=OutcomeKind.MONEY,
                        value=str(amount),
                        amount=amount,
                        unit="元",
                        subject=subject,
                        source_text=f"{amount}元",
                        start=0,
                        end=4,
                        money_category=category,
                    )
                )
            elif draw < 0.11:
                kind = rng.choice(SANCTIONS)
                counts.append(
                    Accountability(
                        measure_id=measure_id,
                        problem_id=problem_id,
                        kind=kind,
                        kinds=[kind],
                        people=rng.randint(1, 6),
                        unit="人",
                        source_text="追责问责",
                        start=0,
                        end=4,
                    )
                )
            elif draw < 0.15:
                regulations.append(
                    Regulation(
                        measure_id=measure_id,
                        problem_id=problem_id,
                        title=f"基准管理办法第{rng.randint(1, 500)}号" if draw < 0.13 else "",
                        count=1 if draw < 0.13 else rng.randint(2, 5),
                        action=rng.choice(RegulationAction.values),
                        source_text="建章立制",
                        start=0,
                        end=4,
                    )
                )
        Outcome.objects.bulk_create(outcomes, batch_size=2_000)
        Accountability.objects.bulk_create(counts, batch_size=2_000)
        Regulation.objects.bulk_create(regulations, batch_size=2_000)
        closed = Problem.objects.filter(status=ProblemStatus.CLOSED).values_list("id", flat=True)
        closings = [
            StatusChange(
                workflow="problem",
                subject_id=problem_id,
                scope=f"problem:{problem_id}",
                move="close",
                from_status=ProblemStatus.CLOSING_REQUESTED,
                to_status=ProblemStatus.CLOSED,
                at=now - dt.timedelta(days=rng.randint(1, 330), hours=rng.randint(0, 23)),
            )
            for problem_id in closed.iterator()
        ]
        StatusChange.objects.bulk_create(closings, batch_size=2_000)
        password = secrets.token_urlsafe(16)
        liaison = get_user_model().objects.create_user(username=LIAISON_USERNAME, password=password)
        Profile.objects.create(user=liaison, display_name="基准测试联络员")
        role_grant(actor=None, user=liaison, role=Role.UNIT)
        units = list(Unit.objects.filter(assignments__isnull=False).distinct().order_by("id"))
        chosen = units[len(units) // 2 : len(units) // 2 + LIAISON_UNITS]
        for unit in chosen:
            unit.liaisons.add(liaison)
    return Extras(
        outcomes=len(outcomes),
        accountability=len(counts),
        regulations=len(regulations),
        closings=len(closings),
        liaison_password=password,
        liaison_units=[unit.name for unit in chosen],
    )


def dashboard_pages(round_id: int) -> list[Page]:
    return [
        Page("GET /dashboard/ (office, all rounds)", "/dashboard/", DASHBOARD_MARKERS),
        Page(
            "GET /dashboard/?round= (office, one round)",
            f"/dashboard/?round={round_id}",
            DASHBOARD_MARKERS,
        ),
    ]


def line(timing: Timing, database: str) -> str:
    verdict = "under" if timing.p95 < TARGET_MS else "OVER"
    errors = f"   {timing.errors} ERRORS" if timing.errors else ""
    return (
        f"{database}: {timing.label:<46} median {timing.median:7.1f} ms   "
        f"p95 {timing.p95:7.1f} ms   {verdict} {TARGET_MS:.0f} ms{errors}"
    )


def run_one(database: str, options: Options) -> int:
    with bench_database(
        database, "xuncha-bench-dashboard-", default_url=DEFAULT_POSTGRES_URL
    ) as made:
        if made is not None:
            _benchmark(database, *made, options)
    return 0


def _benchmark(database: str, url: str, data_dir: str, options: Options) -> None:
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    data = generate_ledger_data(options.problems)
    extras = write_dashboard_extras()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if database == "postgres" else "ANALYZE")
    print(
        f"{database}: {data.problems:,} problems, {data.measures:,} measures, "
        f"{data.assignments:,} assignments ({data.units:,} units, {data.rounds} rounds), "
        f"{extras.outcomes:,} money outcomes, {extras.accountability:,} accountability facts, "
        f"{extras.regulations:,} rules, {extras.closings:,} 销号 moves; liaison of "
        f"{', '.join(extras.liaison_units)}; in {time.perf_counter() - started:.1f} s",
        flush=True,
    )
    round_id = middle_round_id()
    call_command("collectstatic", interactive=False, verbosity=0)
    connection.close()
    with production_server(url, data_dir) as base_url:
        office = Browser(base_url)
        office.log_in(OFFICE_USERNAME, data.password)
        timings = time_pages(office, dashboard_pages(round_id), repetitions=options.repetitions)
        liaison = Browser(base_url)
        liaison.log_in(LIAISON_USERNAME, extras.liaison_password)
        timings += time_pages(
            liaison,
            [Page("GET /dashboard/ (liaison, own units)", "/dashboard/", DASHBOARD_MARKERS)],
            repetitions=options.repetitions,
        )
    print(
        f"{database}: over HTTP from gunicorn ({GUNICORN_WORKERS} sync workers, debug off), "
        f"{options.repetitions} requests each after warming every worker "
        f"(load average {_load()}):",
        flush=True,
    )
    for timing in timings:
        print(line(timing, database), flush=True)
        for note in timing.notes:
            print(f"{database}:     error: {note}")

    from django.utils import timezone

    from xuncha.reports.dashboard import dashboard_figures, dashboard_problems
    from xuncha.rounds.models import Round

    today = timezone.localdate()
    users = get_user_model().objects
    office_user = users.get(username=OFFICE_USERNAME)
    liaison_user = users.get(username=LIAISON_USERNAME)
    round_ = Round.objects.get(pk=round_id)
    calls = {
        "dashboard_figures (office, all rounds)": lambda: dashboard_figures(
            dashboard_problems(office_user), today
        ),
        "dashboard_figures (office, one round)": lambda: dashboard_figures(
            dashboard_problems(office_user, round_=round_), today
        ),
        "dashboard_figures (liaison, own units)": lambda: dashboard_figures(
            dashboard_problems(liaison_user), today
        ),
    }
    print(f"{database}: in this process, {options.repetitions} runs each after 3 untimed:")
    for label, call in calls.items():
        print(line(time_call(label, call, repetitions=options.repetitions), database), flush=True)
    if options.explain:
        _explain_each_query(database, calls["dashboard_figures (office, all rounds)"])


def _explain_each_query(database: str, call: Any) -> None:
    """Each query of one dashboard with its time, the slowest first, with its plan."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        call()
    ordered = sorted(captured.captured_queries, key=lambda query: -float(query["time"]))
    for query in ordered[:3]:
        print(f"{database}: {float(query['time']) * 1000:.1f} ms: {query['sql'][:300]}")
    print(explain(call)[:4000])


def _load() -> str:
    return f"{os.getloadavg()[0]:.2f} on {os.cpu_count()} cores"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--problems", type=int, default=100_000)
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--repetitions", type=int, default=10)
    parser.add_argument("--explain", action="store_true", help="print the slowest queries")
    parsed = parser.parse_args(argv)
    options = Options(parsed.problems, parsed.repetitions, parsed.explain)
    if parsed.database != "both":
        return run_one(parsed.database, options)
    # Django's settings are read once per process, so each database runs in its own.
    for database in ("sqlite", "postgres"):
        command = [
            sys.executable,
            __file__,
            f"--problems={options.problems}",
            f"--database={database}",
            f"--repetitions={options.repetitions}",
            *(["--explain"] if options.explain else []),
        ]
        subprocess.run(command, check=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
