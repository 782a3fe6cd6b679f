"""The audit chain becomes keyed and anchored: the head counts its rows, every row is re-sealed.

Existing rows were hashed with plain SHA-256. The old chain is checked first (a warning names
the first row that did not verify: re-sealing would otherwise bless it), then every row's
canonical text is linked again and hashed with the HMAC key in id order, the head is set, and the
first anchor line is written once the migration commits.
"""

import hashlib
import json
import logging
from collections.abc import Callable

from django.db import migrations, models

from xuncha.core.audit_anchor import GENESIS_HASH, anchor_append, keyed_hash

logger = logging.getLogger("xuncha.core.audit")

BATCH = 1000


def _plain(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _check_old_chain(entries, old_hash: Callable[[str], str]) -> None:
    previous = GENESIS_HASH
    for entry in entries.order_by("id").iterator(chunk_size=BATCH):
        if old_hash(entry.canonical) != entry.hash or entry.previous_hash != previous:
            logger.warning(
                "The audit chain did not verify before re-sealing: row %s was already altered "
                "or a row before it removed. Re-sealing keeps the rows as they are.",
                entry.pk,
            )
            return
        previous = entry.hash


def _reseal(apps, schema_editor, *, old_hash, new_hash, anchor: bool) -> None:
    entries = apps.get_model("core", "AuditEntry").objects.using(schema_editor.connection.alias)
    heads = apps.get_model("core", "AuditChainHead").objects.using(schema_editor.connection.alias)
    if not entries.exists():
        return
    _check_old_chain(entries, old_hash)
    previous = GENESIS_HASH
    count = 0
    last_id = None
    pending = []
    for entry in entries.order_by("id").iterator(chunk_size=BATCH):
        try:
            fields = json.loads(entry.canonical)
        except ValueError:
            fields = None
        if isinstance(fields, dict):
            fields["previous_hash"] = previous
            entry.canonical = json.dumps(
                fields, sort_keys=True, ensure_ascii=False, separators=(",", ":")
            )
        entry.previous_hash = previous
        entry.hash = new_hash(entry.canonical)
        previous, last_id = entry.hash, entry.pk
        count += 1
        pending.append(entry)
        if len(pending) >= BATCH:
            entries.bulk_update(pending, ["canonical", "previous_hash", "hash"])
            pending = []
    if pending:
        entries.bulk_update(pending, ["canonical", "previous_hash", "hash"])
    heads.update_or_create(pk=1, defaults={"last_hash": previous, "count": count})
    if anchor:

        def write_anchor() -> None:
            try:
                anchor_append(count=count, last_hash=previous, last_id=last_id)
            except OSError:
                logger.exception("The first audit anchor line could not be written")

        schema_editor.connection.on_commit(write_anchor)


def seal_with_key(apps, schema_editor) -> None:
    _reseal(apps, schema_editor, old_hash=_plain, new_hash=keyed_hash, anchor=True)


def seal_without_key(apps, schema_editor) -> None:
    _reseal(apps, schema_editor, old_hash=keyed_hash, new_hash=_plain, anchor=False)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_roles_per_function_and_status_changes"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditchainhead",
            name="count",
            field=models.PositiveBigIntegerField(default=0, verbose_name="记录条数"),
        ),
        migrations.RunPython(seal_with_key, seal_without_key),
    ]
