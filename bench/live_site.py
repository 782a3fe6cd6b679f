"""A scratch installation served as in production: a new database on the engine of
``DATABASE_URL`` (a SQLite file in a temporary folder, or a database created on the PostgreSQL
server and dropped afterwards), the ``xuncha`` command run in subprocesses against it, and
``xuncha serve`` (gunicorn) on a free port.

The tests that drive the production server (tests/core/test_concurrency.py, test_kill.py) and
the import benchmark (bench/imports.py) use it.
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPOSITORY / "bench"))

from http_client import Browser  # noqa: E402

XUNCHA = Path(sys.executable).with_name("xuncha")
PASSWORD = "live-test-2026"


def on_postgres(database_url: str | None = None) -> bool:
    """Whether the scratch database is made on PostgreSQL (the suite's second pass)."""
    url = os.environ.get("DATABASE_URL", "") if database_url is None else database_url
    return url.startswith(("postgres://", "postgresql://"))


@dataclass(frozen=True)
class Site:
    """A scratch installation: its data folder and its environment for ``xuncha``."""

    data_dir: Path
    env: dict[str, str]

    def xuncha(self, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
        """Run ``xuncha ARGS``; fails the test with its output when it exits non-zero."""
        done = subprocess.run(
            [str(XUNCHA), *args],
            env=self.env,
            cwd=REPOSITORY,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if done.returncode != 0:
            raise AssertionError(f"xuncha {' '.join(args)}: {done.stdout}\n{done.stderr}")
        return done

    def popen(self, *args: str) -> subprocess.Popen[str]:
        """Start ``xuncha ARGS`` in the background, its output piped."""
        return subprocess.Popen(
            [str(XUNCHA), *args],
            env=self.env,
            cwd=REPOSITORY,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def shell(self, code: str) -> str:
        """Run Python ``code`` inside the installation (``xuncha shell -c``); its output."""
        return self.xuncha("shell", "--no-imports", "-c", code).stdout


@contextmanager
def scratch_site(tmp_path: Path, database_url: str | None = None) -> Iterator[Site]:
    """A new, migrated installation on the engine of ``database_url`` (default: the
    ``DATABASE_URL`` of this process, SQLite when unset)."""
    data_dir = tmp_path / "site"
    data_dir.mkdir()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"XUNCHA_TESTING", "XUNCHA_DEBUG", "DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        XUNCHA_DATA_DIR=str(data_dir),
        XUNCHA_INSECURE_COOKIES="1",
        XUNCHA_ALLOWED_HOSTS="127.0.0.1,localhost",
        XUNCHA_ACCESS_LOG=str(data_dir / "access.log"),
    )
    if not on_postgres(database_url):
        yield _migrated(Site(data_dir, env))
        return
    import psycopg

    server_url = database_url or os.environ["DATABASE_URL"]
    name = f"xuncha_live_{secrets.token_hex(4)}"
    with psycopg.connect(_libpq(server_url), autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    env["DATABASE_URL"] = server_url.rsplit("/", 1)[0] + f"/{name}"
    try:
        yield _migrated(Site(data_dir, env))
    finally:
        with psycopg.connect(_libpq(server_url), autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _libpq(url: str) -> str:
    # The suite's own database may not exist yet (pytest-django makes test_…): connect to the
    # server's postgres database with the same role.
    return url.rsplit("/", 1)[0] + "/postgres"


def _migrated(site: Site) -> Site:
    site.xuncha("migrate", "--noinput", "-v0")
    return site


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def running_server(
    command: Sequence[str], env: dict[str, str], cwd: Path, log: Path, base: str
) -> Iterator[str]:
    """Start a web server, wait until ``base`` answers its login page, yield ``base``; stop the
    server when the block ends. Its output goes to ``log``, quoted when it fails to start."""
    with log.open("w") as output:
        server = subprocess.Popen(
            list(command), env=env, cwd=cwd, stdout=output, stderr=subprocess.STDOUT
        )
    try:
        deadline = time.monotonic() + 90
        while True:
            if server.poll() is not None:
                raise RuntimeError(f"{command[0]} exited ({server.returncode}):\n{log.read_text()}")
            try:
                Browser(base).request("GET", "/accounts/login/")
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"no answer in 90 s:\n{log.read_text()}") from None
                time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@contextmanager
def served(site: Site, *, workers: int = 2, threads: int = 4) -> Iterator[str]:
    """``xuncha serve`` (gunicorn) on a free port until the block ends; yields its URL."""
    port = free_port()
    env = {**site.env, "XUNCHA_WORKERS": str(workers), "XUNCHA_THREADS": str(threads)}
    command = [str(XUNCHA), "serve", f"127.0.0.1:{port}"]
    log = site.data_dir / "serve.log"
    with running_server(command, env, REPOSITORY, log, f"http://127.0.0.1:{port}") as base:
        yield base


def logged_in(base: str, username: str, password: str) -> Browser:
    browser = Browser(base)
    browser.log_in(username, password)
    return browser


def csrf(browser: Browser) -> str:
    return browser.cookies["csrftoken"]


def form_post(
    browser: Browser, path: str, fields: dict[str, str], extra: Sequence[tuple[str, str]] = ()
) -> tuple[int, str]:
    """POST a form with the CSRF token; (status, body)."""
    status, _headers, body = browser.request(
        "POST", path, {**fields, "csrfmiddlewaretoken": csrf(browser)}, extra
    )
    return status, body


SET_UP = f"""
from django.contrib.auth import get_user_model
from xuncha.core.models import Profile, Role
from xuncha.core.services import role_grant
from xuncha.findings.services import MeasureInput, problem_create
from xuncha.rounds.services import assignment_get_or_create, liaison_add, round_get_or_create
from xuncha.rounds.services import unit_get_or_create
from xuncha.rectification.transitions import problem_transition

users = get_user_model().objects
office = users.create_user("office", password="{PASSWORD}")
Profile.objects.create(user=office, display_name="巡察办")
role_grant(actor=None, user=office, role=Role.OFFICE)
round_, _ = round_get_or_create(actor=None, name="在办轮次", committee="市委")
unit, _ = unit_get_or_create(actor=None, name="市测试局", committee="市委")
assignment, _ = assignment_get_or_create(actor=None, round_=round_, unit=unit)
liaison = users.create_user("liaison", password="{PASSWORD}")
Profile.objects.create(user=liaison, display_name="联络员")
liaison_add(actor=office, unit=unit, user=liaison)
started = []
for number in range(8):
    problem = problem_create(
        actor=None, assignment=assignment, title=f"在办问题{{number}}",
        measures=[MeasureInput(text="建立工作台账。"), MeasureInput(text="开展专项检查。")],
    )
    problem_transition(actor=None, problem=problem, name="start", reason="测试")
    started.append(problem)
draft = problem_create(
    actor=None, assignment=assignment, title="待定方案的问题",
    measures=[MeasureInput(text="初稿措施。")],
)
print("ROUND", round_.pk)
print("PROBLEMS", *[p.pk for p in started])
print("MEASURES", *[m.pk for p in started for m in p.measures.all()])
print("DRAFT", draft.pk, draft.measures.get().pk)
"""


def set_up(site: Site) -> dict[str, list[int]]:
    """An office user and a liaison (password :data:`PASSWORD`), a round under way with eight
    started problems, and a problem whose plan is still a draft; the ids the set-up printed."""
    ids: dict[str, list[int]] = {}
    for line in site.shell(SET_UP).splitlines():
        key, *values = line.split()
        ids[key] = [int(value) for value in values]
    return ids
