from typing import Any

from django.contrib import admin
from django.db import models

from xuncha.core.audit import audit_record, snapshot
from xuncha.core.models import AuditEntry, Profile


class AuditedModelAdmin(admin.ModelAdmin):
    """An admin whose saves and deletes (inlines included) leave audit rows.

    The admin already wraps each change in a transaction, so the row commits with the change.
    """

    def save_model(self, request: Any, obj: models.Model, form: Any, change: bool) -> None:
        before = snapshot(type(obj).objects.get(pk=obj.pk)) if change and obj.pk else None
        super().save_model(request, obj, form, change)
        self._audit(request, obj, "update" if change else "create", before, snapshot(obj))

    def delete_model(self, request: Any, obj: models.Model) -> None:
        before = snapshot(obj)
        self._audit(request, obj, "delete", before, None)
        super().delete_model(request, obj)

    def save_formset(self, request: Any, form: Any, formset: Any, change: bool) -> None:
        befores = {
            obj.pk: snapshot(type(obj).objects.get(pk=obj.pk))
            for obj in formset.get_queryset()
            if obj.pk
        }
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            self._audit(request, obj, "delete", befores.get(obj.pk), None)
            obj.delete()
        for obj in instances:
            before = befores.get(obj.pk)
            obj.save()
            self._audit(request, obj, "update" if before else "create", before, snapshot(obj))
        formset.save_m2m()

    def _audit(self, request: Any, obj: models.Model, verb: str, before: Any, after: Any) -> None:
        audit_record(
            actor=request.user,
            action=f"{obj._meta.model_name}.{verb}.admin",
            instance=obj,
            before=before,
            after=after,
        )


@admin.register(Profile)
class ProfileAdmin(AuditedModelAdmin):
    list_display = ["user", "display_name", "role"]
    list_filter = ["role"]
    search_fields = ["user__username", "display_name"]


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """The audit log is read-only everywhere, the admin included."""

    list_display = ["at", "actor_name", "action", "object_type", "object_repr"]
    list_filter = ["action", "object_type"]
    search_fields = ["object_repr", "actor_name", "scope"]
    date_hierarchy = "at"

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
