"""Where a person's rectification roles reach: the one place that turns roles into units.

The office, the supervisors and the inspection groups read across all units; a liaison reads
their own units and everything below them in the tree. Anything outside a user's scope answers
404, as if it did not exist. What a person may *do* for one unit in one round is
:func:`acting_roles`: the office everywhere, a liaison for units in their scope, a group member
for the units their group is assigned to, a supervisor never.
"""

from __future__ import annotations

from collections.abc import Iterable

from xuncha.core.models import Role
from xuncha.core.permissions import SYSTEM, Actor, Viewer, has_role
from xuncha.rounds.models import Assignment, Group, Unit

_CACHE = "_xuncha_unit_ids"
_OWN_CACHE = "_xuncha_liaison_unit_ids"


def sees_every_unit(user: Viewer | None) -> bool:
    """The office, supervisors and inspection groups read across all units."""
    return has_role(user, Role.OFFICE, Role.SUPERVISOR, Role.GROUP)


def unit_ids_for_user(user: Viewer | None) -> set[int] | None:
    """The ids of units a user may see in rectification, or None meaning every unit.

    The answer is kept on the user object for the rest of the request, since every selector
    asks.
    """
    if user is None or not user.is_authenticated:
        return set()
    if hasattr(user, _CACHE):
        cached: set[int] | None = getattr(user, _CACHE)
        return cached
    scope = _unit_ids_for_user(user)
    setattr(user, _CACHE, scope)
    return scope


def _unit_ids_for_user(user: Viewer) -> set[int] | None:
    if sees_every_unit(user):
        return None
    return liaison_unit_ids(user)


def liaison_unit_ids(user: Viewer | None) -> set[int]:
    """The units a liaison works for: their own and everything below them in the tree (empty
    for anyone without the liaison role). What a liaison may *change* is this, even when
    another role of theirs (a group member's) lets them *read* every unit."""
    if user is None or not user.is_authenticated or not has_role(user, Role.UNIT):
        return set()
    cached: set[int] | None = getattr(user, _OWN_CACHE, None)
    if cached is None:
        own = set(user.liaison_units.values_list("id", flat=True))
        cached = unit_subtree_ids(own, Unit.objects.values_list("id", "parent_id"))
        setattr(user, _OWN_CACHE, cached)
    return cached


def unit_subtree_ids(roots: set[int], edges: Iterable[tuple[int, int | None]]) -> set[int]:
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


def forget_scope(user: Viewer) -> None:
    """Drop the scope kept on a user object (after their units changed in the same request)."""
    for name in (_CACHE, _OWN_CACHE):
        if hasattr(user, name):
            delattr(user, name)


def is_group_member(user: Actor, group: Group | None) -> bool:
    """Whether ``user`` holds the group role and sits in ``group``."""
    if user is None or group is None or not has_role(user, Role.GROUP):
        return False
    return group.members.filter(pk=user.pk).exists()


def acting_roles(actor: Actor, assignment: Assignment) -> frozenset[str]:
    """The parts ``actor`` plays for one unit in one round (empty: none may act there).

    ``None`` as the actor is the system itself (imports, the demo), which plays every part.
    """
    if actor is None:
        return frozenset({SYSTEM})
    roles: set[str] = set()
    if has_role(actor, Role.OFFICE):
        roles.add(Role.OFFICE)
    if assignment.unit_id in liaison_unit_ids(actor):
        roles.add(Role.UNIT)
    if assignment.group_id is not None and is_group_member(actor, assignment.group):
        roles.add(Role.GROUP)
    return frozenset(roles)


def may_edit_unit(user: Actor, unit_id: int) -> bool:
    """The office edits everything; a liaison edits the rectification of their own units."""
    if user is None or has_role(user, Role.OFFICE):
        return True
    return unit_id in liaison_unit_ids(user)


__all__ = [
    "acting_roles",
    "forget_scope",
    "is_group_member",
    "liaison_unit_ids",
    "may_edit_unit",
    "sees_every_unit",
    "unit_ids_for_user",
    "unit_subtree_ids",
]
