"""A publication's workflow, written out by hand (see tests/rectification/
test_workflow_tables.py for how the tables read): only the office publishes a draft, once."""

from __future__ import annotations

import pytest

from tests.rectification.conftest import problem_at
from tests.rectification.test_workflow_tables import check_table, parse
from xuncha.reports.models import Publication
from xuncha.reports.services import notice_draft, publication_publish
from xuncha.reports.workflow import PUBLICATION

pytestmark = pytest.mark.django_db

PUBLICATION_TABLE = parse("""
status     move     office  liaison  member  supervisor  outsider
draft      publish  ok      权限     权限    权限        权限
published  publish  状态    权限     权限    权限        权限
""")


@pytest.mark.parametrize(("status", "label"), [("draft", "草稿"), ("published", "已发布")])
def test_the_publication_workflow_is_the_table(cast, status, label):
    problem_at(cast.assignment, "in_progress")
    notice = notice_draft(actor=cast.office, round_=cast.assignment.round)
    if status == "published":
        notice = publication_publish(actor=cast.office, publication=notice)
    actors = {
        "office": (cast.office, {}),
        "liaison": (cast.liaison, {}),
        "member": (cast.member, {}),
        "supervisor": (cast.supervisor, {}),
        "outsider": (cast.outsider, {}),
    }
    check_table(
        PUBLICATION,
        notice,
        status,
        PUBLICATION_TABLE,
        actors,
        {"publish": "发布"},
        label,
        {"publish": "published"},
    )


def test_an_empty_draft_lists_publish_with_the_reason(cast):
    notice = notice_draft(actor=cast.office, round_=cast.assignment.round)
    Publication.objects.filter(pk=notice.pk).update(draft_text="  ")
    notice.refresh_from_db()
    [publish] = PUBLICATION.moves(notice, cast.office)
    assert (publish.name, publish.refusal) == ("publish", "稿件内容为空，不能发布。")
