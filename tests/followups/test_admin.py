"""The office's admin pages for follow-ups: set-up is editable and audited, records read-only."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from tests.factories import make_user
from xuncha.core.models import AuditEntry, Role


@pytest.fixture
def admin_client(client, cast):
    client.force_login(make_user("admin", Role.OFFICE, is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize(
    "model", ["followup", "rubric", "surveytemplate", "visit", "verdict", "score"]
)
def test_the_admin_lists_each_follow_up_model(admin_client, plan, model):
    response = admin_client.get(reverse(f"admin:followups_{model}_changelist"))
    assert response.status_code == 200


def test_visits_are_read_only_in_the_admin(admin_client, plan):
    assert admin_client.get(reverse("admin:followups_visit_add")).status_code == 403
    page = admin_client.get(reverse("admin:followups_visit_change", args=[plan.visit.pk]))
    assert page.status_code == 200
    assert b'name="heard"' not in page.content


def test_a_rubric_that_does_not_add_up_is_refused_in_the_admin(admin_client):
    response = admin_client.post(
        reverse("admin:followups_rubric_add"),
        {"name": "评分", "total": 100, "passing": 90, "items": json.dumps([["责任", 40]])},
    )
    assert response.status_code == 200
    assert "与满分100不符" in response.content.decode()
    admin_client.post(
        reverse("admin:followups_rubric_add"),
        {"name": "评分", "total": 100, "passing": 90, "items": json.dumps([["责任", 100]])},
    )
    assert AuditEntry.objects.filter(action="rubric.create.admin").exists()
