"""The audited user and group admins of ``django.contrib.auth``, and django-axes' lockout
records (deleting one unlocks an account: each deletion leaves its audit row)."""

from __future__ import annotations

from typing import Any

from axes.admin import AccessAttemptAdmin as AxesAccessAttemptAdmin
from axes.models import AccessAttempt
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group, User
from django.db import router, transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from xuncha.core.admin import formset_saved_by_services, request_actor, without_delete_selected
from xuncha.core.audit import audit_record, snapshot
from xuncha.core.models import Profile, RoleGrant
from xuncha.core.services import profile_set, role_grant, role_revoke

# Users and groups of django.contrib.auth --------------------------------------------------

USER_FIELDS = [
    "username",
    "first_name",
    "last_name",
    "email",
    "is_active",
    "is_staff",
    "is_superuser",
]


def password_fact(user: User) -> str:
    """What the audit log says of a password: whether one is set, never its hash."""
    return "set" if user.has_usable_password() else "unusable"


def user_state(user: User) -> dict[str, Any]:
    """A user as the audit log records an admin change: flags, groups and permissions by
    name, and the password as a fact."""
    state = snapshot(user, USER_FIELDS)
    state["groups"] = sorted(user.groups.values_list("name", flat=True))
    state["user_permissions"] = permission_names(user.user_permissions.all())
    state["password"] = password_fact(user)
    return state


def group_state(group: Group) -> dict[str, Any]:
    """An auth group as the audit log records it: its name, permissions and members."""
    return {
        "name": group.name,
        "permissions": permission_names(group.permissions.all()),
        "members": sorted(group.user_set.values_list("username", flat=True)),
    }


def permission_names(permissions: QuerySet[Any]) -> list[str]:
    return sorted(
        f"{app_label}.{codename}"
        for app_label, codename in permissions.values_list("content_type__app_label", "codename")
    )


class ProfileInline(admin.StackedInline):
    """How the person is named in xuncha; saved through ``profile_set`` (audited)."""

    model = Profile
    fields = ["display_name"]
    can_delete = False
    max_num = 1
    verbose_name_plural = _("用户资料")


class RoleGrantInline(admin.TabularInline):
    """The person's xuncha roles; granted and revoked through the services (audited).

    A role's function follows from the role. Liaison units and group seats, the roles'
    scopes, are set in the web app.
    """

    model = RoleGrant
    fields = ["role", "function", "granted_at"]
    readonly_fields = ["function", "granted_at"]
    extra = 0

    # Roles are what a person may reach: only a superuser hands them out.
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser


admin.site.unregister(User)
admin.site.unregister(Group)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Django's user admin, audited: one row per save with the real before and after of the
    flags, groups, permissions and the password (as a fact), and the role and name inlines
    saved through ``core.services``.

    Users are never deleted here: audit rows refer to them; deactivate instead. Only a
    superuser changes a superuser (the password included) or hands out flags, groups,
    permissions and roles.
    """

    inlines = [ProfileInline, RoleGrantInline]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        return without_delete_selected(super().get_actions(request))

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # Only a superuser hands out superuser, staff, groups and permissions.
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += ["is_superuser", "is_staff", "groups", "user_permissions"]
        return fields

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        stored = User.objects.filter(pk=obj.pk).first() if change else None
        form.audit_before = user_state(stored) if stored is not None else None
        form.audit_password = stored.password if stored is not None else None
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # The groups and permissions are saved here, after save_model: the after is read now.
        super().save_related(request, form, formsets, change)
        user = form.instance
        before = getattr(form, "audit_before", None)
        after = user_state(user)
        if before is not None and user.password != form.audit_password:
            after["password"] = "changed"
        if before == after:
            return
        audit_record(
            actor=request_actor(request),
            action="user.update.admin" if change else "user.create.admin",
            instance=user,
            before=before,
            after=after,
        )

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        actor = request_actor(request)
        user = form.instance
        if formset.model is Profile:
            for profile_form in formset.forms:
                if profile_form.has_changed():
                    name = profile_form.cleaned_data.get("display_name", "")
                    profile_set(actor=actor, user=user, display_name=name)
            formset_saved_by_services(formset)
            return
        if formset.model is RoleGrant:
            for grant_form in formset.forms:
                grant = grant_form.instance
                stored = RoleGrant.objects.filter(pk=grant.pk).first() if grant.pk else None
                removed = grant_form in formset.deleted_forms
                role = grant_form.cleaned_data.get("role")
                if stored is not None and (removed or role != stored.role):
                    role_revoke(actor=actor, user=user, role=stored.role)
                if role and not removed and (stored is None or role != stored.role):
                    role_grant(actor=actor, user=user, role=role)
            formset_saved_by_services(formset)
            return
        super().save_formset(request, form, formset, change)

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        """Django's password view, with the change audited as a fact (never the hash)."""
        with transaction.atomic(using=router.db_for_write(User)):
            stored = User.objects.filter(pk=id).first()
            response = super().user_change_password(request, id, form_url)
            user = User.objects.filter(pk=id).first()
            if user is not None and stored is not None and user.password != stored.password:
                audit_record(
                    actor=request_actor(request),
                    action="user.password.admin",
                    instance=user,
                    before={"password": password_fact(stored)},
                    after={"password": "changed" if user.has_usable_password() else "unusable"},
                )
        return response


@admin.register(Group)
class GroupAdmin(DjangoGroupAdmin):
    """Django's group admin, audited: each save with its permissions before and after, each
    delete (one or selected) with the members it had. A group's permissions are a grant:
    only a superuser writes here."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser

    def save_model(self, request: HttpRequest, obj: Group, form: Any, change: bool) -> None:
        stored = Group.objects.filter(pk=obj.pk).first() if change else None
        form.audit_before = group_state(stored) if stored is not None else None
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        before = getattr(form, "audit_before", None)
        after = group_state(form.instance)
        if before != after:
            audit_record(
                actor=request_actor(request),
                action="group.update.admin" if change else "group.create.admin",
                instance=form.instance,
                before=before,
                after=after,
            )

    def delete_model(self, request: HttpRequest, obj: Group) -> None:
        audit_record(
            actor=request_actor(request),
            action="group.delete.admin",
            instance=obj,
            before=group_state(obj),
            after=None,
        )
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Group]) -> None:
        with transaction.atomic(using=router.db_for_write(Group)):
            for group in queryset:
                self.delete_model(request, group)


@admin.register(AccessAttempt)
class AccessAttemptAdmin(AxesAccessAttemptAdmin):
    """django-axes' failed log-ins. Deleting one unlocks the account at once: each deletion,
    single or in bulk, leaves an audit row naming whose lock was lifted."""

    def delete_model(self, request: HttpRequest, obj: AccessAttempt) -> None:
        audit_lockout_lifted(request, obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[AccessAttempt]) -> None:
        with transaction.atomic(using=router.db_for_write(AccessAttempt)):
            for attempt in queryset:
                self.delete_model(request, attempt)


def audit_lockout_lifted(request: HttpRequest, attempt: AccessAttempt) -> None:
    audit_record(
        actor=request_actor(request),
        action="login.unlock.admin",
        instance=attempt,
        before={
            "username": attempt.username,
            "ip_address": attempt.ip_address,
            "failures": attempt.failures_since_start,
        },
        after=None,
    )


__all__ = ["AccessAttemptAdmin", "GroupAdmin", "UserAdmin", "group_state", "user_state"]
