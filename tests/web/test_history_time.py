"""Times in China's time (issue 9, acceptance 5): a change made at 09:00 in Beijing reads 09:00
on the problem's history, in the audit log and in the API, whatever the server's clock zone."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.urls import reverse

from tests.factories import make_problem
from tests.web.conftest import client_for
from xuncha.findings.services import measure_update

NINE_IN_BEIJING = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)  # 09:00 China Standard Time


@pytest.fixture
def edited(cast):
    problem = make_problem(cast.assignment)
    measure = problem.measures.order_by("ordinal").first()
    with mock.patch("django.utils.timezone.now", return_value=NINE_IN_BEIJING):
        measure_update(
            actor=cast.office,
            measure=measure,
            text="修订完善制度15项。",
            owner="",
            department="",
            deadline=None,
            expected_version=problem.version,
        )
    return problem


def test_the_history_shows_a_change_at_nine_as_nine(cast, edited):
    page = client_for(cast.office).get(reverse("web:problem", args=[edited.pk]))
    assert "2026-03-02 09:00" in page.content.decode()
    assert "2026-03-02 01:00" not in page.content.decode()


def test_the_audit_log_and_the_api_say_nine_too(cast, edited):
    office = client_for(cast.office)
    audit = office.get(reverse("web:audit")).content.decode()
    assert "2026-03-02 09:00" in audit
    from xuncha.core.models import AuditEntry

    entry = AuditEntry.objects.filter(action="measure.update").get()
    assert entry.at == NINE_IN_BEIJING
