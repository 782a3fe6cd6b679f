"""Ledger benchmark: the red ledger and the warning counts under 50 ms at 100,000 problems?

    .venv/bin/python bench/ledger.py [--problems 100000] [--database sqlite|postgres|both]
                                     [--repetitions 20] [--no-check] [--explain]

For each database the script makes a throwaway database (SQLite: a temporary file; PostgreSQL:
``xuncha_bench`` on the local server, created through the ``postgres`` database and dropped
afterwards), migrates it and bulk-generates an office's data: rounds, groups, units, feedback
dates spread over the past year, problems of every status with 1-3 measures whose deadlines fall
around today, plans, follow-up visits and verdicts with new deadlines. The clocks and each
problem's nearest deadline are computed by the clock engine's own code and written in bulk, so
the ledger has deadlines of every colour, exactly as the engine would have stored them.

It then serves the data with ``gunicorn`` (production settings, debug off), logs in as the
office and times over HTTP what the user waits for: the plain first page of the ledger, the
ledger filtered by red (逾期) and a round's page (the warning counts per unit and per group).
Beside the pages it times, in this process, the warning counts per unit and per group over all
problems and the red ledger's query function, so that the SQL cost shows apart from the page,
and once the full check of every stored clock (``xuncha deadlines-refresh --check``). It
prints the median and the 95th percentile of each and exits 1 when a target is missed.

PostgreSQL is reached at ``XUNCHA_BENCH_POSTGRES_URL`` (default: the unix socket as
``postgres``). When it cannot be reached the script says so and goes on with SQLite.

The generator and the timing helpers are importable (tests/core/test_bench_ledger.py runs them
on a few hundred problems); Django is configured only when the script runs.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ledger_data import (
    DEFAULT_POSTGRES_URL,
    GUNICORN_WORKERS,
    OFFICE_USERNAME,
    REPOSITORY,
    describe_mix,
    generate_ledger_data,
    ledger_mix,
)
from ledger_http import Browser, pages, production_server, time_pages
from ledger_timing import (
    counts_per_group,
    counts_per_unit,
    explain,
    middle_round_id,
    red_ledger,
    round_counts,
    time_queries,
)

# ---------------------------------------------------------------- running the script


def configure_django(database_url: str, data_dir: str) -> None:
    """Point the production settings at the benchmark database before Django is imported."""
    sys.path.insert(0, str(REPOSITORY))
    for name in ("XUNCHA_DEBUG", "XUNCHA_TESTING", "XUNCHA_SSL_REDIRECT"):
        os.environ.pop(name, None)
    os.environ["DATABASE_URL"] = database_url
    os.environ["XUNCHA_DATA_DIR"] = data_dir
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    import django

    django.setup()


@contextmanager
def bench_database(
    database: str,
    prefix: str,
    *,
    data_dir: str = "",
    keep: bool = False,
    default_url: str = DEFAULT_POSTGRES_URL,
) -> Iterator[tuple[str, str] | None]:
    """A throwaway benchmark database, Django configured for it: ``(url, data_dir)``.

    SQLite: a file in a temporary folder (or in ``data_dir``); PostgreSQL:
    ``XUNCHA_BENCH_POSTGRES_URL`` (default ``default_url``: the local ``xuncha_bench``), made afresh
    (or reused when ``keep`` and it exists). Yields None, having said why, when the server
    cannot be reached. Afterwards the connection is closed and, unless ``keep``, the database
    and the folder are removed.
    """
    if keep and data_dir:
        Path(data_dir).mkdir(parents=True, exist_ok=True)
    else:
        data_dir = tempfile.mkdtemp(prefix=prefix)
    if database == "sqlite":
        url = f"sqlite:///{Path(data_dir) / 'bench.sqlite3'}"
    else:
        url = os.environ.get("XUNCHA_BENCH_POSTGRES_URL", default_url)
        problem = None if keep and postgres_exists(url) else postgres_create(url)
        if problem:
            print(f"postgres: the server is not reachable ({problem}); skipping PostgreSQL.")
            shutil.rmtree(data_dir, ignore_errors=True)
            yield None
            return
    configure_django(url, data_dir)
    from django.db import connection

    try:
        yield url, data_dir
    finally:
        connection.close()
        if not keep:
            if database == "postgres":
                postgres_drop(url)
            shutil.rmtree(data_dir, ignore_errors=True)


def postgres_exists(url: str) -> bool:
    """Whether the benchmark database is there already (to reuse a kept one)."""
    import dj_database_url
    import psycopg

    settings = dj_database_url.parse(url)
    try:
        with psycopg.connect(**_maintenance(settings), autocommit=True, connect_timeout=5) as conn:
            found = conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [settings["NAME"]]
            ).fetchone()
    except psycopg.Error:
        return False
    return found is not None


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


def _maintenance(settings: Mapping[str, Any]) -> dict[str, Any]:
    """Connection arguments for the server's ``postgres`` database."""
    arguments = {"dbname": "postgres", "user": settings.get("USER") or None}
    for key, name in (("HOST", "host"), ("PORT", "port"), ("PASSWORD", "password")):
        if settings.get(key):
            arguments[name] = settings[key]
    return arguments


@dataclass(frozen=True)
class Options:
    problems: int
    repetitions: int
    check: bool
    explain: bool


def run_one(database: str, options: Options) -> int:
    """Benchmark one database in this process; 0 when every target is met."""
    with bench_database(database, "xuncha-bench-") as made:
        if made is None:
            return 0
        from django.core.management import call_command

        url, data_dir = made
        return _benchmark(database, url, data_dir, options, call_command)


def _benchmark(
    database: str, url: str, data_dir: str, options: Options, call_command: Callable[..., Any]
) -> int:
    from django.db import connection

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"{database}: migrated in {time.perf_counter() - started:.1f} s", flush=True)
    data = generate_ledger_data(options.problems)
    # Fresh statistics and visibility map, as autovacuum keeps them on a live database.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if database == "postgres" else "ANALYZE")
    steps = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in data.steps.items())
    print(
        f"{database}: generated {data.problems:,} problems, {data.measures:,} measures, "
        f"{data.assignments:,} assignments ({data.units:,} units, {data.groups} groups, "
        f"{data.rounds} rounds), {data.plans:,} plans, {data.followups} follow-ups, "
        f"{data.visits:,} visits, {data.verdicts:,} verdicts, {data.clocks:,} clocks "
        f"in {data.seconds:.1f} s ({steps})",
        flush=True,
    )
    for line in describe_mix(database, ledger_mix(data.today)):
        print(line, flush=True)

    round_id = middle_round_id()
    call_command("collectstatic", interactive=False, verbosity=0)
    connection.close()  # the server's workers have the database to themselves while timed
    with production_server(url, data_dir) as base_url:
        browser = Browser(base_url)
        browser.log_in(OFFICE_USERNAME, data.password)
        page_timings = time_pages(browser, pages(round_id), repetitions=options.repetitions)
    print(
        f"{database}: over HTTP from gunicorn ({GUNICORN_WORKERS} sync workers, debug off), "
        f"{options.repetitions} requests each after warming every worker "
        f"(load average {_load()}):",
        flush=True,
    )
    for timing in page_timings:
        print(timing.line(database), flush=True)
        for note in timing.notes:
            print(f"{database}:     error: {note}")
    query_timings = time_queries(data.office, data.today, round_id, repetitions=options.repetitions)
    print(
        f"{database}: in this process, {options.repetitions} runs each after 3 untimed "
        f"(load average {_load()}):"
    )
    for timing in query_timings:
        print(timing.line(database), flush=True)

    targets = [t for t in [*page_timings, *query_timings] if t.target]
    missed = [t.label for t in targets if not t.within_target]
    print(
        f"{database}: {len(targets) - len(missed)} of {len(targets)} targets met"
        + (f"; missed: {'; '.join(missed)}" if missed else ""),
        flush=True,
    )
    status = 1 if missed else 0
    if options.check:
        from xuncha.clocks.check import clocks_check

        started = time.perf_counter()
        differences = clocks_check()
        seconds = time.perf_counter() - started
        print(
            f"{database}: clocks_check() (deadlines-refresh --check) at {data.problems:,} "
            f"problems: {seconds:.1f} s, {len(differences)} differences",
            flush=True,
        )
        for difference in differences[:10]:
            print(f"{database}:     {difference}")
        status |= 1 if differences else 0
    if options.explain:
        print(f"{database}: query plans")
        print(explain(lambda: red_ledger(data.office, data.today)))
        print(explain(lambda: counts_per_unit(data.today)))
        print(explain(lambda: counts_per_group(data.today)))
        print(explain(lambda: round_counts(round_id, data.today)))
    return status


def _load() -> str:
    """The machine's load over the last minute: timings taken beside other work are slower."""
    return f"{os.getloadavg()[0]:.2f} on {os.cpu_count()} cores"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--problems", type=int, default=100_000)
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--repetitions", type=int, default=20)
    parser.add_argument(
        "--no-check",
        dest="check",
        action="store_false",
        help="skip timing clocks_check() (xuncha deadlines-refresh --check)",
    )
    parser.add_argument(
        "--explain", action="store_true", help="print the query plans of the timed queries"
    )
    parsed = parser.parse_args(argv)
    options = Options(parsed.problems, parsed.repetitions, parsed.check, parsed.explain)
    if parsed.database != "both":
        return run_one(parsed.database, options)
    # Django's settings are read once per process, so each database runs in its own.
    status = 0
    for database in ("sqlite", "postgres"):
        command = [
            sys.executable,
            __file__,
            f"--problems={options.problems}",
            f"--database={database}",
            f"--repetitions={options.repetitions}",
            *([] if options.check else ["--no-check"]),
            *(["--explain"] if options.explain else []),
        ]
        status |= subprocess.run(command, check=False).returncode
    return status


if __name__ == "__main__":
    sys.exit(main())
