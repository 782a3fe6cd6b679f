"""Moving problems, measures and plans through their workflows (``rectification.workflow``).

Thin services over the engine: they add what a move needs beyond the table (a plan's version
check, a return's new due date) and return the record as it now stands. The engine refuses an
illegal move with its message and writes the history and audit rows.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xuncha.core.permissions import Actor
from xuncha.core.workflow import TransitionRefused
from xuncha.findings.models import Measure, Problem
from xuncha.findings.services import EditConflict
from xuncha.rectification.models import RectificationPlan
from xuncha.rectification.workflow import MEASURE, PLAN, PROBLEM, RulingVisit, due_date_refusal


def problem_transition(
    *,
    actor: Actor,
    problem: Problem,
    name: str,
    reason: str = "",
    visit: RulingVisit | None = None,
) -> Problem:
    """Make the move ``name`` on a problem (申请销号, 退回, 销号 …).

    A follow-up verdict passes the ``visit`` it rules at: its group's members then act as the
    visiting group, the only part the verdict moves (``rule_*``) are open to.
    """
    context = {"visit": visit} if visit is not None else {}
    return PROBLEM.apply(problem, name, actor=actor, reason=reason, context=context)


def measure_transition(*, actor: Actor, measure: Measure, name: str, reason: str = "") -> Measure:
    """Make the move ``name`` on a measure (开始推进, 完成, 重新推进)."""
    return MEASURE.apply(measure, name, actor=actor, reason=reason)


@transaction.atomic
def plan_transition(
    *,
    actor: Actor,
    plan: RectificationPlan,
    name: str,
    reason: str = "",
    expected_version: int | None = None,
    due_date: dt.date | None = None,
    due_date_required: bool = False,
) -> RectificationPlan:
    """Submit, approve or return a plan; approving starts rectification of its problems.

    ``expected_version`` is the plan's version the page showed: a move on a plan someone
    changed meanwhile gets :class:`EditConflict`. Returning, the office may set when the plan
    is due again (``due_date``, after today; the page asks for it: ``due_date_required``); its
    clock then runs to that date.
    """
    locked = PLAN.lock(plan)
    if expected_version is not None and locked.version != expected_version:
        raise EditConflict(_("整改方案已被他人修改，请刷新后重试。"))
    refusal = PLAN.refusal(locked, name, actor, reason=reason)
    changes = return_changes(refusal, name, due_date, required=due_date_required)
    return PLAN.apply(locked, name, actor=actor, reason=reason, changes=changes)


def return_changes(
    refusal: str, name: str, due_date: dt.date | None, *, required: bool = False
) -> dict[str, dt.date]:
    """The fields a return sets besides its status: the new due date, checked once the move
    itself is allowed (``refusal`` is the engine's answer), so that whoever may not return
    hears that first. Any other move takes no due date."""
    if refusal:
        raise TransitionRefused(refusal)
    if name != "return":
        if due_date is not None:
            raise ValueError(_("只有退回时才能确定重新报送时限。"))
        return {}
    problem = due_date_refusal(due_date, today=timezone.localdate(), required=required)
    if problem:
        raise ValueError(problem)
    return {"due_date": due_date} if due_date is not None else {}


__all__ = ["measure_transition", "plan_transition", "problem_transition", "return_changes"]
