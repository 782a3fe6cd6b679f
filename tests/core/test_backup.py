"""``xuncha backup`` and ``xuncha restore`` as an operator runs them, on real data folders.

Every step is the console script in a subprocess on a data folder of its own (and, on the
PostgreSQL pass, scratch databases of its own): a source loaded with the demo, archived once;
targets that are empty, hold data, or receive a tampered archive. Restored rows are compared
with the source's row by row through the database driver, timestamps to the microsecond.

CI runs the suite on SQLite and then with ``DATABASE_URL=postgres://…``: the SQLite round trip
runs on the first pass, the PostgreSQL one on the second, and each says why it is skipped on
the other.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import uuid
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

REPOSITORY = Path(__file__).resolve().parents[2]
SESSION_URL = os.environ.get("DATABASE_URL", "")
ON_POSTGRES = SESSION_URL.startswith("postgres")

Rows = dict[str, list[tuple[Any, ...]]]


@dataclass(frozen=True)
class Site:
    """One installation: its data folder and, on PostgreSQL, its own database."""

    folder: Path
    database: str = ""  # the PostgreSQL database's name; empty for SQLite

    @property
    def media(self) -> Path:
        return self.folder / "media"

    @property
    def key_file(self) -> Path:
        return self.folder / "audit.key"

    @property
    def anchor_file(self) -> Path:
        return self.folder / "audit-anchor.log"

    @property
    def sqlite_file(self) -> Path:
        return self.folder / "xuncha.sqlite3"

    @property
    def database_url(self) -> str:
        return _url_with_database(self.database) if self.database else ""


def _url_with_database(name: str) -> str:
    base, _, _ = SESSION_URL.partition("?")
    return base.rsplit("/", 1)[0] + "/" + name


def xuncha_command() -> list[str]:
    script = Path(sys.executable).with_name("xuncha")
    if script.exists():
        return [str(script)]
    found = shutil.which("xuncha")
    if found is None:
        pytest.fail("the xuncha console script is not installed (pip install -e .)")
    return [found]


def run(
    site: Site, *args: str, check: bool = True, path_first: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``xuncha ARGS`` on ``site`` as an operator would: its own settings, no test mode."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("XUNCHA_") and key not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        XUNCHA_DEBUG="1",
        XUNCHA_DATA_DIR=str(site.folder),
        XUNCHA_AUDIT_KEY_FILE=str(site.key_file),
        XUNCHA_AUDIT_ANCHOR_FILE=str(site.anchor_file),
    )
    if site.database:
        env["DATABASE_URL"] = site.database_url
    if path_first is not None:
        env["PATH"] = f"{path_first}{os.pathsep}{env.get('PATH', '')}"
    result = subprocess.run(
        [*xuncha_command(), *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        cwd=REPOSITORY,
        timeout=180,
    )
    if check and result.returncode != 0:
        pytest.fail(f"xuncha {' '.join(args)} failed ({result.returncode}):\n{result.stderr}")
    return result


# --- reading a site back --------------------------------------------------------------------


def rows_of(site: Site) -> Rows:
    """Every row of every table, ordered by primary key, fetched with raw SQL."""
    return _postgres_rows(site.database_url) if site.database else _sqlite_rows(site.sqlite_file)


def _sqlite_rows(file: Path) -> Rows:
    rows: Rows = {}
    with closing(sqlite3.connect(file)) as database:
        tables = [
            name
            for (name,) in database.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )
        ]
        for table in tables:
            columns = database.execute(f'PRAGMA table_info("{table}")').fetchall()
            key = [column[1] for column in sorted(columns, key=lambda c: c[5]) if column[5]]
            order = ", ".join(f'"{name}"' for name in key) or "rowid"
            rows[table] = database.execute(f'SELECT * FROM "{table}" ORDER BY {order}').fetchall()
    return rows


def _postgres_rows(url: str) -> Rows:
    import psycopg
    from psycopg import sql

    rows: Rows = {}
    with psycopg.connect(url) as database, database.cursor() as cursor:
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename"
        )
        tables = [name for (name,) in cursor.fetchall()]
        for table in tables:
            cursor.execute(
                "SELECT a.attname FROM pg_index i JOIN pg_attribute a "
                "ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) "
                "WHERE i.indrelid = %s::regclass AND i.indisprimary "
                "ORDER BY array_position(i.indkey::int2[], a.attnum)",
                [table],
            )
            key = [name for (name,) in cursor.fetchall()]
            order = (
                sql.SQL(", ").join(sql.Identifier(name) for name in key)
                if key
                else sql.SQL("1")  # no primary key: the comparison then also checks order
            )
            cursor.execute(
                sql.SQL("SELECT * FROM {} ORDER BY {}").format(sql.Identifier(table), order)
            )
            rows[table] = cursor.fetchall()
    return rows


def files_of(folder: Path) -> dict[str, str]:
    """The SHA-256 of every file under ``folder``, by its path relative to it."""
    if not folder.is_dir():
        return {}
    return {
        file.relative_to(folder).as_posix(): hashlib.sha256(file.read_bytes()).hexdigest()
        for file in sorted(folder.rglob("*"))
        if file.is_file()
    }


def state_of(site: Site) -> tuple[Rows, dict[str, str]]:
    """What a refused restore must leave as it was: every row and every file of the site.

    SQLite's -wal and -shm files come and go with connections (reading the rows opens one), so
    the database file and its rows stand for them.
    """
    rows = rows_of(site)
    files = {
        name: digest
        for name, digest in files_of(site.folder).items()
        if not name.endswith(("-wal", "-shm"))
    }
    return rows, files


def archive_members(archive: Path) -> dict[str, bytes]:
    with tarfile.open(archive, "r:*") as tar:
        return {
            info.name: tar.extractfile(info).read()  # type: ignore[union-attr]
            for info in tar.getmembers()
        }


def repack(archive: Path, target: Path, change: Callable[[dict[str, bytes]], None]) -> Path:
    """A copy of ``archive`` (same compression) with its members changed by ``change``."""
    members = archive_members(archive)
    change(members)
    mode = "w:gz" if archive.name.endswith(".tar.gz") else "w"
    with tarfile.open(target, mode) as tar:  # type: ignore[call-overload]
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return target


def microseconds_of(rows: list[tuple[Any, ...]], column: int) -> set[int]:
    """The fractions of a second the timestamps in ``column`` carry."""
    found = set()
    for row in rows:
        value = row[column]
        if isinstance(value, str):  # SQLite keeps "YYYY-MM-DD HH:MM:SS.ffffff"
            value = dt.datetime.fromisoformat(value)
        found.add(value.microsecond)
    return found


# --- sites ----------------------------------------------------------------------------------


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest) -> str:
    """The engine of this module's sites: the one the test session runs on."""
    if request.param == "postgresql" and not ON_POSTGRES:
        pytest.skip(
            "the PostgreSQL round trip runs on the PostgreSQL pass "
            "(DATABASE_URL=postgres://…); this session runs on SQLite"
        )
    if request.param == "sqlite" and ON_POSTGRES:
        pytest.skip(
            "the SQLite round trip runs on the SQLite pass; this session runs on PostgreSQL"
        )
    return str(request.param)


@pytest.fixture(scope="module")
def scratch_databases(engine: str) -> Iterator[Callable[[str, str], str]]:
    """Create scratch PostgreSQL databases (optionally from a template); drop them all after."""
    created: list[str] = []
    if engine != "postgresql":
        yield lambda kind, template: ""
        return
    import psycopg
    from psycopg import sql

    run_id = uuid.uuid4().hex[:8]

    def create(kind: str, template: str) -> str:
        name = f"xuncha_backup_{kind}_{run_id}_{len(created)}"
        statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if template:
            statement += sql.SQL(" TEMPLATE {}").format(sql.Identifier(template))
        with psycopg.connect(SESSION_URL, autocommit=True) as admin:
            admin.execute(statement)
        created.append(name)
        return name

    try:
        yield create
    finally:
        with psycopg.connect(SESSION_URL, autocommit=True) as admin:
            for name in reversed(created):
                admin.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
                )


@pytest.fixture(scope="module")
def pristine(
    tmp_path_factory: pytest.TempPathFactory, scratch_databases: Callable[[str, str], str]
) -> Site:
    """A new installation: an empty data folder (and database) on which ``xuncha migrate`` ran."""
    site = Site(tmp_path_factory.mktemp("pristine"), scratch_databases("dst", ""))
    run(site, "migrate", "--noinput", "-v", "0")
    return site


@pytest.fixture(scope="module")
def clone(
    tmp_path_factory: pytest.TempPathFactory,
    scratch_databases: Callable[[str, str], str],
    pristine: Site,
) -> Callable[[str], Site]:
    """Another migrated, empty installation, copied from ``pristine`` (faster than migrating)."""

    def make(kind: str) -> Site:
        folder = tmp_path_factory.mktemp(kind) / "data"
        shutil.copytree(pristine.folder, folder)
        return Site(folder, scratch_databases(kind, pristine.database))

    return make


@pytest.fixture(scope="module")
def source(clone: Callable[[str], Site]) -> Site:
    """The installation backed up: migrated, with the demo loaded through its services."""
    site = clone("src")
    run(site, "demo")
    assert files_of(site.media), "the demo stores its evidence files under MEDIA_ROOT"
    return site


@pytest.fixture(scope="module")
def archive(
    tmp_path_factory: pytest.TempPathFactory, engine: str, source: Site
) -> tuple[Path, str]:
    """The source's archive (gzipped on SQLite, plain tar on PostgreSQL) and what backup said."""
    name = "xuncha-backup.tar.gz" if engine == "sqlite" else "xuncha-backup.tar"
    path = tmp_path_factory.mktemp("archive") / name
    result = run(source, "backup", str(path))
    return path, result.stdout


def assert_same_as_source(target: Site, source: Site) -> None:
    source_rows, target_rows = rows_of(source), rows_of(target)
    assert sorted(target_rows) == sorted(source_rows)
    for table, rows in source_rows.items():
        assert target_rows[table] == rows, f"table {table} differs after the restore"
    assert files_of(target.media) == files_of(source.media)
    assert target.key_file.read_bytes() == source.key_file.read_bytes()
    assert target.anchor_file.read_bytes() == source.anchor_file.read_bytes()
    verified = run(target, "audit-verify", check=False)
    assert verified.returncode == 0, verified.stderr
    assert "审计日志完好" in verified.stdout


# --- the tests ------------------------------------------------------------------------------


def test_backup_holds_every_member_with_its_hash_and_a_manifest_of_the_database(
    engine: str, source: Site, archive: tuple[Path, str]
) -> None:
    path, said = archive
    assert "已备份到" in said and str(path) in said
    assert not path.with_name(path.name + ".partial").exists()
    assert path.stat().st_mode & 0o077 == 0, (
        "an archive holding the key is readable by its owner only"
    )
    members = archive_members(path)
    manifest = json.loads(members.pop("manifest.json"))
    assert manifest["format_version"] == 1
    assert manifest["engine"] == engine
    assert manifest["key"] == "file"
    listed = {member["path"]: member for member in manifest["members"]}
    assert set(listed) == set(members)
    for name, data in members.items():
        assert listed[name]["size"] == len(data)
        assert listed[name]["sha256"] == hashlib.sha256(data).hexdigest(), name
    media = {name.removeprefix("media/") for name in members if name.startswith("media/")}
    assert media == set(files_of(source.media))
    assert members["audit/audit.key"] == source.key_file.read_bytes()
    assert members["audit/audit-anchor.log"] == source.anchor_file.read_bytes()
    source_rows = rows_of(source)
    counted = {table: len(rows) for table, rows in source_rows.items()}
    assert manifest["tables"] == {t: n for t, n in counted.items() if not t.startswith("sqlite_")}
    migrations = [[row[1], row[2]] for row in source_rows["django_migrations"]]
    assert manifest["migrations"] == migrations
    ((_, last_hash, count),) = source_rows["core_auditchainhead"]
    assert manifest["audit_chain_head"] == {"count": count, "last_hash": last_hash}
    assert count == len(source_rows["core_auditentry"]) > 0


@pytest.fixture(scope="module")
def restored(clone: Callable[[str], Site], archive: tuple[Path, str]) -> tuple[Site, str]:
    """A new installation (migrated, empty) into which the archive was restored, and the output."""
    target = clone("dst")
    return target, run(target, "restore", str(archive[0])).stdout


def test_restore_into_a_new_installation_gives_back_every_row_file_and_the_chain(
    restored: tuple[Site, str], source: Site
) -> None:
    target, said = restored
    assert "已从" in said and "审计日志完好" in said
    assert "已替换" not in said
    assert_same_as_source(target, source)
    # The comparison above is to the microsecond: the timestamps do carry fractions of a second.
    entries = rows_of(target)["core_auditentry"]
    assert len(microseconds_of(entries, column=1) - {0}) > 1


def test_restore_over_data_is_refused_and_with_force_replaces_it(
    restored: tuple[Site, str], source: Site, archive: tuple[Path, str]
) -> None:
    target, _ = restored
    run(
        target,
        "shell",
        "-c",
        "from django.contrib.auth import get_user_model; "
        "get_user_model().objects.create_user('outsider', password='not-the-demo-1')",
    )
    (target.media / "notes").mkdir(parents=True)
    (target.media / "notes" / "stray.txt").write_text("kept aside", encoding="utf-8")
    users = len(rows_of(target)["auth_user"])
    before = state_of(target)

    refused = run(target, "restore", str(archive[0]), check=False)
    assert refused.returncode != 0
    assert "不是空的" in refused.stderr and f"auth_user {users} 行" in refused.stderr
    assert "--force" in refused.stderr
    assert state_of(target) == before

    forced = run(target, "restore", str(archive[0]), "--force")
    assert "已替换" in forced.stdout and f"auth_user {users} 行" in forced.stdout
    assert_same_as_source(target, source)
    (aside,) = target.folder.glob("media.replaced-*")
    assert (aside / "notes" / "stray.txt").read_text(encoding="utf-8") == "kept aside"


def test_a_tampered_archive_is_refused_naming_the_member_and_nothing_changes(
    tmp_path: Path, pristine: Site, archive: tuple[Path, str]
) -> None:
    original = archive[0]
    evidence = sorted(name for name in archive_members(original) if name.startswith("media/"))[0]

    def flip_one_byte(changed: dict[str, bytes]) -> None:
        data = bytearray(changed[evidence])
        data[len(data) // 2] ^= 0x01
        changed[evidence] = bytes(data)

    def add_a_future_migration(changed: dict[str, bytes]) -> None:
        manifest = json.loads(changed["manifest.json"])
        manifest["migrations"].append(["core", "9999_from_the_future"])
        changed["manifest.json"] = json.dumps(manifest).encode("utf-8")

    cases = [
        (flip_one_byte, [evidence, "SHA-256"]),
        (add_a_future_migration, ["core.9999_from_the_future", "不认识的迁移"]),
    ]
    before = state_of(pristine)
    for number, (change, named) in enumerate(cases):
        tampered = repack(original, tmp_path / f"{number}-{original.name}", change)
        refused = run(pristine, "restore", str(tampered), check=False)
        assert refused.returncode != 0, change.__name__
        for text in named:
            assert text in refused.stderr, (change.__name__, refused.stderr)
        assert state_of(pristine) == before, change.__name__
    checked = run(pristine, "restore", "--check", str(original))
    assert "备份文件完好" in checked.stdout
    assert state_of(pristine) == before


def test_the_check_names_a_missing_an_extra_and_a_changed_member(
    tmp_path: Path, archive: tuple[Path, str]
) -> None:
    from xuncha.core.backup import BackupError, backup_check

    original = archive[0]
    database = next(name for name in archive_members(original) if name.startswith("database/"))
    evidence = sorted(name for name in archive_members(original) if name.startswith("media/"))[-1]

    def drop_evidence(changed: dict[str, bytes]) -> None:
        del changed[evidence]

    def add_a_member(changed: dict[str, bytes]) -> None:
        changed["media/evidence/planted.txt"] = b"not from the backup"

    def cut_the_database(changed: dict[str, bytes]) -> None:
        changed[database] = changed[database][:-1]

    def drop_the_manifest(changed: dict[str, bytes]) -> None:
        del changed["manifest.json"]

    cases = [
        (drop_evidence, [evidence, "缺少"]),
        (add_a_member, ["media/evidence/planted.txt", "未列出"]),
        (cut_the_database, [database, "大小不符"]),
        (drop_the_manifest, ["manifest.json"]),
    ]
    assert backup_check(original).audit_count > 0
    for number, (change, named) in enumerate(cases):
        tampered = repack(original, tmp_path / f"{number}-{original.name}", change)
        with pytest.raises(BackupError) as refused:
            backup_check(tampered)
        for text in named:
            assert text in str(refused.value), (change.__name__, str(refused.value))


def test_anchor_lines_written_during_the_copy_beyond_it_are_left_out_and_older_ones_kept() -> None:
    from xuncha.core.backup_files import _anchor_for_copy

    def line(count: int) -> bytes:
        return json.dumps({"count": count, "last_hash": "x", "mac": "y"}).encode() + b"\n"

    # Before the copy: a line claiming 9 rows (the chain was cut since: keep it, it is true).
    before = line(3) + line(9)
    during = line(5) + line(6) + b"not json\n"
    kept, left_out = _anchor_for_copy(before + during, len(before), count=5)
    assert kept == before + line(5) + b"not json\n"
    assert left_out == 1
    assert _anchor_for_copy(before, len(before), count=1) == (before, 0)


def test_an_archive_without_the_key_says_so_and_needs_the_key_to_restore(
    tmp_path: Path, engine: str, pristine: Site, source: Site
) -> None:
    path = tmp_path / ("keyless.tgz" if engine == "sqlite" else "keyless.tar")
    said = run(source, "backup", str(path), "--without-key").stdout
    assert "未含审计密钥" in said
    members = archive_members(path)
    assert "audit/audit.key" not in members
    assert json.loads(members["manifest.json"])["key"] == "omitted"

    before = state_of(pristine)
    refused = run(pristine, "restore", str(path), check=False)
    assert refused.returncode != 0
    assert "XUNCHA_AUDIT_KEY" in refused.stderr and str(pristine.key_file) in refused.stderr
    assert state_of(pristine) == before


def test_a_failed_backup_leaves_no_archive_and_names_the_cause(
    tmp_path: Path, engine: str, source: Site
) -> None:
    path = tmp_path / "failed.tar"
    path.write_bytes(b"last night's archive")
    if engine == "sqlite":
        site = Site(tmp_path / "never-migrated")
        failed = run(site, "backup", str(path), check=False)
        assert "数据库文件" in failed.stderr and str(site.sqlite_file) in failed.stderr
        assert not site.sqlite_file.exists(), "a backup never creates an empty database"
    else:
        fake = tmp_path / "bin"
        fake.mkdir()
        script = fake / "pg_dump"
        script.write_text("#!/bin/sh\necho 'pg_dump: error: disk on fire' >&2\nexit 3\n")
        script.chmod(0o755)
        failed = run(source, "backup", str(path), check=False, path_first=fake)
        assert "pg_dump" in failed.stderr and "disk on fire" in failed.stderr
        assert "退出码 3" in failed.stderr
    assert failed.returncode != 0
    assert path.read_bytes() == b"last night's archive"
    assert not path.with_name(path.name + ".partial").exists()
