"""The allowed status changes of problems and measures, and who may make each one.

One table per model. ``problem_transition`` / ``measure_transition`` in ``services.py`` are the
only code that changes a status; they look moves up here.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from xuncha.core.models import Role
from xuncha.core.workflow import Transition
from xuncha.findings.models import MeasureStatus, ProblemStatus

P = ProblemStatus
M = MeasureStatus
OFFICE = frozenset({Role.OFFICE})
UNIT = frozenset({Role.UNIT})
UNIT_OR_OFFICE = frozenset({Role.UNIT, Role.OFFICE})


def _table(*transitions: Transition) -> dict[str, Transition]:
    return {t.name: t for t in transitions}


PROBLEM_TRANSITIONS: dict[str, Transition] = _table(
    # The office starts rectification when it approves the unit's plan.
    Transition("start", frozenset({P.PENDING}), P.IN_PROGRESS, _("开始整改"), OFFICE),
    Transition(
        "request_closing",
        frozenset({P.IN_PROGRESS}),
        P.CLOSING_REQUESTED,
        _("申请销号"),
        UNIT_OR_OFFICE,
    ),
    Transition(
        "return",
        frozenset({P.CLOSING_REQUESTED}),
        P.IN_PROGRESS,
        _("退回"),
        OFFICE,
        reason_required=True,
    ),
    Transition("close", frozenset({P.CLOSING_REQUESTED}), P.CLOSED, _("销号"), OFFICE),
    Transition(
        "reopen",
        frozenset({P.CLOSED}),
        P.IN_PROGRESS,
        _("重新打开"),
        OFFICE,
        reason_required=True,
    ),
)

MEASURE_TRANSITIONS: dict[str, Transition] = _table(
    Transition("start", frozenset({M.NOT_STARTED}), M.IN_PROGRESS, _("开始推进"), UNIT_OR_OFFICE),
    Transition(
        "complete", frozenset({M.NOT_STARTED, M.IN_PROGRESS}), M.DONE, _("完成"), UNIT_OR_OFFICE
    ),
    Transition(
        "reopen",
        frozenset({M.DONE}),
        M.IN_PROGRESS,
        _("重新推进"),
        UNIT_OR_OFFICE,
        reason_required=True,
    ),
)
