"""A workflow is data: a table of named transitions and one function that looks them up.

Each model with a status declares its own table (see ``findings.workflow``); services call
:func:`transition_for` and never set a status any other way.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Transition:
    """One allowed move: its name, the statuses it leaves from, the status it reaches."""

    name: str
    sources: frozenset[str]
    target: str
    label: str
    roles: frozenset[str]
    reason_required: bool = False


class TransitionRefused(Exception):
    """A move the workflow does not allow, with a message for the user."""


SYSTEM = "system"
"""The role of writes made by the system itself (imports, the demo)."""

VISITING_GROUP = "visiting_group"
"""The part of a follow-up visit's group when it rules on a problem (回访认定). No user holds
it from their profile; only the verdict service, after checking the visit's membership, acts in
it, so a verdict transition cannot be applied without a recorded visit."""


def transition_for(
    table: Mapping[str, Transition],
    name: str,
    current: str,
    status_labels: Mapping[str, str],
    *,
    role: str | None,
    reason: str = "",
) -> Transition:
    """Return the transition ``name`` from ``current`` for ``role``, or refuse it clearly.

    ``role`` is the part the actor plays for this very record (see
    ``xuncha.core.permissions.acting_role``); the system may make every move.
    """
    transition = table.get(name)
    if transition is None:
        raise TransitionRefused(_("没有名为“%(name)s”的操作。") % {"name": name})
    if role != SYSTEM and role not in transition.roles:
        raise TransitionRefused(_("您没有权限执行“%(action)s”。") % {"action": transition.label})
    if current not in transition.sources:
        raise TransitionRefused(
            _("当前状态为“%(status)s”，不能执行“%(action)s”。")
            % {"status": status_labels.get(current, current), "action": transition.label}
        )
    if transition.reason_required and not reason.strip():
        raise TransitionRefused(_("“%(action)s”须填写理由。") % {"action": transition.label})
    return transition
