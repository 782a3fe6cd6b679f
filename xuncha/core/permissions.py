"""Who may reach what: the one place that turns a user into a scope of units.

Views and the API never filter by role themselves; they ask the selectors, which ask this
module. Anything outside a user's scope answers 404, as if it did not exist.
"""

from __future__ import annotations

from typing import Any

from xuncha.core.models import Role


def role_of(user: Any) -> str | None:
    """The user's role, or None for an anonymous user or one without a profile."""
    if not getattr(user, "is_authenticated", False):
        return None
    if user.is_superuser:
        return Role.OFFICE
    profile = getattr(user, "profile", None)
    return profile.role if profile else None


def sees_every_unit(user: Any) -> bool:
    """The office, supervisors and inspection groups read across all units."""
    return role_of(user) in {Role.OFFICE, Role.SUPERVISOR, Role.GROUP}


def unit_ids_for_user(user: Any) -> set[int] | None:
    """The ids of units a user may see, or None meaning every unit.

    A liaison sees their own units and everything below them in the tree. The answer is kept
    on the user object for the rest of the request, since every selector asks.
    """
    cached = getattr(user, "_xuncha_unit_ids", False)
    if cached is not False:
        return cached
    scope = _unit_ids_for_user(user)
    if getattr(user, "is_authenticated", False):
        user._xuncha_unit_ids = scope
    return scope


def _unit_ids_for_user(user: Any) -> set[int] | None:
    from xuncha.rounds.models import Unit

    role = role_of(user)
    if role is None:
        return set()
    if sees_every_unit(user):
        return None
    if role != Role.UNIT:
        return set()
    own = set(user.liaison_units.values_list("id", flat=True))
    return unit_subtree_ids(own, Unit.objects.values_list("id", "parent_id"))


def unit_subtree_ids(roots: set[int], edges: Any) -> set[int]:
    """Every unit id at or below ``roots`` given (id, parent_id) pairs."""
    children: dict[int, list[int]] = {}
    for unit_id, parent_id in edges:
        if parent_id is not None:
            children.setdefault(parent_id, []).append(unit_id)
    found = set(roots)
    frontier = list(roots)
    while frontier:
        for child in children.get(frontier.pop(), []):
            if child not in found:
                found.add(child)
                frontier.append(child)
    return found


def may_edit_unit(user: Any, unit_id: int) -> bool:
    """The office edits everything; a liaison edits the rectification of their own units."""
    if user is None:
        return True
    role = role_of(user)
    if role == Role.OFFICE:
        return True
    if role == Role.UNIT:
        scope = unit_ids_for_user(user)
        return scope is not None and unit_id in scope
    return False


def may_import(user: Any) -> bool:
    """Only the inspection office imports digests and sets up rounds."""
    return role_of(user) == Role.OFFICE


def acting_role(user: Any, assignment: Any) -> str | None:
    """The part ``user`` plays for one unit in one round, or None when they may not act there.

    The office acts everywhere; a liaison for units in their scope; a group member for the
    units their group is assigned to in that round; a supervisor never acts. ``None`` as the
    user is the system itself (imports, the demo).
    """
    from xuncha.core.workflow import SYSTEM

    if user is None:
        return SYSTEM
    role = role_of(user)
    if role == Role.OFFICE:
        return Role.OFFICE
    if role == Role.UNIT:
        scope = unit_ids_for_user(user)
        return Role.UNIT if scope is not None and assignment.unit_id in scope else None
    if role == Role.GROUP:
        if assignment.group_id is None:
            return None
        is_member = assignment.group.members.filter(pk=user.pk).exists()
        return Role.GROUP if is_member else None
    return None


def may_read_audit(user: Any) -> bool:
    """The office and the supervisors browse the audit log."""
    return role_of(user) in {Role.OFFICE, Role.SUPERVISOR}
