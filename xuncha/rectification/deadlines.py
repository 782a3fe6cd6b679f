"""What the clocks run on in rectification: the unit's plan and its rectification report.

Both count from the unit's feedback date (one clock per unit in a round: their subject id is
the assignment's). The plan's clock is met once the plan is submitted or approved, or once no
problem of the unit waits for a plan (an imported digest's problems start at once). The
report's (整改情况报告) is met once the report is submitted or received. Returned, either runs
again: to the new due date the office set on returning it (``Wanted.due``, in place of the
rule's count), else to the rule's. Both bear on every problem of the unit (holder
"assignment", whose children are its problems) when their rule counts in warnings.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Sequence

from django.utils.translation import gettext_lazy as _

from xuncha.clocks.models import DeadlineRule
from xuncha.clocks.registry import Subject, Wanted, register_subject, same
from xuncha.findings.models import Problem, ProblemStatus
from xuncha.rectification.models import (
    PlanStatus,
    RectificationPlan,
    RectificationReport,
    ReportStatus,
)
from xuncha.rounds.models import Assignment

FEEDBACK = "feedback"
SENT = [PlanStatus.SUBMITTED, PlanStatus.APPROVED]
REPORT_SENT = {ReportStatus.SUBMITTED, ReportStatus.RECEIVED}


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
    plans = {
        pk: (status, due)
        for pk, status, due in RectificationPlan.objects.filter(assignment_id__in=pks)
        .order_by()
        .values_list("assignment_id", "status", "due_date")
    }
    waiting = set(
        Problem.objects.filter(assignment_id__in=pks, status=ProblemStatus.PENDING).values_list(
            "assignment_id", flat=True
        )
    )
    for pk, feedback in rows:
        status, due = plans.get(pk, (PlanStatus.DRAFT, None))
        met = status in SENT or pk not in waiting
        for rule in rules:
            if rule.anchor == FEEDBACK:
                yield Wanted(rule, pk, feedback, ("assignment", pk), met=met, due=due)


def report_clocks(rules: Sequence[DeadlineRule], ids: Collection[int] | None) -> Iterable[Wanted]:
    rows = _assignments(ids)
    reports = {
        pk: (status, due)
        for pk, status, due in RectificationReport.objects.filter(
            assignment_id__in=[pk for pk, _day in rows]
        )
        .order_by()
        .values_list("assignment_id", "status", "due_date")
    }
    for pk, feedback in rows:
        status, due = reports.get(pk, (ReportStatus.DRAFT, None))
        met = status in REPORT_SENT
        for rule in rules:
            if rule.anchor == FEEDBACK:
                yield Wanted(rule, pk, feedback, ("assignment", pk), met=met, due=due)


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
            depends_on={"assignment": same, "report": same},
        )
    )
