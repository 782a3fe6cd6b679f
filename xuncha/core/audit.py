"""Writing the audit log (verifying it is ``core.audit_check``).

Every service calls :func:`audit_record` inside its own transaction, so a change and its audit
row commit together or not at all. Each row's hash is keyed with a secret outside the database,
and the chain's head is anchored outside it once the transaction commits (``core.audit_anchor``).
"""

from __future__ import annotations

import datetime as dt
import json
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
    """Append one row to the audit chain; must run inside the caller's transaction."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        raise RuntimeError("audit_record must run inside the service's transaction")
    head, _created = AuditChainHead.objects.select_for_update().get_or_create(
        pk=1, defaults={"last_hash": GENESIS_HASH, "count": 0}
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
    digest = keyed_hash(text)
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
    head.count += 1
    head.save(update_fields=["last_hash", "count"])
    anchor_after_commit(connection)
    return entry


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
    "audit_head_text",
    "audit_record",
    "audit_verify",
    "canonical_text",
    "snapshot",
    "to_json_value",
]
