"""Who decides a problem's plan: its deadline, its rectification kind and its measures.

The unit proposes them in its plan. Once the plan is submitted, approved, or the problem has
otherwise entered rectification (an import, a follow-up verdict setting a new deadline), they
are what the unit is judged by: only the office changes them, and the unit asks for a change
(``rectification.requests``: an extension or a plan revision the office decides).

The table :data:`WHO_DECIDES` reads as the rule is said: which part may change the plan
directly, in which statuses of the problem and of the unit's plan. The pages and the services
read the same table.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from xuncha.core.models import Role
from xuncha.core.permissions import SYSTEM, Actor
from xuncha.core.workflow import reached
from xuncha.findings import services as findings
from xuncha.findings.models import Measure, Problem, ProblemStatus
from xuncha.findings.services import EditRefused
from xuncha.rectification.models import PlanStatus, RectificationPlan
from xuncha.rounds.access import acting_roles

NO_PLAN = ""
"""The plan status of a unit that has not started a plan yet."""


@dataclass(frozen=True)
class Say:
    """One row: ``role`` may change a problem's plan directly while the problem's status is
    one of ``problem_statuses`` and the unit's plan's one of ``plan_statuses``."""

    role: str
    problem_statuses: frozenset[str]
    plan_statuses: frozenset[str]


WHO_DECIDES = (
    Say(Role.OFFICE, frozenset(ProblemStatus.values), frozenset({NO_PLAN, *PlanStatus.values})),
    Say(
        Role.UNIT,
        reached(ProblemStatus.PENDING),
        reached(NO_PLAN, PlanStatus.DRAFT, PlanStatus.RETURNED),
    ),
)


def plan_status(problem: Problem) -> str:
    """The status of the unit's plan in the problem's round ("" when there is none)."""
    return (
        RectificationPlan.objects.filter(assignment_id=problem.assignment_id)
        .values_list("status", flat=True)
        .first()
        or NO_PLAN
    )


def unit_proposes(problem: Problem, status_of_plan: str | None = None) -> bool:
    """Whether the problem's plan is still the unit's proposal (not yet the office's)."""
    status = plan_status(problem) if status_of_plan is None else status_of_plan
    row = next(say for say in WHO_DECIDES if say.role == Role.UNIT)
    return problem.status in row.problem_statuses and status in row.plan_statuses


def plan_edit_refusal(actor: Actor, problem: Problem, status_of_plan: str | None = None) -> str:
    """Why ``actor`` may not change the problem's plan directly now, or an empty string."""
    roles = acting_roles(actor, problem.assignment)
    if SYSTEM in roles:
        return ""
    status = plan_status(problem) if status_of_plan is None else status_of_plan
    if any(
        say.role in roles and problem.status in say.problem_statuses and status in say.plan_statuses
        for say in WHO_DECIDES
    ):
        return ""
    if Role.UNIT in roles:
        return _(
            "整改方案报送或批准后，问题的整改时限、整改类型和整改措施由巡察办确定；"
            "如需调整，请提出延期申请或方案调整申请。"
        )
    return _("您没有权限修改该单位的整改方案。")


def may_change_plan(actor: Actor, problem: Problem) -> bool:
    return not plan_edit_refusal(actor, problem)


def _check(actor: Actor, problem_id: int) -> None:
    """Lock the problem and the unit's plan, then refuse an actor the table does not allow."""
    problem = (
        Problem.objects.select_for_update(of=("self",))
        .select_related("assignment")
        .get(pk=problem_id)
    )
    status = (
        RectificationPlan.objects.select_for_update()
        .filter(assignment_id=problem.assignment_id)
        .values_list("status", flat=True)
        .first()
        or NO_PLAN
    )
    refusal = plan_edit_refusal(actor, problem, status)
    if refusal:
        raise EditRefused(refusal)


@transaction.atomic
def problem_plan_change(
    *,
    actor: Actor,
    problem: Problem,
    expected_version: int | None,
    rectification_kind: str,
    deadline: dt.date | None,
) -> Problem:
    """Set a problem's kind and deadline, if the actor decides them now (see the table)."""
    _check(actor, problem.pk)
    return findings.problem_plan_update(
        actor=actor,
        problem=problem,
        expected_version=expected_version,
        rectification_kind=rectification_kind,
        deadline=deadline,
    )


@transaction.atomic
def measure_change(
    *,
    actor: Actor,
    measure: Measure,
    expected_version: int,
    text: str,
    owner: str = "",
    department: str = "",
    deadline: dt.date | None = None,
) -> Measure:
    """Change a measure's text, owner, department or deadline, if the actor decides them now."""
    _check(actor, measure.problem_id)
    return findings.measure_update(
        actor=actor,
        measure=measure,
        expected_version=expected_version,
        text=text,
        owner=owner,
        department=department,
        deadline=deadline,
    )


@transaction.atomic
def measure_add(
    *,
    actor: Actor,
    problem: Problem,
    expected_version: int | None,
    text: str,
    owner: str = "",
    department: str = "",
    deadline: dt.date | None = None,
) -> Measure:
    """Add a measure to the problem's plan, if the actor decides the list now."""
    _check(actor, problem.pk)
    return findings.measure_create(
        actor=actor,
        problem=problem,
        expected_version=expected_version,
        text=text,
        owner=owner,
        department=department,
        deadline=deadline,
    )


@transaction.atomic
def measure_remove(*, actor: Actor, measure: Measure, expected_version: int | None) -> None:
    """Remove a measure from the problem's plan, if the actor decides the list now."""
    _check(actor, measure.problem_id)
    findings.measure_delete(actor=actor, measure=measure, expected_version=expected_version)


__all__ = [
    "WHO_DECIDES",
    "Say",
    "may_change_plan",
    "measure_add",
    "measure_change",
    "measure_remove",
    "plan_edit_refusal",
    "plan_status",
    "problem_plan_change",
    "unit_proposes",
]
