"""The reading pages: who reaches what, and what each page shows."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import make_problem

pytestmark = pytest.mark.django_db


def test_anonymous_visitors_are_sent_to_the_login_page(client, world):
    for url in [
        reverse("web:home"),
        reverse("web:round", args=[world.round.pk]),
        reverse("web:assignment", args=[world.own.pk]),
        reverse("web:problem", args=[world.own_problem.pk]),
        reverse("web:ledger"),
        reverse("web:import"),
    ]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login") + "?next=")


def test_the_login_page_is_in_chinese(client):
    response = client.get(reverse("login"))
    content = response.content.decode()
    assert response.status_code == 200
    assert "登录巡察整改台账" in content
    assert 'lang="zh-hans"' in content


def test_logging_in_through_the_form_leads_home(client, office):
    response = client.post(reverse("login"), {"username": "office", "password": "pw-test-1"})
    assert response.status_code == 302
    assert response["Location"] == reverse("web:home")


def test_a_wrong_password_is_refused_with_a_chinese_message(client, office):
    response = client.post(reverse("login"), {"username": "office", "password": "wrong"})
    assert "用户名或密码不正确" in response.content.decode()


def test_the_home_page_lists_rounds_with_their_counts(office_client, world):
    response = office_client.get(reverse("web:home"))
    content = response.content.decode()
    assert response.status_code == 200
    assert world.round.name in content
    assert reverse("web:round", args=[world.round.pk]) in content
    row = response.context["rows"][0]
    assert (row["units"], row["problems"], row["closed"]) == (2, 2, 0)


def test_the_navigation_shows_the_user_role_and_a_logout_form(office_client, world):
    content = office_client.get(reverse("web:home")).content.decode()
    assert "巡察办" in content
    assert f'action="{reverse("logout")}"' in content
    assert reverse("web:import") in content
    assert "htmx-2.min.js" in content


def test_a_liaison_sees_only_the_counts_of_their_own_unit(liaison_client, world):
    response = liaison_client.get(reverse("web:home"))
    row = response.context["rows"][0]
    assert (row["units"], row["problems"]) == (1, 1)
    assert reverse("web:import") not in response.content.decode()


def test_a_user_without_a_role_sees_no_round(outsider_client, world):
    response = outsider_client.get(reverse("web:home"))
    assert response.context["rows"] == []
    assert outsider_client.get(reverse("web:round", args=[world.round.pk])).status_code == 404


def test_the_round_page_shows_facts_groups_units_and_counts_by_status(office_client, world):
    response = office_client.get(reverse("web:round", args=[world.round.pk]))
    content = response.content.decode()
    assert response.status_code == 200
    assert "未设定" in content  # no dates, and the second unit has no group
    assert "第一巡察组" in content and "张组长" in content and "inspector" in content
    assert "市档案馆" in content and "市气象局" in content
    rows = {row["assignment"].unit.name: row for row in response.context["unit_rows"]}
    assert rows["市档案馆"]["total"] == 1
    statuses = [value for value, _label in response.context["statuses"]]
    assert response.context["totals"][statuses.index("in_progress")] == 2
    assert response.context["total"] == 2


def test_a_liaison_sees_only_their_unit_on_the_round_page(liaison_client, world):
    response = liaison_client.get(reverse("web:round", args=[world.round.pk]))
    names = [row["assignment"].unit.name for row in response.context["unit_rows"]]
    assert names == ["市档案馆"]
    assert response.context["total"] == 1


def test_the_unit_page_marks_the_figures_of_each_measure(office_client, world):
    response = office_client.get(reverse("web:assignment", args=[world.own.pk]))
    content = response.content.decode()
    assert response.status_code == 200
    assert "档案数字化进度偏慢" in content
    assert '<mark class="outcome outcome-money"' in content
    assert ">2.4万元</mark>" in content
    assert "档案数字化工作方案" in content  # the regulation is listed


def test_the_problem_page_shows_measures_report_and_history(office_client, world):
    response = office_client.get(reverse("web:problem", args=[world.own_problem.pk]))
    content = response.content.decode()
    assert response.status_code == 200
    assert "档案数字化进度偏慢" in content
    assert "整改中" in content  # status badge
    assert "一是" in content and "二是" in content
    assert "新建问题" in content and "开始整改" in content  # audit entries and events
    assert reverse("web:measure_edit", args=[world.own_problem.measures.first().pk]) in content


def test_a_group_member_reads_every_unit_but_cannot_edit(group_client, world):
    response = group_client.get(reverse("web:problem", args=[world.other_problem.pk]))
    assert response.status_code == 200
    measure = world.other_problem.measures.first()
    assert reverse("web:measure_edit", args=[measure.pk]) not in response.content.decode()
    assert group_client.get(reverse("web:measure_edit", args=[measure.pk])).status_code == 404
    assert group_client.get(reverse("web:import")).status_code == 404


@pytest.mark.parametrize(
    "name, attribute",
    [("web:assignment", "other"), ("web:problem", "other_problem")],
)
def test_a_liaison_gets_404_for_another_units_pages(liaison_client, world, name, attribute):
    url = reverse(name, args=[getattr(world, attribute).pk])
    assert liaison_client.get(url).status_code == 404


def test_a_liaison_reaches_their_own_units_pages(liaison_client, world):
    assert liaison_client.get(reverse("web:assignment", args=[world.own.pk])).status_code == 200
    response = liaison_client.get(reverse("web:problem", args=[world.own_problem.pk]))
    assert response.status_code == 200
    # In rectification the measures are the office's: the liaison reads them, no edit link.
    measure = world.own_problem.measures.first()
    assert reverse("web:measure_edit", args=[measure.pk]) not in response.content.decode()
    # A problem still 待整改, its plan not submitted: the liaison proposes, so may edit.
    pending = make_problem(world.own, title="公务接待不规范", start=False)
    response = liaison_client.get(reverse("web:problem", args=[pending.pk]))
    assert response.status_code == 200
    measure = pending.measures.first()
    assert reverse("web:measure_edit", args=[measure.pk]) in response.content.decode()


def test_a_liaison_gets_404_for_another_units_measures(liaison_client, world):
    measure = world.other_problem.measures.first()
    for name in ["web:measure", "web:measure_edit"]:
        assert liaison_client.get(reverse(name, args=[measure.pk])).status_code == 404
    response = liaison_client.post(
        reverse("web:measure_edit", args=[measure.pk]),
        {"text": "改写", "expected_version": world.other_problem.version},
    )
    assert response.status_code == 404
    measure.refresh_from_db()
    assert measure.text != "改写"


def test_a_liaison_cannot_reach_the_import_page(liaison_client, world):
    assert liaison_client.get(reverse("web:import")).status_code == 404
    assert liaison_client.post(reverse("web:import"), {"action": "preview"}).status_code == 404


def test_unknown_ids_are_404(office_client, world):
    for name in ["web:round", "web:assignment", "web:problem", "web:measure"]:
        assert office_client.get(reverse(name, args=[999999])).status_code == 404
