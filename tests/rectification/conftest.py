"""People and records for the rectification tests, built through the real services."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest

from tests.factories import make_evidence, make_round, make_unit, make_user, measure_complete
from xuncha.core.models import Role
from xuncha.findings.models import Problem, RectificationKind
from xuncha.findings.services import MeasureInput, problem_create
from xuncha.rectification.transitions import problem_transition
from xuncha.rounds.models import GroupMembership
from xuncha.rounds.services import assignment_get_or_create, group_get_or_create


@dataclass
class Cast:
    """Everyone a test needs: one of each role, and people of the wrong unit or group."""

    office: Any
    office2: Any
    liaison: Any
    other_liaison: Any
    member: Any
    other_member: Any
    supervisor: Any
    outsider: Any
    assignment: Any
    other_assignment: Any

    def by_name(self, name: str) -> Any:
        return getattr(self, name)


@pytest.fixture
def cast(db, settings, tmp_path) -> Cast:
    settings.MEDIA_ROOT = tmp_path / "media"
    return build_cast()


def build_cast() -> Cast:
    """The cast, written through the services (for a fixture of any scope)."""
    round_ = make_round("测试第一轮")
    group, _ = group_get_or_create(actor=None, round_=round_, name="市委第一巡察组", sequence=1)
    group2, _ = group_get_or_create(actor=None, round_=round_, name="市委第二巡察组", sequence=2)
    unit = make_unit("市测试局")
    other = make_unit("市另一局")
    assignment, _ = assignment_get_or_create(
        actor=None, round_=round_, unit=unit, group=group, feedback_date=dt.date(2025, 3, 3)
    )
    other_assignment, _ = assignment_get_or_create(
        actor=None, round_=round_, unit=other, group=group2, feedback_date=dt.date(2025, 3, 3)
    )
    liaison = make_user("liaison", Role.UNIT)
    unit.liaisons.add(liaison)
    other_liaison = make_user("other_liaison", Role.UNIT)
    other.liaisons.add(other_liaison)
    member = make_user("member", Role.GROUP)
    GroupMembership.objects.create(group=group, user=member)
    other_member = make_user("other_member", Role.GROUP)
    GroupMembership.objects.create(group=group2, user=other_member)
    return Cast(
        office=make_user("office", Role.OFFICE),
        office2=make_user("office2", Role.OFFICE),
        liaison=liaison,
        other_liaison=other_liaison,
        member=member,
        other_member=other_member,
        supervisor=make_user("supervisor", Role.SUPERVISOR),
        outsider=make_user("outsider"),
        assignment=assignment,
        other_assignment=other_assignment,
    )


def planned_problem(assignment: Any, *, title: str = "制度执行不严") -> Problem:
    """A 待整改 problem whose plan is complete: kind, measures with owner, department, date."""
    return problem_create(
        actor=None,
        assignment=assignment,
        title=title,
        rectification_kind=RectificationKind.BY_DEADLINE,
        measures=[
            MeasureInput(
                text="修订完善财务报销制度3项。",
                owner="党组书记 王某",
                department="办公室",
                deadline=dt.date(2025, 6, 30),
            )
        ],
    )


def problem_at(assignment: Any, status: str, *, requester: Any = None) -> Problem:
    """A problem brought to ``status`` through the workflow (by the system unless said)."""
    problem = planned_problem(assignment)
    if status == "pending":
        return problem
    problem = problem_transition(actor=None, problem=problem, name="start")
    if status == "in_progress":
        return problem
    for measure in problem.measures.all():
        measure_complete(measure, actor=None)
    make_evidence(problem)
    problem = problem_transition(actor=requester, problem=problem, name="request_closing")
    if status == "closing_requested":
        return problem
    problem = problem_transition(actor=None, problem=problem, name="close")
    assert status == "closed"
    return problem
