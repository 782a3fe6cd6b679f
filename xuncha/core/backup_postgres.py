"""Backing up and restoring a PostgreSQL database with ``pg_dump`` and ``pg_restore``.

Both programs connect as ``DATABASES['default']`` does; a missing program, or one that fails,
becomes a :class:`~xuncha.core.backup_archive.BackupError` quoting its error output.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils.translation import gettext as _

from xuncha.core.backup_archive import BackupError, Manifest
from xuncha.core.backup_contents import DatabaseFacts, database_facts


def postgres_copy(scratch: Path) -> tuple[Path, DatabaseFacts]:
    """``pg_dump --format=custom`` of the database, and the facts read in the same snapshot.

    The counts are read in a repeatable-read transaction whose snapshot pg_dump is given, so
    the manifest describes exactly the rows of the dump while the site keeps writing.
    """
    program = _pg_program("pg_dump")
    dump = scratch / "xuncha.pgdump"
    with transaction.atomic(), connection.cursor() as cursor:

        def query(sql: str) -> list[tuple[Any, ...]]:
            cursor.execute(sql)
            return list(cursor.fetchall())

        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        snapshot = str(query("SELECT pg_export_snapshot()")[0][0])
        rows = query(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename"
        )
        facts = database_facts(query, [str(row[0]) for row in rows], connection.ops.quote_name)
        _pg_run(
            [
                program,
                "--format=custom",
                "--no-password",
                f"--snapshot={snapshot}",
                f"--file={dump}",
                f"--dbname={settings.DATABASES['default']['NAME']}",
            ],
            program="pg_dump",
        )
    return dump, facts


def postgres_restore(staged: Path, manifest: Manifest) -> None:
    """``pg_restore`` in one transaction, then drop tables the archive does not hold.

    Such tables are left by migrations of newer code applied to the target before; the
    ``migrate`` that follows creates them again from the restored migration history.
    """
    program = _pg_program("pg_restore")
    _pg_run(
        [
            program,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--no-password",
            f"--dbname={settings.DATABASES['default']['NAME']}",
            str(staged),
        ],
        program="pg_restore",
    )
    leftovers = sorted(set(connection.introspection.table_names()) - set(manifest.tables))
    with transaction.atomic(), connection.cursor() as cursor:
        for table in leftovers:
            cursor.execute(f"DROP TABLE IF EXISTS {connection.ops.quote_name(table)} CASCADE")


def _pg_program(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            _(
                "找不到 PostgreSQL 客户端程序 %(program)s：请安装与服务器版本相同或更新的"
                "客户端（Debian/Ubuntu 上为 postgresql-client），并确保它在 PATH 中。"
            )
            % {"program": name}
        )
    return found


def _pg_env() -> dict[str, str]:
    """The environment for pg_dump and pg_restore: the connection of DATABASES['default']."""
    database = settings.DATABASES["default"]
    env = dict(os.environ)
    for variable, key in (
        ("PGHOST", "HOST"),
        ("PGPORT", "PORT"),
        ("PGUSER", "USER"),
        ("PGPASSWORD", "PASSWORD"),
    ):
        value = str(database.get(key) or "")
        if value:  # empty: libpq's default (the local socket), as Django's connection does
            env[variable] = value
    for option in ("sslmode", "sslrootcert", "sslcert", "sslkey"):
        value = str(database.get("OPTIONS", {}).get(option) or "")
        if value:
            env["PG" + option.upper()] = value
    return env


def _pg_run(args: list[str], *, program: str) -> None:
    try:
        result = subprocess.run(args, env=_pg_env(), capture_output=True, check=False)
    except OSError as error:
        raise BackupError(
            _("无法运行 %(program)s：%(error)s") % {"program": program, "error": error}
        ) from error
    if result.returncode != 0:
        stderr = result.stderr.decode("utf-8", errors="replace").strip()
        raise BackupError(
            _("%(program)s 失败（数据库 %(name)s，退出码 %(code)s）：%(stderr)s")
            % {
                "program": program,
                "name": settings.DATABASES["default"]["NAME"],
                "code": result.returncode,
                "stderr": stderr or _("（没有输出）"),
            }
        )


__all__ = ["postgres_copy", "postgres_restore"]
