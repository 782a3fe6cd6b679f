"""The dashboard page: who reaches it, what a liaison's shows, and the charts in a browser.

The browser test is acceptance item 1 of issue 14: the charts draw from the app's own static
files with no request leaving the live server, each beside its table, and a liaison's page
names their units only.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from tests.reports.dashboard_data import DashboardData, build_dashboard_data
from tests.web.browser import (
    chromium,
    log_in,
    new_page,
    screenshot,
)
from tests.web.conftest import client_for
from xuncha.findings.models import Problem
from xuncha.reports.selectors import Scope, notice_compose

CHART_KEYS = [
    "status",
    "completion",
    "warnings",
    "overdue",
    "money",
    "accountability",
    "regulations",
    "progress",
]


@pytest.fixture
def data(db: Any) -> DashboardData:
    return build_dashboard_data(units=5, problems_per_unit=12)


def dashboard_html(user: Any, **query: Any) -> str:
    response = client_for(user).get(reverse("web:dashboard"), query)
    assert response.status_code == 200
    return response.content.decode()


def test_an_anonymous_visitor_is_sent_to_log_in(db):
    response = Client().get(reverse("web:dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_office_sees_every_chart_with_its_table_and_the_notices_figures(data):
    round_ = data.dataset.round
    html = dashboard_html(data.office, round=round_.pk)
    for key in CHART_KEYS:
        assert f'data-chart="{key}"' in html
        assert f'data-table="{key}"' in html
        assert f'data-download="{key}"' in html
    totals = notice_compose(data.office, Scope(round_)).totals
    assert f'id="figure-fed-back">{totals.fed_back}<' in html
    assert f'id="figure-closed">{totals.closed}<' in html
    assert f'id="figure-basically-done">{totals.basically_done}<' in html
    assert f'id="figure-rate">{totals.completion_rate}%<' in html
    assert 'id="dashboard-data"' in html
    assert "/static/vendor/echarts/echarts.min.js" in html
    assert "/static/web/dashboard.js" in html
    assert all(unit.name in html for unit in data.dataset.units)


def test_the_navigation_links_the_dashboard(data):
    html = dashboard_html(data.office)
    assert re.search(r'<a href="/dashboard/" aria-current="page">统计图表</a>', html)


def test_a_liaisons_page_names_their_units_only(data):
    for query in ({}, {"round": data.dataset.round.pk}):
        html = dashboard_html(data.liaison, **query)
        assert all(unit.name in html for unit in data.own_units)
        assert not any(unit.name in html for unit in data.other_units)


def test_a_liaison_naming_another_unit_in_the_url_sees_none_of_it(data):
    other = data.other_units[0]
    html = dashboard_html(data.liaison, round=data.dataset.round.pk, unit=other.pk)
    assert other.name not in html
    # The unit does not validate, so the page shows the liaison's own units' figures.
    # A liaison's notice of the round covers their units only.
    own = notice_compose(data.liaison, Scope(data.dataset.round)).totals
    assert f'id="figure-fed-back">{own.fed_back}<' in html
    assert not any(unit.name in html for unit in data.other_units)


def test_a_group_of_another_round_is_refused_with_a_message(data):
    html = dashboard_html(
        data.office, round=data.dataset.other_round.pk, group=data.dataset.groups[0].pk
    )
    assert "该巡察组不属于所选轮次。" in html


def test_odd_values_in_the_url_narrow_nothing(data):
    html = dashboard_html(data.office, round="x", group="-1", unit="9999999")
    assert f'id="figure-fed-back">{Problem.objects.count()}<' in html


# ---------------------------------------------------------------------------------------------
# In a browser


@pytest.fixture(scope="module")
def module_browser() -> Iterator[Any]:
    """One headless Chromium for this module's browser tests (skipped without one)."""
    with chromium() as launched:
        yield launched


def watched_page(browser: Any, live_server: Any) -> tuple[Any, list[str]]:
    """A page whose every request is recorded; any not for the live server is aborted."""
    page = new_page(browser)
    host = urlsplit(live_server.url).netloc
    requested: list[str] = []

    def route(request_route: Any) -> None:
        url = request_route.request.url
        requested.append(url)
        if urlsplit(url).netloc == host or url.startswith("data:"):
            request_route.continue_()
        else:
            request_route.abort()

    page.context.route("**/*", route)
    return page, requested


def charts_drawn(page: Any) -> None:
    """Wait until every chart element holds what ECharts drew (a canvas or an svg)."""
    page.wait_for_function(
        "() => { const charts = [...document.querySelectorAll('.dashboard-chart')];"
        " return charts.length > 0 && charts.every(c => c.querySelector('canvas, svg')); }"
    )


@pytest.mark.browser
def test_the_dashboard_draws_its_charts_from_local_files_and_a_liaison_sees_their_units(
    live_server, transactional_db, module_browser
):
    data = build_dashboard_data(units=5, problems_per_unit=12)
    host = urlsplit(live_server.url).netloc

    office, requested = watched_page(module_browser, live_server)
    log_in(office, live_server, "office")
    office.goto(f"{live_server.url}/dashboard/?round={data.dataset.round.pk}")
    charts_drawn(office)
    charts = office.locator(".dashboard-chart")
    assert charts.count() == len(CHART_KEYS)
    for index in range(charts.count()):
        assert charts.nth(index).locator("canvas, svg").count() >= 1
    # Each chart's table beside it, with the notice's numbers.
    totals = notice_compose(data.office, Scope(data.dataset.round)).totals
    completion = office.locator('[data-table="completion"] tbody td').all_inner_texts()
    assert completion == [str(totals.closed), str(totals.basically_done), str(totals.not_done)]
    # The PNG download of a chart.
    with office.expect_download() as download_info:
        office.locator('[data-download="status"]').click()
    download = download_info.value
    assert download.suggested_filename == "dashboard-status.png"
    with open(download.path(), "rb") as png:
        assert png.read(8) == b"\x89PNG\r\n\x1a\n"
    screenshot(office, "dashboard.png")

    liaison, liaison_requested = watched_page(module_browser, live_server)
    log_in(liaison, live_server, "liaison")
    liaison.goto(f"{live_server.url}/dashboard/")
    charts_drawn(liaison)
    text = liaison.locator("main").inner_text()
    assert all(unit.name in text for unit in data.own_units)
    assert not any(unit.name in liaison.content() for unit in data.other_units)
    overdue = liaison.locator('[data-table="overdue"] tbody th').all_inner_texts()
    assert overdue and set(overdue) <= {unit.name for unit in data.own_units}
    screenshot(liaison, "dashboard-liaison.png")

    every = requested + liaison_requested
    assert any("/static/vendor/echarts/echarts.min.js" in url for url in every)
    assert any("/static/web/dashboard.js" in url for url in every)
    outside = [url for url in every if urlsplit(url).netloc != host and not url.startswith("data:")]
    assert outside == []
