"""A publication's workflow, written out by hand (see tests/rectification/
test_workflow_tables.py for how the tables read): the office drafts, another office user
approves (four eyes), the office publishes and may withdraw; nothing moves after withdrawal.

The office column is an office user who neither drafted nor edited the draft; the drafter's
own approval is refused (test_disclosure.py walks the four-eyes rule)."""

from __future__ import annotations

import pytest

from tests.rectification.conftest import problem_at
from tests.rectification.test_workflow_tables import check_table, parse
from xuncha.reports.models import Publication
from xuncha.reports.services import (
    notice_draft,
    publication_approve,
    publication_publish,
    publication_withdraw,
)
from xuncha.reports.workflow import PUBLICATION

pytestmark = pytest.mark.django_db

LABELS = {"approve": "审核通过", "return": "退回修改", "publish": "发布", "withdraw": "撤回"}
TARGETS = {
    "approve": "approved",
    "return": "draft",
    "publish": "published",
    "withdraw": "withdrawn",
}
PUBLICATION_TABLE = parse("""
status     move      office  liaison  member  supervisor  outsider
draft      approve   ok      权限     权限    权限        权限
draft      return    状态    权限     权限    权限        权限
draft      publish   状态    权限     权限    权限        权限
draft      withdraw  状态    权限     权限    权限        权限
approved   approve   状态    权限     权限    权限        权限
approved   return    ok      权限     权限    权限        权限
approved   publish   ok      权限     权限    权限        权限
approved   withdraw  状态    权限     权限    权限        权限
published  approve   状态    权限     权限    权限        权限
published  return    状态    权限     权限    权限        权限
published  publish   状态    权限     权限    权限        权限
published  withdraw  ok      权限     权限    权限        权限
withdrawn  approve   状态    权限     权限    权限        权限
withdrawn  return    状态    权限     权限    权限        权限
withdrawn  publish   状态    权限     权限    权限        权限
withdrawn  withdraw  状态    权限     权限    权限        权限
""")
STATUS_LABELS = {
    "draft": "草稿",
    "approved": "已审核",
    "published": "已发布",
    "withdrawn": "已撤回",
}


@pytest.mark.parametrize("status", list(STATUS_LABELS))
def test_the_publication_workflow_is_the_table(cast, status):
    problem_at(cast.assignment, "in_progress")
    notice = notice_draft(actor=cast.office, round_=cast.assignment.round)
    if status != "draft":
        notice = publication_approve(actor=cast.office2, publication=notice)
    if status in {"published", "withdrawn"}:
        notice = publication_publish(actor=cast.office, publication=notice)
    if status == "withdrawn":
        notice = publication_withdraw(actor=cast.office, publication=notice, reason="数据有误")
    actors = {
        "office": (cast.office2, {}),
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
        LABELS,
        STATUS_LABELS[status],
        TARGETS,
    )


def test_an_empty_draft_lists_approve_with_the_reason(cast):
    notice = notice_draft(actor=cast.office, round_=cast.assignment.round)
    Publication.objects.filter(pk=notice.pk).update(draft_text="  ")
    notice.refresh_from_db()
    [approve] = PUBLICATION.moves(notice, cast.office2)
    assert (approve.name, approve.refusal) == ("approve", "稿件内容为空，不能发布。")
