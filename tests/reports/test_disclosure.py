"""Disclosure (公开) of publications: the workflow's moves and who may make them (four eyes),
the items and their withholding reasons, redaction of names, the public text frozen at
publishing, withdrawal, and the rows that existed before disclosure."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from tests.factories import make_user
from tests.followups.conftest import plan, problem_in  # noqa: F401
from tests.reports.publishing import approved
from xuncha.core.models import AuditEntry, Role, StatusChange
from xuncha.core.workflow import TransitionRefused
from xuncha.findings.models import Measure
from xuncha.findings.services import EditRefused
from xuncha.reports.disclosure import (
    DisclosureError,
    name_candidates,
    public_publications,
    public_text_for,
    publication_item_decide,
    publication_redactions_set,
    split_items,
)
from xuncha.reports.models import (
    ItemKind,
    Publication,
    PublicationItem,
    PublicationKind,
    PublicationStatus,
)
from xuncha.reports.services import (
    digest_draft_for_batch,
    notice_draft,
    publication_approve,
    publication_edit,
    publication_publish,
    publication_return,
    publication_withdraw,
)

pytestmark = pytest.mark.django_db

NAMED = "由办公室主任张建国同志牵头，修订完善相关制度2项。"


@pytest.fixture
def digest(cast, plan):  # noqa: F811
    """A draft digest of the visited unit's two problems, one naming the person in charge."""
    problem_in(cast.assignment, "in_progress", title="制度执行不严")
    problem_in(cast.assignment, "in_progress", title="线索正在核查")
    draft = digest_draft_for_batch(actor=cast.office, batch=plan.batch)
    text = draft.draft_text.replace("修订完善相关制度2项。", NAMED, 1)
    return publication_edit(
        actor=cast.office, publication=draft, expected_version=draft.version, draft_text=text
    )


def item(publication, title):
    return publication.items.get(kind=ItemKind.PROBLEM, title=title)


def test_a_digest_is_read_into_its_opening_units_problems_and_byline():
    text = (
        "近日，巡察组对2家单位进行了回访督查。\n\n市甲局\n\n问题：会议记录不全\n\n"
        "整改：一是补齐记录。二是建立台账。\n\n另段说明。\n\n市乙局\n\n问题：制度执行不严\n\n"
        "整改：修订制度2项。\n\n（通讯员 某某）"
    )
    items = split_items(PublicationKind.DIGEST, text)
    assert [(i.kind, i.unit_name, i.title) for i in items] == [
        ("introduction", "", ""),
        ("unit", "市甲局", ""),
        ("problem", "市甲局", "会议记录不全"),
        ("unit", "市乙局", ""),
        ("problem", "市乙局", "制度执行不严"),
        ("closing", "", ""),
    ]
    # A problem takes its rectification and the paragraphs after it, up to the next unit.
    assert items[2].text.endswith("另段说明。")
    [notice] = split_items(PublicationKind.NOTICE, "关于整改情况的通报。\n\n反馈问题2个。")
    assert notice.kind == "notice"


def test_the_items_of_a_draft_name_their_problems(cast, digest):
    kinds = list(digest.items.order_by("order").values_list("kind", flat=True))
    assert kinds == ["introduction", "unit", "problem", "problem"]
    assert item(digest, "制度执行不严").problem.title == "制度执行不严"
    assert all(i.is_public for i in digest.items.all())


def test_the_drafter_and_the_last_editor_may_not_approve_another_office_user_may(cast, digest):
    with pytest.raises(TransitionRefused, match="不能自己审核"):
        publication_approve(actor=cast.office, publication=digest)
    reworded = publication_edit(
        actor=cast.office2,
        publication=digest,
        expected_version=digest.version,
        draft_text=digest.draft_text + "\n\n补充一段。",
    )
    with pytest.raises(TransitionRefused, match="不能自己审核"):
        publication_approve(actor=cast.office2, publication=reworded)
    third = make_user("office3", Role.OFFICE)
    moved = publication_approve(actor=third, publication=reworded)
    assert moved.status == PublicationStatus.APPROVED
    change = StatusChange.objects.filter(workflow="publication").last()
    assert (change.move, change.actor) == ("approve", third)


@pytest.mark.parametrize("role", [Role.UNIT, Role.GROUP, Role.SUPERVISOR, None])
def test_only_the_office_approves_returns_publishes_withdraws_and_decides(cast, digest, role):
    other = make_user("someone", role)
    with pytest.raises(EditRefused):
        publication_approve(actor=other, publication=digest)
    with pytest.raises(EditRefused):
        publication_item_decide(
            actor=other, item=item(digest, "制度执行不严"), withheld_reason="secret"
        )
    with pytest.raises(EditRefused):
        publication_redactions_set(actor=other, publication=digest, chosen=["张建国"], added=[])
    digest = approved(digest, cast.office2)
    with pytest.raises(EditRefused):
        publication_return(actor=other, publication=digest, reason="再改")
    with pytest.raises(EditRefused):
        publication_publish(actor=other, publication=digest)
    digest = publication_publish(actor=cast.office, publication=digest)
    with pytest.raises(EditRefused):
        publication_withdraw(actor=other, publication=digest, reason="撤回")
    digest.refresh_from_db()
    assert digest.status == PublicationStatus.PUBLISHED


def test_a_draft_is_published_only_once_approved(cast, digest):
    with pytest.raises(TransitionRefused, match="当前状态为“草稿”"):
        publication_publish(actor=cast.office, publication=digest)


def test_withholding_takes_a_reason_from_the_list_and_other_takes_a_note(cast, digest):
    problem = item(digest, "线索正在核查")
    with pytest.raises(DisclosureError, match="涉密、正在查办、敏感或其他"):
        publication_item_decide(actor=cast.office, item=problem, withheld_reason="bored")
    with pytest.raises(DisclosureError, match="须写明"):
        publication_item_decide(actor=cast.office, item=problem, withheld_reason="other", note=" ")
    decided = publication_item_decide(
        actor=cast.office, item=problem, withheld_reason="other", note="涉及个人隐私"
    )
    assert (decided.withheld_reason, decided.withheld_note) == ("other", "涉及个人隐私")
    decided = publication_item_decide(actor=cast.office, item=problem, withheld_reason="open_case")
    assert decided.get_withheld_reason_display() == "正在查办" and decided.withheld_note == ""
    opening = digest.items.get(kind=ItemKind.INTRODUCTION)
    with pytest.raises(DisclosureError, match="导语"):
        publication_item_decide(actor=cast.office, item=opening, withheld_reason="sensitive")
    entries = AuditEntry.objects.filter(action="publication.item_decide")
    assert entries.count() == 2
    assert entries.last().after["withheld_reason"] == "open_case"


def test_a_decision_stays_with_its_item_when_the_wording_is_edited(cast, digest):
    publication_item_decide(
        actor=cast.office, item=item(digest, "线索正在核查"), withheld_reason="open_case"
    )
    edited = publication_edit(
        actor=cast.office,
        publication=digest,
        expected_version=digest.version,
        draft_text=digest.draft_text.replace("近日，", "2025年9月，", 1),
    )
    assert item(edited, "线索正在核查").withheld_reason == "open_case"
    assert item(edited, "制度执行不严").withheld_reason == ""


def test_names_are_offered_and_the_ticked_ones_are_masked_in_the_public_text_only(cast, digest):
    assert [name.text for name in name_candidates(digest)] == ["张建国"]
    with pytest.raises(DisclosureError, match="不是稿件中找到的人名"):
        publication_redactions_set(actor=cast.office, publication=digest, chosen=["李四"], added=[])
    with pytest.raises(DisclosureError, match="稿件中没有"):
        publication_redactions_set(actor=cast.office, publication=digest, chosen=[], added=["无此"])
    digest = publication_redactions_set(
        actor=cast.office, publication=digest, chosen=["张建国"], added=["办公室主任"]
    )
    public = public_text_for(digest)
    assert "张建国" not in public and "张某同志" in public and "××" in public
    assert NAMED in digest.draft_text
    entry = AuditEntry.objects.filter(action="publication.redact").get()
    assert entry.before == {"redactions": []}
    assert [span["text"] for span in entry.after["redactions"]] == ["张建国", "办公室主任"]


def test_a_withheld_problem_is_left_out_and_a_withheld_unit_takes_its_problems(cast, digest):
    publication_item_decide(
        actor=cast.office, item=item(digest, "线索正在核查"), withheld_reason="open_case"
    )
    public = public_text_for(digest)
    assert "线索正在核查" not in public and "制度执行不严" in public and "市测试局" in public
    unit = digest.items.get(kind=ItemKind.UNIT)
    publication_item_decide(actor=cast.office, item=unit, withheld_reason="sensitive")
    public = public_text_for(digest)
    assert "市测试局" not in public and "制度执行不严" not in public
    assert public.startswith("近日，")


def test_publishing_freezes_the_public_text_and_decisions_are_fixed_from_approval(cast, digest):
    publication_item_decide(
        actor=cast.office, item=item(digest, "线索正在核查"), withheld_reason="secret"
    )
    digest = publication_redactions_set(
        actor=cast.office, publication=digest, chosen=["张建国"], added=[]
    )
    digest = approved(digest, cast.office2)
    with pytest.raises(TransitionRefused, match="只能在草稿中修改"):
        publication_item_decide(
            actor=cast.office, item=item(digest, "制度执行不严"), withheld_reason="secret"
        )
    with pytest.raises(TransitionRefused, match="不能再修改"):
        publication_edit(
            actor=cast.office, publication=digest, expected_version=digest.version, draft_text="改"
        )
    digest = publication_publish(actor=cast.office, publication=digest)
    frozen = digest.public_text
    assert "张某同志" in frozen and "线索正在核查" not in frozen and "制度执行不严" in frozen
    assert "张建国" in digest.published_text and "线索正在核查" in digest.published_text
    Measure.objects.update(text="后来改写的措施。")
    digest.refresh_from_db()
    assert digest.public_text == frozen
    assert list(public_publications()) == [digest]


def test_a_returned_publication_is_edited_again_and_approved_again(cast, digest):
    digest = approved(digest, cast.office2)
    with pytest.raises(TransitionRefused, match="须填写理由"):
        publication_return(actor=cast.office2, publication=digest, reason=" ")
    digest = publication_return(actor=cast.office2, publication=digest, reason="请隐去人名")
    assert digest.status == PublicationStatus.DRAFT
    digest = publication_redactions_set(
        actor=cast.office, publication=digest, chosen=["张建国"], added=[]
    )
    assert approved(digest, cast.office2).status == PublicationStatus.APPROVED


def test_withdrawing_needs_a_reason_and_keeps_the_record_and_its_history(cast, plan):  # noqa: F811
    problem_in(cast.assignment, "in_progress", title="制度执行不严")
    notice = notice_draft(actor=cast.office, round_=cast.assignment.round)
    notice = publication_publish(actor=cast.office, publication=approved(notice, cast.office2))
    assert list(public_publications()) == [notice]
    with pytest.raises(TransitionRefused, match="须填写理由"):
        publication_withdraw(actor=cast.office, publication=notice, reason="")
    withdrawn = publication_withdraw(actor=cast.office, publication=notice, reason="数字有误")
    assert withdrawn.status == PublicationStatus.WITHDRAWN
    assert list(public_publications()) == []
    assert withdrawn.published_text == notice.published_text and withdrawn.public_text
    assert withdrawn.is_published and not withdrawn.is_public
    moves = list(
        StatusChange.objects.filter(workflow="publication", subject_id=notice.pk)
        .order_by("at", "id")
        .values_list("move", "reason")
    )
    assert moves == [("approve", ""), ("publish", ""), ("withdraw", "数字有误")]
    with pytest.raises(TransitionRefused, match="当前状态为“已撤回”"):
        publication_withdraw(actor=cast.office, publication=withdrawn, reason="再撤回")


def test_rows_from_before_disclosure_get_their_items_and_stay_as_they_were(cast):
    drafted = Publication.objects.create(
        kind=PublicationKind.NOTICE,
        round=cast.assignment.round,
        title="旧通报",
        draft_text="旧的通报文字。",
        created_by=cast.office,
    )
    published = Publication.objects.create(
        kind=PublicationKind.NOTICE,
        round=cast.assignment.round,
        title="旧的已发布通报",
        draft_text="已发布的文字。",
        published_text="已发布的文字。",
        status=PublicationStatus.PUBLISHED,
        created_by=cast.office,
    )
    migration = importlib.import_module("xuncha.reports.migrations.0004_disclosure")
    migration.items_for_existing(apps, None)
    drafted.refresh_from_db()
    published.refresh_from_db()
    assert (drafted.status, published.status) == ("draft", "published")
    assert drafted.edited_by == cast.office
    assert PublicationItem.objects.filter(publication=published).get().text == "已发布的文字。"
    # Nobody decided its items or names: not on the public pages.
    assert list(public_publications()) == []
