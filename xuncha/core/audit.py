"""Writing the audit log (verifying it is ``core.audit_check``).

Every service calls :func:`audit_record` inside its own transaction, so a change and its audit
row commit together or not at all. Each row's hash is keyed with a secret outside the database,
and the chain's head is anchored outside it once the transaction commits (``core.audit_anchor``).
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

from django.db import models, transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.translation import gettext as _

from xuncha.core.audit_anchor import GENESIS_HASH, anchor_after_commit, keyed_hash
from xuncha.core.audit_check import AuditProblem, audit_verify
from xuncha.core.models import AuditChainHead, AuditEntry
from xuncha.core.permissions import Actor


def snapshot(instance: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """Return a JSON-ready dict of a model instance's concrete fields (foreign keys as ids)."""
    data: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        if fields is not None and field.name not in fields:
            continue
        data[field.attname] = to_json_value(getattr(instance, field.attname))
    return data


def to_json_value(value: Any) -> Any:
    """Turn dates, decimals and other values into plain JSON values, deterministically."""
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, FieldFile):
        return value.name
    if isinstance(value, dict):
        return {str(key): to_json_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [to_json_value(item) for item in value]
    return value


def canonical_text(fields: dict[str, Any]) -> str:
    """The text that is hashed: sorted keys, no insignificant whitespace, UTF-8 kept."""
    return json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def audit_record(
    *,
    actor: Actor,
    action: str,
    instance: models.Model,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    scope: str = "",
) -> AuditEntry:
    """Append one row to the audit chain; must run inside the caller's transaction.

    Inside :func:`audit_batch` the row is kept and appended with the others when the batch
    ends; the entry returned is then not yet saved.
    """
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        raise RuntimeError("audit_record must run inside the service's transaction")
    user = actor if getattr(actor, "is_authenticated", False) else None
    fields = {
        "at": timezone.now().isoformat(),
        "actor_id": user.pk if user else None,
        "actor_name": user.get_username() if user else "system",
        "action": action,
        "object_type": instance._meta.label_lower,
        "object_id": str(instance.pk),
        "object_repr": str(instance)[:255],
        "scope": scope,
        "before": to_json_value(before),
        "after": to_json_value(after),
    }
    pending: list[dict[str, Any]] | None = getattr(_batch, "rows", None)
    if pending is not None:
        pending.append(fields)
        return _entry(fields, previous_hash="", digest="", text="")
    return _chain_append([fields])[0]


_batch = threading.local()


@contextmanager
def audit_batch() -> Iterator[None]:
    """Within one transaction, gather the audit rows and append them to the chain at the end.

    The chain's head is locked once, for one bulk insert, instead of from the first row to the
    commit: on PostgreSQL other writers append their own rows while a long import runs. The rows
    are the same as one by one (each keeps its own time); nothing is appended when the block
    fails, and the transaction then rolls back the rest. A batch inside a batch joins it.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_batch must run inside the service's transaction")
    if getattr(_batch, "rows", None) is not None:
        yield
        return
    pending: list[dict[str, Any]] = []
    _batch.rows = pending
    try:
        yield
    finally:
        _batch.rows = None
    if pending:
        _chain_append(pending)


def _chain_append(rows: list[dict[str, Any]], batch_size: int = 500) -> list[AuditEntry]:
    """Chain ``rows`` after the head (locked until the commit) and insert them in bulk."""
    head, _created = AuditChainHead.objects.select_for_update().get_or_create(
        pk=1, defaults={"last_hash": GENESIS_HASH, "count": 0}
    )
    previous = head.last_hash
    entries = []
    for fields in rows:
        fields["previous_hash"] = previous
        text = canonical_text(fields)
        digest = keyed_hash(text)
        entries.append(_entry(fields, previous_hash=previous, digest=digest, text=text))
        previous = digest
    if len(entries) == 1:
        entries[0].save(force_insert=True)
    else:
        entries = AuditEntry.objects.bulk_create(entries, batch_size=batch_size)
    head.last_hash = previous
    head.count += len(entries)
    head.save(update_fields=["last_hash", "count"])
    anchor_after_commit(transaction.get_connection())
    return entries


def _entry(fields: dict[str, Any], *, previous_hash: str, digest: str, text: str) -> AuditEntry:
    return AuditEntry(
        at=dt.datetime.fromisoformat(fields["at"]),
        actor_id=fields["actor_id"],
        actor_name=fields["actor_name"],
        action=fields["action"],
        object_type=fields["object_type"],
        object_id=fields["object_id"],
        object_repr=fields["object_repr"],
        scope=fields["scope"],
        before=fields["before"],
        after=fields["after"],
        canonical=text,
        previous_hash=previous_hash,
        hash=digest,
    )


def audit_head_text() -> str:
    """The chain's head in one line for printed documents: "审计链：第 1234 条 · 3f9a…c21b"."""
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is None or head.count == 0:
        return _("审计链：尚无记录")
    return _("审计链：第 %(count)s 条 · %(start)s…%(end)s") % {
        "count": head.count,
        "start": head.last_hash[:4],
        "end": head.last_hash[-4:],
    }


__all__ = [
    "AuditProblem",
    "audit_batch",
    "audit_head_text",
    "audit_record",
    "audit_verify",
    "canonical_text",
    "snapshot",
    "to_json_value",
]
