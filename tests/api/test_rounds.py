from __future__ import annotations

from django.urls import reverse

from xuncha.findings.models import ProblemStatus
from xuncha.rounds.models import RoundKind
from xuncha.rounds.services import assignment_get_or_create, unit_get_or_create


def by_name(rows: list[dict], name: str) -> dict:
    return next(row for row in rows if row["name"] == name)


def test_the_round_list_shows_each_round_with_its_kind_and_groups(world, client_for):
    response = client_for(world.office).get(reverse("api:round-list"))

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    first = by_name(body["results"], "十四届市委第二轮巡察")
    assert first == {
        "id": world.first_round.pk,
        "name": "十四届市委第二轮巡察",
        "kind": "regular",
        "kind_label": str(RoundKind.REGULAR.label),
        "committee": "市委",
        "term": "十四届",
        "sequence": 2,
        "start_date": "2024-03-01",
        "end_date": "2024-05-31",
        "description": "测试用轮次。",
        "facts": {"groups": ["市委第一巡察组", "市委第二巡察组"], "units_revisited": 3},
        "groups": [
            {"id": world.first_group.pk, "name": "市委第一巡察组", "leader_name": "王组长"},
            {"id": world.second_group.pk, "name": "市委第二巡察组", "leader_name": "李组长"},
        ],
    }
    assert "assignments" not in first


def test_the_round_detail_lists_its_units_with_problem_counts_by_status(world, client_for):
    url = reverse("api:round-detail", args=[world.first_round.pk])
    response = client_for(world.office).get(url)

    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "十四届市委第二轮巡察"
    assert [row["unit"]["name"] for row in body["assignments"]] == [
        "市甲局",
        "市甲局信息中心",
        "市乙局",
    ]
    bureau_a = body["assignments"][0]
    assert bureau_a["id"] == world.assignment_a.pk
    assert bureau_a["unit"] == {"id": world.bureau_a.pk, "name": "市甲局"}
    assert bureau_a["group"] == world.first_group.pk
    assert bureau_a["feedback_date"] == "2024-06-15"
    assert bureau_a["problem_counts"] == {
        "pending": 1,
        "in_progress": 1,
        "closing_requested": 0,
        "closed": 0,
        "continuing": 0,
        "total": 2,
    }
    assert body["assignments"][1]["feedback_date"] is None


def test_problem_counts_have_one_key_per_status_and_a_total(world, client_for):
    url = reverse("api:round-detail", args=[world.second_round.pk])
    body = client_for(world.office).get(url).json()

    (assignment,) = body["assignments"]
    assert set(assignment["problem_counts"]) == {*ProblemStatus.values, "total"}
    assert assignment["group"] is None


def test_a_unit_without_problems_is_counted_as_zero_in_every_status(world, client_for):
    quiet, _ = unit_get_or_create(actor=world.office, name="市丙局")
    assignment_get_or_create(actor=world.office, round_=world.second_round, unit=quiet)

    url = reverse("api:round-detail", args=[world.second_round.pk])
    body = client_for(world.office).get(url).json()

    quiet_row = next(row for row in body["assignments"] if row["unit"]["name"] == "市丙局")
    assert quiet_row["problem_counts"] == dict.fromkeys([*ProblemStatus.values, "total"], 0)


def test_a_liaison_sees_only_their_units_in_a_round_detail(world, client_for):
    url = reverse("api:round-detail", args=[world.first_round.pk])
    body = client_for(world.liaison).get(url).json()

    assert [row["unit"]["name"] for row in body["assignments"]] == ["市甲局", "市甲局信息中心"]


def test_a_liaison_does_not_see_a_round_that_inspected_none_of_their_units(world, client_for):
    client = client_for(world.liaison)

    listed = client.get(reverse("api:round-list")).json()
    detail = client.get(reverse("api:round-detail", args=[world.second_round.pk]))

    assert [row["name"] for row in listed["results"]] == ["十四届市委第二轮巡察"]
    assert detail.status_code == 404


def test_a_round_id_that_is_not_a_number_is_not_found(world, client_for):
    response = client_for(world.office).get("/api/rounds/first/")

    assert response.status_code == 404
