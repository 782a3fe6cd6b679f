"""The audit chain's secret key and its anchor, both kept outside the database.

Whoever can write the database can rewrite rows and recompute plain hashes, so each row's hash
is an HMAC with a key the database never holds (``XUNCHA_AUDIT_KEY``, else the key file). After
every audited transaction commits, the chain's head (row count and last hash) is appended to an
anchor file, one self-contained JSON line signed with the same key: cutting the tail, or
emptying the table, leaves the anchor pointing at rows that are gone.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper

logger = logging.getLogger(__name__)

GENESIS_HASH = "0" * 64

# Read once per process and key file: a key that vanished under a running server would
# otherwise be silently replaced by a new one mid-chain.
_keys: dict[Path, bytes] = {}


def audit_key() -> bytes:
    """The HMAC key: ``XUNCHA_AUDIT_KEY`` if set, else the key file, created on first use."""
    from_env = os.environ.get("XUNCHA_AUDIT_KEY", "")
    if from_env:
        return from_env.encode("utf-8")
    path = Path(settings.XUNCHA_AUDIT_KEY_FILE)
    if path not in _keys:
        if not path.exists():
            _create_key_file(path)
        _keys[path] = path.read_text(encoding="utf-8").strip().encode("utf-8")
    return _keys[path]


def audit_key_forget() -> None:
    """Forget the key read from the key file, so that :func:`audit_key` reads the file again.

    The key is read once per process (see ``_keys``); a restore that puts the archive's key
    file in place calls this, so the rest of the process signs and verifies with that key.
    """
    _keys.clear()


def _create_key_file(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        # O_EXCL: two processes starting together must not each write their own key.
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(secrets.token_hex(32))
        handle.flush()
        os.fsync(handle.fileno())


def keyed_hash(text: str, key: bytes | None = None) -> str:
    """The HMAC-SHA256 of ``text`` (UTF-8) with the audit key, in hex."""
    return hmac.new(key or audit_key(), text.encode("utf-8"), hashlib.sha256).hexdigest()


def plain_hash(text: str) -> str:
    """The unkeyed SHA-256 the chain used before it was keyed (and what a forger can compute)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Anchor:
    """One valid anchor line: the chain held ``count`` rows, the last with ``last_hash``."""

    at: str
    count: int
    last_hash: str
    last_id: int | None


def _line_text(fields: dict[str, object]) -> str:
    return json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def anchor_append(*, count: int, last_hash: str, last_id: int | None) -> None:
    """Append one signed line to the anchor file; raises ``OSError`` when it cannot."""
    fields: dict[str, object] = {
        "at": dt.datetime.now(dt.UTC).isoformat(),
        "count": count,
        "last_hash": last_hash,
        "last_id": last_id,
    }
    fields["mac"] = keyed_hash(_line_text(fields))
    path = Path(settings.XUNCHA_AUDIT_ANCHOR_FILE)
    path.parent.mkdir(parents=True, exist_ok=True)
    # One write of one whole line in append mode: concurrent writers interleave lines, not bytes.
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(_line_text(fields) + "\n")
        handle.flush()
        os.fsync(handle.fileno())


def anchor_file_has_lines() -> bool:
    """Whether the anchor file exists and holds at least one line, valid or not."""
    path = Path(settings.XUNCHA_AUDIT_ANCHOR_FILE)
    if not path.exists():
        return False
    with open(path, encoding="utf-8", errors="replace") as handle:
        return any(line.strip() for line in handle)


def anchor_newest(key: bytes | None = None) -> Anchor | None:
    """The valid line with the highest count, or None when the file holds no valid line."""
    path = Path(settings.XUNCHA_AUDIT_ANCHOR_FILE)
    if not path.exists():
        return None
    key = key or audit_key()
    newest: Anchor | None = None
    with open(path, encoding="utf-8", errors="replace") as handle:
        for line in handle:
            anchor = _parse_line(line, key)
            if anchor is not None and (newest is None or anchor.count > newest.count):
                newest = anchor
    return newest


def _parse_line(line: str, key: bytes) -> Anchor | None:
    try:
        fields = json.loads(line)
    except ValueError:
        return None
    if not isinstance(fields, dict):
        return None
    mac = fields.pop("mac", None)
    if not isinstance(mac, str) or not hmac.compare_digest(
        mac, keyed_hash(_line_text(fields), key)
    ):
        return None
    count, last_hash, last_id = fields.get("count"), fields.get("last_hash"), fields.get("last_id")
    if not isinstance(count, int) or not isinstance(last_hash, str):
        return None
    return Anchor(
        at=str(fields.get("at", "")),
        count=count,
        last_hash=last_hash,
        last_id=last_id if isinstance(last_id, int) else None,
    )


def anchor_line_parse(line: str, key: bytes) -> Anchor | None:
    """The anchor one line of the anchor file records, if the line is valid under ``key``.

    None when the line is not a JSON object, lacks a count or a last hash, or its MAC does not
    match ``key``: a line signed with another key is as good as no line. Lets a caller check a
    copy of the anchor file (as a restore does) with the key that will be in effect afterwards.
    """
    return _parse_line(line, key)


def anchor_head() -> None:
    """Append the chain's committed head to the anchor file; log, never raise, on failure.

    Runs after the audited transaction committed: the user's change stands either way, and a
    missed line only makes the anchor older, which verification still accepts.
    """
    from xuncha.core.models import AuditChainHead, AuditEntry

    try:
        head = AuditChainHead.objects.filter(pk=1).first()
        if head is None or head.count == 0:
            return
        last_id = (
            AuditEntry.objects.filter(hash=head.last_hash).values_list("id", flat=True).first()
        )
        anchor_append(count=head.count, last_hash=head.last_hash, last_id=last_id)
    except Exception:
        logger.exception("The audit chain's head could not be written to the anchor file")


def anchor_after_commit(connection: BaseDatabaseWrapper) -> None:
    """Have :func:`anchor_head` run once when the current transaction commits.

    Django drops the callbacks of a transaction (or savepoint) that rolls back, so looking for
    ours among the pending ones is exactly "already registered in this transaction": a batch of
    700 audit rows appends one line.
    """
    if any(pending[1] is anchor_head for pending in connection.run_on_commit):
        return
    transaction.on_commit(anchor_head, using=connection.alias)


__all__ = [
    "GENESIS_HASH",
    "Anchor",
    "anchor_after_commit",
    "anchor_append",
    "anchor_file_has_lines",
    "anchor_head",
    "anchor_line_parse",
    "anchor_newest",
    "audit_key",
    "audit_key_forget",
    "keyed_hash",
    "plain_hash",
]
