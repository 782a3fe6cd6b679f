"""Backing up and restoring a whole installation in one archive (docs/backup.md).

An archive is a tar file (gzipped when its name ends ``.tar.gz`` or ``.tgz``) holding a copy
of the database made while the site keeps running, every file of the evidence store, the audit
chain's anchor file and, unless left out, its key file, with a ``manifest.json`` that gives
every member's size and SHA-256. Restoring checks every member against the manifest before it
touches anything, replaces the database wholesale (a database-level copy keeps every value,
timestamps to the microsecond), puts the files back, migrates and verifies the audit chain.

This module holds the three entry points and the order of their steps; the parts live beside
it: the archive and its manifest (``backup_archive``), what a database holds and whether the
installation is empty (``backup_contents``), each engine's copy and restore (``backup_sqlite``,
``backup_postgres``), and the evidence files, anchor and key (``backup_files``).
"""

from __future__ import annotations

import datetime as dt
import os
import tarfile
import tempfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import DatabaseError, connection, connections
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils.translation import gettext as _

from xuncha.core.audit import audit_head_text
from xuncha.core.audit_check import audit_verify, verify_reason_text
from xuncha.core.backup_archive import (
    DATABASE_MEMBERS,
    FORMAT_VERSION,
    MANIFEST_MAX_BYTES,
    MANIFEST_NAME,
    BackupError,
    Manifest,
    Member,
    archive_extract,
    archive_members,
    hash_stream,
    manifest_add,
    manifest_parse,
    member_add_file,
    members_compare,
    tar_for_writing,
)
from xuncha.core.backup_contents import data_tables, installation_contents
from xuncha.core.backup_files import (
    anchor_add,
    anchor_restore,
    anchor_size,
    key_add,
    key_check,
    key_restore,
    media_add,
    media_restore,
)
from xuncha.core.backup_postgres import postgres_copy, postgres_restore
from xuncha.core.backup_sqlite import sqlite_copy, sqlite_restore

ENGINE_LABELS = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


@dataclass(frozen=True)
class BackupSummary:
    """What :func:`backup_write` wrote: the archive's path and size, and its manifest."""

    path: Path
    size: int
    manifest: Manifest


@dataclass(frozen=True)
class RestoreSummary:
    """What :func:`backup_restore` did: what it replaced, what it migrated, the chain's state."""

    path: Path
    manifest: Manifest
    replaced: tuple[str, ...]
    migrations_applied: tuple[str, ...]
    audit_text: str


def _engine() -> str:
    vendor = connection.vendor
    if vendor not in DATABASE_MEMBERS:
        raise BackupError(
            _("不支持备份或恢复 %(vendor)s 数据库，只支持 SQLite 和 PostgreSQL。")
            % {"vendor": vendor}
        )
    return vendor


# --- backup ---------------------------------------------------------------------------------


def backup_write(path: Path, *, with_key: bool) -> BackupSummary:
    """Write an archive of this installation to ``path`` (through ``path.partial``).

    The database is copied first, then the evidence files, then the anchor and the key: every
    row of the copy is then covered by the anchor copied after it. Anchor lines appended while
    the copy was made that count more rows than the copy holds are left out, since they
    describe transactions the copy does not contain; lines that were there before are kept as
    they are, so a chain already cut short is still reported as such after a restore.
    """
    path = Path(path)
    media_root = Path(settings.MEDIA_ROOT).resolve()
    if path.resolve().is_relative_to(media_root):
        raise BackupError(
            _("备份文件 %(path)s 不能放在证据文件目录 %(media)s 之内。")
            % {"path": path, "media": media_root}
        )
    engine = _engine()
    partial = path.with_name(path.name + ".partial")
    anchor_offset = anchor_size()
    try:
        with tempfile.TemporaryDirectory(prefix="xuncha-backup-") as scratch:
            descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(descriptor, "wb") as raw:
                with tar_for_writing(raw, gzipped=path.name.endswith((".tar.gz", ".tgz"))) as tar:
                    manifest = _write_members(
                        tar, engine, Path(scratch), anchor_offset, with_key=with_key
                    )
                raw.flush()
                os.fsync(raw.fileno())
        os.replace(partial, path)
    except BaseException as error:
        partial.unlink(missing_ok=True)
        if isinstance(error, OSError | tarfile.TarError):
            raise BackupError(
                _("写入备份文件 %(path)s 失败：%(error)s") % {"path": path, "error": error}
            ) from error
        if isinstance(error, DatabaseError):
            raise BackupError(
                _("读取数据库 %(name)s 失败：%(error)s")
                % {"name": settings.DATABASES["default"]["NAME"], "error": error}
            ) from error
        raise
    return BackupSummary(path=path, size=path.stat().st_size, manifest=manifest)


def _write_members(
    tar: tarfile.TarFile, engine: str, scratch: Path, anchor_offset: int, *, with_key: bool
) -> Manifest:
    if engine == "sqlite":
        database, facts = sqlite_copy(scratch)
    else:
        database, facts = postgres_copy(scratch)
    members = [member_add_file(tar, DATABASE_MEMBERS[engine], database)]
    database.unlink()
    members += media_add(tar)
    anchor, left_out = anchor_add(tar, offset=anchor_offset, count=facts.audit_count)
    key_member, key = key_add(tar, with_key=with_key)
    members += [member for member in (anchor, key_member) if member is not None]
    manifest = Manifest(
        format_version=FORMAT_VERSION,
        xuncha_version=_xuncha_version(),
        created_at=dt.datetime.now(dt.UTC).isoformat(),
        engine=engine,
        migrations=facts.migrations,
        tables=facts.tables,
        audit_count=facts.audit_count,
        audit_last_hash=facts.audit_last_hash,
        key=key,
        anchor_lines_left_out=left_out,
        members=tuple(members),
    )
    manifest_add(tar, manifest)
    return manifest


def _xuncha_version() -> str:
    try:
        return metadata.version("xuncha")
    except metadata.PackageNotFoundError:
        return "unknown"


# --- checking ---------------------------------------------------------------------------------


def backup_check(path: Path) -> Manifest:
    """Read the archive at ``path`` and check every member against its manifest.

    Refuses (naming the member) a member the manifest lists that is missing, one it does not
    list, and one whose size or SHA-256 differs. Nothing is written.
    """
    path = Path(path)
    found: dict[str, tuple[int, str]] = {}
    manifest_bytes: bytes | None = None
    for name, handle in archive_members(path):
        if name == MANIFEST_NAME:
            manifest_bytes = handle.read(MANIFEST_MAX_BYTES)
        else:
            found[name] = hash_stream(handle, None)
    if manifest_bytes is None:
        raise BackupError(
            _("备份文件 %(path)s 中没有 %(name)s。") % {"path": path, "name": MANIFEST_NAME}
        )
    manifest = manifest_parse(manifest_bytes, path)
    members_compare(manifest, found, path)
    return manifest


# --- restore ----------------------------------------------------------------------------------


def backup_restore(path: Path, *, force: bool) -> RestoreSummary:
    """Restore the archive at ``path`` into this installation.

    Refuses before touching anything: an archive whose members do not match its manifest, one
    from the other database engine, one holding migrations this code does not know, an
    installation that is not empty (unless ``force``), a key file that differs from the
    archive's (unless ``force``; the old one is then kept beside it), and an anchor the key in
    effect afterwards cannot verify. Then replaces the database, the evidence files, the anchor
    and the key, migrates, and verifies the audit chain.
    """
    path = Path(path)
    manifest = backup_check(path)
    engine = _engine()
    if manifest.engine != engine:
        raise BackupError(
            _("备份文件 %(path)s 来自 %(archive)s 数据库，本系统使用 %(here)s，无法直接恢复。")
            % {
                "path": path,
                "archive": ENGINE_LABELS[manifest.engine],
                "here": ENGINE_LABELS[engine],
            }
        )
    _refuse_unknown_migrations(manifest, path)
    contents = installation_contents()
    if contents and not force:
        raise BackupError(
            _("本系统不是空的（%(contents)s），拒绝恢复。确认要用备份替换现有数据时加 --force。")
            % {"contents": "；".join(contents)}
        )
    replaced: list[str] = []
    if contents:
        replaced.append(_("原有数据：%(contents)s") % {"contents": "；".join(contents)})
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    media_root = Path(settings.MEDIA_ROOT)
    media_root.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".xuncha-restore-", dir=media_root.parent) as folder:
        stage = Path(folder)
        archive_extract(path, manifest, stage)
        keep_old_key = key_check(manifest, stage, force=force)
        connections.close_all()
        staged_database = stage / DATABASE_MEMBERS[engine]
        if engine == "sqlite":
            replaced += sqlite_restore(staged_database, keep_old=bool(contents), stamp=stamp)
        else:
            postgres_restore(staged_database, manifest)
        replaced += media_restore(manifest, stage, stamp)
        replaced += anchor_restore(manifest, stage, stamp)
        replaced += key_restore(manifest, stage, stamp, keep_old=keep_old_key)
    applied = _migrate(manifest)
    problem = audit_verify()
    if problem is not None:
        raise BackupError(
            _("数据已从 %(path)s 恢复，但审计链校验未通过（第 %(id)s 条）：%(reason)s")
            % {"path": path, "id": problem.entry_id or "-", "reason": verify_reason_text(problem)}
        )
    return RestoreSummary(
        path=path,
        manifest=manifest,
        replaced=tuple(replaced),
        migrations_applied=applied,
        audit_text=audit_head_text(),
    )


def _refuse_unknown_migrations(manifest: Manifest, path: Path) -> None:
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    unknown = [f"{app}.{name}" for app, name in manifest.migrations if (app, name) not in known]
    if unknown:
        raise BackupError(
            _("备份文件 %(path)s 中的数据库含有本程序不认识的迁移：%(names)s。请先升级程序再恢复。")
            % {"path": path, "names": "、".join(unknown)}
        )


def _migrate(manifest: Manifest) -> tuple[str, ...]:
    """Apply the migrations this code has and the archive's database lacks."""
    call_command("migrate", interactive=False, verbosity=0)
    applied = set(MigrationRecorder(connection).applied_migrations())
    new = sorted(applied - set(manifest.migrations))
    return tuple(f"{app}.{name}" for app, name in new)


__all__ = [
    "ENGINE_LABELS",
    "BackupError",
    "BackupSummary",
    "Manifest",
    "Member",
    "RestoreSummary",
    "backup_check",
    "backup_restore",
    "backup_write",
    "data_tables",
    "installation_contents",
]
