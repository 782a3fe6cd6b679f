"""API fuzzing: does every answer of the API match its own OpenAPI schema, whatever is asked?

    .venv/bin/python bench/schema_fuzz.py [--examples 500] [--seed 0]

The script makes a throwaway SQLite database (a temporary folder, removed afterwards), migrates
it and loads the demo dataset (``xuncha demo``: a round, its groups, units, problems with
measures, outcomes, accountability and rules, and one login per role). It then loads the schema
from ``/api/schema/`` as the office and lets schemathesis generate requests for every operation
of it, as each demo login and as an anonymous visitor: ``--examples`` cases per operation and
login, half of them for the ids and filters that exist in the database, so that detail pages
and filtered ledgers answer with real rows. Every answer is checked: never a server error, its
status code documented, its content type and body as documented. It prints, per operation, the
number of cases, the statuses seen and the failures, and exits 1 when any case failed.

It runs the test settings (``config.settings_test``: fast password hashing, no log-in
throttling), since every request logs in with basic authentication.

The fuzzing itself is importable: tests/api/test_schema_fuzz.py runs it on the API tests' small
world with a few examples each, on SQLite and on PostgreSQL; Django is configured only when the
script runs.
"""

from __future__ import annotations

import argparse
import base64
import os
import shutil
import sys
import tempfile
import time
import traceback
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode

REPOSITORY = Path(__file__).resolve().parents[1]
SCHEMA_PATH = "/api/schema/?format=json"

# The ledger's filters and the collection each one names a record of.
LEDGER_FILTERS = {"round": "rounds", "unit": "units", "group": "groups"}


@dataclass(frozen=True)
class Identity:
    """Who a case is sent as: basic-authentication headers, a session cookie, or nothing."""

    name: str
    headers: Mapping[str, str] = field(default_factory=dict)
    cookies: Mapping[str, str] = field(default_factory=dict)


def basic_identity(name: str, username: str, password: str) -> Identity:
    token = base64.b64encode(f"{username}:{password}".encode()).decode("ascii")
    return Identity(name, headers={"Authorization": f"Basic {token}"})


def session_identity(name: str, user: Any) -> Identity:
    """Logged in through a session (the cookie the log-in page would set)."""
    from django.conf import settings as django_settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    return Identity(
        name, cookies={django_settings.SESSION_COOKIE_NAME: client.session.session_key or ""}
    )


@dataclass
class OperationReport:
    """What the cases of one operation sent as one identity got back."""

    operation: str
    identity: str
    mode: str  # "positive": valid input; "negative": invalid
    cases: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    failures: dict[str, str] = field(default_factory=dict)  # distinct failure → one report

    def line(self) -> str:
        statuses = ", ".join(f"{code}×{count}" for code, count in sorted(self.statuses.items()))
        return (
            f"{self.operation:<24} {self.identity:<11} {self.mode:<9}{self.cases:>6} cases  "
            f"{len(self.failures):>3} failures  ({statuses})"
        )


def known_ids() -> dict[str, list[int]]:
    """The ids in the database, per collection (and groups, for the ledger's filter)."""
    from xuncha.findings.models import Problem
    from xuncha.rounds.models import Group, Round, Unit

    models: dict[str, Any] = {"rounds": Round, "units": Unit, "problems": Problem, "groups": Group}
    return {
        name: list(model.objects.order_by("pk").values_list("pk", flat=True))
        for name, model in models.items()
    }


def schema_load(app: Any, identity: Identity) -> Any:
    """The OpenAPI schema as the API serves it, for requests sent straight to ``app``."""
    import schemathesis

    headers = dict(identity.headers)
    if identity.cookies:
        headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in identity.cookies.items())
    with connections_kept_open():
        return schemathesis.openapi.from_wsgi(SCHEMA_PATH, app, headers=headers)


def response_checks(mode: GenerationMode) -> list[Any]:
    """Valid input: no server error, and the status code, content type, headers and body as
    documented. Invalid input (a path Django does not route, a page that is not a number): no
    server error; what answers it need not be the API's JSON, and DRF reads some of it kindly
    (an empty page is the first, of a repeated parameter the last counts)."""
    from schemathesis import checks

    if mode is GenerationMode.NEGATIVE:
        return [checks.not_a_server_error]
    return [
        checks.not_a_server_error,
        checks.status_code_conformance,
        checks.content_type_conformance,
        checks.response_headers_conformance,
        checks.response_schema_conformance,
    ]


def case_strategy(
    operation: Any, identity: Identity, ids: Mapping[str, Sequence[int]], mode: GenerationMode
) -> Any:
    """Cases for one operation as one identity; valid ones half free, half for records that
    exist.

    Generated ids almost never exist, so a detail page would only ever answer 404 and the
    ledger's filters would always be empty; the known ids (every one, whether this identity may
    see it or not) reach the rows, the scoping and the serializers.
    """
    headers, cookies = dict(identity.headers), dict(identity.cookies)

    def cases(**fixed: Any) -> Any:
        return operation.as_strategy(
            generation_mode=mode, headers=headers, cookies=cookies, **fixed
        )

    def path_id(pk: int) -> Any:
        return cases(path_parameters={"id": pk})

    def ledger_filter(name: str) -> Callable[[int], Any]:
        return lambda pk: cases(query={name: pk})

    free = cases()
    if mode is not GenerationMode.POSITIVE:
        return free
    parts = operation.path.strip("/").split("/")  # api, the collection, maybe {id}
    collection = parts[1] if len(parts) > 1 else ""
    known: list[Any] = []
    if "{id}" in parts and ids.get(collection):
        known.append(st.sampled_from(list(ids[collection])).flatmap(path_id))
    elif collection == "problems":
        for name, named in LEDGER_FILTERS.items():
            if ids.get(named):
                known.append(st.sampled_from(list(ids[named])).flatmap(ledger_filter(name)))
    return st.one_of(free, st.one_of(known)) if known else free


def fuzz_operation(
    operation: Any,
    identity: Identity,
    ids: Mapping[str, Sequence[int]],
    *,
    mode: GenerationMode,
    examples: int,
    seed_value: int,
) -> OperationReport:
    """Send ``examples`` generated cases and check each answer; failures are collected, so
    that every case runs and each distinct failure is reported once."""
    from schemathesis.core.failures import FailureGroup

    report = OperationReport(operation.label, identity.name, mode.value)
    checks = response_checks(mode)

    @seed(seed_value)
    @settings(
        max_examples=examples,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        print_blob=False,
    )
    @given(case=case_strategy(operation, identity, ids, mode))
    def send(case: Any) -> None:
        report.cases += 1
        response = case.call()
        report.statuses[response.status_code] += 1
        try:
            case.validate_response(response, checks=checks)
        except FailureGroup as group:
            titles = sorted(f"{failure.code} {failure.title}" for failure in group.exceptions)
            message = str(group)
            if response.status_code >= 500 and SERVER_TRACEBACKS:
                message += "\n\nThe server's traceback:\n" + SERVER_TRACEBACKS[-1]
            report.failures.setdefault(f"{response.status_code} {' + '.join(titles)}", message)

    send()
    return report


def fuzz(
    schema: Any,
    identities: Iterable[Identity],
    ids: Mapping[str, Sequence[int]],
    *,
    examples: int,
    seed_value: int = 0,
) -> list[OperationReport]:
    """Every operation of the schema, as every identity, with valid and with invalid input."""
    operations = [result.ok() for result in schema.get_all_operations()]
    with connections_kept_open(), server_tracebacks_kept():
        return [
            fuzz_operation(
                operation, identity, ids, mode=mode, examples=examples, seed_value=seed_value
            )
            for operation in operations
            for identity in identities
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
        ]


@contextmanager
def connections_kept_open() -> Iterator[None]:
    """Requests sent straight to the WSGI handler, without closing the connection after each.

    Django closes a connection at the end of a request when it is not in autocommit; inside a
    test's transaction that would close it mid-test. Django's test client does the same.
    """
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


# The tracebacks of the server's errors during a fuzzing run, the latest last: a 500 page
# says nothing of its cause, and the run's report should.
SERVER_TRACEBACKS: list[str] = []


@contextmanager
def server_tracebacks_kept() -> Iterator[None]:
    """Keep the traceback of every exception a request raised while fuzzing."""
    from django.core import signals

    def keep(**_: Any) -> None:
        SERVER_TRACEBACKS.append(traceback.format_exc())

    signals.got_request_exception.connect(keep, weak=False)
    try:
        yield
    finally:
        signals.got_request_exception.disconnect(keep)
        SERVER_TRACEBACKS.clear()


def failures_of(reports: Iterable[OperationReport]) -> list[str]:
    """One report per distinct failure of each operation and identity."""
    return [
        f"{report.operation} as {report.identity}:\n{message}"
        for report in reports
        for message in report.failures.values()
    ]


# ---------------------------------------------------------------- running the script


def configure_django(data_dir: str) -> None:
    """The test settings on a SQLite database in ``data_dir``, before Django is imported."""
    sys.path.insert(0, str(REPOSITORY))
    for name in ("XUNCHA_DEBUG", "XUNCHA_SSL_REDIRECT"):
        os.environ.pop(name, None)
    os.environ["DATABASE_URL"] = f"sqlite:///{Path(data_dir) / 'fuzz.sqlite3'}"
    os.environ["XUNCHA_DATA_DIR"] = data_dir
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings_test"
    import django

    django.setup()


def demo_identities() -> list[Identity]:
    """Each demo login (the liaison through a session, the others by basic authentication)
    and an anonymous visitor."""
    from django.contrib.auth import get_user_model

    from xuncha.demo.users import DEMO_LOGINS

    found: list[Identity] = []
    for login in DEMO_LOGINS:
        if login.username == "unit1":
            user = get_user_model().objects.get(username=login.username)
            found.append(session_identity(login.username, user))
        else:
            found.append(basic_identity(login.username, login.username, login.password))
    return [*found, Identity("anonymous")]


def run(examples: int, seed_value: int) -> int:
    data_dir = tempfile.mkdtemp(prefix="xuncha-fuzz-")
    configure_django(data_dir)
    from django.conf import settings as django_settings
    from django.core.management import call_command
    from django.core.wsgi import get_wsgi_application
    from django.db import connection

    from xuncha.demo.load import demo_load

    try:
        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        summary = demo_load()
        print(
            f"sqlite: migrated and loaded the demo ({summary.problems} problems, "
            f"{summary.measures} measures, {summary.outcomes} outcomes, {summary.units} units) "
            f"in {time.perf_counter() - started:.1f} s",
            flush=True,
        )
        app = get_wsgi_application()
        identities = demo_identities()
        schema = schema_load(app, identities[0])
        ids = known_ids()
        started = time.perf_counter()
        reports = fuzz(schema, identities, ids, examples=examples, seed_value=seed_value)
        seconds = time.perf_counter() - started
    finally:
        connection.close()
        shutil.rmtree(data_dir, ignore_errors=True)
        # The test settings keep their audit key in a folder of their own.
        shutil.rmtree(Path(django_settings.XUNCHA_AUDIT_KEY_FILE).parent, ignore_errors=True)

    for report in reports:
        print(report.line())
    print("per operation:")
    for operation in dict.fromkeys(report.operation for report in reports):
        mine = [report for report in reports if report.operation == operation]
        failed = sum(len(report.failures) for report in mine)
        print(f"{operation:<24} {sum(r.cases for r in mine):>7} cases  {failed:>3} failures")
    failures = failures_of(reports)
    cases = sum(report.cases for report in reports)
    print(
        f"sqlite: {cases} cases over {len({r.operation for r in reports})} operations as "
        f"{len(identities)} identities in {seconds:.1f} s, {len(failures)} distinct failures"
    )
    for failure in failures:
        print(failure)
    return 1 if failures else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument(
        "--examples", type=int, default=500, help="cases per operation and identity"
    )
    parser.add_argument("--seed", type=int, default=0, help="Hypothesis' seed")
    parsed = parser.parse_args(argv)
    return run(parsed.examples, parsed.seed)


if __name__ == "__main__":
    sys.exit(main())
