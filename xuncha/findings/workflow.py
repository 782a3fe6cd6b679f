"""The allowed status changes of problems and measures (one table per model)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from xuncha.core.workflow import Transition
from xuncha.findings.models import MeasureStatus, ProblemStatus

P = ProblemStatus
M = MeasureStatus

PROBLEM_TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in [
        Transition("start", frozenset({P.PENDING}), P.IN_PROGRESS, _("开始整改")),
        Transition(
            "request_closing", frozenset({P.IN_PROGRESS}), P.CLOSING_REQUESTED, _("申请销号")
        ),
        Transition("return", frozenset({P.CLOSING_REQUESTED}), P.IN_PROGRESS, _("退回"), True),
        Transition("close", frozenset({P.CLOSING_REQUESTED}), P.CLOSED, _("销号")),
        Transition("reopen", frozenset({P.CLOSED}), P.IN_PROGRESS, _("重新打开"), True),
    ]
}

MEASURE_TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in [
        Transition("start", frozenset({M.NOT_STARTED}), M.IN_PROGRESS, _("开始推进")),
        Transition("complete", frozenset({M.NOT_STARTED, M.IN_PROGRESS}), M.DONE, _("完成")),
        Transition("reopen", frozenset({M.DONE}), M.IN_PROGRESS, _("重新推进"), True),
    ]
}
