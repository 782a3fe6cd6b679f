from __future__ import annotations

import base64

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

LISTS = ["api:round-list", "api:unit-list", "api:problem-list"]


def titles(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["title"] for row in response.json()["results"]]


@pytest.mark.parametrize("name", [*LISTS, "api:schema", "api:swagger"])
def test_an_anonymous_visitor_is_refused(world, name):
    response = APIClient().get(reverse(name))

    assert response.status_code in {401, 403}


@pytest.mark.parametrize(
    ("name", "record"), [("api:round-detail", "first_round"), ("api:problem-detail", "problem_a")]
)
def test_an_anonymous_visitor_is_refused_a_detail(world, name, record):
    response = APIClient().get(reverse(name, args=[getattr(world, record).pk]))

    assert response.status_code in {401, 403}


def test_basic_authentication_is_accepted(world):
    client = APIClient()
    token = base64.b64encode(b"office:pw-test-1").decode()
    client.credentials(HTTP_AUTHORIZATION=f"Basic {token}")

    assert client.get(reverse("api:problem-list")).json()["count"] == 5


@pytest.mark.parametrize("credentials", ["off\x00ice:pw-test-1", "office:pw\x00", "\x00:\x00"])
def test_basic_credentials_holding_a_nul_are_refused_not_looked_up(world, credentials):
    # PostgreSQL cannot hold a NUL in text: a lookup of such a name would be a server error.
    client = APIClient(raise_request_exception=True)
    token = base64.b64encode(credentials.encode()).decode()
    client.credentials(HTTP_AUTHORIZATION=f"Basic {token}")

    response = client.get(reverse("api:problem-list"))

    assert response.status_code == 403  # as every refused log-in (the session scheme comes first)
    assert response.json() == {"detail": "用户名或密码无效。"}


@pytest.mark.parametrize("name", LISTS)
def test_a_user_without_a_role_sees_empty_lists(world, client_for, name):
    response = client_for(world.outsider).get(reverse(name))

    assert response.status_code == 200
    assert response.json() == {"count": 0, "next": None, "previous": None, "results": []}


@pytest.mark.parametrize(
    ("name", "record"),
    [
        ("api:round-detail", "first_round"),
        ("api:unit-detail", "bureau_a"),
        ("api:problem-detail", "problem_a"),
    ],
)
def test_a_user_without_a_role_gets_404_on_every_detail(world, client_for, name, record):
    response = client_for(world.outsider).get(reverse(name, args=[getattr(world, record).pk]))

    assert response.status_code == 404


def test_a_liaison_sees_only_the_problems_of_their_unit_and_its_subunits(world, client_for):
    response = client_for(world.liaison).get(reverse("api:problem-list"))

    assert titles(response) == ["津补贴发放不规范", "会议记录不完整", "网络安全责任落实不到位"]


def test_a_liaison_gets_404_on_another_units_problem(world, client_for):
    client = client_for(world.liaison)

    own = client.get(reverse("api:problem-detail", args=[world.problem_a.pk]))
    other = client.get(reverse("api:problem-detail", args=[world.problem_b.pk]))

    assert own.status_code == 200
    assert other.status_code == 404


def test_a_liaison_filtering_by_another_unit_finds_nothing(world, client_for):
    response = client_for(world.liaison).get(
        reverse("api:problem-list"), {"unit": world.bureau_b.pk}
    )

    assert titles(response) == []


def test_an_inspection_group_member_reads_across_every_unit(world, client_for):
    response = client_for(world.group_member).get(reverse("api:problem-list"))

    assert len(titles(response)) == 5


def test_the_api_is_read_only(world, client_for):
    client = client_for(world.office)

    created = client.post(reverse("api:problem-list"), {"title": "x"}, format="json")
    deleted = client.delete(reverse("api:problem-detail", args=[world.problem_a.pk]))

    assert created.status_code == 405
    assert deleted.status_code == 405


def test_a_record_out_of_reach_is_not_found_in_chinese(world):
    client = APIClient()
    client.force_authenticate(world.outsider)
    response = client.get(reverse("api:unit-detail", args=[world.bureau_a.pk]))
    assert response.status_code == 404
    assert response.json() == {"detail": "未找到，或您无权查看。"}
