"""Who may write what in a follow-up, and the errors its services raise.

The office plans (follow-ups, batches, visits, rubrics, surveys); the members of the group a
visit is assigned to record it (methods, evidence, survey, verdicts, score, re-feedback);
supervisors read only; everyone else is refused. ``None`` as the actor is the system itself.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _

from xuncha.core.models import Role
from xuncha.core.permissions import SYSTEM, Actor, Viewer, has_role
from xuncha.core.workflow import VISITING_GROUP
from xuncha.findings.services import EditConflict, EditRefused
from xuncha.followups.models import FollowUp, Visit, VisitStatus
from xuncha.followups.workflow import visit_scope
from xuncha.rounds.access import is_group_member


class FollowUpError(ValueError):
    """Input a follow-up service refuses; the message says what to correct."""


def require_office(actor: Actor, what: str) -> None:
    """Refuse anyone but the inspection office (and the system)."""
    if actor is None or has_role(actor, Role.OFFICE):
        return
    if has_role(actor, Role.SUPERVISOR):
        raise EditRefused(_("纪委监委、组织部人员只能查看，不能%(what)s。") % {"what": what})
    raise EditRefused(_("只有巡察办可以%(what)s。") % {"what": what})


def is_visit_member(user: Viewer | None, visit: Visit) -> bool:
    """Whether ``user`` sits in the group assigned to the visit."""
    if user is None or not user.is_authenticated:
        return False
    return is_group_member(user, visit.group)


def require_visit_member(actor: Actor, visit: Visit, what: str) -> str:
    """Refuse anyone but a member of the visit's group; return the part to act in."""
    if actor is None:
        return SYSTEM
    if is_visit_member(actor, visit):
        return VISITING_GROUP
    if has_role(actor, Role.SUPERVISOR):
        raise EditRefused(_("纪委监委、组织部人员只能查看，不能%(what)s。") % {"what": what})
    raise EditRefused(
        _("只有%(group)s的成员可以%(what)s。") % {"group": visit.group.name, "what": what}
    )


def lock_visit(visit: Visit) -> Visit:
    """The visit locked for this transaction, with what the checks need."""
    return (
        Visit.objects.select_for_update(of=("self",))
        .select_related("batch__followup", "assignment__unit", "group")
        .get(pk=visit.pk)
    )


def check_version(visit: Visit, expected_version: int) -> None:
    """Refuse an edit begun from an older version of the visit: nothing is silently lost."""
    if visit.version != expected_version:
        raise EditConflict(
            _("该回访记录已被他人修改（版本 %(now)s，您编辑时为 %(then)s），请刷新后重新填写。")
            % {"now": visit.version, "then": expected_version}
        )


def require_visited(visit: Visit, what: str) -> dt.date:
    """Refuse work that needs the visit to have taken place (its date and methods recorded);
    return the day it took place."""
    if visit.status != VisitStatus.DONE or visit.visited_on is None:
        raise FollowUpError(
            _("请先记录回访情况（回访日期和听看查访），再%(what)s。") % {"what": what}
        )
    return visit.visited_on


def followup_scope(followup: FollowUp) -> str:
    """The audit scope under which a follow-up's plan is gathered."""
    return f"followup:{followup.pk}"


def user_or_none(actor: Actor) -> Any:
    """The actor as a user to store on a row, or None for the system."""
    return actor if getattr(actor, "is_authenticated", False) else None


__all__ = [
    "FollowUpError",
    "check_version",
    "followup_scope",
    "is_visit_member",
    "lock_visit",
    "require_office",
    "require_visit_member",
    "require_visited",
    "user_or_none",
    "visit_scope",
]
