"""The files beside the database: the evidence store, the audit anchor and the audit key.

Into the archive (after the database copy, so the anchor copied covers every row of it) and
back out again on a restore, where whatever they replace is kept beside them with a
``.replaced-<time>`` suffix instead of being deleted.
"""

from __future__ import annotations

import json
import os
import shutil
import tarfile
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from xuncha.core import audit_anchor
from xuncha.core.backup_archive import (
    ANCHOR_MEMBER,
    KEY_MEMBER,
    MEDIA_PREFIX,
    BackupError,
    Manifest,
    Member,
    file_hash,
    files_under,
    member_add_bytes,
    member_add_file,
)

# --- into the archive -------------------------------------------------------------------------


def media_add(tar: tarfile.TarFile) -> list[Member]:
    """Add every file of the evidence store to ``tar``, in a stable order."""
    media_root = Path(settings.MEDIA_ROOT)
    members: list[Member] = []
    for file in files_under(media_root):
        relative = file.relative_to(media_root).as_posix()
        members.append(member_add_file(tar, MEDIA_PREFIX + relative, file))
    return members


def anchor_size() -> int:
    """The anchor file's size now (0 when there is none), taken before the database is copied."""
    anchor_path = Path(settings.XUNCHA_AUDIT_ANCHOR_FILE)
    return anchor_path.stat().st_size if anchor_path.is_file() else 0


def anchor_add(tar: tarfile.TarFile, *, offset: int, count: int) -> tuple[Member | None, int]:
    """Add the anchor file to ``tar`` as it fits a copy of ``count`` audit rows.

    ``offset`` is :func:`anchor_size` before the copy. Returns the member (None when there is no
    anchor file) and how many lines appended since were left out (see :func:`_anchor_for_copy`).
    """
    anchor_path = Path(settings.XUNCHA_AUDIT_ANCHOR_FILE)
    if not anchor_path.is_file():
        return None, 0
    anchor, left_out = _anchor_for_copy(anchor_path.read_bytes(), offset, count)
    return member_add_bytes(tar, ANCHOR_MEMBER, anchor), left_out


def _anchor_for_copy(data: bytes, offset: int, count: int) -> tuple[bytes, int]:
    """The anchor file's bytes without the lines, appended after ``offset``, beyond ``count``."""
    if offset >= len(data):
        return data, 0
    boundary = data.rfind(b"\n", 0, offset) + 1
    kept: list[bytes] = []
    left_out = 0
    for line in data[boundary:].splitlines(keepends=True):
        try:
            fields = json.loads(line)
        except ValueError:
            fields = None
        claimed = fields.get("count") if isinstance(fields, dict) else None
        if isinstance(claimed, int) and claimed > count:
            left_out += 1
            continue
        kept.append(line)
    return data[:boundary] + b"".join(kept), left_out


def key_add(tar: tarfile.TarFile, *, with_key: bool) -> tuple[Member | None, str]:
    """Add the key file to ``tar`` when it is the key in effect and ``with_key``.

    Returns the member (None when not added) and where the manifest says the key is (one of
    ``KEY_SOURCES``).
    """
    key_file = Path(settings.XUNCHA_AUDIT_KEY_FILE)
    if os.environ.get("XUNCHA_AUDIT_KEY", ""):
        return None, "environment"
    if not with_key:
        return None, "omitted"
    if key_file.is_file():
        return member_add_bytes(tar, KEY_MEMBER, key_file.read_bytes(), mode=0o600), "file"
    return None, "missing"


# --- back out of it ---------------------------------------------------------------------------


def key_check(manifest: Manifest, stage: Path, *, force: bool) -> bool:
    """Refuse a key conflict, or a key that cannot verify the anchor; True: keep the old key."""
    key_file = Path(settings.XUNCHA_AUDIT_KEY_FILE)
    existing = key_file.read_bytes().strip() if key_file.is_file() else None
    archived = (stage / KEY_MEMBER).read_bytes().strip() if manifest.member(KEY_MEMBER) else None
    keep_old = False
    if archived is not None and existing is not None and archived != existing:
        if not force:
            raise BackupError(
                _(
                    "审计密钥文件 %(key)s 已存在，且与备份中的密钥不同，拒绝覆盖。确认要用备份"
                    "中的密钥时加 --force（原密钥会另存为 %(key)s.replaced-<时间>）。"
                )
                % {"key": key_file}
            )
        keep_old = True
    from_env = os.environ.get("XUNCHA_AUDIT_KEY", "").encode("utf-8") or None
    key = from_env or archived or existing
    if key is None:
        if manifest.audit_count:
            raise BackupError(
                _(
                    "备份中不含审计密钥（%(source)s），本机也没有：请先设置 XUNCHA_AUDIT_KEY，"
                    "或把原密钥放到 %(key)s，再恢复。"
                )
                % {"source": manifest.key, "key": key_file}
            )
        return keep_old
    anchor = stage / ANCHOR_MEMBER
    if manifest.member(ANCHOR_MEMBER) and anchor.stat().st_size:
        with open(anchor, encoding="utf-8", errors="replace") as handle:
            lines = [line for line in handle if line.strip()]
        if lines and not any(audit_anchor.anchor_line_parse(line, key) for line in lines):
            raise BackupError(
                _(
                    "备份中的锚点文件 %(member)s 无法用恢复后生效的审计密钥校验（%(where)s）："
                    "密钥不是这份备份的，恢复后审计链将无法校验，拒绝恢复。"
                )
                % {
                    "member": ANCHOR_MEMBER,
                    "where": "XUNCHA_AUDIT_KEY" if from_env else key_file,
                }
            )
    return keep_old


def media_restore(manifest: Manifest, stage: Path, stamp: str) -> list[str]:
    """Put the staged evidence files in place, checking each; what was set aside."""
    media_root = Path(settings.MEDIA_ROOT)
    replaced: list[str] = []
    if files_under(media_root):
        aside = media_root.with_name(f"{media_root.name}.replaced-{stamp}")
        shutil.move(media_root, aside)
        replaced.append(_("原证据文件目录另存为 %(path)s") % {"path": aside})
    media_root.mkdir(parents=True, exist_ok=True)
    for member in manifest.media_members:
        target = media_root / member.path.removeprefix(MEDIA_PREFIX)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(stage / member.path, target)
        if file_hash(target) != (member.size, member.sha256):
            raise BackupError(
                _("证据文件 %(path)s 写入后校验不符（成员 %(member)s），请检查磁盘。")
                % {"path": target, "member": member.path}
            )
    return replaced


def anchor_restore(manifest: Manifest, stage: Path, stamp: str) -> list[str]:
    """Put the staged anchor file in place; what was set aside."""
    anchor = Path(settings.XUNCHA_AUDIT_ANCHOR_FILE)
    replaced: list[str] = []
    if audit_anchor.anchor_file_has_lines():
        aside = anchor.with_name(f"{anchor.name}.replaced-{stamp}")
        os.replace(anchor, aside)
        replaced.append(_("原锚点文件另存为 %(path)s") % {"path": aside})
    if manifest.member(ANCHOR_MEMBER):
        anchor.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(stage / ANCHOR_MEMBER, anchor)
    return replaced


def key_restore(manifest: Manifest, stage: Path, stamp: str, *, keep_old: bool) -> list[str]:
    """Put the staged key file in place, the old one aside when ``keep_old``; what was set aside."""
    key_file = Path(settings.XUNCHA_AUDIT_KEY_FILE)
    replaced: list[str] = []
    if manifest.member(KEY_MEMBER):
        if keep_old:
            aside = key_file.with_name(f"{key_file.name}.replaced-{stamp}")
            os.replace(key_file, aside)
            replaced.append(_("原审计密钥另存为 %(path)s") % {"path": aside})
        key_file.parent.mkdir(parents=True, exist_ok=True)
        staged = stage / KEY_MEMBER
        staged.chmod(0o600)
        shutil.move(staged, key_file)
    # The key is read once per process: forget the one read before the restore.
    audit_anchor.audit_key_forget()
    return replaced


__all__ = [
    "anchor_add",
    "anchor_restore",
    "anchor_size",
    "key_add",
    "key_check",
    "key_restore",
    "media_add",
    "media_restore",
]
