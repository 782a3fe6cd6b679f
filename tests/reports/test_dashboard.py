"""The dashboard's figures: the notice's for the same scope, and a liaison's their units' only.

Runs on SQLite and on PostgreSQL (``DATABASE_URL``) alike: the figures come from SQL aggregates,
and both databases must give the notice's numbers.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from tests.reports.dashboard_data import TODAY, DashboardData, build_dashboard_data
from xuncha.clocks.selectors import colour_filter
from xuncha.findings.models import Problem, ProblemStatus, Regulation, RegulationAction
from xuncha.reports.dashboard import Dashboard, dashboard_figures, dashboard_problems
from xuncha.reports.selectors import Scope, notice_compose, notice_totals
from xuncha.text.notice import NoticeTotals

pytestmark = pytest.mark.django_db


@pytest.fixture
def data() -> DashboardData:
    return build_dashboard_data()


def figures_of(user, **scope) -> Dashboard:  # type: ignore[no-untyped-def]
    return dashboard_figures(dashboard_problems(user, **scope), TODAY)


def values(figures: Dashboard, key: str, series: int = 0) -> list:
    return list(figures.chart(key).series[series].values)


def assert_charts_state(figures: Dashboard, totals: NoticeTotals) -> None:
    """Every chart that shows a notice figure shows the notice's number."""
    assert values(figures, "completion") == [totals.closed, totals.basically_done, totals.not_done]
    money = dict(zip(figures.chart("money").categories, values(figures, "money"), strict=True))
    assert money["查处违规资金"] * 10_000 == pytest.approx(totals.money_of("found"), abs=50)
    assert money["清退追缴资金"] * 10_000 == pytest.approx(totals.money_of("refunded"), abs=50)
    # The notice's breakdown (其中…) kind by kind; its parts may add up past the total (人次).
    chart = figures.chart("accountability")
    held = dict(zip(chart.categories, values(figures, "accountability"), strict=True))
    expected = {item.kind: item.people for item in totals.accountability_by_kind if item.people}
    rest = totals.people_held_to_account - sum(expected.values())
    assert {kind: n for kind, n in held.items() if n} == expected | (
        {"未写明方式": rest} if rest > 0 else {}
    )
    aside = dict(zip(chart.categories, values(figures, "accountability", 1), strict=True))
    assert {kind: n for kind, n in aside.items() if n} == {
        item.kind: item.people for item in totals.beside_accountability if item.people
    }
    assert str(totals.people_held_to_account) in chart.note
    assert sum(values(figures, "regulations")) == totals.regulations
    assert sum(values(figures, "status")) == totals.fed_back


def test_the_dashboard_of_a_round_states_the_notices_figures(data):
    round_ = data.dataset.round
    figures = figures_of(data.office, round_=round_)
    notice = notice_compose(data.office, Scope(round_), as_of=TODAY)
    assert figures.totals == notice.totals
    assert figures.totals.fed_back == data.dataset.problem_count
    assert figures.completion_rate == f"{notice.totals.completion_rate}%"
    assert_charts_state(figures, notice.totals)
    # The rules split by what was done, as counted row by row.
    chart = figures.chart("regulations")
    split = dict(zip(chart.categories, values(figures, "regulations"), strict=True))
    expected: dict[str, int] = {}
    for action, count in Regulation.objects.filter(
        measure__problem__assignment__round=round_
    ).values_list("action", "count"):
        label = str(RegulationAction(action).label) if action else "未写明"
        expected[label] = expected.get(label, 0) + count
    assert {label: n for label, n in split.items() if n} == expected and len(expected) > 1
    # The dataset is varied enough for every chart to have something to say.
    assert not any(chart.empty for chart in figures.charts)


@pytest.mark.parametrize("narrowed", ["group", "unit", "group and unit"])
def test_the_dashboard_of_a_group_or_unit_states_the_notices_figures(data, narrowed):
    round_ = data.dataset.round
    group = data.dataset.groups[1] if "group" in narrowed else None
    unit = data.dataset.units[1] if "unit" in narrowed else None
    figures = figures_of(data.office, round_=round_, group=group, unit=unit)
    notice = notice_compose(data.office, Scope(round_, group=group, unit=unit), as_of=TODAY)
    assert figures.totals == notice.totals
    assert 0 < figures.totals.fed_back < data.dataset.problem_count
    assert_charts_state(figures, notice.totals)


def test_a_group_alone_is_its_rounds_group(data):
    group = data.dataset.groups[2]
    alone = figures_of(data.office, group=group)
    notice = notice_compose(data.office, Scope(group.round, group=group), as_of=TODAY)
    assert alone.totals == notice.totals


def test_every_round_counts_every_problem_and_each_round_adds_up_to_it(data):
    every = figures_of(data.office)
    assert every.totals.fed_back == Problem.objects.count()
    rounds = [
        notice_totals(dashboard_problems(data.office, round_=round_))
        for round_ in (data.dataset.round, data.dataset.other_round)
    ]
    assert every.totals.fed_back == sum(totals.fed_back for totals in rounds)
    assert every.totals.closed == sum(totals.closed for totals in rounds)
    assert every.totals.regulations == sum(totals.regulations for totals in rounds)


def test_a_liaisons_dashboard_counts_their_units_only(data):
    own = [unit.pk for unit in data.own_units]
    for scope in ({}, {"round_": data.dataset.round}, {"round_": data.dataset.other_round}):
        figures = figures_of(data.liaison, **scope)
        theirs = Problem.objects.filter(assignment__unit_id__in=own)
        if "round_" in scope:
            theirs = theirs.filter(assignment__round=scope["round_"])
        assert figures.totals == notice_totals(theirs)
        assert figures.totals.fed_back == theirs.count() > 0
        assert {unit.name for unit in figures.totals.by_unit} <= {u.name for u in data.own_units}


def test_a_liaisons_charts_name_none_of_the_other_units(data):
    office_charts = json.dumps(figures_of(data.office).charts_json(), ensure_ascii=False)
    liaison = figures_of(data.liaison)
    liaison_charts = json.dumps(liaison.charts_json(), ensure_ascii=False)
    others = [unit.name for unit in data.other_units]
    # The office's overdue chart names other units; the liaison's never does.
    assert any(name in office_charts for name in others)
    assert not any(name in liaison_charts for name in others)
    assert set(liaison.chart("overdue").categories) <= {unit.name for unit in data.own_units}
    assert liaison.overdue == (
        Problem.objects.filter(assignment__unit__in=data.own_units)
        .filter(colour_filter("red", TODAY))
        .count()
    )


def test_a_liaison_asking_for_another_units_scope_sees_nothing_of_it(data):
    other = data.other_units[0]
    figures = figures_of(data.liaison, round_=data.dataset.round, unit=other)
    assert figures.totals.fed_back == 0
    assert figures.completion_rate == "—"
    assert all(chart.empty for chart in figures.charts if chart.key != "money")


def test_a_group_member_reads_as_the_ledger_does(data):
    """A group member's scope is the ledger's (``problems_for_user``: every unit)."""
    member = figures_of(data.member, round_=data.dataset.round)
    assert member.totals == figures_of(data.office, round_=data.dataset.round).totals


def test_problems_by_status_and_warnings_are_counted_from_the_rows(data):
    figures = figures_of(data.office, round_=data.dataset.round)
    problems = Problem.objects.filter(assignment__round=data.dataset.round)
    assert figures.status == {
        status: problems.filter(status=status).count() for status in ProblemStatus.values
    }
    warnings = figures.chart("warnings")
    by_colour = {series.name: sum(series.values) for series in warnings.series}
    assert by_colour["逾期"] == problems.filter(colour_filter("red", TODAY)).count() > 0
    assert by_colour["临期"] == problems.filter(colour_filter("yellow", TODAY)).count() > 0
    assert by_colour["正常"] == problems.filter(colour_filter("green", TODAY)).count() > 0
    paused = problems.filter(nearest_paused=True).count()
    assert paused > 0 and f"另有{paused}个问题的时限暂停计时" in warnings.note
    assert set(warnings.categories) == {"整改措施", "问题整改时限", "整改情况报告", "回访认定"}
    assert figures.overdue == by_colour["逾期"]


def test_progress_by_month_counts_feedback_and_closing_moves(data):
    figures = figures_of(data.office, round_=data.dataset.round)
    progress = figures.chart("progress")
    months = [dt.date.fromisoformat(f"{label}-01") for label in progress.categories]
    assert months == sorted(months) and months[0] == dt.date(2026, 1, 1)
    closed = dict(zip(months, progress.series[1].values, strict=True))
    in_round = Problem.objects.filter(assignment__round=data.dataset.round)
    assert sum(closed.values()) == in_round.filter(status=ProblemStatus.CLOSED).count()
    assert sum(progress.series[0].values) == in_round.count()
    every = figures_of(data.office).chart("progress")
    every_closed = dict(zip(every.categories, every.series[1].values, strict=True))
    assert {
        dt.date.fromisoformat(f"{label}-01"): count
        for label, count in every_closed.items()
        if count
    } == data.closed_by_month


def test_the_dashboard_takes_a_few_queries_whatever_the_size(data, django_assert_max_num_queries):
    problems = dashboard_problems(data.office, round_=data.dataset.round)
    with django_assert_max_num_queries(14):
        dashboard_figures(problems, TODAY)
