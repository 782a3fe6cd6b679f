"""What a database holds, for a backup's manifest and for a restore's "is this empty" check.

:func:`database_facts` reads the migrations, the row count of every table and the audit chain's
head from a copy of the database (each engine hands it a way to query its copy), and
:func:`installation_contents` says what the live installation holds, so that a restore never
silently replaces data someone entered.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import connection
from django.utils.translation import gettext as _

from xuncha.core import audit_anchor
from xuncha.core.backup_archive import files_under
from xuncha.core.models import AuditChainHead, AuditEntry

_TABLES_NAMED = 3  # the largest tables a refusal names, beside the user table

Query = Callable[[str], list[tuple[Any, ...]]]


@dataclass(frozen=True)
class DatabaseFacts:
    """What the manifest records of a database copy: migrations, rows, the audit chain's head."""

    migrations: tuple[tuple[str, str], ...]
    tables: dict[str, int]
    audit_count: int
    audit_last_hash: str


def database_facts(query: Query, tables: list[str], quote: Callable[[str], str]) -> DatabaseFacts:
    """Migrations, row counts and the audit chain's head, read through ``query``."""
    counts = {table: int(query(f"SELECT COUNT(*) FROM {quote(table)}")[0][0]) for table in tables}
    migrations: tuple[tuple[str, str], ...] = ()
    if "django_migrations" in counts:
        rows = query("SELECT app, name FROM django_migrations ORDER BY id")
        migrations = tuple((str(app), str(name)) for app, name in rows)
    head_table = AuditChainHead._meta.db_table
    audit_count, last_hash = 0, audit_anchor.GENESIS_HASH
    if head_table in counts:
        head = query(f"SELECT count, last_hash FROM {quote(head_table)} WHERE id = 1")
        if head:
            audit_count, last_hash = int(head[0][0]), str(head[0][1])
    return DatabaseFacts(migrations, counts, audit_count, last_hash)


def data_tables() -> list[str]:
    """The project's data tables: ``auth_user`` and every table of the ``xuncha.*`` apps."""
    tables = {apps.get_model(settings.AUTH_USER_MODEL)._meta.db_table}
    for config in apps.get_app_configs():
        if not config.name.startswith("xuncha."):
            continue
        for model in config.get_models(include_auto_created=True):
            if model._meta.managed and not model._meta.proxy:
                tables.add(model._meta.db_table)
    return sorted(tables)


def installation_contents() -> list[str]:
    """What this installation holds (tables with their rows, evidence files); empty when new.

    Migrations seed default configuration (the deadline rules). Every change made through
    xuncha writes an audit row, and nobody acts without a user, so rows found while there is
    neither a user nor an audit row are those defaults: a freshly migrated installation is
    empty.
    """
    existing = set(connection.introspection.table_names())
    counts: dict[str, int] = {}
    with connection.cursor() as cursor:
        for table in data_tables():
            if table in existing:
                cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
                count = int(cursor.fetchone()[0])
                if count:
                    counts[table] = count
    user_table = apps.get_model(settings.AUTH_USER_MODEL)._meta.db_table
    if not counts.get(user_table) and not counts.get(AuditEntry._meta.db_table):
        counts = {}
    found: list[str] = []
    if counts:
        largest = sorted(counts, key=lambda table: (-counts[table], table))
        shown = [user_table] if user_table in counts else []
        shown += [table for table in largest if table != user_table][:_TABLES_NAMED]
        named = "、".join(
            _("%(table)s %(count)s 行") % {"table": table, "count": counts[table]}
            for table in shown
        )
        if len(shown) < len(counts):
            named += _("等")
        found.append(
            _("%(tables)s 张数据表共有 %(rows)s 行（%(named)s）")
            % {"tables": len(counts), "rows": sum(counts.values()), "named": named}
        )
    files = len(files_under(Path(settings.MEDIA_ROOT)))
    if files:
        found.append(
            _("证据文件目录 %(media)s 有 %(count)s 个文件")
            % {"media": settings.MEDIA_ROOT, "count": files}
        )
    return found


__all__ = ["DatabaseFacts", "Query", "data_tables", "database_facts", "installation_contents"]
