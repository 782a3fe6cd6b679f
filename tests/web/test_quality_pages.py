"""The round's quality pages: common problems (共性问题) and measures flagged as rectification
on paper only (文字整改, 数字整改, 形式整改), each through the reader's scope."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from tests.factories import make_assignment, make_unit
from tests.findings.paper_texts import COPIED, REWORDED
from tests.findings.paper_texts import MEETINGS as MEETINGS_ONLY
from tests.web.conftest import client_for
from xuncha.digests.services import digest_import
from xuncha.findings.services import MeasureInput, problem_create
from xuncha.rounds.models import Round

pytestmark = pytest.mark.django_db

MEETINGS = MEETINGS_ONLY[0]


def planned(assignment: Any, title: str, text: str) -> None:
    problem_create(
        actor=None,
        assignment=assignment,
        title=title,
        measures=[
            MeasureInput(
                text=text, owner="党组书记", department="办公室", deadline=dt.date(2025, 6, 30)
            )
        ],
    )


@pytest.fixture
def round_(cast: Any) -> Round:
    """The liaison's unit and the other unit share a reworded measure and a theme (全面从严治党);
    a third unit only meets."""
    round_ = cast.assignment.round
    planned(cast.assignment, "落实全面从严治党主体责任不到位", COPIED)
    planned(cast.other_assignment, "履行从严治党两个责任有差距", REWORDED)
    planned(make_assignment(round_, make_unit("市商务局")), "网络舆论宣传引领力不够强", MEETINGS)
    return round_


def pages(round_: Round) -> list[str]:
    return [
        reverse("web:round_common_problems", args=[round_.pk]),
        reverse("web:round_paper_flags", args=[round_.pk]),
    ]


def test_the_office_sees_the_themes_and_their_units(cast: Any, round_: Round) -> None:
    response = client_for(cast.office).get(pages(round_)[0])
    assert response.status_code == 200
    body = response.content.decode()
    rows = [(row.group.theme.code, row.unit_count) for row in response.context["found"].themes]
    assert rows == [("party_discipline", 2), ("ideology", 1)]
    assert "全面从严治党" in body and "两个责任" in body and "市另一局" in body
    assert "共性" in body


def test_the_office_sees_each_units_flagged_measures_with_their_reasons(
    cast: Any, round_: Round
) -> None:
    response = client_for(cast.office).get(pages(round_)[1])
    assert response.status_code == 200
    body = response.content.decode()
    names = [unit["assignment"].unit.name for unit in response.context["units"]]
    assert names == ["市测试局", "市另一局", "市商务局"]
    assert "措施与其他单位的措施几乎相同" in body and "文字整改" in body
    assert "措施只有开会、培训、学习或谈话" in body and "形式整改" in body


def test_one_reason_keeps_only_its_units(cast: Any, round_: Round) -> None:
    office = client_for(cast.office)
    response = office.get(pages(round_)[1], {"reason": "meetings_only"})
    assert [unit["assignment"].unit.name for unit in response.context["units"]] == ["市商务局"]
    unknown = office.get(pages(round_)[1], {"reason": "<script>"})
    assert unknown.status_code == 200 and unknown.context["reason"] == ""
    assert len(unknown.context["units"]) == 3


def test_a_liaison_sees_only_their_own_unit(cast: Any, round_: Round) -> None:
    liaison = client_for(cast.liaison)
    themes, flags = (liaison.get(url) for url in pages(round_))
    assert themes.status_code == flags.status_code == 200
    for response in (themes, flags):
        body = response.content.decode()
        assert "市另一局" not in body and "市商务局" not in body
    assert "落实全面从严治党主体责任不到位" in themes.content.decode()
    assert "履行从严治党两个责任有差距" not in themes.content.decode()
    # the copy is of a unit out of their sight: it is not flagged for them
    assert flags.context["found"].reasons["copied"] == 0
    assert [row.unit_count for row in themes.context["found"].themes] == [1]


def test_someone_outside_the_round_gets_404_and_an_anonymous_visitor_logs_in(
    cast: Any, round_: Round
) -> None:
    for url in pages(round_):
        assert client_for(cast.outsider).get(url).status_code == 404
        response = client_for(cast.office).get(url.replace(str(round_.pk), "999999"))
        assert response.status_code == 404
        anonymous = client_for(cast.office)
        anonymous.logout()
        response = anonymous.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_many_units_are_listed_a_page_at_a_time(cast: Any) -> None:
    lines = ["近日，市委巡察组对55家单位整改情况进行了回访。"]
    for number in range(55):
        lines += [f"市第{number}局", "问题：工作作风不实", f"整改：{MEETINGS}"]
    digest_import(actor=None, data="\n\n".join(lines), file_name="批量.txt", round_name="批量")
    url = pages(Round.objects.get(name="批量"))[1]
    response = client_for(cast.office).get(url)
    assert len(response.context["units"]) == 50
    assert response.context["flagged_units"] == 55
    second = client_for(cast.office).get(url, {"page": 2})
    assert len(second.context["units"]) == 5


def test_the_notice_compose_page_points_to_the_common_problems(cast: Any, round_: Round) -> None:
    response = client_for(cast.office).get(reverse("web:notice_compose"), {"round": round_.pk})
    assert response.status_code == 200
    assert pages(round_)[0] in response.content.decode()
