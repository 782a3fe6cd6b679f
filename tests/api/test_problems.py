from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from tests.api.conftest import MONEY_MEASURE
from xuncha.findings.models import MeasureStatus, ProblemStatus, RectificationKind
from xuncha.findings.services import MeasureInput, problem_create

PROBLEMS = reverse("api:problem-list")


def titles(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["title"] for row in response.json()["results"]]


def test_the_problem_list_shows_where_each_problem_was_found_and_where_it_stands(world, client_for):
    body = client_for(world.office).get(PROBLEMS).json()

    assert body["count"] == 5
    first = body["results"][0]
    assert {key: value for key, value in first.items() if key != "measures"} == {
        "id": world.problem_a.pk,
        "round": {"id": world.first_round.pk, "name": "十四届市委第二轮巡察"},
        "unit": {"id": world.bureau_a.pk, "name": "市甲局"},
        "group": {"id": world.first_group.pk, "name": "市委第一巡察组"},
        "ordinal": 1,
        "title": "津补贴发放不规范",
        "text": "个别科室超标准发放补贴。",
        "category": "财务管理",
        "rectification_kind": "by_deadline",
        "rectification_kind_label": str(RectificationKind.BY_DEADLINE.label),
        "deadline": "2024-08-15",
        "status": "in_progress",
        "status_label": str(ProblemStatus.IN_PROGRESS.label),
        "version": 2,  # created as 1, then started
        "rectification_lead": "",
    }


def test_each_problem_carries_its_measures_in_order_with_owner_and_deadline(world, client_for):
    body = client_for(world.office).get(PROBLEMS).json()

    measures = body["results"][0]["measures"]
    assert [measure["ordinal"] for measure in measures] == [1, 2, 3]
    first = measures[0]
    assert first["id"] == world.problem_a.measures.get(ordinal=1).pk
    assert first["text"] == MONEY_MEASURE
    assert first["owner"] == "赵副局长"
    assert first["department"] == "计划财务处"
    assert first["deadline"] == "2024-07-31"
    assert first["status"] == "not_started"
    assert first["status_label"] == str(MeasureStatus.NOT_STARTED.label)


def test_a_measure_shows_the_money_read_from_its_text(world, client_for):
    body = client_for(world.office).get(PROBLEMS).json()

    outcomes = body["results"][0]["measures"][0]["outcomes"]
    money = next(outcome for outcome in outcomes if outcome["kind"] == "money")
    assert money["value"] == "125000"
    assert money["text"] in MONEY_MEASURE
    assert MONEY_MEASURE[money["start"] : money["end"]] == money["text"]
    assert set(money) == {
        "kind", "value", "upper", "unit", "qualifier", "inferred", "subject", "counts",
        "text", "start", "end",
    }  # fmt: skip
    assert (money["upper"], money["inferred"]) == ("", False)


def test_a_measure_shows_who_was_held_to_account(world, client_for):
    body = client_for(world.office).get(PROBLEMS).json()

    accountability = body["results"][0]["measures"][1]["accountability"]
    assert accountability, "the measure names three cadres held to account"
    assert set(accountability[0]) == {"kind", "kinds", "people", "unit", "text", "part_of"}
    assert accountability[0]["people"] == 3
    assert "诫勉谈话" in accountability[0]["kind"]
    assert accountability[0]["kinds"] == ["诫勉谈话"]
    assert accountability[0]["part_of"] is None


def test_a_part_of_a_count_points_at_that_count(world, client_for):
    problem = problem_create(
        actor=world.office,
        assignment=world.assignment_a,
        title="报销审核不严",
        measures=[
            MeasureInput(text="约谈财务人员2人次，问责干部5人，其中诫勉谈话3人、通报批评2人。")
        ],
    )
    client = client_for(world.office)

    measure = client.get(reverse("api:problem-detail", args=[problem.pk])).json()["measures"][0]

    rows = [(row["kind"], row["people"], row["part_of"]) for row in measure["accountability"]]
    # the parts point at the 5 held to account (position 1), not at the talk before it
    assert rows == [
        ("约谈", 2, None),
        ("追责问责", 5, None),
        ("诫勉谈话", 3, 1),
        ("通报批评", 2, 1),
    ]


def test_a_measure_shows_the_rules_it_issued_or_revised(world, client_for):
    body = client_for(world.office).get(PROBLEMS).json()

    regulations = body["results"][0]["measures"][2]["regulations"]
    assert regulations, "the measure names a rule in 《》"
    assert set(regulations[0]) == {"title", "count", "action", "text"}
    assert any(rule["title"] == "差旅费报销审核办法" for rule in regulations)


def test_the_problem_detail_has_the_same_shape_as_a_list_row(world, client_for):
    client = client_for(world.office)

    listed = client.get(PROBLEMS).json()["results"][0]
    detail = client.get(reverse("api:problem-detail", args=[world.problem_a.pk])).json()

    assert detail == listed


def test_a_problem_of_a_unit_without_a_group_shows_no_group(world, client_for):
    url = reverse("api:problem-detail", args=[world.problem_b_second.pk])
    body = client_for(world.office).get(url).json()

    assert body["group"] is None
    assert body["status"] == "pending"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (
            {"round": "first"},
            ["津补贴发放不规范", "会议记录不完整", "网络安全责任落实不到位", "项目审批流程过长"],
        ),
        ({"round": "second"}, ["专项资金使用效率不高"]),
        ({"unit": "bureau_b"}, ["项目审批流程过长", "专项资金使用效率不高"]),
        ({"group": "second"}, ["项目审批流程过长"]),
        ({"status": "pending"}, ["会议记录不完整", "专项资金使用效率不高"]),
        ({"unit": "bureau_a", "status": "in_progress"}, ["津补贴发放不规范"]),
    ],
)
def test_the_problem_list_filters_by_round_unit_group_and_status(
    world, client_for, query, expected
):
    ids = {
        "first": world.first_round.pk,
        "second": world.second_round.pk,
        "bureau_a": world.bureau_a.pk,
        "bureau_b": world.bureau_b.pk,
    }
    groups = {"second": world.second_group.pk}
    params = {
        key: (groups[value] if key == "group" else ids.get(value, value))
        for key, value in query.items()
    }

    assert titles(client_for(world.office).get(PROBLEMS, params)) == expected


@pytest.mark.parametrize(
    ("params", "field"),
    [({"status": "finished"}, "status"), ({"round": "abc"}, "round"), ({"unit": "0"}, "unit")],
)
def test_a_bad_filter_value_is_refused_with_the_field_named(world, client_for, params, field):
    response = client_for(world.office).get(PROBLEMS, params)

    assert response.status_code == 400
    assert field in response.json()


def test_the_list_pages_by_fifty_in_the_default_envelope(world, client_for):
    for number in range(46):
        problem_create(
            actor=world.office,
            assignment=world.assignment_b,
            title=f"补充问题{number}",
            measures=[MeasureInput(text="完善工作台账。")],
        )
    client = client_for(world.office)

    first = client.get(PROBLEMS).json()
    second = client.get(first["next"]).json()

    assert set(first) == {"count", "next", "previous", "results"}
    assert first["count"] == 51
    assert len(first["results"]) == 50
    assert first["previous"] is None
    assert len(second["results"]) == 1
    assert second["next"] is None


def test_listing_thirty_problems_does_not_query_per_problem(
    world, client_for, django_assert_max_num_queries
):
    for number in range(25):
        problem_create(
            actor=world.office,
            assignment=world.assignment_b,
            title=f"批量问题{number}",
            deadline=dt.date(2024, 9, 30),
            measures=[
                MeasureInput(text=MONEY_MEASURE),
                MeasureInput(text="对2名责任人进行批评教育。"),
                MeasureInput(text="制定《公务用车管理规定》。"),
            ],
        )
    client = client_for(world.liaison)  # a liaison's scope costs queries of its own
    office = client_for(world.office)

    with django_assert_max_num_queries(10):
        body = office.get(PROBLEMS).json()
    with django_assert_max_num_queries(12):
        client.get(PROBLEMS).json()

    assert body["count"] == 30
    assert all(len(row["measures"]) >= 1 for row in body["results"])


# ---------------------------------------------------------------- the ledger's shared filters


def test_the_problem_list_searches_as_the_ledger_does(world, client_for):
    office = client_for(world.office)

    assert titles(office.get(PROBLEMS, {"q": "补贴"})) == ["津补贴发放不规范"]
    # a measure's text, by a two- and a four-character query
    assert titles(office.get(PROBLEMS, {"q": "诫勉"})) == ["津补贴发放不规范"]
    assert titles(office.get(PROBLEMS, {"q": "差旅费报销"})) == ["津补贴发放不规范"]
    assert titles(office.get(PROBLEMS, {"q": "补贴 诫勉"})) == ["津补贴发放不规范"]
    assert titles(office.get(PROBLEMS, {"q": "补贴 会议"})) == []


def test_a_liaisons_search_of_the_api_finds_no_other_units_problem(world, client_for):
    liaison = client_for(world.liaison)

    assert titles(liaison.get(PROBLEMS, {"q": "专项资金"})) == []
    assert titles(client_for(world.office).get(PROBLEMS, {"q": "专项资金"})) == [
        "专项资金使用效率不高"
    ]


def test_the_problem_list_sorts_by_a_column_with_ties_by_id(world, client_for):
    office = client_for(world.office)

    ascending = titles(office.get(PROBLEMS, {"sort": "title"}))
    descending = titles(office.get(PROBLEMS, {"sort": "-title"}))

    assert ascending == sorted(ascending)
    assert descending == ascending[::-1]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"sort": "password"}, "sort"),
        ({"warning": "purple"}, "warning"),
        ({"round": "1.5"}, "round"),
    ],
)
def test_a_bad_sort_or_warning_is_refused_with_the_field_named(world, client_for, params, field):
    response = client_for(world.office).get(PROBLEMS, params)

    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_the_detail_ignores_the_lists_query(world, client_for):
    url = reverse("api:problem-detail", args=[world.problem_a.pk])

    response = client_for(world.office).get(url, {"status": "pending", "sort": "bad"})

    assert response.status_code == 200
    assert response.json()["id"] == world.problem_a.pk
