"""The workflow of a petition as data: who may move it from which stage to which.

Petition staff (信访工作人员) register, accept, decline, transfer and assign (交办) petitions,
take review and recheck requests and close cases. The handler of the unit a petition is
assigned to works it in their own queue: they answer, deliver the answer (送达) and record the
petitioner's rating, or object that the matter is not their unit's (异议, 第23条) and hand it
back. Staff may do what a handler does for a petition they handle themselves.

A 检举控告 is never assigned to the unit it accuses (第30条): the guard refuses it, and a check
constraint on the table refuses it again.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _

from xuncha.core.models import Role
from xuncha.core.permissions import Actor, has_role
from xuncha.core.workflow import Applied, Guard, Situation, Transition, Workflow, reached
from xuncha.petitions.models import Petition, PetitionKind, PetitionStatus, UnitHandler

STAFF = "petition_staff"
HANDLER = "petition_handler"
"""The part of the handler of the petition's own unit (a :class:`UnitHandler` of it)."""


def petition_scope(petition: Petition) -> str:
    return f"petition:{petition.pk}"


def petition_roles(actor: Actor, petition: Petition, context: Mapping[str, Any]) -> frozenset[str]:
    """The parts ``actor`` plays for ``petition``: staff, and the handler of its unit."""
    roles: set[str] = set()
    if actor is None or not actor.is_authenticated:
        return frozenset()
    if has_role(actor, Role.PETITION_STAFF):
        roles.add(STAFF)
    if (
        petition.unit_id is not None
        and has_role(actor, Role.PETITION_HANDLER)
        and UnitHandler.objects.filter(unit_id=petition.unit_id, user_id=actor.pk).exists()
    ):
        roles.add(HANDLER)
    return frozenset(roles)


def _not_the_accused(petition: Petition, situation: Situation) -> bool:
    target = situation.context.get("unit_id", petition.unit_id)
    if target is None:
        return False
    return not (
        petition.kind == PetitionKind.ACCUSATION
        and petition.accused_unit_id is not None
        and target == petition.accused_unit_id
    )


NOT_THE_ACCUSED = Guard(
    "not_the_accused",
    _(
        "检举控告类事项不得交由被检举控告的单位办理，检举揭发材料不得转给被检举揭发的单位（第30条）。"
    ),
    _not_the_accused,
)

S = PetitionStatus
STAFF_ONLY = frozenset({STAFF})
WORKERS = frozenset({STAFF, HANDLER})


def _clocks_follow(applied: Applied) -> None:
    """Each move changes what the petition's clocks count from or whether they are met."""
    from xuncha.clocks.services import clocks_changed

    clocks_changed(actor=applied.situation.actor, source="petition", ids=[applied.subject.pk])


PETITION = Workflow(
    name="petition",
    model=Petition,
    statuses=PetitionStatus,
    roles_of=petition_roles,
    scope=petition_scope,
    after=(_clocks_follow,),
    transitions=[
        Transition("accept", reached(S.REGISTERED), S.ACCEPTED, _("受理"), STAFF_ONLY),
        Transition(
            "decline",
            reached(S.REGISTERED),
            S.DECLINED,
            _("不予受理"),
            STAFF_ONLY,
            reason_required=True,
        ),
        Transition(
            "transfer",
            reached(S.REGISTERED),
            S.TRANSFERRED,
            _("转送"),
            STAFF_ONLY,
        ),
        Transition(
            "assign",
            reached(S.REGISTERED, S.ACCEPTED),
            S.ASSIGNED,
            _("交办"),
            STAFF_ONLY,
            guards=(NOT_THE_ACCUSED,),
        ),
        Transition(
            "object",
            reached(S.ASSIGNED),
            S.REGISTERED,
            _("提出异议"),
            frozenset({HANDLER}),
            reason_required=True,
        ),
        Transition(
            "answer",
            reached(S.ACCEPTED, S.ASSIGNED),
            S.ANSWERED,
            _("答复"),
            WORKERS,
        ),
        Transition("deliver", reached(S.ANSWERED), S.DELIVERED, _("送达"), WORKERS),
        Transition("rate", reached(S.DELIVERED), S.EVALUATED, _("记录评价"), WORKERS),
        Transition(
            "request_review",
            reached(S.DELIVERED, S.EVALUATED),
            S.REVIEW_REQUESTED,
            _("收到复查请求"),
            STAFF_ONLY,
        ),
        Transition("review", reached(S.REVIEW_REQUESTED), S.REVIEWED, _("复查答复"), STAFF_ONLY),
        Transition(
            "request_recheck",
            reached(S.REVIEWED),
            S.RECHECK_REQUESTED,
            _("收到复核请求"),
            STAFF_ONLY,
        ),
        Transition("recheck", reached(S.RECHECK_REQUESTED), S.RECHECKED, _("复核答复"), STAFF_ONLY),
        Transition(
            "close",
            reached(S.DELIVERED, S.EVALUATED, S.REVIEWED, S.RECHECKED),
            S.CLOSED,
            _("办结"),
            STAFF_ONLY,
        ),
    ],
)

__all__ = ["HANDLER", "NOT_THE_ACCUSED", "PETITION", "STAFF", "petition_roles", "petition_scope"]
