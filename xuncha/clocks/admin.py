"""The office's admin for clocks: rules, extension rules and holiday schedules (audited), and
the clocks themselves (read only).

Saving a schedule or a rule recomputes the clocks it affects, in the same transaction as the
change and its audit rows.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xuncha.clocks.models import (
    Clock,
    DeadlineRule,
    ExtensionRule,
    HolidayDate,
    HolidaySchedule,
)
from xuncha.clocks.registry import SUBJECTS, subject_choices
from xuncha.clocks.rules import rule_problems
from xuncha.clocks.services import clocks_refresh_all, clocks_refresh_for_year
from xuncha.core.admin import AuditedModelAdmin, ReadOnlyModelAdmin, request_actor
from xuncha.core.forms import form_field


class HolidayDateInline(admin.TabularInline):
    """The schedule's days, audited row by row with the schedule (``AuditedModelAdmin``)."""

    model = HolidayDate
    extra = 3
    fields = ["date", "kind", "name"]


@admin.register(HolidaySchedule)
class HolidayScheduleAdmin(AuditedModelAdmin[HolidaySchedule]):
    """Holiday schedules for years past the calendar package, one per year.

    Set-up without a web page, so edited here: each save, delete and "delete selected" row is
    audited (its days too) and recomputes the deadlines counted through that year.
    """

    list_display = ["year", "source", "day_count", "entered_by", "entered_at"]
    readonly_fields = ["entered_by", "entered_at"]
    inlines = [HolidayDateInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[HolidaySchedule]:
        return super().get_queryset(request).annotate(day_count=Count("dates"))

    @admin.display(description=_("天数"), ordering="day_count")
    def day_count(self, schedule: HolidaySchedule) -> int:
        return getattr(schedule, "day_count", 0)

    def get_readonly_fields(
        self, request: HttpRequest, obj: HolidaySchedule | None = None
    ) -> list[str]:
        # The year is what deadlines were recomputed for; a wrong year is deleted, not moved.
        return [*self.readonly_fields, "year"] if obj else list(self.readonly_fields)

    def save_model(
        self, request: HttpRequest, obj: HolidaySchedule, form: Any, change: bool
    ) -> None:
        obj.entered_by = request_actor(request)
        obj.entered_at = timezone.now()
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # The days are saved with the inlines, so deadlines are recomputed after them.
        super().save_related(request, form, formsets, change)
        clocks_refresh_for_year(actor=request_actor(request), year=form.instance.year)

    def delete_model(self, request: HttpRequest, obj: HolidaySchedule) -> None:
        # The days go with the schedule (each audited); "delete selected" comes here per row.
        year = obj.year
        super().delete_model(request, obj)
        clocks_refresh_for_year(actor=request_actor(request), year=year)


class DeadlineRuleForm(forms.ModelForm):
    """A rule's subject and anchor are chosen among what the apps registered."""

    subject = forms.ChoiceField(label=_("适用对象"), choices=())
    anchor = forms.ChoiceField(label=_("起算依据"), choices=())

    class Meta:
        model = DeadlineRule
        fields = [
            "code",
            "name",
            "subject",
            "anchor",
            "amount",
            "count_unit",
            "roll_to_workday",
            "counts_in_warnings",
            "supersedes",
            "source",
            "active",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        form_field(self, "subject", forms.ChoiceField).choices = subject_choices()
        anchors: dict[str, str] = {}
        for subject in SUBJECTS.values():
            for code, label in subject.anchors.items():
                anchors.setdefault(code, str(label))
        form_field(self, "anchor", forms.ChoiceField).choices = list(anchors.items())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        rule = DeadlineRule(subject=data.get("subject", ""), anchor=data.get("anchor", ""))
        for field_name, message in rule_problems(rule).items():
            self.add_error(field_name, message)
        return data


@admin.register(DeadlineRule)
class DeadlineRuleAdmin(AuditedModelAdmin[DeadlineRule]):
    """Deadline rules: configuration with its source, edited here (no web page), audited; a
    change recomputes every clock. Never deleted: clocks keep their rule (switch it off)."""

    form = DeadlineRuleForm
    list_display = [
        "code",
        "name",
        "subject",
        "anchor",
        "amount",
        "count_unit",
        "roll_to_workday",
        "counts_in_warnings",
        "supersedes",
        "active",
    ]
    list_filter = ["active", "subject", "count_unit"]
    search_fields = ["code", "name", "source"]

    def get_readonly_fields(
        self, request: HttpRequest, obj: DeadlineRule | None = None
    ) -> list[str]:
        return ["code"] if obj else []

    def has_delete_permission(self, request: HttpRequest, obj: DeadlineRule | None = None) -> bool:
        # A rule that made deadlines is switched off (启用 unticked), not deleted.
        return False

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        clocks_refresh_all(actor=request_actor(request))


@admin.register(ExtensionRule)
class ExtensionRuleAdmin(AuditedModelAdmin[ExtensionRule]):
    """What a clock of a rule may be extended by, and how often: set-up edited here, audited.
    Never deleted: granted extensions keep their rule (switch it off)."""

    list_display = ["code", "name", "rule", "amount", "count_unit", "times", "active"]
    list_filter = ["active", "rule"]
    search_fields = ["code", "name", "source"]

    def has_delete_permission(self, request: HttpRequest, obj: ExtensionRule | None = None) -> bool:
        return False


@admin.register(Clock)
class ClockAdmin(ReadOnlyModelAdmin[Clock]):
    """The clocks, shown for checking; they change only through the clock engine."""

    list_display = [
        "rule",
        "subject_type",
        "subject_id",
        "holder_type",
        "holder_id",
        "start",
        "label",
        "state",
        "computed_at",
    ]
    list_filter = ["rule", "state", "subject_type", "holidays_known"]
    search_fields = ["subject_id", "holder_id"]
    list_select_related = ["rule"]
    date_hierarchy = "due"

    @admin.display(description=_("截止日"), ordering="due")
    def label(self, clock: Clock) -> str:
        return clock.label
