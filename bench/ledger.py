"""Ledger paging benchmark: is a page of the 整改台账 under 100 ms at 100,000 problems?

    .venv/bin/python bench/ledger.py [--problems 100000] [--database sqlite|postgres|both]

For each database the script makes a throwaway database (SQLite: a temporary file; PostgreSQL:
``xuncha_bench`` on the local server, created through the ``postgres`` database and dropped
afterwards), migrates it, bulk-generates the problems, then times the ledger the way the web
page computes it (``xuncha.findings.ledger.ledger_page``: the office's ledger with its warning
colours, the count, one page of ids, those rows, and the measure counts of the page's
problems). It reports the median and the 95th percentile over repeated runs, and exits 1 when
one of them misses the target. The generated problems have no stored deadlines (the warning
subqueries run but find none).

PostgreSQL is reached at ``XUNCHA_BENCH_POSTGRES_URL`` (default: the unix socket as
``postgres``). When it cannot be reached the script says so and goes on with SQLite.

The generator and the timing functions are importable (tests/core/test_bench_ledger.py runs
them on a few hundred problems); Django is configured only when the script runs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPOSITORY = Path(__file__).resolve().parent.parent
DEFAULT_POSTGRES_URL = "postgres://postgres@/xuncha_bench?host=/var/run/postgresql"
PAGE_SIZE = 50  # as LEDGER_PAGE_SIZE in xuncha.web.views.ledger
TARGET_MS = 100.0
PROBLEMS_PER_ASSIGNMENT = 25
GROUPS_PER_ROUND = 7
PROBLEMS_PER_ROUND = 10_000
BATCH_SIZE = 2_000
BENCH_PREFIX = "基准"

TITLES = (
    "落实主体责任不到位",
    "意识形态工作责任制落实不力",
    "违规发放津贴补贴",
    "公务接待管理不规范",
    "干部选拔任用程序不严",
    "政府采购管理存在漏洞",
    "上轮巡察整改不彻底",
    "基层党组织建设薄弱",
    "重点项目推进缓慢",
    "群众反映强烈的问题解决不及时",
)
CATEGORIES = ("党的领导", "全面从严治党", "作风建设", "选人用人", "巡察整改")
MEASURE_TEXTS = (
    "清退违规发放津补贴{n}.5万元，对{k}名相关责任人进行批评教育。",
    "开展专题培训{k}期，约谈{n}人次，整改完成率9{k}.5%。",
    "制定《管理办法》，修订完善制度{k}项，截至2026年6月30日全部印发。",
    "从{k}名增加至{n}名，覆盖群众近{k}.2万人次。",
)


# ---------------------------------------------------------------- generating the data


@dataclass(frozen=True)
class GeneratedLedger:
    """What the generator wrote, and the office user who reads the ledger."""

    office: Any
    rounds: int
    groups: int
    units: int
    assignments: int
    problems: int
    measures: int
    seconds: float


def generate_ledger_data(
    problems: int, *, seed: int = 20_260_101, batch_size: int = BATCH_SIZE
) -> GeneratedLedger:
    """Bulk-write ``problems`` problems with 1-3 measures each, and an office user.

    This is benchmark data, written with ``bulk_create`` and no audit rows: the services'
    audit chain would make generation take an hour and is not what the ledger reads. About 25
    problems per assignment, 10,000 per round, 7 groups per round; every round inspects the
    same units, as successive rounds do.
    """
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from xuncha.core.models import Profile, Role
    from xuncha.findings.models import Problem
    from xuncha.rounds.models import Assignment, Group, Round, Unit

    started = time.perf_counter()
    rng = random.Random(seed)
    assignment_count = max(1, math.ceil(problems / PROBLEMS_PER_ASSIGNMENT))
    round_count = max(1, round(problems / PROBLEMS_PER_ROUND))
    round_count = min(round_count, assignment_count)
    units_per_round = math.ceil(assignment_count / round_count)

    with transaction.atomic():
        office = get_user_model().objects.create_user(username=f"{BENCH_PREFIX}-office")
        Profile.objects.create(user=office, role=Role.OFFICE, display_name="基准测试巡察办")
        rounds = Round.objects.bulk_create(
            Round(
                name=f"{BENCH_PREFIX}第{number}轮巡察",
                kind="regular",
                committee="市委",
                term="十四届",
                sequence=number,
            )
            for number in range(1, round_count + 1)
        )
        groups = Group.objects.bulk_create(
            Group(round=round_, name=f"市委第{number}巡察组", sequence=number, leader_name="王某")
            for round_ in rounds
            for number in range(1, GROUPS_PER_ROUND + 1)
        )
        units = Unit.objects.bulk_create(
            (Unit(name=f"{BENCH_PREFIX}单位{number:05d}") for number in range(units_per_round)),
            batch_size=batch_size,
        )
        assignments: list[Assignment] = []
        for round_index, round_ in enumerate(rounds):
            round_groups = groups[
                round_index * GROUPS_PER_ROUND : (round_index + 1) * GROUPS_PER_ROUND
            ]
            for position, unit in enumerate(units):
                if len(assignments) == assignment_count:
                    break
                assignments.append(
                    Assignment(
                        round=round_,
                        unit=unit,
                        group=round_groups[position % GROUPS_PER_ROUND],
                        position=position + 1,
                    )
                )
        assignments = Assignment.objects.bulk_create(assignments, batch_size=batch_size)

        pending: list[Problem] = []
        measure_total = 0
        written = 0
        for assignment in assignments:
            for ordinal in range(1, PROBLEMS_PER_ASSIGNMENT + 1):
                if written == problems:
                    break
                pending.append(_problem(rng, assignment, ordinal))
                written += 1
            if len(pending) >= batch_size:
                measure_total += _write_batch(rng, pending, batch_size)
                pending = []
        if pending:
            measure_total += _write_batch(rng, pending, batch_size)

    return GeneratedLedger(
        office=office,
        rounds=len(rounds),
        groups=len(groups),
        units=len(units),
        assignments=len(assignments),
        problems=written,
        measures=measure_total,
        seconds=time.perf_counter() - started,
    )


STATUS_WEIGHTS = (("pending", 10), ("in_progress", 50), ("closing_requested", 10), ("closed", 30))


def _problem(rng: random.Random, assignment: Any, ordinal: int) -> Any:
    from xuncha.findings.models import Problem

    title = rng.choice(TITLES)
    return Problem(
        assignment=assignment,
        ordinal=ordinal,
        title=title,
        text=f"{title}。经查，该单位相关制度执行不严，台账记录不全，问题在多个科室不同程度存在。",
        category=rng.choice(CATEGORIES),
        rectification_kind=rng.choice(("immediate", "by_deadline", "long_term")),
        deadline=dt.date(2026, 1, 1) + dt.timedelta(days=rng.randrange(365)),
        status=rng.choices(
            [status for status, _weight in STATUS_WEIGHTS],
            [weight for _status, weight in STATUS_WEIGHTS],
        )[0],
    )


def _write_batch(rng: random.Random, problems: list[Any], batch_size: int) -> int:
    """Insert a batch of problems, then their 1-3 measures (statuses that agree with them)."""
    from xuncha.findings.models import Measure, Problem

    created = Problem.objects.bulk_create(problems, batch_size=batch_size)
    measures = []
    for problem in created:
        for ordinal in range(1, rng.randint(1, 3) + 1):
            if problem.status in {"closing_requested", "closed"}:
                status = "done"
            elif problem.status == "pending":
                status = "not_started"
            else:
                status = rng.choice(("in_progress", "done"))
            measures.append(
                Measure(
                    problem=problem,
                    ordinal=ordinal,
                    text=rng.choice(MEASURE_TEXTS).format(n=rng.randint(10, 99), k=ordinal + 2),
                    owner="党组书记 王某",
                    department="办公室",
                    status=status,
                )
            )
    Measure.objects.bulk_create(measures, batch_size=batch_size)
    return len(measures)


# ---------------------------------------------------------------- timing the ledger


@dataclass(frozen=True)
class LedgerPage:
    """One ledger page as the web page builds it."""

    number: int
    rows: list[Any]
    count: int
    num_pages: int
    progress: dict[int, dict[str, int]]


def ledger_page(user: Any, number: int, **filters: Any) -> LedgerPage:
    """Build one page with the very function the web page calls (warning colours included)."""
    from xuncha.findings.ledger import ledger_page as build_page

    result = build_page(
        user, filters=filters, warning=None, page_number=number, today=dt.date.today()
    )
    paginator = result.page.paginator
    return LedgerPage(
        number, result.problems, paginator.count, paginator.num_pages, result.progress
    )


@dataclass(frozen=True)
class Timing:
    """Wall-clock times of repeated runs, in milliseconds; ``target`` when 100 ms applies."""

    label: str
    samples: list[float]
    target: bool = True

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def p95(self) -> float:
        ordered = sorted(self.samples)
        return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]

    @property
    def within_target(self) -> bool:
        return self.p95 < TARGET_MS


def time_call(
    label: str,
    call: Callable[[], Any],
    *,
    repetitions: int = 20,
    warmup: int = 3,
    target: bool = True,
) -> Timing:
    """Run ``call`` ``warmup`` times untimed, then ``repetitions`` times timed."""
    for _ in range(warmup):
        call()
    samples = []
    for _ in range(repetitions):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return Timing(label, samples, target)


def ledger_cases(user: Any) -> list[tuple[str, int, dict[str, Any], bool]]:
    """The pages to time: (label, page number, filters, whether the 100 ms target applies).

    Page 1 and page 500 of the whole ledger are the target; the last page shows how the cost
    grows with the offset; the filtered ledger takes a round in the middle of the table, so
    that its rows do not start at the first index entries.
    """
    from xuncha.findings.models import ProblemStatus
    from xuncha.rounds.models import Round

    last = ledger_page(user, 1).num_pages
    deep = min(500, last)
    rounds = list(Round.objects.order_by("id").values_list("id", flat=True))
    filters = {"round_id": rounds[len(rounds) // 2], "status": ProblemStatus.IN_PROGRESS}
    filtered_last = ledger_page(user, 1, **filters).num_pages
    cases = [(f"page 1 of {last}", 1, {}, True), (f"page {deep} of {last}", deep, {}, True)]
    if last > deep:
        cases.append((f"page {last} of {last} (last)", last, {}, False))
    for number in sorted({1, filtered_last}):
        cases.append((f"round+status page {number} of {filtered_last}", number, filters, True))
    return cases


def time_ledger(user: Any, *, repetitions: int = 20, warmup: int = 3) -> list[Timing]:
    """Time every page of :func:`ledger_cases`."""
    return [
        time_call(
            label,
            lambda number=number, filters=filters: ledger_page(user, number, **filters),
            repetitions=repetitions,
            warmup=warmup,
            target=target,
        )
        for label, number, filters, target in ledger_cases(user)
    ]


def explain_page(user: Any, number: int, **filters: Any) -> str:
    """The database's plan (with actual times) for a ledger page's count and rows queries."""
    from django.db import connection

    from xuncha.findings.selectors import ledger_problems

    problems = ledger_problems(user, **filters)
    start = (number - 1) * PAGE_SIZE
    queries = {
        "count": problems.order_by().values("pk").query,
        "rows": problems[start : start + PAGE_SIZE].query,
    }
    prefix = "EXPLAIN ANALYZE " if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN "
    lines = []
    for label, query in queries.items():
        sql, params = query.sql_with_params()
        if label == "count":
            sql = f"SELECT COUNT(*) FROM ({sql}) AS page"
        with connection.cursor() as cursor:
            cursor.execute(prefix + sql, params)
            plan = [" ".join(str(cell) for cell in row) for row in cursor.fetchall()]
        lines += [f"-- {label} (page {number}{', filtered' if filters else ''})", *plan]
    return "\n".join(lines)


# ---------------------------------------------------------------- running the script


def configure_django(database_url: str, data_dir: str) -> None:
    """Point the settings at the benchmark database before Django is imported."""
    sys.path.insert(0, str(REPOSITORY))
    os.environ["DATABASE_URL"] = database_url
    os.environ["XUNCHA_DATA_DIR"] = data_dir
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    import django

    django.setup()


def postgres_create(url: str) -> str | None:
    """Create a fresh benchmark database; return why not when the server cannot be reached."""
    import dj_database_url
    import psycopg

    settings = dj_database_url.parse(url)
    try:
        with psycopg.connect(**_maintenance(settings), autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{settings["NAME"]}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{settings["NAME"]}"')
    except psycopg.Error as error:
        return str(error).strip().splitlines()[0]
    return None


def postgres_drop(url: str) -> None:
    import dj_database_url
    import psycopg

    settings = dj_database_url.parse(url)
    with psycopg.connect(**_maintenance(settings), autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{settings["NAME"]}" WITH (FORCE)')


def _maintenance(settings: dict[str, Any]) -> dict[str, Any]:
    """Connection arguments for the server's ``postgres`` database."""
    arguments = {"dbname": "postgres", "user": settings.get("USER") or None}
    for key, name in (("HOST", "host"), ("PORT", "port"), ("PASSWORD", "password")):
        if settings.get(key):
            arguments[name] = settings[key]
    return arguments


def run_one(database: str, problems: int, repetitions: int, explain: bool = False) -> int:
    """Benchmark one database in this process; 0 when every timing meets the target."""
    data_dir = tempfile.mkdtemp(prefix="xuncha-bench-")
    if database == "sqlite":
        url = f"sqlite:///{Path(data_dir) / 'bench.sqlite3'}"
    else:
        url = os.environ.get("XUNCHA_BENCH_POSTGRES_URL", DEFAULT_POSTGRES_URL)
        problem = postgres_create(url)
        if problem:
            print(f"postgres: the server is not reachable ({problem}); skipping PostgreSQL.")
            return 0
    configure_django(url, data_dir)
    from django.core.management import call_command
    from django.db import connection

    try:
        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        print(f"{database}: migrated in {time.perf_counter() - started:.1f} s")
        data = generate_ledger_data(problems)
        # Fresh statistics and visibility map, as autovacuum keeps them on a live database.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE" if database == "postgres" else "ANALYZE")
        print(
            f"{database}: generated {data.problems:,} problems, {data.measures:,} measures, "
            f"{data.assignments:,} assignments, {data.units:,} units, {data.rounds} rounds "
            f"in {data.seconds:.1f} s"
        )
        timings = time_ledger(data.office, repetitions=repetitions)
        for timing in timings:
            verdict = "under" if timing.within_target else "OVER"
            note = "" if timing.target else "  (shown for scale, not a target)"
            print(
                f"{database}: {timing.label:<34} median {timing.median:7.1f} ms   "
                f"p95 {timing.p95:7.1f} ms   {verdict} {TARGET_MS:.0f} ms{note}"
            )
        if explain:
            for _label, number, filters, _target in ledger_cases(data.office)[:2]:
                print(explain_page(data.office, number, **filters))
            _label, number, filters, _target = next(
                case for case in ledger_cases(data.office) if case[2]
            )
            print(explain_page(data.office, number, **filters))
        return 0 if all(t.within_target for t in timings if t.target) else 1
    finally:
        connection.close()
        if database == "postgres":
            postgres_drop(url)
        shutil.rmtree(data_dir, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--problems", type=int, default=100_000)
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--repetitions", type=int, default=20)
    parser.add_argument(
        "--explain", action="store_true", help="print the query plans of page 500 as well"
    )
    options = parser.parse_args(argv)
    if options.database != "both":
        return run_one(options.database, options.problems, options.repetitions, options.explain)
    # Django's settings are read once per process, so each database runs in its own.
    status = 0
    for database in ("sqlite", "postgres"):
        command = [
            sys.executable,
            __file__,
            f"--problems={options.problems}",
            f"--database={database}",
            f"--repetitions={options.repetitions}",
            *(["--explain"] if options.explain else []),
        ]
        status |= subprocess.run(command, check=False).returncode
    return status


if __name__ == "__main__":
    sys.exit(main())
