from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from types import TracebackType
from typing import Any

import pytest
from django.db import connection, transaction

from tests import shared
from tests.factories import migrations_rows_restore
from xuncha.core.audit_anchor import anchor_head, audit_key

# Per database alias, the depth of atomic blocks at which a test's own transactions would
# commit: the blocks open when the test starts (the test's own, a module's loaded data) never do.
_commit_depth: dict[str, int] = {}


@pytest.fixture(autouse=True)
def audit_files(request: pytest.FixtureRequest, tmp_path: Path, settings: Any) -> Iterator[Path]:
    """Each test keeps its own audit key file and anchor file, never those in var/.

    The key is the test run's (``config/settings_test.py``), copied, so rows written by a
    module's shared data still verify. A test that uses the database starts with one anchor line
    for the chain it finds, as the commit of that data would have written.
    """
    key = audit_key()
    folder = tmp_path / "audit"
    folder.mkdir()
    key_file = folder / "audit.key"
    key_file.write_bytes(key)
    key_file.chmod(0o600)
    settings.XUNCHA_AUDIT_KEY_FILE = key_file
    settings.XUNCHA_AUDIT_ANCHOR_FILE = folder / "audit-anchor.log"
    uses_db = request.node.get_closest_marker("django_db") is not None or bool(
        {"db", "transactional_db", "live_server"} & set(request.fixturenames)
    )
    if uses_db:
        request.getfixturevalue("db")
        migrations_rows_restore()
        anchor_head()
        _commit_depth[connection.alias] = len(connection.atomic_blocks)
    yield folder
    _commit_depth.clear()


@pytest.fixture(autouse=True, scope="session")
def audit_anchor_when_a_service_commits() -> Iterator[None]:
    """Write the audit anchor where a service's transaction would commit, inside a test's.

    A test runs in a transaction that is rolled back, so ``on_commit`` callbacks never run and
    no anchor line would ever be written. When an atomic block ends well and only the blocks
    open at the test's start remain, this runs the pending anchor callback as the commit
    would; every other ``on_commit`` callback is left as Django leaves it.
    """
    original = transaction.Atomic.__exit__

    def exit_then_anchor(
        self: transaction.Atomic,
        exc_type: type[BaseException] | None,
        exc_value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        original(self, exc_type, exc_value, traceback)
        if exc_type is not None:
            return
        using = transaction.get_connection(self.using)
        depth = _commit_depth.get(using.alias)
        # At depth 0 the transaction really committed and Django ran the callback itself.
        if not depth or len(using.atomic_blocks) != depth:
            return
        if any(pending[1] is anchor_head for pending in using.run_on_commit):
            using.run_on_commit = [
                pending for pending in using.run_on_commit if pending[1] is not anchor_head
            ]
            anchor_head()

    transaction.Atomic.__exit__ = exit_then_anchor  # type: ignore[method-assign]
    yield
    transaction.Atomic.__exit__ = original  # type: ignore[method-assign]


@pytest.fixture
def xuncha_cli(monkeypatch: pytest.MonkeyPatch) -> Callable[[list[str]], None]:
    """``xuncha …`` as typed in a shell, run inside the test's transaction.

    A command run from the shell closes every database connection when it ends, as a process
    would on exit. On PostgreSQL that would close the connection the test's own transaction
    lives on (an in-memory SQLite database ignores it), so here it is left open.
    """
    from django.db import connections

    from xuncha import cli

    monkeypatch.setattr(connections, "close_all", lambda: None)
    return cli.main


@pytest.fixture
def seed_path() -> Path:
    return shared.seed_path()


@pytest.fixture
def seed_text() -> str:
    return shared.seed_text()


# One of each role and the records they act on, for any test that needs the whole cast.
from tests.rectification.conftest import cast  # noqa: E402,F401
