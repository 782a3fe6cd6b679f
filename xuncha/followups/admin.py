"""Follow-ups in the admin: what the office sets up in the web app, and what groups record,
is read-only; rubrics and surveys (set-up without a web page) are edited here, audited."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from xuncha.core.admin import AuditedModelAdmin, ReadOnlyInline, ReadOnlyModelAdmin
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


class BatchInline(ReadOnlyInline):
    model = Batch
    fields = readonly_fields = ("sequence", "name", "starts_on", "ends_on")
    show_change_link = False


@admin.register(FollowUp)
class FollowUpAdmin(ReadOnlyModelAdmin[FollowUp]):
    """Read-only: follow-ups and their batches are set up in the web app
    (``followups.services``), which checks the round and writes the audit rows."""

    list_display = ["name", "round", "kind", "rubric", "survey", "created_at"]
    list_filter = ["kind", "round"]
    search_fields = ["name", "round__name"]
    inlines = [BatchInline]


@admin.register(Rubric)
class RubricAdmin(AuditedModelAdmin[Rubric]):
    """Set-up without a web page: created and edited here, audited with before and after.

    Items are [name, maximum points] pairs adding up to the total; checked on save. A rubric
    a follow-up or a score uses cannot be deleted (the scores were given by it).
    """

    list_display = ["name", "total", "passing"]
    search_fields = ["name"]

    def has_delete_permission(self, request: HttpRequest, obj: Rubric | None = None) -> bool:
        if obj is not None and (obj.scores.exists() or obj.followups.exists()):
            return False
        return super().has_delete_permission(request, obj)


@admin.register(SurveyTemplate)
class SurveyTemplateAdmin(AuditedModelAdmin[SurveyTemplate]):
    """Set-up without a web page: created and edited here, audited with before and after.

    Questions are a list of texts; the scale [label, score] pairs, best first; checked. A survey
    a follow-up uses cannot be deleted.
    """

    list_display = ["name"]
    search_fields = ["name"]

    def has_delete_permission(
        self, request: HttpRequest, obj: SurveyTemplate | None = None
    ) -> bool:
        if obj is not None and obj.followups.exists():
            return False
        return super().has_delete_permission(request, obj)


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
class VisitAdmin(ReadOnlyModelAdmin[Visit]):
    """Read-only: visits are planned and recorded through ``followups.services``."""

    list_display = ["assignment", "batch", "group", "planned_on", "visited_on", "status"]
    list_filter = ["status", "batch__followup", "group"]
    search_fields = ["assignment__unit__name"]
    inlines = [VerdictInline, VisitEvidenceInline]


@admin.register(Verdict)
class VerdictAdmin(ReadOnlyModelAdmin[Verdict]):
    """Read-only: a verdict moves its problem through the workflow; only the service rules."""

    list_display = ["problem", "kind", "declared_status", "declared_done", "visit", "ruled_at"]
    list_filter = ["kind", "declared_done", "visit__batch__followup"]
    search_fields = ["problem__title", "visit__assignment__unit__name"]


@admin.register(Score)
class ScoreAdmin(ReadOnlyModelAdmin[Score]):
    """Read-only: scores are recorded with their visit."""

    list_display = ["visit", "rubric", "total", "passed", "scored_at"]
    list_filter = ["passed"]
