from django.contrib import admin

from xuncha.core.admin import AuditedModelAdmin
from xuncha.findings.models import Measure, Problem


class MeasureInline(admin.TabularInline):
    model = Measure
    extra = 0
    fields = ["ordinal", "text", "owner", "department", "deadline", "status"]
    readonly_fields = ["status"]


@admin.register(Problem)
class ProblemAdmin(AuditedModelAdmin[Problem]):
    """Problems are read here; statuses change only through the workflow pages."""

    list_display = ["title", "assignment", "status", "deadline"]
    list_filter = ["status", "assignment__round"]
    search_fields = ["title", "assignment__unit__name"]
    readonly_fields = ["status", "version"]
    inlines = [MeasureInline]
