from django.contrib import admin

from xuncha.core.admin import ReadOnlyModelAdmin
from xuncha.reports.models import Publication


@admin.register(Publication)
class PublicationAdmin(ReadOnlyModelAdmin[Publication]):
    """Read-only: publications change only through ``reports.services`` (drafts, edits,
    publishing), which keep the published text frozen and write the audit rows."""

    list_display = ["title", "kind", "round", "status", "published_at"]
    list_filter = ["kind", "status"]
    search_fields = ["title"]
