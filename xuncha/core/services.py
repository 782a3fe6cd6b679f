"""Writes of what ``core`` owns: people's roles and names, each with its audit row."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xuncha.core.audit import audit_record, snapshot
from xuncha.core.models import ROLE_FUNCTIONS, Profile, Role, RoleGrant
from xuncha.core.permissions import Actor, forget_roles, has_role

if TYPE_CHECKING:
    from django.contrib.auth.models import User


@transaction.atomic
def role_grant(*, actor: Actor, user: User, role: str) -> RoleGrant:
    """Give ``user`` a role in the role's function (a second grant of it changes nothing)."""
    if role not in ROLE_FUNCTIONS:
        raise ValueError(f"unknown role {role!r}")
    grant, created = RoleGrant.objects.get_or_create(
        user=user, function=ROLE_FUNCTIONS[role], role=role
    )
    if created:
        audit_record(
            actor=actor, action="role.grant", instance=grant, before=None, after=snapshot(grant)
        )
    forget_roles(user)
    return grant


@transaction.atomic
def role_revoke(*, actor: Actor, user: User, role: str) -> bool:
    """Take a role from ``user``; returns whether they held it."""
    grant = RoleGrant.objects.filter(user=user, role=role).first()
    if grant is None:
        return False
    audit_record(
        actor=actor, action="role.revoke", instance=grant, before=snapshot(grant), after=None
    )
    grant.delete()
    forget_roles(user)
    return True


@transaction.atomic
def profile_set(*, actor: Actor, user: User, display_name: str) -> Profile:
    """Set how a user is named on pages and in the history."""
    profile = Profile.objects.filter(user=user).first()
    before = snapshot(profile) if profile is not None else None
    if profile is None:
        profile = Profile(user=user)
    profile.display_name = display_name
    profile.save()
    if before != snapshot(profile):
        audit_record(
            actor=actor,
            action="profile.create" if before is None else "profile.update",
            instance=profile,
            before=before,
            after=snapshot(profile),
        )
    return profile


@transaction.atomic
def account_create(*, actor: Actor, username: str, display_name: str, password: str) -> User:
    """Open an account for a person the office sets up (a group member, a liaison).

    The username and password are checked by Django's own validators; the audit row records
    that a password was set, never the password or its hash.
    """
    if actor is not None and not has_role(actor, Role.OFFICE):
        raise PermissionError(_("只有巡察办可以开设账号。"))
    model = get_user_model()
    username = username.strip()
    user = model(username=username)
    try:
        user.full_clean(exclude=["password"])
        validate_password(password, user)
    except ValidationError as error:
        raise ValueError("；".join(password_messages(error))) from error
    user.set_password(password)
    user.save()
    after = snapshot(user, ["username", "is_active", "is_staff", "is_superuser"])
    audit_record(
        actor=actor,
        action="user.create",
        instance=user,
        before=None,
        after=after | {"password": "set"},
    )
    if display_name.strip():
        profile_set(actor=actor, user=user, display_name=display_name.strip())
    return user


# Django 5.2's own Chinese catalogue lags behind its password validators' messages; the
# validators' codes are stable, so the messages are said here.
PASSWORD_MESSAGES = {
    "password_too_short": gettext_lazy("密码太短，至少需要 8 个字符。"),
    "password_too_common": gettext_lazy("密码过于常见，请换一个。"),
    "password_entirely_numeric": gettext_lazy("密码不能全是数字。"),
    "password_too_similar": gettext_lazy("密码与账号或姓名过于相似。"),
}


def password_messages(error: ValidationError) -> list[str]:
    """A refused account's reasons in the user's language."""
    messages = []
    for item in error.error_list:
        known = PASSWORD_MESSAGES.get(item.code or "")
        messages.extend([str(known)] if known else item.messages)
    return messages
