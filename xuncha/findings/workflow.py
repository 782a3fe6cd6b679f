"""The allowed status changes of problems and measures, and who may make each one.

One table per model. ``problem_transition`` / ``measure_transition`` in ``services.py`` are the
only code that changes a status; they look moves up here.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from xuncha.core.models import Role
from xuncha.core.workflow import VISITING_GROUP, Transition
from xuncha.findings.models import MeasureStatus, ProblemStatus

P = ProblemStatus
M = MeasureStatus
OFFICE = frozenset({Role.OFFICE})
UNIT = frozenset({Role.UNIT})
UNIT_OR_OFFICE = frozenset({Role.UNIT, Role.OFFICE})
VISITORS = frozenset({VISITING_GROUP})
OPEN = frozenset({P.IN_PROGRESS, P.CONTINUING, P.CLOSING_REQUESTED})


def _table(*transitions: Transition) -> dict[str, Transition]:
    return {t.name: t for t in transitions}


PROBLEM_TRANSITIONS: dict[str, Transition] = _table(
    # The office starts rectification when it approves the unit's plan.
    Transition("start", frozenset({P.PENDING}), P.IN_PROGRESS, _("开始整改"), OFFICE),
    Transition(
        "request_closing",
        frozenset({P.IN_PROGRESS, P.CONTINUING}),
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
    # A follow-up visit's verdict on a problem (回访认定); the group that visited rules.
    # 整改到位 proposes closing (the office still closes: four eyes) or confirms a closed one.
    Transition("rule_done", OPEN, P.CLOSING_REQUESTED, _("认定整改到位"), VISITORS, True),
    Transition(
        "rule_done_confirm", frozenset({P.CLOSED}), P.CLOSED, _("确认整改到位"), VISITORS, True
    ),
    # 基本到位 keeps the problem open as 持续整改, with a new deadline.
    Transition("rule_mostly", OPEN | {P.CLOSED}, P.CONTINUING, _("认定基本到位"), VISITORS, True),
    # 未到位 sends an open problem back (再整改) or reopens a closed one.
    Transition("rule_not_done", OPEN, P.IN_PROGRESS, _("认定未到位，再整改"), VISITORS, True),
    Transition(
        "rule_not_done_reopen",
        frozenset({P.CLOSED}),
        P.IN_PROGRESS,
        _("认定未到位，重新打开"),
        VISITORS,
        True,
    ),
    # 问题反弹 reopens a closed problem.
    Transition(
        "rule_rebound", frozenset({P.CLOSED}), P.IN_PROGRESS, _("认定问题反弹"), VISITORS, True
    ),
)

# Which transition a verdict makes, by its kind and the problem's status (see followups).
VERDICT_TRANSITIONS: dict[tuple[str, str], str] = {
    **{("done", status): "rule_done" for status in OPEN},
    ("done", P.CLOSED): "rule_done_confirm",
    **{("mostly", status): "rule_mostly" for status in OPEN | {P.CLOSED}},
    **{("not_done", status): "rule_not_done" for status in OPEN},
    ("not_done", P.CLOSED): "rule_not_done_reopen",
    ("rebound", P.CLOSED): "rule_rebound",
}

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
