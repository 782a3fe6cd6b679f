from typing import Any, Generic, TypeVar

from django.contrib import admin
from django.db import models
from django.http import HttpRequest

from xuncha.core.audit import audit_record, snapshot
from xuncha.core.models import AuditEntry, Profile, RoleGrant, StatusChange
from xuncha.core.permissions import Actor

_ModelT = TypeVar("_ModelT", bound=models.Model)


def request_actor(request: HttpRequest) -> Actor:
    """Who makes a change through the admin: its logged-in staff member (the admin lets no one
    else in; an anonymous request would be the system's, as the audit log records it)."""
    return request.user if request.user.is_authenticated else None


class AuditedModelAdmin(admin.ModelAdmin, Generic[_ModelT]):
    """An admin whose saves and deletes (inlines included) leave audit rows.

    The admin already wraps each change in a transaction, so the row commits with the change.
    """

    def save_model(self, request: HttpRequest, obj: _ModelT, form: Any, change: bool) -> None:
        before = snapshot(_stored(obj)) if change and obj.pk else None
        super().save_model(request, obj, form, change)
        self._audit(request, obj, "update" if change else "create", before, snapshot(obj))

    def delete_model(self, request: HttpRequest, obj: _ModelT) -> None:
        before = snapshot(obj)
        self._audit(request, obj, "delete", before, None)
        super().delete_model(request, obj)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        befores = {obj.pk: snapshot(_stored(obj)) for obj in formset.get_queryset() if obj.pk}
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            self._audit(request, obj, "delete", befores.get(obj.pk), None)
            obj.delete()
        for obj in instances:
            before = befores.get(obj.pk)
            obj.save()
            self._audit(request, obj, "update" if before else "create", before, snapshot(obj))
        formset.save_m2m()

    def _audit(
        self,
        request: HttpRequest,
        obj: models.Model,
        verb: str,
        before: dict[str, Any] | None,
        after: dict[str, Any] | None,
    ) -> None:
        audit_record(
            actor=request_actor(request),
            action=f"{obj._meta.model_name}.{verb}.admin",
            instance=obj,
            before=before,
            after=after,
        )


def _stored(obj: models.Model) -> models.Model:
    """The row as it is stored, before the admin's change."""
    return type(obj)._default_manager.get(pk=obj.pk)


@admin.register(Profile)
class ProfileAdmin(AuditedModelAdmin[Profile]):
    list_display = ["user", "display_name"]
    search_fields = ["user__username", "display_name"]


@admin.register(RoleGrant)
class RoleGrantAdmin(AuditedModelAdmin[RoleGrant]):
    """The roles people hold, per function (整改, 信访)."""

    list_display = ["user", "function", "role", "granted_at"]
    list_filter = ["function", "role"]
    search_fields = ["user__username", "user__profile__display_name"]
    autocomplete_fields = ["user"]


@admin.register(StatusChange)
class StatusChangeAdmin(admin.ModelAdmin):
    """The workflows' history rows: written by the engine only, read-only here."""

    list_display = ["at", "workflow", "subject_id", "move", "from_status", "to_status", "actor"]
    list_filter = ["workflow", "move"]
    search_fields = ["scope", "reason"]
    date_hierarchy = "at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: StatusChange | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: StatusChange | None = None) -> bool:
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """The audit log is read-only everywhere, the admin included."""

    list_display = ["at", "actor_name", "action", "object_type", "object_repr"]
    list_filter = ["action", "object_type"]
    search_fields = ["object_repr", "actor_name", "scope"]
    date_hierarchy = "at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AuditEntry | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AuditEntry | None = None) -> bool:
        return False
