"""Search benchmark: how long the ledger's search takes at 100,000 problems, over HTTP.

    .venv/bin/python bench/search.py [--problems 100000] [--database sqlite|postgres|both]
                                     [--repetitions 10]

For each database the script makes a throwaway database as bench/ledger.py does (SQLite: a
temporary file; PostgreSQL: ``XUNCHA_BENCH_POSTGRES_URL``, default the local server's
``xuncha_bench``, created and dropped), migrates it (the FTS5 tables and triggers, or pg_trgm
and its GIN indexes) and bulk-generates the ledger with bench/ledger_data.py's builders. It adds
a liaison of one unit, serves the data with gunicorn (production settings, debug off) and times
the ledger searched as the office and as the liaison: a two-character query (the short path:
LIKE within the scope), a four-character one (the trigram index), several words and a word
found nowhere. It prints the median and the 95th percentile of each with how many problems
matched; the target is a search page well under a second, printed, not asserted.

When PostgreSQL cannot be reached the script says so and goes on with SQLite.

``--keep`` keeps the generated data for another run (SQLite: in ``--data-dir``; PostgreSQL:
the database is not dropped) and a later ``--keep`` run reuses it instead of generating it
again, giving the two users fresh passwords: building 100,000 problems takes many minutes.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from urllib.parse import urlencode

from http_client import Browser
from ledger import bench_database
from ledger_data import (
    GUNICORN_WORKERS,
    OFFICE_USERNAME,
    generate_ledger_data,
)
from ledger_http import LEDGER_MARKERS, Page, production_server, time_pages

LIAISON_USERNAME = "基准-liaison"
TARGET_MS = 1000.0
# (label, query): the short path, the trigram index, several words (each must match), none.
QUERIES = (
    ("2 characters", "津贴"),
    ("4 characters", "公务接待"),
    ("3 words", "清退 批评教育 万元"),
    ("found nowhere", "不存在的词语"),
)


def search_pages() -> list[Page]:
    """The ledger searched for each query: the first page, and a deep one for the short
    path (the page's ids come from the same search)."""
    cases = []
    for label, query in QUERIES:
        markers = ('id="ledger-results"',) if label == "found nowhere" else LEDGER_MARKERS
        cases.append(
            Page(f"GET /ledger/?q= ({label}: {query})", _path(query), markers, target=False)
        )
    cases.append(
        Page(
            "GET /ledger/?q=津贴&page=20 (2 characters, page 20)",
            _path("津贴", page=20),
            LEDGER_MARKERS,
            target=False,
        )
    )
    cases.append(
        Page(
            "GET /ledger/?q=公务接待&sort=-deadline (4 characters, sorted)",
            _path("公务接待", sort="-deadline"),
            LEDGER_MARKERS,
            target=False,
        )
    )
    return cases


def _path(query: str, **more: object) -> str:
    return "/ledger/?" + urlencode({"q": query, **more})


def liaison_create(password: str) -> tuple[str, int]:
    """A liaison of the unit with the most problems; returns (its name, its problem count)."""
    from django.contrib.auth import get_user_model
    from django.db.models import Count

    from xuncha.core.models import Profile, Role
    from xuncha.core.services import role_grant
    from xuncha.findings.models import Problem
    from xuncha.rounds.models import Unit

    row = (
        Problem.objects.values("assignment__unit_id")
        .annotate(n=Count("id"))
        .order_by("-n", "assignment__unit_id")
        .first()
    )
    assert row is not None, "the generator wrote no problem"
    unit = Unit.objects.get(pk=row["assignment__unit_id"])
    user = get_user_model().objects.create_user(username=LIAISON_USERNAME, password=password)
    Profile.objects.create(user=user, display_name=LIAISON_USERNAME)
    role_grant(actor=None, user=user, role=Role.UNIT)
    unit.liaisons.add(user)
    return unit.name, row["n"]


def match_counts(username: str) -> dict[str, int]:
    """How many problems each query finds for the user (as the page's count says)."""
    from django.contrib.auth import get_user_model

    from xuncha.findings.selectors import ledger_problems

    user = get_user_model().objects.get(username=username)
    return {label: ledger_problems(user, q=query).count() for label, query in QUERIES}


def run_one(
    database: str, problems: int, repetitions: int, *, keep: bool = False, data_dir: str = ""
) -> int:
    with bench_database(database, "xuncha-bench-search-", data_dir=data_dir, keep=keep) as made:
        if made is not None:
            _benchmark(database, *made, problems, repetitions, reuse=keep)
    return 0


def _reused(problems: int) -> tuple[str, str, int] | None:
    """A kept data set of at least ``problems`` problems with both users, their passwords
    reset; (password, the liaison's unit, its problem count), or None to generate anew."""
    import secrets

    from django.contrib.auth import get_user_model

    from xuncha.findings.models import Problem

    users = get_user_model().objects.filter(username__in=(OFFICE_USERNAME, LIAISON_USERNAME))
    if Problem.objects.count() < problems or users.count() != 2:
        return None
    password = secrets.token_urlsafe(16)
    for user in users:
        user.set_password(password)
        user.save(update_fields=["password"])
    liaison = users.get(username=LIAISON_USERNAME)
    unit = liaison.liaison_units.get()
    return password, unit.name, Problem.objects.filter(assignment__unit=unit).count()


def _benchmark(
    database: str, url: str, data_dir: str, problems: int, repetitions: int, *, reuse: bool
) -> None:
    from django.core.management import call_command
    from django.db import connection

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"{database}: migrated in {time.perf_counter() - started:.1f} s", flush=True)
    kept = _reused(problems) if reuse else None
    if kept:
        password, unit_name, unit_problems = kept
        print(f"{database}: reusing the kept data", flush=True)
    else:
        data = generate_ledger_data(problems)
        password = data.password
        unit_name, unit_problems = liaison_create(data.password)
        print(
            f"{database}: generated {data.problems:,} problems, {data.measures:,} measures in "
            f"{data.seconds:.1f} s",
            flush=True,
        )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if database == "postgres" else "ANALYZE")
    print(f"{database}: the liaison's unit {unit_name} has {unit_problems} problems", flush=True)
    for username in (OFFICE_USERNAME, LIAISON_USERNAME):
        counts = ", ".join(f"{label} {n:,}" for label, n in match_counts(username).items())
        print(f"{database}: {username} finds: {counts}", flush=True)
    call_command("collectstatic", interactive=False, verbosity=0)
    connection.close()
    with production_server(url, data_dir) as base_url:
        for username in (OFFICE_USERNAME, LIAISON_USERNAME):
            browser = Browser(base_url)
            browser.log_in(username, password)
            timings = time_pages(browser, search_pages(), repetitions=repetitions)
            print(
                f"{database}: as {username}, over HTTP from gunicorn ({GUNICORN_WORKERS} sync "
                f"workers, debug off), {repetitions} requests each (load average "
                f"{os.getloadavg()[0]:.2f} on {os.cpu_count()} cores; target "
                f"{TARGET_MS:.0f} ms, not asserted):",
                flush=True,
            )
            for timing in timings:
                print(timing.line(database), flush=True)
                for note in timing.notes:
                    print(f"{database}:     error: {note}", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--problems", type=int, default=100_000)
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--repetitions", type=int, default=10)
    parser.add_argument(
        "--keep", action="store_true", help="keep the data, and reuse data kept before"
    )
    parser.add_argument("--data-dir", default="", help="with --keep: where SQLite's data lives")
    parsed = parser.parse_args(argv)
    if parsed.database != "both":
        return run_one(
            parsed.database,
            parsed.problems,
            parsed.repetitions,
            keep=parsed.keep,
            data_dir=parsed.data_dir,
        )
    # Django's settings are read once per process, so each database runs in its own.
    status = 0
    for database in ("sqlite", "postgres"):
        command = [
            sys.executable,
            __file__,
            f"--problems={parsed.problems}",
            f"--database={database}",
            f"--repetitions={parsed.repetitions}",
        ]
        status |= subprocess.run(command, check=False).returncode
    return status


if __name__ == "__main__":
    sys.exit(main())
