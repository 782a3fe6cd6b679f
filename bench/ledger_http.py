"""The ledger benchmark over HTTP: gunicorn serving the benchmark database with production
settings, a logged-in client, and the pages timed as the user waits for them."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from http_client import Browser
from ledger_data import GUNICORN, GUNICORN_WORKERS, REPOSITORY
from ledger_timing import Timing
from live_site import free_port, running_server

# ---------------------------------------------------------------- over HTTP


@dataclass(frozen=True)
class Page:
    """A page to time over HTTP: its path, what its body must contain, whether 50 ms applies,
    and the request's extra headers (an HTMX request for the results alone)."""

    label: str
    path: str
    markers: tuple[str, ...]
    target: bool = True
    headers: tuple[tuple[str, str], ...] = ()


LEDGER_MARKERS = ('id="ledger-results"', "ledger-table")
# What the ledger's filter bar sends when a filter changes: the page answers with the results.
HTMX_RESULTS = (("HX-Request", "true"), ("HX-Target", "ledger-results"))


def pages(round_id: int) -> list[Page]:
    """The plain first page (beside), the red ledger (the page; beside it, the results alone as
    the filter bar fetches them) and the round's page with its counts (the targets)."""
    return [
        Page("GET /ledger/ (first page)", "/ledger/", LEDGER_MARKERS, target=False),
        Page(
            "GET /ledger/?warning=red",
            "/ledger/?warning=red",
            (*LEDGER_MARKERS, 'class="badge warning-red"'),
        ),
        Page(
            "GET /ledger/?warning=red (HTMX, results only)",
            "/ledger/?warning=red",
            (*LEDGER_MARKERS, 'class="badge warning-red"'),
            target=False,
            headers=HTMX_RESULTS,
        ),
        Page(
            f"GET /rounds/{round_id}/ (counts)",
            f"/rounds/{round_id}/",
            ('id="units-title"', 'id="groups-title"', "warning-col"),
        ),
    ]


def response_problem(status: int, body: str, markers: Sequence[str]) -> str | None:
    """Why a response is not the page asked for (None when it is): not 200, or a marker of
    its content missing."""
    if status != 200:
        return f"HTTP {status}"
    missing = [marker for marker in markers if marker not in body]
    if missing:
        return f"missing {', '.join(missing)}"
    return None


def time_pages(
    browser: Browser,
    cases: Sequence[Page],
    *,
    repetitions: int = 20,
    warmup: int = 3,
    workers: int = GUNICORN_WORKERS,
) -> list[Timing]:
    """GET each page ``repetitions`` times, one after another, and time each answer; every
    answer that is not the page (see :func:`response_problem`) counts as an error.

    Before the timed requests each page is fetched ``warmup`` times by ``workers`` clients at
    once, so that every server worker has served it (a worker's first answer of a page loads
    its templates and translations).
    """
    timings = []
    for case in cases:
        timing = Timing(case.label, [], case.target)
        for _ in range(warmup):
            for status, body in _fetch_at_once(browser, case, workers):
                _count_problem(timing, response_problem(status, body, case.markers))
        for _ in range(repetitions):
            started = time.perf_counter()
            status, _headers, body = browser.request("GET", case.path, extra=case.headers)
            timing.samples.append((time.perf_counter() - started) * 1000)
            _count_problem(timing, response_problem(status, body, case.markers))
        timings.append(timing)
    return timings


def _fetch_at_once(browser: Browser, case: Page, clients: int) -> list[tuple[int, str]]:
    """(status, body) of ``clients`` simultaneous requests for the page."""

    def fetch(_number: int) -> tuple[int, str]:
        status, _headers, body = browser.request("GET", case.path, extra=case.headers)
        return status, body

    with ThreadPoolExecutor(max_workers=clients) as pool:
        return list(pool.map(fetch, range(clients)))


def _count_problem(timing: Timing, problem: str | None) -> None:
    if problem:
        timing.errors += 1
        if problem not in timing.notes:
            timing.notes.append(problem)


def server_environment(database_url: str, data_dir: str) -> dict[str, str]:
    """Production settings for the benchmark database: debug off, plain-http cookies."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"XUNCHA_DEBUG", "XUNCHA_TESTING", "XUNCHA_SSL_REDIRECT"}
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DATABASE_URL=database_url,
        XUNCHA_DATA_DIR=data_dir,
        XUNCHA_INSECURE_COOKIES="1",
        XUNCHA_ALLOWED_HOSTS="127.0.0.1,localhost",
        PYTHONPATH=str(REPOSITORY),
    )
    return environment


@contextmanager
def production_server(database_url: str, data_dir: str) -> Iterator[str]:
    """``gunicorn config.wsgi`` on a free local port (2 sync workers); yields its base URL."""
    port = free_port()
    log = Path(data_dir) / "gunicorn.log"
    command = [
        str(GUNICORN),
        "config.wsgi:application",
        f"--bind=127.0.0.1:{port}",
        f"--workers={GUNICORN_WORKERS}",
        "--worker-class=sync",
        "--timeout=120",
        f"--error-logfile={log}",
        f"--chdir={REPOSITORY}",
    ]
    environment = server_environment(database_url, data_dir)
    base_url = f"http://127.0.0.1:{port}"
    with running_server(command, environment, REPOSITORY, log, base_url) as base:
        status, _headers, _body = Browser(base).request("GET", "/accounts/login/")
        if status != 200:
            raise RuntimeError(f"gunicorn answers {status} on the login page:\n{log.read_text()}")
        yield base
