"""The workflow of a follow-up visit: planned by the office, recorded by the visiting group."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _

from xuncha.core.models import Role
from xuncha.core.permissions import Actor, has_role
from xuncha.core.workflow import VISITING_GROUP, Transition, Workflow, reached
from xuncha.followups.models import Visit, VisitStatus
from xuncha.rounds.access import is_group_member


def visit_scope(visit: Visit) -> str:
    """The audit scope under which a visit's records are gathered."""
    return f"visit:{visit.pk}"


def visit_roles(actor: Actor, visit: Visit, context: Mapping[str, Any]) -> frozenset[str]:
    """The office plans visits; the members of the visit's group are the visiting group."""
    roles: set[str] = set()
    if has_role(actor, Role.OFFICE):
        roles.add(Role.OFFICE)
    if is_group_member(actor, visit.group):
        roles.add(VISITING_GROUP)
    return frozenset(roles)


VISIT = Workflow(
    name="visit",
    model=Visit,
    statuses=VisitStatus,
    roles_of=visit_roles,
    scope=visit_scope,
    related=("batch__followup", "assignment__unit", "group"),
    transitions=[
        Transition(
            "record",
            reached(VisitStatus.PLANNED),
            VisitStatus.DONE,
            _("记录回访情况"),
            reached(VISITING_GROUP),
        ),
    ],
)

__all__ = ["VISIT", "visit_roles", "visit_scope"]
