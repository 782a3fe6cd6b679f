"""Writes of what ``core`` owns: people's roles and names, each with its audit row."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from xuncha.core.audit import audit_record, snapshot
from xuncha.core.models import ROLE_FUNCTIONS, Profile, RoleGrant
from xuncha.core.permissions import Actor, forget_roles

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
