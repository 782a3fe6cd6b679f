"""The admin's shared shapes (read-only and audited admins) and the site's Chinese titles; the
audited user and group admins of ``django.contrib.auth`` are in ``admin_people``.

The admin cannot write around the services: a domain model is read-only here (the web app
sets it up through its services) or each of its saves and deletes, one by one and in bulk,
leaves its audit rows in the admin's transaction.
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from django.contrib import admin
from django.db import models, router, transaction
from django.db.models import QuerySet
from django.db.models.deletion import Collector
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from xuncha.core.audit import audit_record, snapshot
from xuncha.core.models import AuditEntry, Profile, Role, RoleGrant, StatusChange
from xuncha.core.permissions import Actor, has_role

_ModelT = TypeVar("_ModelT", bound=models.Model)

admin.site.site_header = _("巡察整改管理")
admin.site.site_title = _("巡察整改管理")
admin.site.index_title = _("系统管理")


def request_actor(request: HttpRequest) -> Actor:
    """Who makes a change through the admin: its logged-in staff member (the admin lets no one
    else in; an anonymous request would be the system's, as the audit log records it)."""
    return request.user if request.user.is_authenticated else None


def without_delete_selected(actions: dict[str, Any]) -> dict[str, Any]:
    actions.pop("delete_selected", None)
    return actions


def formset_saved_by_services(formset: Any) -> None:
    """Tell the admin's change message what a formset saved through services changed (it
    reads what ``formset.save()`` would have set)."""
    formset.new_objects = [form.instance for form in formset.extra_forms if form.has_changed()]
    formset.changed_objects = [
        (form.instance, form.changed_data)
        for form in formset.initial_forms
        if form.has_changed() and form not in formset.deleted_forms
    ]
    formset.deleted_objects = [form.instance for form in formset.deleted_forms]


class ReadOnlyModelAdmin(admin.ModelAdmin, Generic[_ModelT]):
    """Shown for checking only: no add, change or delete, and no "delete selected" action.

    For what only services write; the web app is where it changes.
    """

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: _ModelT | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: _ModelT | None = None) -> bool:
        return False

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        return without_delete_selected(super().get_actions(request))


class ReadOnlyInline(admin.TabularInline):
    """Rows shown with their parent, never added, changed or deleted from it."""

    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class AuditedModelAdmin(admin.ModelAdmin, Generic[_ModelT]):
    """An admin for set-up without a web page, whose saves and deletes leave audit rows.

    Inlines are audited row by row; a delete audits what it cascades to; "delete selected"
    deletes row by row through :meth:`delete_model`, so each row is audited (and a subclass's
    recompute runs) the same way as a single delete. The admin wraps each change form and
    delete in a transaction, so the rows commit with the change. Only the office writes here.
    """

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return has_role(request.user, Role.OFFICE) and super().has_add_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: _ModelT | None = None) -> bool:
        return has_role(request.user, Role.OFFICE) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: _ModelT | None = None) -> bool:
        return has_role(request.user, Role.OFFICE) and super().has_delete_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: _ModelT, form: Any, change: bool) -> None:
        before = snapshot(_stored(obj)) if change and obj.pk else None
        super().save_model(request, obj, form, change)
        self._audit(request, obj, "update" if change else "create", before, snapshot(obj))

    def delete_model(self, request: HttpRequest, obj: _ModelT) -> None:
        for cascaded in _cascade(obj):
            self._audit(request, cascaded, "delete", snapshot(cascaded), None)
        self._audit(request, obj, "delete", snapshot(obj), None)
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[_ModelT]) -> None:
        with transaction.atomic(using=router.db_for_write(self.model)):
            for obj in queryset:
                self.delete_model(request, obj)

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


def _cascade(obj: models.Model) -> list[models.Model]:
    """The rows deleting ``obj`` deletes with it (cascades), so each leaves its audit row."""
    collector = Collector(using=router.db_for_write(type(obj)), origin=obj)
    collector.collect([obj])
    rows: list[models.Model] = []
    for instances in collector.data.values():
        rows.extend(row for row in instances if row != obj)
    for queryset in collector.fast_deletes:
        rows.extend(queryset)
    return rows


@admin.register(Profile)
class ProfileAdmin(ReadOnlyModelAdmin[Profile]):
    """Read-only list: a person's name is edited on their user page, through ``profile_set``."""

    list_display = ["user", "display_name"]
    search_fields = ["user__username", "display_name"]


@admin.register(RoleGrant)
class RoleGrantAdmin(ReadOnlyModelAdmin[RoleGrant]):
    """The roles people hold, per function (整改, 信访): a read-only list; they are granted and
    revoked on the user's page, through ``role_grant`` and ``role_revoke``."""

    list_display = ["user", "function", "role", "granted_at"]
    list_filter = ["function", "role"]
    search_fields = ["user__username", "user__profile__display_name"]


@admin.register(StatusChange)
class StatusChangeAdmin(ReadOnlyModelAdmin[StatusChange]):
    """The workflows' history rows: written by the engine only, read-only here."""

    list_display = ["at", "workflow", "subject_id", "move", "from_status", "to_status", "actor"]
    list_filter = ["workflow", "move"]
    search_fields = ["scope", "reason"]
    date_hierarchy = "at"


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyModelAdmin[AuditEntry]):
    """The audit log is read-only everywhere, the admin included."""

    list_display = ["at", "actor_name", "action", "object_type", "object_repr"]
    list_filter = ["action", "object_type"]
    search_fields = ["object_repr", "actor_name", "scope"]
    date_hierarchy = "at"


__all__ = [
    "AuditedModelAdmin",
    "ReadOnlyInline",
    "ReadOnlyModelAdmin",
    "formset_saved_by_services",
    "request_actor",
    "without_delete_selected",
]

# The user and group admins live beside this module; importing it registers them.
from xuncha.core import admin_people  # noqa: E402, F401
