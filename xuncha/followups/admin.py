"""The office sets follow-ups, rubrics and surveys up here; what groups record is read-only."""

from __future__ import annotations

from django.contrib import admin
from django.db import models
from django.http import HttpRequest

from xuncha.core.admin import AuditedModelAdmin
from xuncha.followups.models import (
    Batch,
    FollowUp,
    Rubric,
    Score,
    SurveyTemplate,
    Verdict,
    Visit,
    VisitEvidence,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records that only the services write (verdicts move problems through the workflow)."""

    def has_add_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False


class BatchInline(admin.TabularInline):
    model = Batch
    extra = 0
    fields = ["sequence", "name", "starts_on", "ends_on"]


@admin.register(FollowUp)
class FollowUpAdmin(AuditedModelAdmin[FollowUp]):
    list_display = ["name", "round", "kind", "rubric", "survey", "created_at"]
    list_filter = ["kind", "round"]
    search_fields = ["name", "round__name"]
    inlines = [BatchInline]


@admin.register(Rubric)
class RubricAdmin(AuditedModelAdmin[Rubric]):
    """Items are [name, maximum points] pairs adding up to the total; checked on save."""

    list_display = ["name", "total", "passing"]
    search_fields = ["name"]


@admin.register(SurveyTemplate)
class SurveyTemplateAdmin(AuditedModelAdmin[SurveyTemplate]):
    """Questions are a list of texts; the scale [label, score] pairs, best first; checked."""

    list_display = ["name"]
    search_fields = ["name"]


class VerdictInline(ReadOnlyInline):
    model = Verdict
    readonly_fields = (
        "problem",
        "kind",
        "reason",
        "new_deadline",
        "declared_status",
        "declared_done",
    )
    fields = readonly_fields


class VisitEvidenceInline(ReadOnlyInline):
    model = VisitEvidence
    readonly_fields = ("original_name", "content_type", "size", "sha256", "verdict", "uploaded_by")
    fields = readonly_fields


@admin.register(Visit)
class VisitAdmin(ReadOnlyAdmin):
    list_display = ["assignment", "batch", "group", "planned_on", "visited_on", "status"]
    list_filter = ["status", "batch__followup", "group"]
    search_fields = ["assignment__unit__name"]
    inlines = [VerdictInline, VisitEvidenceInline]


@admin.register(Verdict)
class VerdictAdmin(ReadOnlyAdmin):
    list_display = ["problem", "kind", "declared_status", "declared_done", "visit", "ruled_at"]
    list_filter = ["kind", "declared_done", "visit__batch__followup"]
    search_fields = ["problem__title", "visit__assignment__unit__name"]


@admin.register(Score)
class ScoreAdmin(ReadOnlyAdmin):
    list_display = ["visit", "rubric", "total", "passed", "scored_at"]
    list_filter = ["passed"]
