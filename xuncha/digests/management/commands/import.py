"""``xuncha import FILE --round NAME [--dry-run] [--json]``: a digest or a unit's disclosure
notice into a round (``import-digest`` is the same command under its first name)."""

from __future__ import annotations

from xuncha.digests.management.commands.import_digest import Command as ImportDigest


class Command(ImportDigest):
    pass
