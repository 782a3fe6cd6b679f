"""Full-text search on PostgreSQL: pg_trgm and GIN trigram indexes over the columns the search
reads (docs/search.md). Nothing runs on another database.

The indexes are SQL of their own, not ``Meta.indexes``: SQLite has no GIN, and the models stay
the same on both databases. pg_trgm is a trusted extension, so the database's owner may create
it without being a superuser.
"""

from __future__ import annotations

from typing import Any

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

INDEXES = {
    # index name: (table, column)
    "findings_problem_title_trgm": ("findings_problem", "title"),
    "findings_problem_text_trgm": ("findings_problem", "text"),
    "findings_measure_text_trgm": ("findings_measure", "text"),
}


def forwards(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, (table, column) in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({column} gin_trgm_ops)"
        )


def backwards(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("findings", "0008_search_sqlite_fts"),
    ]

    operations = [
        # CreateExtension does nothing on a database other than PostgreSQL.
        TrigramExtension(),
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
