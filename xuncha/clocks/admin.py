"""The office's admin for clocks: rules, holiday schedules (audited), computed deadlines (read).

Saving a schedule or a rule recomputes the stored deadlines it affects, in the same
transaction as the change and its audit rows.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xuncha.clocks.models import Deadline, DeadlineRule, HolidayDate, HolidaySchedule
from xuncha.clocks.services import deadlines_refresh_all, deadlines_refresh_for_year
from xuncha.core.admin import AuditedModelAdmin


class HolidayDateInline(admin.TabularInline):
    model = HolidayDate
    extra = 3
    fields = ["date", "kind", "name"]


@admin.register(HolidaySchedule)
class HolidayScheduleAdmin(AuditedModelAdmin):
    """Holiday schedules for years past the calendar package, one per year."""

    list_display = ["year", "source", "day_count", "entered_by", "entered_at"]
    readonly_fields = ["entered_by", "entered_at"]
    inlines = [HolidayDateInline]

    def get_queryset(self, request: Any) -> QuerySet[HolidaySchedule]:
        return super().get_queryset(request).annotate(day_count=Count("dates"))

    @admin.display(description=_("天数"), ordering="day_count")
    def day_count(self, schedule: HolidaySchedule) -> int:
        return getattr(schedule, "day_count", 0)

    def get_readonly_fields(self, request: Any, obj: Any = None) -> list[str]:
        # The year is what deadlines were recomputed for; a wrong year is deleted, not moved.
        return [*self.readonly_fields, "year"] if obj else list(self.readonly_fields)

    def save_model(self, request: Any, obj: HolidaySchedule, form: Any, change: bool) -> None:
        obj.entered_by = request.user
        obj.entered_at = timezone.now()
        super().save_model(request, obj, form, change)

    def save_related(self, request: Any, form: Any, formsets: Any, change: bool) -> None:
        # The days are saved with the inlines, so deadlines are recomputed after them.
        super().save_related(request, form, formsets, change)
        deadlines_refresh_for_year(actor=request.user, year=form.instance.year)

    def delete_model(self, request: Any, obj: HolidaySchedule) -> None:
        year = obj.year
        for day in obj.dates.all():
            self._audit(request, day, "delete", {"date": day.date, "kind": day.kind}, None)
        super().delete_model(request, obj)
        deadlines_refresh_for_year(actor=request.user, year=year)

    def delete_queryset(self, request: Any, queryset: QuerySet[HolidaySchedule]) -> None:
        # The bulk action goes through delete_model, so each removal is audited and recomputed.
        for schedule in queryset:
            self.delete_model(request, schedule)


@admin.register(DeadlineRule)
class DeadlineRuleAdmin(AuditedModelAdmin):
    """Deadline rules: configuration with its source; a change recomputes every deadline."""

    list_display = [
        "code",
        "name",
        "anchor",
        "amount",
        "count_unit",
        "roll_to_workday",
        "problem_warning",
        "active",
    ]
    list_filter = ["active", "anchor", "count_unit"]
    search_fields = ["code", "name", "source"]

    def get_readonly_fields(self, request: Any, obj: Any = None) -> list[str]:
        return ["code"] if obj else []

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        # A rule that made deadlines is switched off (启用 unticked), not deleted.
        return False

    def save_related(self, request: Any, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        deadlines_refresh_all(actor=request.user)


@admin.register(Deadline)
class DeadlineAdmin(admin.ModelAdmin):
    """Computed deadlines, shown for checking; they change only by recomputation."""

    list_display = ["rule", "assignment", "measure", "start", "label", "computed_at"]
    list_filter = ["rule", "holidays_known"]
    search_fields = ["assignment__unit__name", "problem__title"]
    list_select_related = ["rule", "assignment__round", "assignment__unit", "measure"]
    date_hierarchy = "due"

    @admin.display(description=_("截止日"), ordering="due")
    def label(self, deadline: Deadline) -> str:
        return deadline.label

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False
