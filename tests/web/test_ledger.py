"""The ledger (整改台账): filters, paging, HTMX partials and a constant number of queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.clocks.builders import (
    assignment_with_feedback,
    count_plan_in_warnings,
    deadline_of,
    problem_with_deadline,
    problem_with_measures,
)
from tests.factories import make_assignment, make_problem, make_round, make_unit, measure_complete
from xuncha.rectification.transitions import problem_transition

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)


def titles(response):
    return [problem.title for problem, _progress in response.context["rows"]]


def test_the_ledger_lists_problems_with_their_measure_counts(office_client, world):
    measure = world.own_problem.measures.first()
    measure_complete(measure, actor=None)
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


# ---------------------------------------------------------------------------------------------
# Every warning names its deadline


@pytest.fixture
def kinds(office):
    """One problem per kind of deadline its warning comes from, relative to today."""
    today = timezone.localdate()
    count_plan_in_warnings()
    round_ = make_round("预警时限轮次")
    loose = assignment_with_feedback(None, round_=round_, unit=make_unit("无反馈单位"))
    measure = problem_with_measures(loose, None, today - 3 * DAY, title="措施逾期")
    problem_transition(actor=None, problem=measure, name="start")
    own = problem_with_deadline(loose, today + 3 * DAY, None, title="问题时限临期")
    problem_transition(actor=None, problem=own, name="start")
    reporting = assignment_with_feedback(
        today - 50 * DAY, round_=round_, unit=make_unit("待报告单位")
    )
    report = problem_with_measures(reporting, None, title="待报整改报告")
    problem_transition(actor=None, problem=report, name="start")  # its plan is met
    planning = assignment_with_feedback(
        today - 2 * DAY, round_=round_, unit=make_unit("待方案单位")
    )
    plan = problem_with_measures(planning, None, title="待报整改方案")  # waits for the plan
    return {
        "measure": (measure, "整改措施（第2项）", today - 3 * DAY),
        "problem": (own, "问题整改时限", today + 3 * DAY),
        "report": (report, "整改情况报告", deadline_of(reporting, "report_due").due),
        "plan": (plan, "整改方案", deadline_of(planning, "plan_due").due),
    }


@pytest.mark.parametrize("kind", ["measure", "problem", "report", "plan"])
def test_the_warning_column_names_the_deadline_and_its_date(office_client, kinds, kind):
    problem, name, due = kinds[kind]
    response = office_client.get(reverse("web:ledger"))
    note = response.context["warnings"][problem.pk]
    assert (note.kind, note.name, note.due) == (kind, name, due)
    cell = f'data-kind="{kind}">{name}</span> <span class="muted">{due.isoformat()}</span>'
    assert cell in response.content.decode()


def test_the_warning_column_shows_the_colour_beside_the_deadline(office_client, kinds):
    content = office_client.get(reverse("web:ledger"), {"deadline": "measure"}).content.decode()
    assert '<span class="badge warning-red">逾期</span><div class="small warning-deadline"' in (
        content
    )


def test_the_ledger_filters_by_the_kind_of_deadline(office_client, kinds):
    url = reverse("web:ledger")
    for kind, (problem, _name, _due) in kinds.items():
        assert titles(office_client.get(url, {"deadline": kind})) == [problem.title]
    assert titles(office_client.get(url, {"deadline": "problem", "warning": "yellow"})) == [
        "问题时限临期"
    ]
    assert titles(office_client.get(url, {"deadline": "problem", "warning": "red"})) == []
    assert titles(office_client.get(url, {"deadline": "verdict"})) == []


def test_the_kind_filter_offers_every_kind_and_stays_in_the_links(office_client, kinds):
    response = office_client.get(reverse("web:ledger"), {"deadline": "measure"})
    content = response.content.decode()
    for label in ("整改方案", "整改情况报告", "整改措施", "问题整改时限", "回访认定"):
        assert f">{label}</option>" in content
    assert '<option value="measure" selected>整改措施</option>' in content
    assert titles(office_client.get(reverse("web:ledger"), {"deadline": "bogus"})) == [
        problem.title for problem, _name, _due in sorted(kinds.values(), key=lambda k: k[0].pk)
    ]  # an unknown kind is not valid, so it filters nothing


def test_a_kind_filter_keeps_paging_and_htmx(office_client, kinds):
    assignment = assignment_with_feedback(None, unit=make_unit("多措施单位"))
    today = timezone.localdate()
    for number in range(51):
        problem_with_measures(assignment, today - DAY, title=f"逾期{number}")
    own = problem_with_deadline(assignment, today - DAY, None, title="问题自身逾期")
    own.refresh_from_db()
    assert own.nearest_kind == "problem"  # red too, but not for a measure
    url = reverse("web:ledger")
    first = office_client.get(
        url,
        {"deadline": "measure", "warning": "red"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="ledger-results",
    )
    assert first.context["page"].paginator.count == 52
    assert "?deadline=measure&amp;warning=red&amp;page=2" in first.content.decode()


def test_a_problem_asked_for_closing_is_not_red_in_the_ledger_for_its_measure(office_client, kinds):
    problem, _name, _due = kinds["measure"]
    url = reverse("web:ledger")
    assert problem.title in titles(office_client.get(url, {"warning": "red"}))
    problem.refresh_from_db()
    problem_transition(actor=None, problem=problem, name="rule_done", reason="回访认定整改到位")
    assert problem.title not in titles(office_client.get(url, {"warning": "red"}))
    response = office_client.get(url, {"deadline": "measure"})
    assert titles(response) == []
    assert problem.pk not in office_client.get(url).context["warnings"]
