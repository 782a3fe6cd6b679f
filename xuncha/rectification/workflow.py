"""The allowed status changes of a rectification plan, and who may make each one."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from xuncha.core.models import Role
from xuncha.core.workflow import Transition
from xuncha.rectification.models import PlanStatus

S = PlanStatus

PLAN_TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in [
        Transition(
            "submit",
            frozenset({S.DRAFT, S.RETURNED}),
            S.SUBMITTED,
            _("报送方案"),
            frozenset({Role.UNIT, Role.OFFICE}),
        ),
        Transition(
            "approve", frozenset({S.SUBMITTED}), S.APPROVED, _("批准方案"), frozenset({Role.OFFICE})
        ),
        Transition(
            "return",
            frozenset({S.SUBMITTED}),
            S.RETURNED,
            _("退回方案"),
            frozenset({Role.OFFICE}),
            reason_required=True,
        ),
    ]
}
