"""The problem page lists every deadline bearing on the problem: what it is about, its date,
its colour today, and which one the problem's warning comes from."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.clocks.builders import (
    assignment_with_feedback,
    complete_measure,
    deadline_of,
    problem_with_deadline,
)
from tests.factories import make_unit, make_user
from xuncha.core.models import Role
from xuncha.rectification.transitions import problem_transition

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)


def deadline_rows(content: str) -> list[str]:
    """The deadlines table's rows as text, tags stripped."""
    section = content[content.index('id="deadlines"') : content.index('id="measures"')]
    rows = re.findall(r"<tr id=\"clock-\d+\".*?</tr>", section, flags=re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", row).split()) for row in rows]


@pytest.fixture
def problem(office):
    """A started problem of a unit whose report is due, with its own deadline and three
    measures: one overdue, one due in 5 days, one done."""
    today = timezone.localdate()
    assignment = assignment_with_feedback(today - 20 * DAY, unit=make_unit("市统计局"))
    problem = problem_with_deadline(
        assignment,
        today + 30 * DAY,
        today - 2 * DAY,
        today + 5 * DAY,
        today - 9 * DAY,
        title="统计数据报送不及时",
    )
    problem = problem_transition(actor=None, problem=problem, name="start")
    complete_measure(problem, 3)
    return problem


def test_the_problem_page_names_every_deadline_and_the_nearest(office_client, problem):
    today = timezone.localdate()
    report_due = deadline_of(problem.assignment, "report_due").due
    response = office_client.get(reverse("web:problem", args=[problem.pk]))
    content = response.content.decode()
    assert "时限与预警" in content
    badge = '<span class="badge warning-red">逾期</span>'
    overdue = (today - 2 * DAY).isoformat()
    assert f"预警依据：{badge} <strong>整改措施（第1项）</strong> {overdue}</p>" in content
    rows = deadline_rows(content)
    assert rows[0].startswith("整改措施（第1项） 最近时限 整改措施完成时限")
    assert f"{overdue} 计时中 逾期 逾期2天" in rows[0]
    assert any(row.startswith("整改措施（第2项）") and "临期 剩余5天" in row for row in rows)
    assert any(row.startswith("整改情况报告") and report_due.isoformat() in row for row in rows)
    assert any(
        row.startswith("问题整改时限") and (today + 30 * DAY).isoformat() in row for row in rows
    )
    assert any(row.startswith("整改措施（第3项）") and "已办结 —" in row for row in rows)
    assert any(row.startswith("整改方案") and "不计入预警" in row for row in rows)
    assert sum("最近时限" in row for row in rows) == 1


def test_a_liaison_of_the_unit_sees_the_same_deadlines(client, problem):
    liaison = make_user("tongji", Role.UNIT)
    problem.assignment.unit.liaisons.add(liaison)
    client.force_login(liaison)
    response = client.get(reverse("web:problem", args=[problem.pk]))
    assert response.status_code == 200
    assert [row.name for row in response.context["deadlines"]][:1] == ["整改措施（第1项）"]


def test_a_problem_asked_for_closing_shows_its_measures_met_and_no_warning_of_its_own(
    office_client, problem
):
    problem_transition(actor=None, problem=problem, name="rule_done", reason="回访认定整改到位")
    content = office_client.get(reverse("web:problem", args=[problem.pk])).content.decode()
    rows = deadline_rows(content)
    measures = [row for row in rows if row.startswith("整改措施")]
    assert len(measures) == 3 and all("已办结 —" in row for row in measures)
    assert any(row.startswith("问题整改时限") and "已办结" in row for row in rows)
    # The unit's report still bears on the problem and is now its nearest deadline.
    assert [row.split(" ")[0] for row in rows if "最近时限" in row] == ["整改情况报告"]
