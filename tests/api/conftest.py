"""A small world for the API, built through the real services.

Two rounds. In the first, the first group inspects 市甲局 (with a subunit, 市甲局信息中心) and
the second group inspects 市乙局. In the second round only 市乙局 is inspected. The liaison
belongs to 市甲局, so they see the first round but not the second.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from rest_framework.test import APIClient

from tests.factories import create_problem, make_user
from xuncha.core.models import Role
from xuncha.findings.models import Problem
from xuncha.findings.services import MeasureInput
from xuncha.rounds.models import Assignment, Group, Round, RoundKind, Unit
from xuncha.rounds.services import (
    assignment_get_or_create,
    group_get_or_create,
    round_get_or_create,
    unit_get_or_create,
)

MONEY_MEASURE = "一次性清退违规发放的补贴资金12.5万元，并全部上缴财政。"
ACCOUNTABILITY_MEASURE = "对负有责任的3名干部进行诫勉谈话。"
REGULATION_MEASURE = "新制定《差旅费报销审核办法》，修订完善内部管理制度4项。"


@dataclass
class World:
    """Everything the API tests look at, by name."""

    office: Any
    group_member: Any
    liaison: Any
    outsider: Any
    first_round: Round
    second_round: Round
    first_group: Group
    second_group: Group
    bureau_a: Unit
    subunit_a: Unit
    bureau_b: Unit
    assignment_a: Assignment
    assignment_subunit_a: Assignment
    assignment_b: Assignment
    assignment_b_second: Assignment
    problem_a: Problem
    problem_a_pending: Problem
    problem_subunit_a: Problem
    problem_b: Problem
    problem_b_second: Problem


@pytest.fixture
def world(db: None) -> World:
    office = make_user("office", Role.OFFICE)
    group_member = make_user("inspector", Role.GROUP)
    liaison = make_user("liaison-a", Role.UNIT)
    outsider = make_user("outsider")

    first_round, _ = round_get_or_create(
        actor=office,
        name="十四届市委第二轮巡察",
        kind=RoundKind.REGULAR,
        committee="市委",
        term="十四届",
        sequence=2,
        start_date=dt.date(2024, 3, 1),
        end_date=dt.date(2024, 5, 31),
        description="测试用轮次。",
        facts={"groups": ["市委第一巡察组", "市委第二巡察组"], "units_revisited": 3},
    )
    second_round, _ = round_get_or_create(
        actor=office,
        name="十四届市委第三轮巡察",
        kind=RoundKind.THEMATIC,
        start_date=dt.date(2024, 9, 1),
    )
    first_group, _ = group_get_or_create(
        actor=office, round_=first_round, name="市委第一巡察组", sequence=1, leader_name="王组长"
    )
    second_group, _ = group_get_or_create(
        actor=office, round_=first_round, name="市委第二巡察组", sequence=2, leader_name="李组长"
    )

    bureau_a, _ = unit_get_or_create(actor=office, name="市甲局")
    subunit_a, _ = unit_get_or_create(actor=office, name="市甲局信息中心", parent=bureau_a)
    bureau_b, _ = unit_get_or_create(actor=office, name="市乙局")
    bureau_a.liaisons.add(liaison)

    feedback = dt.date(2024, 6, 15)
    assignment_a, _ = assignment_get_or_create(
        actor=office, round_=first_round, unit=bureau_a, group=first_group, feedback_date=feedback
    )
    assignment_subunit_a, _ = assignment_get_or_create(
        actor=office, round_=first_round, unit=subunit_a, group=first_group
    )
    assignment_b, _ = assignment_get_or_create(
        actor=office, round_=first_round, unit=bureau_b, group=second_group, feedback_date=feedback
    )
    assignment_b_second, _ = assignment_get_or_create(
        actor=office, round_=second_round, unit=bureau_b
    )

    problem_a = create_problem(
        actor=office,
        assignment=assignment_a,
        title="津补贴发放不规范",
        text="个别科室超标准发放补贴。",
        category="财务管理",
        rectification_kind="by_deadline",
        deadline=dt.date(2024, 8, 15),
        measures=[
            MeasureInput(
                text=MONEY_MEASURE,
                owner="赵副局长",
                department="计划财务处",
                deadline=dt.date(2024, 7, 31),
            ),
            MeasureInput(text=ACCOUNTABILITY_MEASURE),
            MeasureInput(text=REGULATION_MEASURE),
        ],
        start=True,
    )
    problem_a_pending = create_problem(
        actor=office,
        assignment=assignment_a,
        title="会议记录不完整",
        measures=[MeasureInput(text="补齐近两年的党组会议记录。")],
    )
    problem_subunit_a = create_problem(
        actor=office,
        assignment=assignment_subunit_a,
        title="网络安全责任落实不到位",
        measures=[MeasureInput(text="开展网络安全培训2场次。")],
        start=True,
    )
    problem_b = create_problem(
        actor=office,
        assignment=assignment_b,
        title="项目审批流程过长",
        measures=[MeasureInput(text="压缩审批时限30%。")],
        start=True,
    )
    problem_b_second = create_problem(
        actor=office,
        assignment=assignment_b_second,
        title="专项资金使用效率不高",
        measures=[MeasureInput(text="盘活闲置资金200万元。")],
    )
    return World(
        office=office,
        group_member=group_member,
        liaison=liaison,
        outsider=outsider,
        first_round=first_round,
        second_round=second_round,
        first_group=first_group,
        second_group=second_group,
        bureau_a=bureau_a,
        subunit_a=subunit_a,
        bureau_b=bureau_b,
        assignment_a=assignment_a,
        assignment_subunit_a=assignment_subunit_a,
        assignment_b=assignment_b,
        assignment_b_second=assignment_b_second,
        problem_a=problem_a,
        problem_a_pending=problem_a_pending,
        problem_subunit_a=problem_subunit_a,
        problem_b=problem_b,
        problem_b_second=problem_b_second,
    )


@pytest.fixture
def client_for() -> Any:
    """An API client logged in as the given user."""

    def make(user: Any) -> APIClient:
        client = APIClient()
        client.force_login(user)
        return client

    return make
