from django.contrib import admin

from xuncha.core.admin import ReadOnlyModelAdmin
from xuncha.reports.models import Publication, PublicationItem


@admin.register(Publication)
class PublicationAdmin(ReadOnlyModelAdmin[Publication]):
    """Read-only: publications change only through ``reports.services`` (drafts, edits,
    approving, publishing, withdrawing), which keep the published and public texts frozen and
    write the audit rows."""

    list_display = ["title", "kind", "round", "status", "published_at"]
    list_filter = ["kind", "status"]
    search_fields = ["title"]


@admin.register(PublicationItem)
class PublicationItemAdmin(ReadOnlyModelAdmin[PublicationItem]):
    """Read-only: disclosure decisions are made on the publication's page
    (``reports.disclosure``), each with its audit row."""

    list_display = ["publication", "order", "kind", "unit_name", "title", "withheld_reason"]
    list_filter = ["kind", "withheld_reason"]
    search_fields = ["title", "unit_name", "publication__title"]
