"""What each difference between the sheet and the round becomes for the acting user.

A column's :class:`~xuncha.ledgers.columns.Owner` says whose value it is. The office's cells
(问题, 问题类别) change only for the office. The plan's cells (整改类型, 整改时限, the measures
and their owners and deadlines) change directly for whoever decides the plan now
(``rectification.authority.plan_edit_refusal``); once it is the office's, a liaison's later
deadline becomes an extension request and any other change of the plan a revision request (one
per problem). 整改进展 becomes a progress report, 完成情况 and 是否销号 moves of the workflows.
Identity cells (单位, 巡察组, 序号) and computed ones (预警, 佐证材料数) are never written.

Whether a service or a workflow then allows it is theirs to say: the import runs it and shows
their refusal (``ledgers.applying``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from xuncha.core.models import Role
from xuncha.core.permissions import SYSTEM, Actor
from xuncha.findings.models import MeasureStatus, Problem, ProblemStatus
from xuncha.ledgers.columns import NO, YES, Column, Kind, Owner
from xuncha.ledgers.export import MeasureRow, warning_label
from xuncha.ledgers.preview import Becomes
from xuncha.ledgers.reading_columns import CHOICES
from xuncha.ledgers.reading_problems import comparable
from xuncha.rectification.authority import plan_edit_refusal
from xuncha.rectification.models import ChangeRequest, RequestKind
from xuncha.rectification.workflow import MEASURE, PROBLEM

M = MeasureStatus
MEASURE_MOVES = {
    (M.NOT_STARTED, M.IN_PROGRESS): "start",
    (M.NOT_STARTED, M.DONE): "complete",
    (M.IN_PROGRESS, M.DONE): "complete",
    (M.DONE, M.IN_PROGRESS): "reopen",
}
"""The move of a measure's workflow that takes its 完成情况 from one status to another."""

PROPOSAL_FIELDS = {
    "measure": "text",
    "owner": "owner",
    "department": "department",
    "deadline": "deadline",
}
DEADLINES = ("problem_deadline", "deadline")
# An empty cell in these columns says nothing (a sheet without the unit's progress, say); in the
# others it clears the value.
EMPTY_SAYS_NOTHING = (Owner.IDENTITY, Owner.READ_ONLY, Owner.UNIT)


def display(column: Column, value: Any) -> str:
    """A value as the sheet shows it."""
    if value is None or value == "":
        return ""
    if column.kind == Kind.DATE and isinstance(value, dt.date):
        return value.isoformat()
    if column.kind == Kind.CHOICE:
        return str(dict(CHOICES[column.name].choices).get(value, value))
    if column.kind == Kind.YES_NO:
        return str(YES if value else NO)
    return str(value)


def problem_values(problem: Problem, today: dt.date) -> dict[str, Any]:
    """A problem's cells as the export writes them, typed as the import reads them."""
    return {
        "ordinal": problem.ordinal,
        "unit": problem.assignment.unit.name,
        "group": problem.assignment.group.name if problem.assignment.group else "",
        "title": problem.title,
        "category": problem.category,
        "rectification_kind": problem.rectification_kind,
        "problem_deadline": problem.deadline,
        "closed": problem.status == ProblemStatus.CLOSED,
        "warning": warning_label(problem, today),
    }


def measure_cells(row: MeasureRow | None) -> dict[str, Any]:
    """A measure's cells as the export writes them (a measure not yet made: all empty)."""
    if row is None:
        return {"measure": "", "owner": "", "department": "", "deadline": None, "progress": ""}
    return {
        "measure": row.text,
        "owner": row.owner,
        "department": row.department,
        "deadline": row.deadline,
        "progress": row.progress or "",
        "measure_status": row.status,
        "evidence": row.evidence,
    }


def differs(column: Column, new: Any, old: Any) -> bool:
    if new is None and column.owner in EMPTY_SAYS_NOTHING:
        return False
    if column.kind in (Kind.TEXT, Kind.CHOICE):
        return comparable(new) != comparable(old)
    return new != old


@dataclass
class Situation:
    """The acting user and what they are to one problem: their parts, its plan's status, the
    requests waiting on it."""

    actor: Actor
    problem: Problem
    roles: frozenset[str]
    plan_status: str
    pending: list[ChangeRequest] = field(default_factory=list)

    @property
    def is_office(self) -> bool:
        return bool({Role.OFFICE, SYSTEM} & self.roles)

    def extension_pending(self, measure_id: int | None, new: dt.date) -> bool:
        return any(
            r.kind == RequestKind.EXTENSION and r.measure_id == measure_id and r.new_date == new
            for r in self.pending
        )

    def revision_pending(self, item: Callable[[dict[str, Any]], bool]) -> bool:
        return any(
            r.kind == RequestKind.REVISION and any(item(change) for change in r.changes)
            for r in self.pending
        )


def refusal_text(column: Column) -> str:
    if column.owner == Owner.READ_ONLY:
        return _("“%(header)s”由系统计算，不能通过台账修改。") % {"header": column.header}
    if column.owner == Owner.IDENTITY:
        return _("单位、巡察组和序号标明问题的归属，不能通过台账修改。")
    return _("“问题”和“问题类别”由巡察办确定，被巡察单位不能修改。")


def route(
    column: Column, old: Any, new: Any, situation: Situation, status: str = ""
) -> tuple[Becomes, str, str] | None:
    """What changing ``column`` from ``old`` to ``new`` becomes: (becomes, reason, move), or
    None when it asks for nothing new (a request already waiting for the same). ``status``
    is the measure's, for 完成情况."""
    if column.owner in (Owner.READ_ONLY, Owner.IDENTITY):
        return Becomes.REFUSED, refusal_text(column), ""
    if column.owner == Owner.OFFICE:
        if situation.is_office:
            return Becomes.APPLY, "", ""
        return Becomes.REFUSED, refusal_text(column), ""
    if column.owner == Owner.PLAN:
        return _plan_route(column, old, new, situation)
    if column.name == "closed":
        return _closing_route(new, situation)
    if column.name == "measure_status" and new == MeasureStatus.NOT_STARTED:
        # A measure never goes back to 未开始: the cell is older than the measure's progress
        # (a report this very import made started it), and says nothing new.
        return None
    return unit_route(column, new, status)


def unit_route(column: Column, new: Any, status: str) -> tuple[Becomes, str, str]:
    """整改进展 becomes a progress report; 完成情况 the measure's move from ``status``."""
    if column.name == "progress":
        return Becomes.PROGRESS_REPORT, "", ""
    move = MEASURE_MOVES.get((MeasureStatus(status), MeasureStatus(new)))
    if move is None:
        return (
            Becomes.REFUSED,
            _("完成情况不能由“%(old)s”改为“%(new)s”。")
            % {"old": display(column, status), "new": display(column, new)},
            "",
        )
    return Becomes.TRANSITION, MEASURE.move_label(move), move


def _plan_route(
    column: Column, old: Any, new: Any, situation: Situation
) -> tuple[Becomes, str, str] | None:
    refusal = plan_edit_refusal(situation.actor, situation.problem, situation.plan_status)
    if not refusal:
        return Becomes.APPLY, "", ""
    if Role.UNIT not in situation.roles:
        return Becomes.REFUSED, refusal, ""
    if column.name in DEADLINES and new is not None and (old is None or new > old):
        return Becomes.EXTENSION_REQUEST, _("申请延至%(date)s") % {"date": new.isoformat()}, ""
    if column.name == "problem_deadline":
        return (
            Becomes.REFUSED,
            _("提前或取消问题的整改时限须由巡察办决定；方案调整申请只调整整改类型和整改措施。"),
            "",
        )
    return Becomes.REVISION_REQUEST, "", ""


def _closing_route(new: Any, situation: Situation) -> tuple[Becomes, str, str] | None:
    status = situation.problem.status
    if new:
        if status == ProblemStatus.CLOSING_REQUESTED:
            if not situation.is_office:
                return None  # asked already: the office decides
            return Becomes.TRANSITION, PROBLEM.move_label("close"), "close"
        return Becomes.TRANSITION, PROBLEM.move_label("request_closing"), "request_closing"
    if status == ProblemStatus.CLOSED:
        return Becomes.TRANSITION, PROBLEM.move_label("reopen"), "reopen"
    return None


__all__ = [
    "DEADLINES",
    "EMPTY_SAYS_NOTHING",
    "MEASURE_MOVES",
    "PROPOSAL_FIELDS",
    "Situation",
    "differs",
    "display",
    "measure_cells",
    "problem_values",
    "refusal_text",
    "route",
    "unit_route",
]
