"""What the clocks run on in findings: each measure's deadline, each problem's own deadline, and
problems as holders.

A measure with a deadline has a clock per active rule on the subject "measure" (counted from
that deadline), met once the measure is done, or once its problem asks for closing or is
closed: a problem handed in for review is not overdue for the measures a verdict of 整改到位
left unfinished. A problem with a deadline (整改时限) has a clock on the subject "problem", met
on the same two moves. A problem holds its nearest open deadline: its own, its measures', its
verdicts', and those of its unit in the round (the plan and the report, registered by
``rectification``), none once it is closed.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence

from django.utils.translation import gettext_lazy as _

from xuncha.clocks.models import DeadlineRule
from xuncha.clocks.registry import Holder, Subject, Wanted, register_holder, register_subject, same
from xuncha.findings.models import Measure, MeasureStatus, Problem, ProblemStatus

MEASURE_ANCHOR = "measure"
PROBLEM_ANCHOR = "problem"
DONE_STATUSES = (ProblemStatus.CLOSING_REQUESTED, ProblemStatus.CLOSED)
"""The problem's statuses in which neither its own deadline nor its measures' still run."""


def measure_clocks(rules: Sequence[DeadlineRule], ids: Collection[int] | None) -> Iterable[Wanted]:
    measure_rules = [rule for rule in rules if rule.anchor == MEASURE_ANCHOR]
    if not measure_rules:
        return
    measures = Measure.objects.filter(deadline__isnull=False)
    if ids is not None:
        measures = measures.filter(pk__in=list(ids))
    rows = measures.order_by().values_list(
        "pk", "problem_id", "deadline", "status", "problem__status"
    )
    for pk, problem_id, deadline, status, problem_status in rows.iterator(chunk_size=2000):
        if deadline is None:  # left out by the query already
            continue
        met = status == MeasureStatus.DONE or problem_status in DONE_STATUSES
        for rule in measure_rules:
            yield Wanted(rule, pk, deadline, ("problem", problem_id), met=met)


def problem_clocks(rules: Sequence[DeadlineRule], ids: Collection[int] | None) -> Iterable[Wanted]:
    problem_rules = [rule for rule in rules if rule.anchor == PROBLEM_ANCHOR]
    if not problem_rules:
        return
    problems = Problem.objects.filter(deadline__isnull=False)
    if ids is not None:
        problems = problems.filter(pk__in=list(ids))
    rows = problems.order_by().values_list("pk", "deadline", "status")
    for pk, deadline, status in rows.iterator(chunk_size=2000):
        if deadline is None:  # left out by the query already
            continue
        for rule in problem_rules:
            yield Wanted(rule, pk, deadline, ("problem", pk), met=status in DONE_STATUSES)


def measure_names(ids: Collection[int]) -> Mapping[int, str]:
    texts = Measure.objects.filter(pk__in=list(ids)).values_list("pk", "text")
    return {pk: _("措施“%(text)s”") % {"text": text[:30]} for pk, text in texts}


def problem_names(ids: Collection[int]) -> Mapping[int, str]:
    titles = Problem.objects.filter(pk__in=list(ids)).values_list("pk", "title")
    return {pk: _("问题“%(title)s”的整改时限") % {"title": title[:30]} for pk, title in titles}


def measures_of_problems(ids: Collection[int]) -> Iterable[int]:
    return Measure.objects.filter(problem_id__in=list(ids)).values_list("pk", flat=True)


def open_problems(ids: Collection[int]) -> set[int]:
    return set(
        Problem.objects.filter(pk__in=list(ids))
        .exclude(status=ProblemStatus.CLOSED)
        .values_list("pk", flat=True)
    )


def problem_parents(ids: Collection[int]) -> Mapping[int, Sequence[tuple[str, int]]]:
    rows = Problem.objects.filter(pk__in=list(ids)).values_list("pk", "assignment_id")
    return {pk: [("assignment", assignment_id)] for pk, assignment_id in rows}


def problems_of_assignments(ids: Collection[int]) -> Iterable[int]:
    return Problem.objects.filter(assignment_id__in=list(ids)).values_list("pk", flat=True)


def register() -> None:
    register_subject(
        Subject(
            name="measure",
            label=_("整改措施"),
            anchors={MEASURE_ANCHOR: _("措施完成时限")},
            wanted=measure_clocks,
            # A problem asked for closing, returned, closed or reopened stops or restarts them.
            depends_on={"measure": same, "problem": measures_of_problems},
            describe=measure_names,
        )
    )
    register_subject(
        Subject(
            name="problem",
            label=_("问题整改时限"),
            anchors={PROBLEM_ANCHOR: _("问题整改时限")},
            wanted=problem_clocks,
            depends_on={"problem": same},
            describe=problem_names,
        )
    )
    register_holder(
        Holder(
            name="problem",
            model=Problem,
            open_ids=open_problems,
            parents=problem_parents,
            children={"assignment": problems_of_assignments},
            depends_on={"problem": same},
        )
    )
