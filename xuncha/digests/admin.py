from django.contrib import admin

from xuncha.core.admin import ReadOnlyModelAdmin
from xuncha.digests.models import DigestImport


@admin.register(DigestImport)
class DigestImportAdmin(ReadOnlyModelAdmin[DigestImport]):
    """Read-only: an import is the record of what a digest file brought in; it is written by
    the import service with the problems it created, and is kept as their provenance."""

    list_display = ["round", "file_name", "unit_count", "problem_count", "imported_at"]
