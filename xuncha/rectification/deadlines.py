"""What the clocks run on in rectification: the unit's plan and its rectification report.

Both count from the unit's feedback date (one clock per unit in a round: their subject id is
the assignment's). The plan's clock is met once the plan is submitted or approved (a returned
plan runs again), or once no problem of the unit waits for a plan (an imported digest's
problems start at once); the report's once every problem of the unit is closed. Both bear on
every problem of the unit (holder "assignment", whose children are its problems) when their
rule counts in warnings.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Sequence

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from xuncha.clocks.models import DeadlineRule
from xuncha.clocks.registry import Subject, Wanted, register_subject, same
from xuncha.findings.models import Problem, ProblemStatus
from xuncha.rectification.models import PlanStatus, RectificationPlan
from xuncha.rounds.models import Assignment

FEEDBACK = "feedback"
SENT = [PlanStatus.SUBMITTED, PlanStatus.APPROVED]


def _assignments(ids: Collection[int] | None) -> list[tuple[int, dt.date]]:
    """The assignments (of ``ids``, or every one) with a feedback date, and that date."""
    assignments = Assignment.objects.filter(feedback_date__isnull=False)
    if ids is not None:
        assignments = assignments.filter(pk__in=list(ids))
    rows = assignments.order_by().values_list("pk", "feedback_date")
    return [(pk, feedback) for pk, feedback in rows if feedback is not None]


def plan_clocks(rules: Sequence[DeadlineRule], ids: Collection[int] | None) -> Iterable[Wanted]:
    rows = _assignments(ids)
    pks = [pk for pk, _day in rows]
    sent = set(
        RectificationPlan.objects.filter(assignment_id__in=pks, status__in=SENT).values_list(
            "assignment_id", flat=True
        )
    )
    waiting = set(
        Problem.objects.filter(assignment_id__in=pks, status=ProblemStatus.PENDING).values_list(
            "assignment_id", flat=True
        )
    )
    for pk, feedback in rows:
        met = pk in sent or pk not in waiting
        for rule in rules:
            if rule.anchor == FEEDBACK:
                yield Wanted(rule, pk, feedback, ("assignment", pk), met=met)


def report_clocks(rules: Sequence[DeadlineRule], ids: Collection[int] | None) -> Iterable[Wanted]:
    rows = _assignments(ids)
    counts = {
        row["assignment_id"]: row
        for row in Problem.objects.filter(assignment_id__in=[pk for pk, _day in rows])
        .order_by()
        .values("assignment_id")
        .annotate(total=Count("pk"), open=Count("pk", filter=~Q(status=ProblemStatus.CLOSED)))
    }
    for pk, feedback in rows:
        count = counts.get(pk, {"total": 0, "open": 0})
        met = count["total"] > 0 and count["open"] == 0
        for rule in rules:
            if rule.anchor == FEEDBACK:
                yield Wanted(rule, pk, feedback, ("assignment", pk), met=met)


def assignments_of_problems(ids: Collection[int]) -> Iterable[int]:
    return set(Problem.objects.filter(pk__in=list(ids)).values_list("assignment_id", flat=True))


def register() -> None:
    register_subject(
        Subject(
            name="plan",
            label=_("整改方案"),
            anchors={FEEDBACK: _("反馈日期")},
            wanted=plan_clocks,
            depends_on={"assignment": same, "plan": same, "problem": assignments_of_problems},
        )
    )
    register_subject(
        Subject(
            name="report",
            label=_("整改情况报告"),
            anchors={FEEDBACK: _("反馈日期")},
            wanted=report_clocks,
            depends_on={"assignment": same, "problem": assignments_of_problems},
        )
    )
