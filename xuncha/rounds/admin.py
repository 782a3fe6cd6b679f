from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from xuncha.clocks.services import clocks_changed
from xuncha.core.admin import AuditedModelAdmin, request_actor
from xuncha.rounds.models import Assignment, Group, GroupMembership, Round, Unit


class GroupInline(admin.TabularInline):
    model = Group
    extra = 0


class AssignmentInline(admin.TabularInline):
    model = Assignment
    extra = 0
    autocomplete_fields = ["unit"]


@admin.register(Round)
class RoundAdmin(AuditedModelAdmin[Round]):
    list_display = ["name", "kind", "term", "sequence", "start_date", "end_date"]
    list_filter = ["kind"]
    search_fields = ["name"]
    inlines = [GroupInline, AssignmentInline]


class MembershipInline(admin.TabularInline):
    model = GroupMembership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Group)
class GroupAdmin(AuditedModelAdmin[Group]):
    list_display = ["name", "round", "leader_name"]
    list_filter = ["round"]
    search_fields = ["name", "leader_name"]
    inlines = [MembershipInline]


@admin.register(Unit)
class UnitAdmin(AuditedModelAdmin[Unit]):
    list_display = ["name", "parent"]
    search_fields = ["name"]
    autocomplete_fields = ["parent"]
    filter_horizontal = ["liaisons"]


@admin.register(Assignment)
class AssignmentAdmin(AuditedModelAdmin[Assignment]):
    """Setting a feedback date here starts the unit's clocks (deadlines are recomputed)."""

    list_display = ["round", "unit", "group", "feedback_date"]
    list_filter = ["round", "group"]
    search_fields = ["unit__name"]
    autocomplete_fields = ["unit"]

    def save_model(self, request: HttpRequest, obj: Assignment, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        clocks_changed(actor=request_actor(request), source="assignment", ids=[obj.pk])
