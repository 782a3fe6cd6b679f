"""Acceptance 2: the first batch's digest, written from what was recorded, is the seed's; the
office's edit before publishing shows, and the published text stays as published."""

from __future__ import annotations

import io

import docx
import pytest

from tests.factories import make_user
from tests.reports.builders import seed_followup
from tests.reports.gongwen import title_of
from tests.reports.publishing import published as published_by
from xuncha.core.models import AuditEntry, Role
from xuncha.core.workflow import TransitionRefused
from xuncha.digests.models import DigestImport
from xuncha.findings.models import Measure, ProblemStatus
from xuncha.findings.services import EditConflict, EditRefused, measure_update
from xuncha.reports.exports import publication_docx, publication_text
from xuncha.reports.models import PublicationKind, PublicationStatus
from xuncha.reports.services import (
    PublicationError,
    digest_draft_for_batch,
    publication_approve,
    publication_edit,
    publication_publish,
    publication_refresh,
)
from xuncha.text.render import paragraphs_of_interest

pytestmark = [pytest.mark.django_db, pytest.mark.shared]

ADDED = "另组织专题座谈会4场。"


def first_measure() -> Measure:
    return (
        Measure.objects.filter(problem__assignment__unit__name="市委统战部")
        .select_related("problem")
        .order_by("problem__ordinal", "ordinal")[0]
    )


def edit_measure(actor, text: str) -> None:
    measure = first_measure()
    measure_update(
        actor=actor, measure=measure, expected_version=measure.problem.version, text=text
    )


def test_the_first_batch_digest_reproduces_the_seed(seed_path, seed_text):
    story = seed_followup(seed_path)
    assert set(story.round.assignments.values_list("problems__status", flat=True)) == {
        ProblemStatus.CLOSING_REQUESTED
    }
    publication = digest_draft_for_batch(actor=story.office, batch=story.batch)
    assert publication.kind == PublicationKind.DIGEST
    assert publication.status == PublicationStatus.DRAFT
    assert paragraphs_of_interest(publication.draft_text) == paragraphs_of_interest(seed_text)
    assert publication.figures["problems"] == 24 and len(publication.figures["units"]) == 9


def test_the_digest_follows_the_sources_colon(seed_path):
    story = seed_followup(seed_path)
    assert DigestImport.objects.get().colon == ":"
    text = digest_draft_for_batch(actor=story.office, batch=story.batch).draft_text
    assert text.count("\n问题:") == 24 and text.count("\n整改:") == 24
    assert "问题：" not in text and "整改：" not in text


def test_the_introduction_is_written_from_the_follow_up(seed_path):
    story = seed_followup(seed_path)
    text = digest_draft_for_batch(actor=story.office, batch=story.batch).draft_text
    introduction = text.split("\n\n")[0]
    assert introduction == (
        "近日，7个巡察组对第八轮巡察的9家单位整改落实情况进行了回访督查。"
        "现将首批9家单位整改部分内容摘编如下。"
    )


def test_an_edit_before_publishing_shows_and_the_published_text_stays(seed_path, seed_text):
    story = seed_followup(seed_path)
    office = story.office
    publication = digest_draft_for_batch(actor=office, batch=story.batch)
    original = first_measure().text
    edit_measure(office, original + ADDED)
    assert ADDED not in publication.draft_text
    publication = publication_refresh(
        actor=office, publication=publication, expected_version=publication.version
    )
    assert ADDED in publication.draft_text
    publication = published_by(publication, office)
    published = publication.published_text
    assert ADDED in published
    assert published == publication.draft_text
    assert paragraphs_of_interest(published) != paragraphs_of_interest(seed_text)

    # The measure is changed again after publication: the published text does not follow.
    edit_measure(office, original + "另开展回头看1次。")
    publication.refresh_from_db()
    assert publication.published_text == published
    assert publication_text(publication) == published
    document = docx.Document(io.BytesIO(publication_docx(publication)))
    written = "\n".join(paragraph.text for paragraph in document.paragraphs)
    assert ADDED in written and "另开展回头看1次。" not in written
    later = digest_draft_for_batch(actor=office, batch=story.batch)
    assert "另开展回头看1次。" in later.draft_text


def test_the_office_edits_the_wording_of_a_draft(seed_path):
    story = seed_followup(seed_path)
    publication = digest_draft_for_batch(actor=story.office, batch=story.batch)
    reworded = publication.draft_text.replace("近日，", "2021年3月，", 1)
    edited = publication_edit(
        actor=story.office,
        publication=publication,
        expected_version=publication.version,
        draft_text=reworded,
    )
    assert edited.version == publication.version + 1
    with pytest.raises(EditConflict):
        publication_edit(
            actor=story.office,
            publication=edited,
            expected_version=publication.version,
            draft_text=reworded + "\n\n又一段。",
        )
    published = published_by(edited, story.office)
    assert published.published_text.startswith("2021年3月，")
    assert (
        AuditEntry.objects.filter(
            action__in=["publication.draft", "publication.edit", "publication.publish"],
            scope=f"publication:{publication.pk}",
        ).count()
        == 3
    )


def test_a_published_text_can_be_neither_edited_refreshed_nor_published_again(seed_path):
    story = seed_followup(seed_path)
    publication = digest_draft_for_batch(actor=story.office, batch=story.batch)
    publication = published_by(publication, story.office)
    with pytest.raises(TransitionRefused, match="已发布"):
        publication_publish(actor=story.office, publication=publication)
    with pytest.raises(TransitionRefused):
        publication_edit(
            actor=story.office,
            publication=publication,
            expected_version=publication.version,
            draft_text="改写",
        )
    with pytest.raises(TransitionRefused):
        publication_refresh(
            actor=story.office, publication=publication, expected_version=publication.version
        )


@pytest.mark.parametrize("role", [Role.GROUP, Role.UNIT, Role.SUPERVISOR, None])
def test_only_the_office_drafts_edits_and_publishes(seed_path, role):
    story = seed_followup(seed_path)
    other = make_user("someone", role)
    with pytest.raises(EditRefused):
        digest_draft_for_batch(actor=other, batch=story.batch)
    publication = digest_draft_for_batch(actor=story.office, batch=story.batch)
    with pytest.raises(EditRefused):
        publication_edit(
            actor=other,
            publication=publication,
            expected_version=publication.version,
            draft_text="改写",
        )
    with pytest.raises(EditRefused):
        publication_approve(actor=other, publication=publication)
    with pytest.raises(EditRefused):
        publication_publish(actor=other, publication=publication)
    publication.refresh_from_db()
    assert publication.status == PublicationStatus.DRAFT


def test_an_empty_draft_is_refused(seed_path):
    story = seed_followup(seed_path)
    publication = digest_draft_for_batch(actor=story.office, batch=story.batch)
    with pytest.raises(PublicationError):
        publication_edit(
            actor=story.office,
            publication=publication,
            expected_version=publication.version,
            draft_text="  \n",
        )


def test_the_digest_docx_holds_every_unit_name_in_bold(seed_path):
    story = seed_followup(seed_path)
    publication = digest_draft_for_batch(actor=story.office, batch=story.batch)
    document = docx.Document(io.BytesIO(publication_docx(publication)))
    assert title_of(document) == publication.title
    bold = {p.text for p in document.paragraphs if p.runs and all(r.bold for r in p.runs)}
    units = set(publication.figures["units"])
    assert units <= bold
    labels = [p.runs[0].text for p in document.paragraphs if p.text.startswith(("问题", "整改"))]
    assert labels == ["问题:", "整改:"] * 24
