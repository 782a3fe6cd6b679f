"""Data for the dashboard's tests: the notice tests' generated round (tests/reports/dataset.py),
with what a dashboard reads besides the notice's totals, written in bulk: feedback dates over
several months, stored nearest deadlines of every colour and kind, and the 销号 moves of the
closed problems. Three readers: the office, a liaison of two units, a group member."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from tests.factories import make_user
from tests.reports.dataset import Dataset, build_dataset
from xuncha.core.models import Role, StatusChange
from xuncha.findings.models import Problem, ProblemStatus, Regulation, RegulationAction
from xuncha.rounds.models import GroupMembership, Unit

TODAY = dt.date(2026, 12, 4)
KINDS = ("measure", "problem", "report", "verdict")


@dataclass
class DashboardData:
    dataset: Dataset
    office: Any
    liaison: Any
    member: Any
    own_units: list[Unit]
    other_units: list[Unit]
    # 销号 moves written per month (first day of the month → count)
    closed_by_month: dict[dt.date, int]


def build_dashboard_data(*, units: int = 6, problems_per_unit: int = 30) -> DashboardData:
    dataset = build_dataset(units=units, problems_per_unit=problems_per_unit)
    rng = random.Random(14)
    for index, assignment in enumerate(dataset.assignments):
        assignment.feedback_date = dt.date(2026, 1 + index % 5, 10)
        assignment.save(update_fields=["feedback_date"])
    problems = list(Problem.objects.order_by("pk"))
    for problem in problems:
        if problem.status == ProblemStatus.CLOSED:
            continue
        problem.nearest_due = TODAY + dt.timedelta(days=rng.randint(-40, 40))
        problem.nearest_kind = rng.choice(KINDS)
        problem.nearest_paused = rng.random() < 0.05
    Problem.objects.bulk_update(problems, ["nearest_due", "nearest_kind", "nearest_paused"])
    # Rules made, revised and of no stated action, for the chart that splits them.
    regulations = list(Regulation.objects.order_by("pk"))
    for regulation in regulations:
        regulation.action = rng.choice([*RegulationAction.values, ""])
    Regulation.objects.bulk_update(regulations, ["action"])
    closed_by_month: dict[dt.date, int] = {}
    moves = []
    for problem in problems:
        if problem.status != ProblemStatus.CLOSED:
            continue
        month = rng.randint(2, 11)
        at = timezone.make_aware(dt.datetime(2026, month, rng.randint(1, 28), 10))
        closed_by_month[dt.date(2026, month, 1)] = closed_by_month.get(dt.date(2026, month, 1), 0)
        closed_by_month[dt.date(2026, month, 1)] += 1
        moves.append(
            StatusChange(
                workflow="problem",
                subject_id=problem.pk,
                scope=f"problem:{problem.pk}",
                move="close",
                from_status=ProblemStatus.CLOSING_REQUESTED,
                to_status=ProblemStatus.CLOSED,
                at=at,
            )
        )
    StatusChange.objects.bulk_create(moves)
    office = make_user("office", Role.OFFICE)
    liaison = make_user("liaison", Role.UNIT)
    own_units = dataset.units[:2]
    for unit in own_units:
        unit.liaisons.add(liaison)
    member = make_user("member", Role.GROUP)
    GroupMembership.objects.create(group=dataset.groups[0], user=member)
    return DashboardData(
        dataset=dataset,
        office=office,
        liaison=liaison,
        member=member,
        own_units=list(own_units),
        other_units=list(dataset.units[2:]),
        closed_by_month=closed_by_month,
    )
