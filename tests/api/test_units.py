from __future__ import annotations

from django.urls import reverse

from tests.factories import make_user
from xuncha.core.models import Role


def test_the_unit_list_shows_the_tree_by_ids(world, client_for):
    body = client_for(world.office).get(reverse("api:unit-list")).json()

    assert body["count"] == 3
    # Compared as a mapping: the list is ordered by name as the database collates it, which
    # differs between SQLite and PostgreSQL.
    rows = {row["name"]: row for row in body["results"]}
    assert rows == {
        "市甲局": {
            "id": world.bureau_a.pk,
            "name": "市甲局",
            "parent": None,
            "children": [world.subunit_a.pk],
        },
        "市甲局信息中心": {
            "id": world.subunit_a.pk,
            "name": "市甲局信息中心",
            "parent": world.bureau_a.pk,
            "children": [],
        },
        "市乙局": {"id": world.bureau_b.pk, "name": "市乙局", "parent": None, "children": []},
    }


def test_the_unit_detail_shows_one_unit(world, client_for):
    url = reverse("api:unit-detail", args=[world.subunit_a.pk])
    body = client_for(world.office).get(url).json()

    assert body == {
        "id": world.subunit_a.pk,
        "name": "市甲局信息中心",
        "parent": world.bureau_a.pk,
        "children": [],
    }


def test_a_liaison_sees_their_unit_and_its_subunits_only(world, client_for):
    client = client_for(world.liaison)

    body = client.get(reverse("api:unit-list")).json()
    other = client.get(reverse("api:unit-detail", args=[world.bureau_b.pk]))

    assert sorted(row["name"] for row in body["results"]) == ["市甲局", "市甲局信息中心"]
    assert other.status_code == 404


def test_a_liaison_of_a_subunit_does_not_learn_the_parent_unit(world, client_for):
    liaison = make_user("liaison-centre", Role.UNIT)
    world.subunit_a.liaisons.add(liaison)

    body = client_for(liaison).get(reverse("api:unit-list")).json()

    assert body["results"] == [
        {"id": world.subunit_a.pk, "name": "市甲局信息中心", "parent": None, "children": []}
    ]
