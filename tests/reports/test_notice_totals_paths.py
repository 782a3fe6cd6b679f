"""The notice's totals by each of their query paths: every problem (no scope test at all), a
narrowed scope, a scope whose filter repeats problems, and verdicts ruled at the same moment.

Run on SQLite and on PostgreSQL (``DATABASE_URL=postgres://…``).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.utils import timezone

from tests.reports.dataset import Dataset, build_dataset
from xuncha.findings.models import Problem, ProblemStatus
from xuncha.followups.models import Verdict, VerdictKind, Visit
from xuncha.reports.selectors import Scope, notice_totals, scope_problems

pytestmark = pytest.mark.django_db


@pytest.fixture
def dataset() -> Dataset:
    return build_dataset(units=8, problems_per_unit=40)


def basically_done_by_unit(problems: list[Problem]) -> Counter[str]:
    """基本完成 per unit worked out here in Python: open, and 持续整改 or last ruled 基本到位
    (the latest verdict by time, the later record when two share a time)."""
    latest: dict[int, str] = {}
    for verdict in sorted(Verdict.objects.all(), key=lambda v: (v.ruled_at, v.pk)):
        latest[verdict.problem_id] = verdict.kind
    counts: Counter[str] = Counter()
    for problem in problems:
        if problem.status == ProblemStatus.CLOSED:
            continue
        if (
            problem.status == ProblemStatus.CONTINUING
            or latest.get(problem.pk) == VerdictKind.MOSTLY
        ):
            counts[problem.assignment.unit.name] += 1
    return counts


def test_every_problem_counts_as_a_scope_narrowed_to_every_problem(dataset):
    whole = notice_totals(Problem.objects.all())
    narrowed = notice_totals(Problem.objects.filter(pk__gt=0))
    assert whole == narrowed
    assert whole.fed_back == Problem.objects.count()
    assert whole.money and whole.accountability and whole.regulation_titles


def test_a_scope_whose_filter_repeats_problems_counts_each_once(dataset):
    scope = Scope(dataset.round)
    repeating = scope_problems(Problem.objects.filter(measures__ordinal__gte=1), scope)
    ids = set(repeating.values_list("pk", flat=True))
    # the join across measures lists a problem once per measure
    assert repeating.count() > len(ids)
    assert notice_totals(repeating) == notice_totals(Problem.objects.filter(pk__in=ids))


def test_the_basically_done_per_unit_follow_the_latest_verdict(dataset):
    problems = list(
        scope_problems(Problem.objects.all(), Scope(dataset.round)).select_related(
            "assignment__unit"
        )
    )
    totals = notice_totals(scope_problems(Problem.objects.all(), Scope(dataset.round)))
    expected = basically_done_by_unit(problems)
    assert {unit.name: unit.basically_done for unit in totals.by_unit if unit.basically_done} == (
        dict(expected)
    )
    assert sum(expected.values()) > 0


def test_of_two_verdicts_ruled_at_one_moment_the_later_recorded_decides(dataset):
    assignment = dataset.assignments[4]
    first, second = (
        Visit.objects.get(batch=batch, assignment=assignment)
        for batch in (dataset.first_batch, dataset.second_batch)
    )
    mostly_last, mostly_first = Problem.objects.filter(
        assignment=assignment, status=ProblemStatus.IN_PROGRESS
    )[:2]
    Verdict.objects.filter(problem__in=[mostly_last, mostly_first]).delete()
    for problem, kinds in (
        (mostly_last, (VerdictKind.NOT_DONE, VerdictKind.MOSTLY)),
        (mostly_first, (VerdictKind.MOSTLY, VerdictKind.NOT_DONE)),
    ):
        for visit, kind in zip((first, second), kinds, strict=True):
            Verdict.objects.create(
                visit=visit,
                problem=problem,
                kind=kind,
                reason="同时认定",
                declared_status=problem.status,
                declared_done=False,
            )
    moment = timezone.now() - dt.timedelta(days=1)
    Verdict.objects.filter(problem__in=[mostly_last, mostly_first]).update(ruled_at=moment)

    def unit_total():
        totals = notice_totals(scope_problems(Problem.objects.all(), Scope(dataset.round)))
        return next(unit for unit in totals.by_unit if unit.name == assignment.unit.name)

    problems = list(
        Problem.objects.filter(assignment=assignment).select_related("assignment__unit")
    )
    assert unit_total().basically_done == basically_done_by_unit(problems)[assignment.unit.name]
    before = unit_total().basically_done
    # The later record of the two now says 未到位: the problem is no longer basically done.
    Verdict.objects.filter(problem=mostly_last, kind=VerdictKind.MOSTLY).update(
        kind=VerdictKind.REBOUND
    )
    assert unit_total().basically_done == before - 1
