"""The demo's notice against the figures the demo means to create (``xuncha.demo.intended``).

The intended figures come from the demo's declarations only (each problem's planned progress,
what each measure is declared to state), never from the database or the measure texts; the
notice comes from the rows the loader wrote, read by the application's own selectors.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import override_settings

from tests.factories import migrations_rows_restore
from xuncha.demo.content import ROUND_NAME
from xuncha.demo.intended import IntendedFigures, intended_figures
from xuncha.demo.load import DemoSummary, demo_load
from xuncha.findings.models import Accountability
from xuncha.reports.selectors import ComposedNotice, Scope, notice_compose
from xuncha.rounds.models import Round

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def loaded(
    django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: Any
) -> Iterator[DemoSummary]:
    """The demo, loaded once for these tests that only read it, in a transaction rolled back
    at the end (as in ``test_dataset``); evidence files go to a temporary folder."""
    media = tmp_path_factory.mktemp("media")
    with django_db_blocker.unblock():
        migrations_rows_restore()
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media), transaction.atomic():
        yield demo_load()
        transaction.set_rollback(True)


@pytest.fixture
def notice(loaded: DemoSummary, db: Any) -> ComposedNotice:
    office = get_user_model().objects.get(username="office")
    return notice_compose(office, Scope(Round.objects.get(name=ROUND_NAME)))


@pytest.fixture
def intended() -> IntendedFigures:
    return intended_figures()


def test_the_demo_leaves_its_problems_in_the_statuses_it_means(
    loaded: DemoSummary, db: Any, intended: IntendedFigures
) -> None:
    present = {status: count for status, count in loaded.status_counts.items() if count}
    assert present == intended.statuses


def test_the_notice_counts_problems_as_the_demo_means(
    notice: ComposedNotice, intended: IntendedFigures
) -> None:
    totals = notice.totals
    assert (totals.fed_back, totals.closed, totals.basically_done, totals.not_done) == (
        intended.fed_back,
        intended.closed,
        intended.basically_done,
        intended.not_done,
    )


def test_the_notice_counts_each_person_held_to_account_once(
    notice: ComposedNotice, intended: IntendedFigures
) -> None:
    totals = notice.totals
    assert totals.people_held_to_account == intended.held
    assert {item.kind: item.people for item in totals.accountability_by_kind} == intended.by_kind
    assert {item.kind: item.people for item in totals.beside_accountability} == intended.beside
    assert totals.accountability_unnumbered == 0
    # the demo's texts break counts down (其中…) and state talks: adding every count they
    # state, as the notice once did, gives more than the people held to account
    every_count = sum(row.people or 0 for row in Accountability.objects.all())
    assert every_count > intended.held + sum(intended.beside.values())


def test_the_notice_text_states_the_intended_people(
    notice: ComposedNotice, intended: IntendedFigures
) -> None:
    paragraphs = notice.text.split("\n\n")
    (people,) = [p for p in paragraphs if p.startswith("追责问责：")]
    assert people.startswith(f"追责问责：共追责问责{intended.held}人（次），其中")
    assert "共追责问责48人" not in notice.text  # the parts were once added to their counts
    for kind, count in intended.by_kind.items():
        assert f"{kind}{count}人（次）" in people
    rest = intended.held - sum(intended.by_kind.values())
    assert f"未写明方式{rest}人（次）" in people
    for kind, count in intended.beside.items():
        assert f"{kind}：{count}人（次），不计入追责问责人数。" in paragraphs


def test_the_notice_gives_money_by_what_it_counts(
    notice: ComposedNotice, intended: IntendedFigures
) -> None:
    assert {item.category: item.amount for item in notice.totals.money} == intended.money
