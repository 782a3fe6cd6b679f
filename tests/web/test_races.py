"""Edits that race: two people open the same form; the second save is told, the first kept."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.rectification.conftest import problem_at
from tests.web.conftest import client_for
from xuncha.core.models import AuditEntry

pytestmark = pytest.mark.django_db

# 待整改 with no plan submitted: the liaison still proposes the plan, so both the liaison and
# the office may edit it (rectification.authority), and their edits can race.
PROPOSING = "pending"


def opened_version(client, problem, form_key: str) -> int:
    """The version a form on the problem page carries, as a person's browser would send it."""
    response = client.get(reverse("web:problem", args=[problem.pk]))
    return response.context[form_key]["expected_version"].value()


def test_the_second_of_two_plan_edits_gets_the_conflict_and_the_first_is_kept(cast):
    problem = problem_at(cast.assignment, PROPOSING)
    liaison, office = client_for(cast.liaison), client_for(cast.office)
    liaison_version = opened_version(liaison, problem, "plan_form")
    office_version = opened_version(office, problem, "plan_form")
    assert liaison_version == office_version
    url = reverse("web:problem_plan_edit", args=[problem.pk])

    first = liaison.post(
        url,
        {
            "rectification_kind": "immediate",
            "deadline": "2025-04-30",
            "expected_version": liaison_version,
        },
    )
    assert first.status_code == 302
    audit_count = AuditEntry.objects.count()
    second = office.post(
        url,
        {
            "rectification_kind": "long_term",
            "deadline": "",
            "expected_version": office_version,
        },
    )
    assert second.status_code == 409
    content = second.content.decode()
    assert "已被他人修改" in content
    assert '<option value="long_term" selected>' in content  # the office's choice is kept
    assert AuditEntry.objects.count() == audit_count
    problem.refresh_from_db()
    assert (problem.rectification_kind, str(problem.deadline)) == ("immediate", "2025-04-30")


def test_the_second_of_two_new_measures_opened_together_is_refused(cast):
    problem = problem_at(cast.assignment, PROPOSING)
    liaison, office = client_for(cast.liaison), client_for(cast.office)
    version = opened_version(liaison, problem, "add_measure_form")
    assert opened_version(office, problem, "add_measure_form") == version
    url = reverse("web:measure_add", args=[problem.pk])
    assert (
        liaison.post(url, {"text": "建立长效机制。", "expected_version": version}).status_code
        == 302
    )
    response = office.post(url, {"text": "开展专项检查。", "expected_version": version})
    assert response.status_code == 409
    assert "开展专项检查。" in response.content.decode()  # the text typed is still there
    assert list(problem.measures.values_list("text", flat=True).order_by("ordinal"))[-1] == (
        "建立长效机制。"
    )
    assert problem.measures.count() == 2


def test_a_measure_edit_racing_a_plan_edit_is_refused(cast):
    problem = problem_at(cast.assignment, PROPOSING)
    liaison, office = client_for(cast.liaison), client_for(cast.office)
    measure = problem.measures.get()
    edit_url = reverse("web:measure_edit", args=[measure.pk])
    version = liaison.get(edit_url).context["measures"][0].form["expected_version"].value()
    office.post(
        reverse("web:problem_plan_edit", args=[problem.pk]),
        {"rectification_kind": "long_term", "expected_version": version},
    )
    response = liaison.post(
        edit_url,
        {"text": "改写后的措施。", "owner": "王某", "expected_version": version},
    )
    assert response.status_code == 409
    measure.refresh_from_db()
    assert measure.text != "改写后的措施。"


def test_deleting_a_measure_from_a_stale_page_is_refused_with_htmx_409(cast):
    problem = problem_at(cast.assignment, PROPOSING)
    liaison = client_for(cast.liaison)
    [work] = liaison.get(reverse("web:problem", args=[problem.pk])).context["measures"]
    version = work.delete_form["expected_version"].value()
    liaison.post(
        reverse("web:problem_plan_edit", args=[problem.pk]),
        {"rectification_kind": "immediate", "expected_version": version},
    )
    response = liaison.post(
        reverse("web:measure_delete", args=[work.measure.pk]),
        {"expected_version": version},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 409
    assert "已被他人修改" in response.content.decode()
    assert problem.measures.filter(pk=work.measure.pk).exists()
