"""Full-text search on SQLite: FTS5 trigram tables over problems and measures (docs/search.md).

Both are external-content tables (the text stays in findings_problem and findings_measure
only) kept in step by triggers. Nothing runs on another database.

Django's SQLite schema editor rebuilds a table to alter it (new table, copy, drop the old,
rename), and dropping the old table drops its triggers. So a later migration that alters
findings_problem or findings_measure (AddField, AlterField, RemoveField…) must recreate them,
as its last operation, on SQLite only (the statements are idempotent and end by rebuilding
the index)::

    import importlib

    fts = importlib.import_module("xuncha.findings.migrations.0008_search_sqlite_fts")

    def search_triggers_recreate(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            for statement in fts.search_triggers_sql():
                schema_editor.execute(statement)

    operations = [..., migrations.RunPython(search_triggers_recreate, migrations.RunPython.noop)]

tests/findings/test_search.py::test_the_sqlite_search_triggers_survive_every_migration fails,
naming this, when one has not. docs/search.md says the same.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

TABLES = {
    # FTS table: (content table, indexed columns)
    "findings_problem_fts": ("findings_problem", ("title", "text")),
    "findings_measure_fts": ("findings_measure", ("text",)),
}


def search_tables_sql() -> list[str]:
    return [
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {fts} USING fts5("
        f"{', '.join(columns)}, content='{content}', content_rowid='id', tokenize='trigram')"
        for fts, (content, columns) in TABLES.items()
    ]


def search_triggers_sql() -> list[str]:
    statements = []
    for fts, (content, columns) in TABLES.items():
        names = ", ".join(columns)
        new = ", ".join(f"new.{column}" for column in columns)
        old = ", ".join(f"old.{column}" for column in columns)
        insert = f"INSERT INTO {fts}(rowid, {names}) VALUES (new.id, {new});"
        delete = f"INSERT INTO {fts}({fts}, rowid, {names}) VALUES ('delete', old.id, {old});"
        statements += [
            f"CREATE TRIGGER IF NOT EXISTS {fts}_insert AFTER INSERT ON {content} "
            f"BEGIN {insert} END",
            f"CREATE TRIGGER IF NOT EXISTS {fts}_delete AFTER DELETE ON {content} "
            f"BEGIN {delete} END",
            f"CREATE TRIGGER IF NOT EXISTS {fts}_update AFTER UPDATE OF {names} ON {content} "
            f"BEGIN {delete} {insert} END",
            f"INSERT INTO {fts}({fts}) VALUES ('rebuild')",
        ]
    return statements


def forwards(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "sqlite":
        return
    for statement in [*search_tables_sql(), *search_triggers_sql()]:
        schema_editor.execute(statement)


def backwards(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "sqlite":
        return
    for fts in TABLES:
        for event in ("insert", "delete", "update"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {fts}_{event}")
        schema_editor.execute(f"DROP TABLE IF EXISTS {fts}")


class Migration(migrations.Migration):
    dependencies = [
        ("findings", "0007_quantity_ranges_years_counts"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
