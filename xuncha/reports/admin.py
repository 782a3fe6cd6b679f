from django.contrib import admin
from django.http import HttpRequest

from xuncha.reports.models import Publication


@admin.register(Publication)
class PublicationAdmin(admin.ModelAdmin):
    """Read-only: publications change only through ``reports.services`` (drafts, edits,
    publishing), which keep the published text frozen and write the audit rows."""

    list_display = ["title", "kind", "round", "status", "published_at"]
    list_filter = ["kind", "status"]
    search_fields = ["title"]
    readonly_fields = [field.name for field in Publication._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Publication | None = None) -> bool:
        return False
