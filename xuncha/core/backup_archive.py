"""The backup archive itself: its members, its manifest, and checking one against the other.

An archive is a tar file (gzipped when its name ends ``.tar.gz`` or ``.tgz``) whose
``manifest.json`` gives every other member's path, size and SHA-256 (docs/backup.md). This
module writes members while hashing exactly the bytes it stores, reads them back, parses the
manifest and refuses, naming the member, anything that does not match it. It knows nothing of
database engines beyond the name of the member each one writes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import tarfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

FORMAT_VERSION = 1
MANIFEST_NAME = "manifest.json"
DATABASE_MEMBERS = {"sqlite": "database/xuncha.sqlite3", "postgresql": "database/xuncha.pgdump"}
MEDIA_PREFIX = "media/"
ANCHOR_MEMBER = "audit/audit-anchor.log"
KEY_MEMBER = "audit/audit.key"
# Where the manifest says the audit key is: in the archive, in XUNCHA_AUDIT_KEY (so not in the
# archive), left out by --without-key, or nowhere (no key file existed).
KEY_SOURCES = ("file", "environment", "omitted", "missing")
MANIFEST_MAX_BYTES = 64 * 1024 * 1024
_CHUNK = 1024 * 1024


class BackupError(CommandError):
    """A backup or restore that cannot go on; the message (Chinese) names the file or member."""


@dataclass(frozen=True)
class Member:
    """One file of the archive: its path in the archive, its size in bytes and its SHA-256."""

    path: str
    size: int
    sha256: str


@dataclass(frozen=True)
class Manifest:
    """What an archive says it holds (``manifest.json``), read back by ``backup_check``."""

    format_version: int
    xuncha_version: str
    created_at: str
    engine: str
    migrations: tuple[tuple[str, str], ...]
    tables: dict[str, int]
    audit_count: int
    audit_last_hash: str
    key: str
    anchor_lines_left_out: int
    members: tuple[Member, ...]

    @property
    def rows(self) -> int:
        """The rows of every table together."""
        return sum(self.tables.values())

    @property
    def media_members(self) -> tuple[Member, ...]:
        """The members that are files of the evidence store."""
        return tuple(item for item in self.members if item.path.startswith(MEDIA_PREFIX))

    def member(self, path: str) -> Member | None:
        """The member at ``path``, or None when the archive does not hold it."""
        return next((item for item in self.members if item.path == path), None)

    def as_json(self) -> dict[str, Any]:
        """The manifest as written to ``manifest.json``."""
        return {
            "format_version": self.format_version,
            "xuncha_version": self.xuncha_version,
            "created_at": self.created_at,
            "engine": self.engine,
            "migrations": [list(item) for item in self.migrations],
            "tables": self.tables,
            "audit_chain_head": {"count": self.audit_count, "last_hash": self.audit_last_hash},
            "key": self.key,
            "anchor_lines_left_out": self.anchor_lines_left_out,
            "members": [
                {"path": item.path, "size": item.size, "sha256": item.sha256}
                for item in self.members
            ],
        }


# --- writing ----------------------------------------------------------------------------------


def tar_for_writing(raw: IO[bytes], *, gzipped: bool) -> tarfile.TarFile:
    """A tar file writing into ``raw``, gzipped or plain."""
    if gzipped:
        return tarfile.open(fileobj=raw, mode="w:gz", compresslevel=6)
    return tarfile.open(fileobj=raw, mode="w")


class _HashingReader:
    """Reads a file for ``tarfile.addfile`` and hashes exactly the bytes it hands over."""

    def __init__(self, handle: IO[bytes]) -> None:
        self.handle = handle
        self.digest = hashlib.sha256()
        self.count = 0

    def read(self, size: int = -1) -> bytes:
        chunk = self.handle.read(size)
        self.digest.update(chunk)
        self.count += len(chunk)
        return chunk


def member_add_file(tar: tarfile.TarFile, name: str, file: Path) -> Member:
    """Add ``file`` to ``tar`` as ``name``; the member as it was written."""
    with open(file, "rb") as handle:
        status = os.fstat(handle.fileno())
        info = tarfile.TarInfo(name)
        info.size = status.st_size
        info.mtime = int(status.st_mtime)
        info.mode = 0o644
        reader = _HashingReader(handle)
        tar.addfile(info, reader)
    return Member(path=name, size=reader.count, sha256=reader.digest.hexdigest())


def member_add_bytes(tar: tarfile.TarFile, name: str, data: bytes, *, mode: int = 0o644) -> Member:
    """Add ``data`` to ``tar`` as ``name`` (with file mode ``mode``); the member written."""
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(dt.datetime.now(dt.UTC).timestamp())
    info.mode = mode
    tar.addfile(info, io.BytesIO(data))
    return Member(path=name, size=len(data), sha256=hashlib.sha256(data).hexdigest())


def manifest_add(tar: tarfile.TarFile, manifest: Manifest) -> None:
    """Add ``manifest.json`` to ``tar``, last, after every member it lists."""
    text = json.dumps(manifest.as_json(), ensure_ascii=False, indent=2) + "\n"
    member_add_bytes(tar, MANIFEST_NAME, text.encode("utf-8"))


def files_under(root: Path) -> list[Path]:
    """Every regular file under ``root`` (none when it does not exist), in a stable order."""
    if not root.is_dir():
        return []
    found: list[Path] = []
    for folder, subfolders, names in os.walk(root):
        subfolders.sort()
        found.extend(Path(folder) / name for name in sorted(names))
    return [file for file in found if file.is_file()]


# --- reading and checking ---------------------------------------------------------------------


def archive_members(path: Path) -> Iterator[tuple[str, IO[bytes]]]:
    """Each member of the archive with a stream of its bytes; refuses anything but files."""
    try:
        with tarfile.open(path, "r:*") as tar:
            for info in tar:
                handle = tar.extractfile(info) if info.isfile() else None
                if handle is None:
                    raise BackupError(
                        _("备份文件 %(path)s 中的成员 %(member)s 不是普通文件。")
                        % {"path": path, "member": info.name}
                    )
                yield info.name, handle
    except (OSError, tarfile.TarError, EOFError) as error:
        raise BackupError(
            _("无法读取备份文件 %(path)s：%(error)s") % {"path": path, "error": error}
        ) from error


def hash_stream(handle: IO[bytes], sink: IO[bytes] | None) -> tuple[int, str]:
    """The size and SHA-256 of what ``handle`` holds, copied on to ``sink`` unless None."""
    digest = hashlib.sha256()
    size = 0
    while chunk := handle.read(_CHUNK):
        digest.update(chunk)
        size += len(chunk)
        if sink is not None:
            sink.write(chunk)
    return size, digest.hexdigest()


def file_hash(file: Path) -> tuple[int, str]:
    """The size and SHA-256 of ``file``."""
    with open(file, "rb") as handle:
        return hash_stream(handle, None)


def manifest_parse(data: bytes, path: Path) -> Manifest:
    """The manifest in ``data`` (read from the archive at ``path``); refuses one it cannot use.

    Refused: a newer format, a missing or mistyped field, an unknown engine or key source, a
    member path outside the allowed places, and a manifest without the database member.
    """
    try:
        raw = json.loads(data.decode("utf-8"))
        if raw["format_version"] > FORMAT_VERSION:
            raise BackupError(
                _("备份文件 %(path)s 的格式版本为 %(found)s，本程序只认识到 %(known)s。")
                % {"path": path, "found": raw["format_version"], "known": FORMAT_VERSION}
            )
        members = tuple(
            Member(path=str(item["path"]), size=int(item["size"]), sha256=str(item["sha256"]))
            for item in raw["members"]
        )
        manifest = Manifest(
            format_version=int(raw["format_version"]),
            xuncha_version=str(raw["xuncha_version"]),
            created_at=str(raw["created_at"]),
            engine=str(raw["engine"]),
            migrations=tuple((str(app), str(name)) for app, name in raw["migrations"]),
            tables={str(table): int(count) for table, count in raw["tables"].items()},
            audit_count=int(raw["audit_chain_head"]["count"]),
            audit_last_hash=str(raw["audit_chain_head"]["last_hash"]),
            key=str(raw["key"]),
            anchor_lines_left_out=int(raw.get("anchor_lines_left_out", 0)),
            members=members,
        )
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise BackupError(
            _("备份文件 %(path)s 的 %(name)s 无法解读：%(error)s")
            % {"path": path, "name": MANIFEST_NAME, "error": error}
        ) from error
    if manifest.engine not in DATABASE_MEMBERS or manifest.key not in KEY_SOURCES:
        raise BackupError(
            _("备份文件 %(path)s 的 %(name)s 无法解读：数据库类型或密钥来源不明。")
            % {"path": path, "name": MANIFEST_NAME}
        )
    for member in manifest.members:
        if not _member_path_allowed(member.path, manifest.engine):
            raise BackupError(
                _("备份文件 %(path)s 的清单列出了不允许的成员路径 %(member)s。")
                % {"path": path, "member": member.path}
            )
    if manifest.member(DATABASE_MEMBERS[manifest.engine]) is None:
        raise BackupError(
            _("备份文件 %(path)s 的清单中没有数据库成员 %(member)s。")
            % {"path": path, "member": DATABASE_MEMBERS[manifest.engine]}
        )
    return manifest


def _member_path_allowed(name: str, engine: str) -> bool:
    if name in (DATABASE_MEMBERS[engine], ANCHOR_MEMBER, KEY_MEMBER):
        return True
    parts = PurePosixPath(name).parts
    return (
        name.startswith(MEDIA_PREFIX)
        and not name.startswith("/")
        and len(parts) > 1
        and all(part not in ("", ".", "..") for part in parts)
        and "\\" not in name
    )


def members_compare(manifest: Manifest, found: dict[str, tuple[int, str]], path: Path) -> None:
    """Refuse, naming the member, one missing, one not listed, or one whose size or hash differs.

    ``found`` maps each member read from the archive at ``path`` to its size and SHA-256.
    """
    extra = sorted(set(found) - {member.path for member in manifest.members})
    if extra:
        raise BackupError(
            _("备份文件 %(path)s 中有清单未列出的成员 %(member)s，拒绝使用。")
            % {"path": path, "member": "、".join(extra)}
        )
    for member in manifest.members:
        if member.path not in found:
            raise BackupError(
                _("备份文件 %(path)s 缺少清单列出的成员 %(member)s。")
                % {"path": path, "member": member.path}
            )
        size, sha256 = found[member.path]
        if size != member.size:
            raise BackupError(
                _(
                    "备份文件 %(path)s 中的成员 %(member)s 大小不符：清单为 %(expected)s 字节，"
                    "实际为 %(actual)s 字节。"
                )
                % {"path": path, "member": member.path, "expected": member.size, "actual": size}
            )
        if sha256 != member.sha256:
            raise BackupError(
                _("备份文件 %(path)s 中的成员 %(member)s 的 SHA-256 与清单不符（内容被改动）。")
                % {"path": path, "member": member.path}
            )


def archive_extract(path: Path, manifest: Manifest, stage: Path) -> None:
    """Extract every member into ``stage``, checking each again as it is written."""
    listed = {member.path: member for member in manifest.members}
    for name, handle in archive_members(path):
        member = listed.get(name)
        if member is None:
            if name == MANIFEST_NAME:
                continue
            raise BackupError(
                _("备份文件 %(path)s 在检查之后被改动（成员 %(member)s）。")
                % {"path": path, "member": name}
            )
        target = stage / name
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "wb") as sink:
            written = hash_stream(handle, sink)
        if written != (member.size, member.sha256):
            raise BackupError(
                _("备份文件 %(path)s 在检查之后被改动（成员 %(member)s）。")
                % {"path": path, "member": name}
            )


__all__ = [
    "ANCHOR_MEMBER",
    "DATABASE_MEMBERS",
    "FORMAT_VERSION",
    "KEY_MEMBER",
    "KEY_SOURCES",
    "MANIFEST_MAX_BYTES",
    "MANIFEST_NAME",
    "MEDIA_PREFIX",
    "BackupError",
    "Manifest",
    "Member",
    "archive_extract",
    "archive_members",
    "file_hash",
    "files_under",
    "hash_stream",
    "manifest_add",
    "manifest_parse",
    "member_add_bytes",
    "member_add_file",
    "members_compare",
    "tar_for_writing",
]
