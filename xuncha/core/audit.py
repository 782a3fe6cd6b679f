"""Writing and verifying the audit log.

Every service calls :func:`audit_record` inside its own transaction, so a change and its audit
row commit together or not at all.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import models, transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from xuncha.core.models import AuditChainHead, AuditEntry
from xuncha.core.permissions import Actor

GENESIS_HASH = "0" * 64


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
    """Append one row to the audit chain; must run inside the caller's transaction."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        raise RuntimeError("audit_record must run inside the service's transaction")
    head, _created = AuditChainHead.objects.select_for_update().get_or_create(
        pk=1, defaults={"last_hash": GENESIS_HASH}
    )
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
        "previous_hash": head.last_hash,
    }
    text = canonical_text(fields)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    entry = AuditEntry.objects.create(
        at=dt.datetime.fromisoformat(fields["at"]),
        actor=user,
        actor_name=fields["actor_name"],
        action=action,
        object_type=fields["object_type"],
        object_id=fields["object_id"],
        object_repr=fields["object_repr"],
        scope=scope,
        before=fields["before"],
        after=fields["after"],
        canonical=text,
        previous_hash=head.last_hash,
        hash=digest,
    )
    head.last_hash = digest
    head.save(update_fields=["last_hash"])
    return entry


@dataclass(frozen=True)
class AuditProblem:
    """The first row that does not verify, and why."""

    entry_id: int
    reason: str


def audit_verify() -> AuditProblem | None:
    """Walk the chain in order; return the first altered row, or None when all rows verify."""
    previous = GENESIS_HASH
    for entry in AuditEntry.objects.order_by("id").iterator(chunk_size=2000):
        reason = _entry_problem(entry, previous)
        if reason:
            return AuditProblem(entry.pk, reason)
        previous = entry.hash
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and head.last_hash != previous:
        return AuditProblem(0, "chain head does not match the last row (rows removed at the end)")
    return None


def _entry_problem(entry: AuditEntry, previous: str) -> str:
    if hashlib.sha256(entry.canonical.encode("utf-8")).hexdigest() != entry.hash:
        return "canonical text does not match its hash"
    if entry.previous_hash != previous:
        return "previous hash does not match the row before (a row was removed or reordered)"
    try:
        fields = json.loads(entry.canonical)
    except ValueError:
        return "canonical text is not valid JSON"
    stored = {
        "at": entry.at.isoformat(),
        "actor_id": entry.actor_id,
        "actor_name": entry.actor_name,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "object_repr": entry.object_repr,
        "scope": entry.scope,
        "before": entry.before,
        "after": entry.after,
        "previous_hash": entry.previous_hash,
    }
    for key, value in stored.items():
        expected = fields.get(key)
        if key == "at":
            if dt.datetime.fromisoformat(expected) != entry.at:
                return "column at differs from the hashed text"
        elif value != expected:
            return f"column {key} differs from the hashed text"
    return ""
