"""Every URL the app serves has a permission case, for every role and an anonymous visitor.

The web pages' cases live in tests/web/test_access_matrix.py; the API's, the admin's and the
log-in pages' are here. Walking the whole URLconf, a new URL that no case names fails
``test_every_url_of_the_app_has_a_permission_case``.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.rectification.conftest import problem_at
from tests.web import test_access_matrix as web_cases
from xuncha.rounds.services import assignment_get_or_create, round_get_or_create

pytestmark = pytest.mark.django_db

ROLES = ["office", "supervisor", "member", "other_member", "liaison", "other_liaison", "outsider"]
SEES_UNIT = {"office", "supervisor", "member", "other_member", "liaison"}

# API endpoints: which record the URL names (None: a collection), and who gets 200 (others 404).
API: dict[str, tuple[str | None, set[str]]] = {
    "api:api-root": (None, set(ROLES)),
    "api:schema": (None, set(ROLES)),
    "api:swagger": (None, set(ROLES)),
    "api:round-list": (None, set(ROLES)),
    "api:unit-list": (None, set(ROLES)),
    "api:problem-list": (None, set(ROLES)),
    "api:round-detail": ("round", SEES_UNIT | {"other_liaison"}),
    "api:unit-detail": ("unit", SEES_UNIT),
    "api:problem-detail": ("problem", SEES_UNIT),
}
AUTH = {"login", "logout"}
# A round's quality pages (共性问题, 疑似形式整改): whoever sees a unit of the round reads them
# (through their scope), others get 404. Walked below, not in tests/web/test_access_matrix.py.
ROUND_PAGES: dict[str, set[str]] = {
    "web:round_common_problems": SEES_UNIT | {"other_liaison"},
    "web:round_paper_flags": SEES_UNIT | {"other_liaison"},
}


def all_url_names() -> set[str]:
    """Every named URL pattern of the project, with its namespace."""
    names: set[str] = set()

    def walk(patterns: list, namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                names.add(f"{namespace}{pattern.name}")

    walk(get_resolver().url_patterns, "")
    return names


def test_every_url_of_the_app_has_a_permission_case():
    covered = (
        set(web_cases.PAGES)
        | set(web_cases.POSTS)
        | set(web_cases.GLOBAL_POSTS)
        | set(web_cases.SEPARATE_CASES)
        | set(web_cases.PUBLIC_PAGES)
        | set(API)
        | set(ROUND_PAGES)
        | AUTH
    )
    names = {name for name in all_url_names() if not name.startswith("admin:")}
    assert names - covered == set(), "these URLs have no permission case"


@pytest.fixture
def records(cast):
    problem = problem_at(cast.assignment, "in_progress")
    other_problem = problem_at(cast.other_assignment, "in_progress")
    # A round in which only the other unit is inspected: the liaison must not find it.
    lone_round, _ = round_get_or_create(actor=None, name="只有另一单位的轮次")
    assignment_get_or_create(
        actor=None,
        round_=lone_round,
        unit=cast.other_assignment.unit,
        feedback_date=dt.date(2025, 5, 6),
    )
    return {
        "round": (cast.assignment.round_id, lone_round.pk),
        "unit": (cast.assignment.unit_id, cast.other_assignment.unit_id),
        "problem": (problem.pk, other_problem.pk),
    }


def api_url(name: str, record: str | None, records: dict, *, other: bool = False) -> str:
    if record is None:
        return reverse(name)
    own, theirs = records[record]
    return reverse(name, args=[theirs if other else own])


def logged_in(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("name", list(API))
def test_the_api_refuses_an_anonymous_visitor(records, name):
    record, _allowed = API[name]
    assert Client().get(api_url(name, record, records)).status_code in {401, 403}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", list(API))
def test_each_api_endpoint_answers_each_role(cast, records, name, role):
    record, allowed = API[name]
    response = logged_in(cast.by_name(role)).get(api_url(name, record, records))
    assert response.status_code == (200 if role in allowed else 404)


@pytest.mark.parametrize("name", [n for n, (record, _a) in API.items() if record])
def test_a_liaison_gets_404_for_another_units_records_in_the_api(cast, records, name):
    record, _allowed = API[name]
    response = logged_in(cast.liaison).get(api_url(name, record, records, other=True))
    assert response.status_code == 404


def test_a_liaisons_problem_list_holds_only_their_unit(cast, records):
    body = logged_in(cast.liaison).get(reverse("api:problem-list")).json()
    assert {row["unit"]["id"] for row in body["results"]} == {cast.assignment.unit_id}
    assert logged_in(cast.outsider).get(reverse("api:problem-list")).json()["count"] == 0


@pytest.mark.parametrize("role", [*ROLES, "anonymous"])
def test_the_admin_is_only_for_staff(cast, role):
    client = Client() if role == "anonymous" else logged_in(cast.by_name(role))
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_a_staff_office_user_reaches_the_admin(cast):
    cast.office.is_staff = True
    cast.office.is_superuser = True
    cast.office.save()
    assert logged_in(cast.office).get(reverse("admin:index")).status_code == 200
    assert logged_in(cast.office).get(reverse("admin:rounds_round_changelist")).status_code == 200


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", list(ROUND_PAGES))
def test_each_round_quality_page_answers_each_role(cast, records, name, role):
    own, lone = records["round"]
    response = logged_in(cast.by_name(role)).get(reverse(name, args=[own]))
    assert response.status_code == (200 if role in ROUND_PAGES[name] else 404)
    # a round in which only the other unit is inspected is not the liaison's to read
    if role == "liaison":
        assert logged_in(cast.liaison).get(reverse(name, args=[lone])).status_code == 404


@pytest.mark.parametrize("name", list(ROUND_PAGES))
def test_a_round_quality_page_sends_an_anonymous_visitor_to_log_in(records, name):
    own, _lone = records["round"]
    response = Client().get(reverse(name, args=[own]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?next=")
