"""The round page's claims check panel: the imported documents' checks, scoped to the reader."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.digests.test_check_command import DIGEST
from tests.factories import make_round, make_user
from tests.web.conftest import client_for
from xuncha.core.models import Role
from xuncha.digests.services import digest_import
from xuncha.rounds.models import Round, Unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def imported(office: Any) -> Round:
    record = digest_import(actor=office, data=DIGEST, file_name="回访摘编.txt", round_name="第九轮")
    return record.round


def panel_rows(client: Any, round_: Round) -> list[tuple[str, str, str]]:
    """(verdict, kind, line) of each row of the panel; empty when the page has no panel."""
    response = client.get(f"/rounds/{round_.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    panel = re.search(r'<section class="panel" id="claim-checks".*?</section>', html, re.S)
    if panel is None:
        return []
    return re.findall(
        r'<tr data-verdict="(\w+)" data-kind="(\w+)" data-line="(\d+)">', panel.group(0)
    )


def test_the_office_sees_every_check_of_the_round_s_imports(office, imported):
    rows = panel_rows(client_for(office), imported)
    assert sorted(rows) == sorted(
        [
            ("holds", "ledger", "1"),
            ("fails", "ledger", "1"),
            ("fails", "ledger", "1"),
            ("holds", "sum", "1"),
            ("fails", "refund", "7"),
            ("holds", "refund", "13"),
        ]
    )
    html = client_for(office).get(f"/rounds/{imported.pk}/").content.decode()
    assert "清退追回2.4万元，不应超过查出的2万元" in html
    assert "回访摘编.txt" in html


def test_a_group_member_sees_them_all_too(group_member, imported):
    assert len(panel_rows(client_for(group_member), imported)) == 6


def test_a_liaison_sees_only_the_lines_of_their_own_unit(liaison, imported):
    Unit.objects.get(name="市档案馆").liaisons.add(liaison)
    # the refund written in their unit's measure; neither the round's totals nor the other unit
    assert panel_rows(client_for(liaison), imported) == [("fails", "refund", "7")]


def test_a_liaison_of_the_other_unit_sees_its_line_and_not_the_first(imported):
    other = make_user("other-liaison", Role.UNIT)
    Unit.objects.get(name="市气象局").liaisons.add(other)
    assert panel_rows(client_for(other), imported) == [("holds", "refund", "13")]


def test_an_outsider_does_not_reach_the_round(outsider, imported):
    assert client_for(outsider).get(f"/rounds/{imported.pk}/").status_code == 404


def test_a_round_without_imports_has_no_panel(office):
    round_ = make_round("空轮次")
    assert panel_rows(client_for(office), round_) == []
