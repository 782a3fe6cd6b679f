"""The ledger (整改台账): filters, paging, HTMX partials and a constant number of queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import make_assignment, make_problem, make_round, make_unit
from xuncha.rectification.transitions import measure_transition

pytestmark = pytest.mark.django_db


def titles(response):
    return [problem.title for problem, _progress in response.context["rows"]]


def test_the_ledger_lists_problems_with_their_measure_counts(office_client, world):
    measure = world.own_problem.measures.first()
    measure_transition(actor=None, measure=measure, name="complete")
    response = office_client.get(reverse("web:ledger"))
    assert response.status_code == 200
    rows = {problem.title: progress for problem, progress in response.context["rows"]}
    assert rows["档案数字化进度偏慢"] == {"total": 2, "done": 1}
    content = response.content.decode()
    assert "第一巡察组" in content and "未设定" in content  # a group, and a unit without one


def test_the_ledger_filters_by_unit_group_round_and_status(office_client, world):
    url = reverse("web:ledger")
    assert titles(office_client.get(url, {"unit": world.other.unit_id})) == ["预警信息发布不及时"]
    assert titles(office_client.get(url, {"group": world.own.group_id})) == ["档案数字化进度偏慢"]
    assert len(titles(office_client.get(url, {"round": world.round.pk}))) == 2
    assert titles(office_client.get(url, {"status": "closed"})) == []
    assert len(titles(office_client.get(url, {"status": "in_progress"}))) == 2


def test_a_liaison_sees_only_their_units_rows_whatever_the_filter(liaison_client, world):
    url = reverse("web:ledger")
    assert titles(liaison_client.get(url)) == ["档案数字化进度偏慢"]
    assert titles(liaison_client.get(url, {"unit": world.other.unit_id})) == [
        "档案数字化进度偏慢"
    ]  # an out-of-scope choice is not valid, so it filters nothing it may not see


def test_the_ledger_pages_by_fifty_and_page_links_keep_the_filters(office_client, world):
    assignment = make_assignment(world.round)
    for number in range(55):
        make_problem(assignment, title=f"问题{number}", measures=("整改一项。",))
    url = reverse("web:ledger")
    first = office_client.get(url, {"round": world.round.pk})
    assert len(first.context["rows"]) == 50
    assert first.context["page"].paginator.num_pages == 2
    content = first.content.decode()
    assert f"?round={world.round.pk}&amp;page=2" in content
    second = office_client.get(url, {"round": world.round.pk, "page": 2})
    assert len(second.context["rows"]) == 7
    assert office_client.get(url, {"page": 99}).context["page"].number == 2


def test_an_htmx_filter_request_gets_only_the_results(office_client, world):
    response = office_client.get(
        reverse("web:ledger"),
        {"status": "in_progress"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="ledger-results",
    )
    content = response.content.decode()
    assert "<html" not in content
    assert content.lstrip().startswith('<section id="ledger-results"')
    assert "HX-Request" in response["Vary"]


def ledger_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("web:ledger"))
    assert response.status_code == 200
    return len(queries)


def test_the_number_of_queries_does_not_grow_with_the_rows_on_the_page(office_client, world):
    few = ledger_queries(office_client)
    for index in range(3):
        round_ = make_round(f"另一轮{index}")
        assignment = make_assignment(round_, make_unit(f"另一单位{index}"))
        for number in range(15):
            make_problem(assignment, title=f"问题{index}-{number}")
    many = ledger_queries(office_client)
    assert few == many
    assert many <= 14  # the page finds its ids first, then loads those rows alone
