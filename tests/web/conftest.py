"""Personas and a small round for the web tests, built through the real services."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from tests.factories import (
    default_rules_replay,
    make_assignment,
    make_problem,
    make_round,
    make_unit,
    make_user,
)

# The follow-up tests' plan on that cast: a follow-up with one batch, the cast's unit visited
# and recorded by its group, the other unit planned for the second group.
from tests.followups.conftest import plan  # noqa: F401

# The rectification cast (office, office2, liaison, other_liaison, member, other_member,
# supervisor, outsider and two assignments). Its usernames overlap the personas below, so a
# test uses one or the other, never both.
from tests.rectification.conftest import cast  # noqa: F401
from tests.web.browser import chromium, new_page
from xuncha.core.models import Role
from xuncha.findings.models import Problem
from xuncha.rounds.models import Assignment, GroupMembership, Round
from xuncha.rounds.services import assignment_get_or_create, group_get_or_create

# An invented digest in the published form (not the seed): two units, one warning-free.
SMALL_DIGEST = """近日，市委第二巡察组对两家单位整改情况进行了回访。

市档案馆

问题：档案数字化进度偏慢

整改：一是制定《档案数字化工作方案》。完成馆藏档案数字化12万卷。二是清退违规发放补贴2.4万元。

市气象局

问题：预警信息发布不及时

整改：建成预警发布平台，覆盖率达到98.5%。"""


@dataclass
class World:
    """A round with two units (one a liaison's), a group, and a problem in each unit."""

    round: Round
    own: Assignment
    other: Assignment
    own_problem: Problem
    other_problem: Problem


@pytest.fixture
def office(db: Any) -> Any:
    return make_user("office", Role.OFFICE)


@pytest.fixture
def liaison(db: Any) -> Any:
    return make_user("liaison", Role.UNIT)


@pytest.fixture
def group_member(db: Any) -> Any:
    return make_user("inspector", Role.GROUP)


@pytest.fixture
def outsider(db: Any) -> Any:
    return make_user("outsider")


@pytest.fixture
def world(office: Any, liaison: Any, group_member: Any) -> World:
    round_ = make_round("测试第一轮巡察")
    group, _created = group_get_or_create(
        actor=office, round_=round_, name="第一巡察组", sequence=1, leader_name="张组长"
    )
    GroupMembership.objects.create(group=group, user=group_member)
    own_unit = make_unit("市档案馆")
    own_unit.liaisons.add(liaison)
    own, _created = assignment_get_or_create(
        actor=office, round_=round_, unit=own_unit, group=group
    )
    other = make_assignment(round_, make_unit("市气象局"))
    own_problem = make_problem(
        own,
        title="档案数字化进度偏慢",
        measures=("制定《档案数字化工作方案》，完成馆藏档案数字化12万卷。", "清退补贴2.4万元。"),
    )
    other_problem = make_problem(other, title="预警信息发布不及时")
    return World(round_, own, other, own_problem, other_problem)


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def office_client(office: Any) -> Client:
    return client_for(office)


@pytest.fixture
def liaison_client(liaison: Any) -> Client:
    return client_for(liaison)


@pytest.fixture
def group_client(group_member: Any) -> Client:
    return client_for(group_member)


@pytest.fixture
def outsider_client(outsider: Any) -> Client:
    return client_for(outsider)


@pytest.fixture
def browser() -> Iterator[Any]:
    """Headless Chromium for the browser tests (skipped when the system has none)."""
    with chromium() as launched:
        yield launched


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A page in its own browser context."""
    opened = new_page(browser)
    yield opened
    opened.context.close()


@pytest.fixture
def deadline_rules(transactional_db: Any) -> None:
    """The default deadline rules, which a live-server test's flush of an earlier test removed."""
    default_rules_replay()
