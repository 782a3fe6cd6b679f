"""The publication pages: drafting digests and notices, editing, refreshing, publishing,
downloads, who reads what, and a liaison's notice composed on the fly."""

from __future__ import annotations

import io

import docx
import pytest
from django.urls import reverse

from tests.followups.conftest import problem_in
from tests.reports.gongwen import title_of
from tests.reports.publishing import approved, published
from tests.web.conftest import client_for
from xuncha.findings.models import Measure
from xuncha.reports.models import Publication, PublicationKind, PublicationStatus
from xuncha.reports.services import digest_draft_for_batch, notice_draft

pytestmark = pytest.mark.django_db


def messages_of(response, level="error"):
    return [str(m) for m in response.context["messages"] if m.level_tag == level]


@pytest.fixture
def problems(cast, plan):
    """Two problems of the visited unit (one closed), one of the other unit."""
    return (
        problem_in(cast.assignment, "in_progress", title="制度执行不严"),
        problem_in(cast.assignment, "closed", title="会议记录不全"),
        problem_in(cast.other_assignment, "in_progress", title="另一单位的问题"),
    )


def publication_url(publication, name="web:publication"):
    return reverse(name, args=[publication.pk])


def test_the_office_drafts_a_batchs_digest_from_the_publications_page(cast, plan, problems):
    office = client_for(cast.office)
    page = office.get(reverse("web:publications"))
    assert "生成摘编" in page.content.decode() and "生成通报" in page.content.decode()
    response = office.post(
        reverse("web:digest_draft"), {"digest-batch": plan.batch.pk}, follow=True
    )
    publication = Publication.objects.get()
    assert publication.kind == PublicationKind.DIGEST and publication.batch == plan.batch
    assert response.redirect_chain[-1][0] == publication_url(publication)
    assert "已生成摘编草稿" in messages_of(response, "success")[0]
    text = response.context["edit_form"]["draft_text"].value()
    # Only the recorded visit's unit is in the digest, each problem with its measure.
    assert "市测试局" in text and "问题：制度执行不严" in text and "修订完善相关制度2项" in text
    assert "市另一局" not in text


def test_a_batch_without_a_recorded_visit_with_problems_is_refused_in_its_form(cast, plan):
    response = client_for(cast.office).post(
        reverse("web:digest_draft"), {"digest-batch": plan.batch.pk}
    )
    assert response.status_code == 200
    assert "无法生成摘编" in response.context["digest_form"].non_field_errors()[0]
    assert not Publication.objects.exists()


def test_the_office_drafts_a_units_notice_with_its_totals(cast, plan, problems):
    response = client_for(cast.office).post(
        reverse("web:notice_draft"),
        {"notice-round": cast.assignment.round_id, "notice-unit": cast.assignment.unit_id},
        follow=True,
    )
    publication = Publication.objects.get()
    assert publication.kind == PublicationKind.NOTICE and publication.unit == cast.assignment.unit
    totals = response.context["totals"]
    assert (totals["fed_back"], totals["closed"]) == (2, 1)
    assert "关于测试第一轮巡察市测试局整改情况的通报" in response.content.decode()


def test_a_notice_scope_that_does_not_hold_together_is_refused_in_its_form(cast, plan):
    from xuncha.rounds.services import round_get_or_create

    other_round, _created = round_get_or_create(actor=None, name="另一轮")
    response = client_for(cast.office).post(
        reverse("web:notice_draft"),
        {"notice-round": other_round.pk, "notice-batch": plan.batch.pk},
    )
    assert response.status_code == 200
    assert response.context["notice_form"].errors["batch"] == ["该批次不属于所选轮次。"]
    assert not Publication.objects.exists()


@pytest.fixture
def draft(cast, plan, problems):
    return digest_draft_for_batch(actor=cast.office, batch=plan.batch)


def test_the_office_edits_the_wording_and_a_stale_edit_answers_409(cast, draft):
    office = client_for(cast.office)
    url = publication_url(draft, "web:publication_edit")
    edited = draft.draft_text.replace("修订完善相关制度2项", "修订完善财务制度2项")
    response = office.post(
        url, {"draft_text": edited, "expected_version": draft.version}, follow=True
    )
    assert "稿件已保存" in messages_of(response, "success")[0]
    draft.refresh_from_db()
    assert "修订完善财务制度2项" in draft.draft_text and draft.version == 2
    response = office.post(url, {"draft_text": "晚到的修改", "expected_version": 1})
    assert response.status_code == 409
    form = response.context["edit_form"]
    assert "已被他人修改" in form.non_field_errors()[0]
    assert form["draft_text"].value() == "晚到的修改"
    draft.refresh_from_db()
    assert "晚到的修改" not in draft.draft_text


def test_a_published_text_stays_as_published_after_an_edit(cast, draft):
    office = client_for(cast.office)
    edited = draft.draft_text + "\n\n（本段为发布前修改。）"
    office.post(
        publication_url(draft, "web:publication_edit"),
        {"draft_text": edited, "expected_version": draft.version},
    )
    draft.refresh_from_db()
    draft = approved(draft, cast.office2)
    response = office.post(
        publication_url(draft, "web:publication_publish"),
        {"expected_version": draft.version, "confirmed": "1"},
        follow=True,
    )
    assert "已发布" in messages_of(response, "success")[-1]
    draft.refresh_from_db()
    assert draft.status == PublicationStatus.PUBLISHED
    assert draft.published_text == edited and draft.published_by == cast.office

    # Editing afterwards is refused, and so is refreshing; the text does not change.
    response = office.post(
        publication_url(draft, "web:publication_edit"),
        {"draft_text": "发布后的修改", "expected_version": draft.version},
        follow=True,
    )
    assert "当前为“已发布”，不能再修改" in messages_of(response)[0]
    # Nor when the data it was written from changes.
    Measure.objects.update(text="后来改写的措施。")
    draft.refresh_from_db()
    assert draft.published_text == edited
    page = office.get(publication_url(draft)).content.decode()
    assert "（本段为发布前修改。）" in page and "后来改写的措施" not in page
    assert response.context["edit_form"] is None and "保存修改" not in page


def test_a_stale_page_cannot_publish(cast, draft):
    response = client_for(cast.office).post(
        publication_url(draft, "web:publication_publish"),
        {"expected_version": draft.version - 1 or 99},
        follow=True,
    )
    assert "已被他人修改" in messages_of(response)[0]
    draft.refresh_from_db()
    assert draft.status == PublicationStatus.DRAFT


def test_a_notice_whose_figures_changed_must_be_refreshed_before_publishing(cast, plan, problems):
    notice = notice_draft(actor=cast.office, round_=plan.followup.round, unit=cast.assignment.unit)
    problem_in(cast.assignment, "in_progress", title="新发现的问题")
    notice = approved(notice, cast.office2)
    office = client_for(cast.office)
    response = office.post(
        publication_url(notice, "web:publication_publish"),
        {"expected_version": notice.version, "confirmed": "1"},
        follow=True,
    )
    assert "请先刷新稿件再发布" in messages_of(response)[0]
    notice.refresh_from_db()
    assert notice.status == PublicationStatus.APPROVED
    # Approved, the wording is fixed: 退回修改 first, then refresh, approve again, publish.
    response = office.post(
        publication_url(notice, "web:publication_step"),
        {"name": "return", "reason": "数据有变化", "expected_version": notice.version},
        follow=True,
    )
    assert "退回修改" in messages_of(response, "success")[0]
    notice.refresh_from_db()
    response = office.post(
        publication_url(notice, "web:publication_refresh"),
        {"expected_version": notice.version},
        follow=True,
    )
    assert "已按最新数据重新生成稿件" in messages_of(response, "success")[0]
    notice.refresh_from_db()
    assert notice.figures["totals"]["fed_back"] == 3
    notice = approved(notice, cast.office2)
    office.post(
        publication_url(notice, "web:publication_publish"),
        {"expected_version": notice.version, "confirmed": "1"},
    )
    notice.refresh_from_db()
    assert notice.status == PublicationStatus.PUBLISHED


def test_the_docx_download_opens_with_python_docx(cast, draft):
    draft = published(draft, cast.office, cast.office2)
    # The batch covers both units (one visit is still planned): a group member reads it.
    response = client_for(cast.member).get(
        publication_url(draft, "web:publication_download"), {"format": "docx"}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert "attachment" in response["Content-Disposition"]
    document = docx.Document(io.BytesIO(response.content))
    paragraphs = [paragraph.text for paragraph in document.paragraphs]
    assert title_of(document) == draft.title
    assert any("制度执行不严" in text for text in paragraphs)
    download = publication_url(draft, "web:publication_download")
    assert client_for(cast.liaison).get(download, {"format": "docx"}).status_code == 404


def test_the_txt_download_is_the_published_text(cast, draft):
    draft = published(draft, cast.office, cast.office2)
    response = client_for(cast.office).get(publication_url(draft, "web:publication_download"))
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    # The published text, then the audit chain's head as it stood when it was published.
    expected = f"{draft.published_text.rstrip()}\n\n{draft.audit_head}\n"
    assert draft.audit_head.startswith("审计链：第 ")
    assert response.content.decode("utf-8") == expected
    unknown = client_for(cast.office).get(
        publication_url(draft, "web:publication_download"), {"format": "pdf"}
    )
    assert unknown.status_code == 404


def test_a_liaison_reads_only_publications_whose_whole_scope_is_theirs(cast, plan, problems):
    own = notice_draft(actor=cast.office, round_=plan.followup.round, unit=cast.assignment.unit)
    own = published(own, cast.office, cast.office2)
    whole_round = notice_draft(actor=cast.office, round_=plan.followup.round)
    whole_round = published(whole_round, cast.office, cast.office2)
    notice_draft(actor=cast.office, round_=plan.followup.round, unit=cast.assignment.unit)
    liaison = client_for(cast.liaison)
    response = liaison.get(reverse("web:publications"))
    assert [p.pk for p in response.context["publications"]] == [own.pk]
    assert response.context["digest_form"] is None and "生成摘编" not in response.content.decode()
    assert liaison.get(publication_url(whole_round)).status_code == 404
    page = liaison.get(publication_url(own))
    assert "发布文本" in page.content.decode() and page.context["edit_form"] is None


def test_a_liaisons_composed_notice_counts_only_their_unit(cast, plan, problems):
    liaison = client_for(cast.liaison)
    url = reverse("web:notice_compose")
    page = liaison.get(url)
    assert page.context["notice"] is None and page.context["form"].unit_required
    response = liaison.get(
        url, {"round": cast.assignment.round_id, "unit": cast.assignment.unit_id}
    )
    notice = response.context["notice"]
    assert (notice.totals.units, notice.totals.fed_back, notice.totals.closed) == (1, 2, 1)
    assert "市另一局" not in notice.text
    assert not Publication.objects.exists()  # nothing stored
    # The other unit is not among the choices; a round without a unit is not offered either.
    refused = liaison.get(
        url, {"round": cast.assignment.round_id, "unit": cast.other_assignment.unit_id}
    )
    assert refused.context["notice"] is None and refused.context["form"].errors["unit"]
    whole = liaison.get(url, {"round": cast.assignment.round_id})
    assert whole.context["notice"] is None and whole.context["form"].errors["unit"]
    download = liaison.get(
        url,
        {"round": cast.assignment.round_id, "unit": cast.assignment.unit_id, "format": "docx"},
    )
    document = docx.Document(io.BytesIO(download.content))
    assert title_of(document) == notice.title


def test_the_office_composes_a_whole_rounds_notice(cast, plan, problems):
    response = client_for(cast.office).get(
        reverse("web:notice_compose"), {"round": cast.assignment.round_id}
    )
    notice = response.context["notice"]
    assert (notice.totals.units, notice.totals.fed_back) == (2, 3)
    assert notice.text in response.content.decode() or notice.title in response.content.decode()


def test_the_office_decides_items_and_names_on_the_publication_page(cast, draft):
    office = client_for(cast.office)
    text = draft.draft_text.replace("修订完善相关制度2项。", "由主任张建国同志牵头修订制度。", 1)
    office.post(
        publication_url(draft, "web:publication_edit"),
        {"draft_text": text, "expected_version": draft.version},
    )
    page = office.get(publication_url(draft)).content.decode()
    assert "公开设置" in page and 'value="张建国"' in page and "张建国 → 张某" in page
    problem = draft.items.get(kind="problem", title="会议记录不全")
    response = office.post(
        publication_url(draft, "web:publication_disclose"),
        {
            f"item-{problem.pk}-reason": "sensitive",
            f"item-{problem.pk}-note": "",
            "name": "张建国",
            "added": "",
        },
        follow=True,
    )
    assert "公开设置已保存" in messages_of(response, "success")[0]
    problem.refresh_from_db()
    draft.refresh_from_db()
    assert problem.withheld_reason == "sensitive"
    assert [entry["text"] for entry in draft.redactions] == ["张建国"]
    preview = response.context["public_preview"]
    assert "会议记录不全" not in preview and "张某同志" in preview and "张建国" not in preview
    # 其他 without a note is refused with its message, and nothing changes.
    response = office.post(
        publication_url(draft, "web:publication_disclose"),
        {f"item-{problem.pk}-reason": "other", f"item-{problem.pk}-note": " "},
        follow=True,
    )
    assert "须写明" in messages_of(response)[0]
    problem.refresh_from_db()
    assert problem.withheld_reason == "sensitive"


def test_the_drafter_reads_why_they_may_not_approve_and_another_office_user_approves(cast, draft):
    page = client_for(cast.office).get(publication_url(draft)).content.decode()
    assert "起草或修改稿件的人不能自己审核" in page
    response = client_for(cast.office2).post(
        publication_url(draft, "web:publication_step"),
        {"name": "approve", "expected_version": draft.version},
        follow=True,
    )
    assert "审核通过" in messages_of(response, "success")[0]
    draft.refresh_from_db()
    assert draft.status == PublicationStatus.APPROVED


def test_withdrawing_on_the_page_needs_a_reason_and_is_confirmed_first(cast, draft):
    draft = published(draft, cast.office, cast.office2)
    office = client_for(cast.office)
    url = publication_url(draft, "web:publication_step")
    data = {"name": "withdraw", "expected_version": draft.version}
    response = office.post(url, {**data, "reason": ""}, follow=True)
    assert "须填写理由" in messages_of(response)[0]
    response = office.post(url, {**data, "reason": "数字有误"})
    assert response.status_code == 200 and "请确认：撤回" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == PublicationStatus.PUBLISHED
    office.post(url, {**data, "reason": "数字有误", "confirmed": "1"})
    draft.refresh_from_db()
    assert draft.status == PublicationStatus.WITHDRAWN
    assert client_for(cast.member).get(publication_url(draft)).status_code == 404
    assert "已撤回" in office.get(publication_url(draft)).content.decode()
