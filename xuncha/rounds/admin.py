"""Rounds, groups, seats, units and assignments, shown read-only.

The office sets them up in the web app through ``rounds.services``, which check that a group
belongs to the assignment's round and a unit to the round, start the clocks from feedback
dates and write the audit rows; an admin form would write around all three.
"""

from django.contrib import admin

from xuncha.core.admin import ReadOnlyInline, ReadOnlyModelAdmin
from xuncha.rounds.models import Assignment, Group, GroupMembership, Round, Unit


class GroupInline(ReadOnlyInline):
    model = Group


class AssignmentInline(ReadOnlyInline):
    model = Assignment


@admin.register(Round)
class RoundAdmin(ReadOnlyModelAdmin[Round]):
    """Read-only: rounds are created and edited in the web app (and by imports)."""

    list_display = ["name", "kind", "term", "sequence", "start_date", "end_date"]
    list_filter = ["kind"]
    search_fields = ["name"]
    inlines = [GroupInline, AssignmentInline]


class MembershipInline(ReadOnlyInline):
    model = GroupMembership


@admin.register(Group)
class GroupAdmin(ReadOnlyModelAdmin[Group]):
    """Read-only: groups and their seats are set in the web app, within their round."""

    list_display = ["name", "round", "leader_name"]
    list_filter = ["round"]
    search_fields = ["name", "leader_name"]
    inlines = [MembershipInline]


@admin.register(GroupMembership)
class GroupMembershipAdmin(ReadOnlyModelAdmin[GroupMembership]):
    """Read-only: a seat in a group is a scope of the group role, set in the web app."""

    list_display = ["group", "user", "role"]
    list_filter = ["group__round"]
    search_fields = ["user__username", "group__name"]


@admin.register(Unit)
class UnitAdmin(ReadOnlyModelAdmin[Unit]):
    """Read-only: units and their liaisons (the liaison role's scope) are set in the web app."""

    list_display = ["name", "parent"]
    search_fields = ["name"]


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyModelAdmin[Assignment]):
    """Read-only: the group and feedback date are set in the web app, where the group is
    checked against the round and the feedback date starts the unit's clocks."""

    list_display = ["round", "unit", "group", "feedback_date"]
    list_filter = ["round", "group"]
    search_fields = ["unit__name"]
