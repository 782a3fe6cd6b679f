"""What the clocks run on in findings: each measure's deadline, and problems as holders.

A measure with a deadline has a clock per active rule on the subject "measure" (counted from
that deadline), met once the measure is done. A problem holds its nearest open deadline: its
measures' clocks, its verdicts', and those of its unit in the round (the plan and the report,
registered by ``rectification``), none once it is closed.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence

from django.utils.translation import gettext_lazy as _

from xuncha.clocks.models import DeadlineRule
from xuncha.clocks.registry import Holder, Subject, Wanted, register_holder, register_subject, same
from xuncha.findings.models import Measure, MeasureStatus, Problem, ProblemStatus

MEASURE_ANCHOR = "measure"


def measure_clocks(rules: Sequence[DeadlineRule], ids: Collection[int] | None) -> Iterable[Wanted]:
    measures = Measure.objects.filter(deadline__isnull=False)
    if ids is not None:
        measures = measures.filter(pk__in=list(ids))
    rows = measures.order_by().values_list("pk", "problem_id", "deadline", "status")
    for pk, problem_id, deadline, status in rows.iterator(chunk_size=2000):
        if deadline is None:  # left out by the query already
            continue
        for rule in rules:
            if rule.anchor == MEASURE_ANCHOR:
                yield Wanted(
                    rule, pk, deadline, ("problem", problem_id), met=status == MeasureStatus.DONE
                )


def measure_names(ids: Collection[int]) -> Mapping[int, str]:
    texts = Measure.objects.filter(pk__in=list(ids)).values_list("pk", "text")
    return {pk: _("措施“%(text)s”") % {"text": text[:30]} for pk, text in texts}


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
            depends_on={"measure": same},
            describe=measure_names,
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
