"""Which roles a person holds, per function: the one place that reads role grants.

A person holds roles per function (:class:`~xuncha.core.models.RoleGrant`): a unit's liaison in
rectification may also be a petition handler. Where a role reaches is scoped by what it scopes,
not here: units and groups in ``xuncha.rounds.access``. Views and the API never test roles
themselves for reading; they ask the selectors, which ask the scopes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias, TypeGuard

from xuncha.core.models import ROLE_FUNCTIONS, Function, Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

Actor: TypeAlias = "User | None"
"""Who makes a change: a user, or ``None`` for the system itself (imports, the demo, commands)."""

Viewer: TypeAlias = "User | AnonymousUser"
"""Who reads: a logged-in user, or an anonymous visitor who reaches nothing."""

SYSTEM = "system"
"""The part the system plays (``None`` as the actor): imports and the demo may make every move."""

_CACHE = "_xuncha_roles"


def roles_of(user: Viewer | None, function: str | None = None) -> frozenset[str]:
    """The roles a user holds, in one function or in all of them.

    A superuser is the inspection office. The grants are read once per request and kept on
    the user object, since every selector and page asks.
    """
    if user is None or not user.is_authenticated:
        return frozenset()
    held: frozenset[str] | None = getattr(user, _CACHE, None)
    if held is None:
        held = frozenset(user.role_grants.values_list("role", flat=True))
        if user.is_superuser:
            held |= {Role.OFFICE}
        setattr(user, _CACHE, held)
    if function is None:
        return held
    return frozenset(role for role in held if ROLE_FUNCTIONS[role] == function)


def has_role(user: Viewer | None, *roles: str) -> TypeGuard[User]:
    """Whether the user holds any of ``roles`` (each role names its function); one who does is
    a logged-in user."""
    return not roles_of(user).isdisjoint(roles)


def forget_roles(user: Viewer) -> None:
    """Drop the roles kept on a user object (after granting or revoking in the same request)."""
    if hasattr(user, _CACHE):
        delattr(user, _CACHE)


def may_read_audit(user: Viewer | None) -> bool:
    """The office and the supervisors browse the audit log."""
    return has_role(user, Role.OFFICE, Role.SUPERVISOR)


def role_labels(user: Viewer | None) -> list[str]:
    """The user's roles as people read them, function by function (for the page header)."""
    held = roles_of(user)
    return [
        str(Role(role).label)
        for function in Function.values
        for role in Role.values
        if role in held and ROLE_FUNCTIONS[role] == function
    ]


__all__ = [
    "SYSTEM",
    "Actor",
    "Viewer",
    "forget_roles",
    "has_role",
    "may_read_audit",
    "role_labels",
    "roles_of",
]
