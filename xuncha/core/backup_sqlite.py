"""Backing up and restoring a SQLite database: SQLite's online backup API both ways.

The copy is made while the site keeps writing (the backup API copies a consistent snapshot),
its facts are read from the copy, and a restore writes the archive's copy into the live file
inside one write transaction, so SQLite keeps its own -wal and -shm files consistent.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from xuncha.core.backup_archive import BackupError
from xuncha.core.backup_contents import DatabaseFacts, database_facts


def sqlite_copy(scratch: Path) -> tuple[Path, DatabaseFacts]:
    """A consistent copy of the live SQLite file through SQLite's online backup API."""
    live = Path(settings.DATABASES["default"]["NAME"])
    if not live.is_file():
        raise BackupError(_("数据库文件 %(path)s 不存在。") % {"path": live})
    copy = scratch / "xuncha.sqlite3"
    try:
        uri = live.resolve().as_uri() + "?mode=ro"
        with (
            closing(sqlite3.connect(uri, uri=True, timeout=_sqlite_timeout())) as source,
            closing(sqlite3.connect(copy)) as target,
        ):
            source.backup(target)
        facts = _sqlite_facts(copy)
    except sqlite3.Error as error:
        raise BackupError(
            _("复制数据库文件 %(path)s 失败：%(error)s") % {"path": live, "error": error}
        ) from error
    return copy, facts


def _sqlite_timeout() -> float:
    """How long to wait for a writer's lock: the site's own setting."""
    return float(settings.DATABASES["default"].get("OPTIONS", {}).get("timeout", 20))


def _sqlite_facts(file: Path) -> DatabaseFacts:
    with closing(sqlite3.connect(file)) as database:

        def query(sql: str) -> list[tuple[Any, ...]]:
            return database.execute(sql).fetchall()

        rows = query(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name"
        )
        return database_facts(query, [str(row[0]) for row in rows], _quote)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def sqlite_restore(staged: Path, *, keep_old: bool, stamp: str) -> list[str]:
    """Write the archive's database into the configured file with SQLite's backup API.

    The backup API replaces every page inside one write transaction on the target, so SQLite
    keeps its own -wal and -shm files consistent; no stale journal can outlive the copy.
    """
    live = Path(settings.DATABASES["default"]["NAME"])
    replaced: list[str] = []
    try:
        with closing(sqlite3.connect(live, timeout=_sqlite_timeout())) as target:
            if keep_old:
                old = live.with_name(f"{live.name}.replaced-{stamp}")
                with closing(sqlite3.connect(old)) as copy:
                    target.backup(copy)
                replaced.append(_("原数据库另存为 %(path)s") % {"path": old})
            with closing(sqlite3.connect(staged)) as source:
                source.backup(target)
    except sqlite3.Error as error:
        raise BackupError(
            _("写入数据库文件 %(path)s 失败：%(error)s") % {"path": live, "error": error}
        ) from error
    return replaced


__all__ = ["sqlite_copy", "sqlite_restore"]
