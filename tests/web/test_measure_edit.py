"""Editing a measure on the problem page: full-page POST, HTMX swaps, conflicts, errors."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import make_problem
from xuncha.core.models import AuditEntry
from xuncha.findings.services import measure_update

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def edit_url(measure):
    return reverse("web:measure_edit", args=[measure.pk])


def form_data(problem, **changes):
    problem.refresh_from_db()
    data = {
        "text": "清退违规发放补贴5.6万元，对3名责任人进行诫勉谈话。",
        "owner": "李副局长",
        "department": "办公室",
        "deadline": "2021-06-30",
        "expected_version": problem.version,
    }
    return data | changes


def test_posting_the_form_changes_the_measure_writes_audit_and_refreshes_figures(
    office_client, world
):
    problem = world.own_problem
    measure = problem.measures.get(ordinal=2)
    audit_before = AuditEntry.objects.filter(action="measure.update").count()
    response = office_client.post(edit_url(measure), form_data(problem))
    assert response.status_code == 302
    assert response["Location"].endswith(f"#measure-{measure.pk}")
    measure.refresh_from_db()
    assert measure.text.startswith("清退违规发放补贴5.6万元")
    assert (measure.owner, measure.department, str(measure.deadline)) == (
        "李副局长",
        "办公室",
        "2021-06-30",
    )
    entry = AuditEntry.objects.filter(action="measure.update").last()
    assert AuditEntry.objects.filter(action="measure.update").count() == audit_before + 1
    assert entry.actor.username == "office" and entry.scope == f"problem:{problem.pk}"
    money = measure.outcomes.get(kind="money")
    assert money.value == "56000"
    assert measure.text[money.start : money.end] == money.source_text
    page = office_client.get(response["Location"]).content.decode()
    assert "整改措施已保存" in page
    assert ">5.6万元</mark>" in page
    assert "修改整改措施" in page  # the history shows the change


def test_a_stale_version_shows_the_conflict_and_writes_nothing(office_client, world):
    problem = world.own_problem
    measure = problem.measures.get(ordinal=1)
    problem.refresh_from_db()
    stale = problem.version
    other = problem.measures.get(ordinal=2)
    measure_update(actor=None, measure=other, expected_version=stale, text="他人先改了这一项。")
    audit_count = AuditEntry.objects.count()
    response = office_client.post(edit_url(measure), form_data(problem, expected_version=stale))
    assert response.status_code == 409
    content = response.content.decode()
    assert "已被他人修改" in content
    assert "清退违规发放补贴5.6万元" in content  # the user's text is kept in the form
    assert AuditEntry.objects.count() == audit_count
    measure.refresh_from_db()
    assert measure.text.startswith("制定《档案数字化工作方案》")


def test_an_empty_text_is_a_form_error(office_client, world):
    problem = world.own_problem
    measure = problem.measures.first()
    response = office_client.post(edit_url(measure), form_data(problem, text="   "))
    assert response.status_code == 200
    assert "field-error" in response.content.decode()
    measure.refresh_from_db()
    assert measure.text.startswith("制定")


def test_without_javascript_the_edit_link_opens_the_problem_page_with_the_form(
    office_client, world
):
    measure = world.own_problem.measures.first()
    response = office_client.get(edit_url(measure))
    content = response.content.decode()
    assert response.status_code == 200
    assert "<html" in content
    assert 'name="expected_version"' in content
    world.own_problem.refresh_from_db()
    assert f'value="{world.own_problem.version}"' in content


def test_with_htmx_the_edit_link_returns_only_the_form(office_client, world):
    measure = world.own_problem.measures.first()
    response = office_client.get(edit_url(measure), **HTMX)
    content = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in content
    assert f'id="measure-{measure.pk}"' in content
    assert f'hx-post="{edit_url(measure)}"' in content


def test_with_htmx_saving_returns_the_refreshed_measure_and_history(office_client, world):
    problem = world.own_problem
    measure = problem.measures.get(ordinal=2)
    response = office_client.post(edit_url(measure), form_data(problem), **HTMX)
    content = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in content
    assert ">5.6万元</mark>" in content
    assert 'id="history"' in content and 'hx-swap-oob="true"' in content
    assert "修改整改措施" in content


def test_with_htmx_a_conflict_answers_409_with_the_message(office_client, world):
    problem = world.own_problem
    measure = problem.measures.first()
    problem.refresh_from_db()
    stale = problem.version
    measure_update(actor=None, measure=measure, expected_version=stale, text="他人先改了。")
    response = office_client.post(
        edit_url(measure), form_data(problem, expected_version=stale), **HTMX
    )
    assert response.status_code == 409
    assert "已被他人修改" in response.content.decode()
    assert "<html" not in response.content.decode()


def test_with_htmx_cancelling_returns_the_measure_unchanged(office_client, world):
    measure = world.own_problem.measures.get(ordinal=2)
    url = reverse("web:measure", args=[measure.pk])
    response = office_client.get(url, **HTMX)
    assert response.status_code == 200
    assert "<mark" in response.content.decode()
    plain = office_client.get(url)
    assert plain.status_code == 302 and plain["Location"].endswith(f"#measure-{measure.pk}")


def test_a_liaison_edits_their_own_units_measure(liaison_client, world):
    # While the problem is 待整改 and the plan not yet submitted, the unit proposes its plan.
    problem = make_problem(world.own, title="公务接待不规范", start=False)
    measure = problem.measures.first()
    response = liaison_client.post(edit_url(measure), form_data(problem))
    assert response.status_code == 302
    assert AuditEntry.objects.filter(action="measure.update").last().actor.username == "liaison"
    measure.refresh_from_db()
    assert measure.owner == "李副局长"
