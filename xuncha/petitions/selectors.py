"""Reads on petitions: which petitions a person may see, and whether they may see who petitioned.

Petition staff see every petition; a unit's handler the petitions assigned to their units; a
member of an inspection group what came in through the group's own channels; supervisors (纪委监委,
组织部) read every petition. Nobody else sees any. The petitioner's identity is a separate read
(:func:`petitioner_for_user`), open to the staff and to the handler who must deliver the answer
only: never to a group member or a supervisor, never in a list.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from xuncha.core.models import Role
from xuncha.core.permissions import Viewer, has_role
from xuncha.petitions.models import GROUP_CHANNELS, Petition, Petitioner, UnitHandler


def handled_unit_ids(user: Viewer | None) -> set[int]:
    """The units whose petitions ``user`` handles (信访承办人)."""
    if not has_role(user, Role.PETITION_HANDLER):
        return set()
    return set(UnitHandler.objects.filter(user_id=user.pk).values_list("unit_id", flat=True))


def petitions_for_user(user: Viewer | None) -> QuerySet[Petition]:
    """The petitions ``user`` may see, without who petitioned (:func:`petitioner_for_user`)."""
    petitions = Petition.objects.select_related("unit", "group", "round")
    if has_role(user, Role.PETITION_STAFF, Role.SUPERVISOR):
        return petitions
    seen = Q(pk__in=[])
    units = handled_unit_ids(user)
    if units:
        seen |= Q(unit_id__in=units)
    if has_role(user, Role.GROUP):
        seen |= Q(channel__in=GROUP_CHANNELS, group__members=user)
    if not units and not has_role(user, Role.GROUP):
        return petitions.none()
    return petitions.filter(seen).distinct()


def get_petition_for_user(user: Viewer | None, pk: int) -> Petition:
    try:
        return petitions_for_user(user).get(pk=pk)
    except Petition.DoesNotExist:
        raise Http404 from None


def sees_petitioner(user: Viewer | None, petition: Petition) -> bool:
    """Whether ``user`` may read who petitioned: the staff, and the handler of the unit the
    petition is assigned to (who delivers the answer)."""
    if has_role(user, Role.PETITION_STAFF):
        return True
    return petition.unit_id is not None and petition.unit_id in handled_unit_ids(user)


def petitioner_for_user(user: Viewer | None, petition: Petition) -> Petitioner | None:
    """The petitioner's details if ``user`` may read them, else None."""
    if not sees_petitioner(user, petition):
        return None
    return Petitioner.objects.filter(petition=petition).first()


__all__ = [
    "get_petition_for_user",
    "handled_unit_ids",
    "petitioner_for_user",
    "petitions_for_user",
    "sees_petitioner",
]
