"""Serialising writers that would otherwise race on rows that do not exist yet.

Two imports creating the same new round at once cannot lock its row (there is none yet). On
PostgreSQL a transaction-scoped advisory lock on a key serialises them: the second waits for the
first to commit, then sees what it created. On SQLite every write transaction already holds the
database's write lock from its start (``transaction_mode`` IMMEDIATE), so nothing more is needed.
"""

from __future__ import annotations

import hashlib

from django.db import connection


def advisory_lock(key: str) -> None:
    """Hold a lock named ``key`` until the current transaction ends (PostgreSQL)."""
    if not connection.in_atomic_block:
        raise RuntimeError("advisory_lock must run inside a transaction")
    if connection.vendor != "postgresql":
        return
    # A signed 64-bit number from the key: PostgreSQL's advisory locks are keyed by bigint.
    number = int.from_bytes(hashlib.sha256(key.encode("utf-8")).digest()[:8], "big", signed=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [number])
