"""公文 downloads on the pages: a publication's PDF beside its .docx, its 发文字号 on its page,
and a unit's rectification report as .docx and PDF, each for whoever may read it.

The PDF made by LibreOffice is checked in tests/reports/test_gongwen.py; here one is made to
see the download, and the others answer 503 without LibreOffice.
"""

from __future__ import annotations

import io
from typing import Any

import docx
import pytest
from django.urls import reverse
from django.utils import timezone

from tests.followups.conftest import problem_in
from tests.reports.gongwen import title_of
from tests.reports.publishing import approved
from tests.reports.test_gongwen import required_tools
from tests.web.conftest import client_for
from xuncha.rectification.reports import report_get_or_create, report_save, report_transition
from xuncha.reports.models import Publication
from xuncha.reports.services import notice_draft, publication_publish
from xuncha.text import office

pytestmark = pytest.mark.django_db

OFFICE = "中共某市委巡察工作领导小组办公室"
REPORT_TEXT = (
    "根据市委第一巡察组反馈意见，现将整改情况报告如下。\n"
    "一、整改工作开展情况\n"
    "（一）加强组织领导。成立整改工作领导小组。\n"
    "二、存在问题的整改落实情况"
)


@pytest.fixture
def office_settings(settings: Any) -> Any:
    settings.XUNCHA_OFFICE_NAME = OFFICE
    settings.XUNCHA_DOCUMENT_PREFIX = "某巡办"
    settings.XUNCHA_DOCX_TEMPLATES = ""
    return settings


@pytest.fixture
def notice(cast: Any, office_settings: Any) -> Publication:
    """A published notice of the liaison's unit: everyone who sees that unit reads it."""
    problem_in(cast.assignment, "in_progress", title="制度执行不严")
    draft = notice_draft(actor=cast.office, round_=cast.assignment.round, unit=cast.assignment.unit)
    return publication_publish(actor=cast.office, publication=approved(draft, cast.office2))


@pytest.fixture
def without_libreoffice(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(office, "office_program", lambda *fallback: None)


def test_the_publication_page_shows_its_number_and_links_the_pdf(
    cast: Any, notice: Publication
) -> None:
    page = client_for(cast.member).get(reverse("web:publication", args=[notice.pk]))
    html = page.content.decode()
    year = timezone.localdate(notice.published_at).year
    assert page.context["document_number"] == f"某巡办〔{year}〕1号"
    assert f"某巡办〔{year}〕1号" in html
    assert reverse("web:publication_pdf", args=[notice.pk]) in html
    listing = client_for(cast.member).get(reverse("web:publications")).content.decode()
    assert reverse("web:publication_pdf", args=[notice.pk]) in listing


def test_the_docx_download_is_the_numbered_gongwen(cast: Any, notice: Publication) -> None:
    response = client_for(cast.liaison).get(
        reverse("web:publication_download", args=[notice.pk]), {"format": "docx"}
    )
    document = docx.Document(io.BytesIO(response.content))
    assert document.paragraphs[0].text == OFFICE
    assert document.paragraphs[1].text == notice.document_number.text
    assert title_of(document) == notice.title
    assert document.core_properties.author == OFFICE


def test_the_pdf_download_is_a_pdf_for_those_who_read_the_publication(
    cast: Any, notice: Publication
) -> None:
    required_tools()
    url = reverse("web:publication_pdf", args=[notice.pk])
    response = client_for(cast.liaison).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert "attachment" in response["Content-Disposition"]
    assert ".pdf" in response["Content-Disposition"]
    assert client_for(cast.other_liaison).get(url).status_code == 404
    assert client_for(cast.outsider).get(url).status_code == 404


def test_without_libreoffice_the_pdf_link_answers_503_with_a_message(
    cast: Any, notice: Publication, without_libreoffice: None
) -> None:
    response = client_for(cast.office).get(reverse("web:publication_pdf", args=[notice.pk]))
    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/plain")
    message = response.content.decode()
    assert "LibreOffice" in message and ".docx" in message
    # The reader's access is checked first: no message about the server to an outsider.
    outsider = client_for(cast.outsider).get(reverse("web:publication_pdf", args=[notice.pk]))
    assert outsider.status_code == 404


@pytest.fixture
def report(cast: Any, office_settings: Any) -> Any:
    """The unit's report, written and submitted by its liaison."""
    report = report_get_or_create(actor=cast.liaison, assignment=cast.assignment)
    report = report_save(actor=cast.liaison, report=report, text=REPORT_TEXT)
    return report_transition(actor=cast.liaison, report=report, name="submit")


def test_the_report_is_a_gongwen_from_the_unit_to_the_office(cast: Any, report: Any) -> None:
    url = reverse("web:report_document", args=[cast.assignment.pk])
    response = client_for(cast.member).get(url)
    assert response.status_code == 200
    document = docx.Document(io.BytesIO(response.content))
    unit = cast.assignment.unit.name
    assert document.paragraphs[0].text == unit  # the unit's mark
    assert title_of(document) == f"{unit}关于测试第一轮巡察整改情况的报告"
    by_style = {p.style.name: p.text for p in document.paragraphs if p.text}
    assert by_style["主送机关"] == f"{OFFICE}："
    assert by_style["发文机关署名"] == unit
    day = timezone.localdate()
    assert by_style["成文日期"] == f"{day.year}年{day.month}月{day.day}日"
    headings = [(p.style.name, p.text) for p in document.paragraphs if "级标题" in p.style.name]
    assert headings == [
        ("一级标题", "一、整改工作开展情况"),
        ("二级标题", "（一）加强组织领导。成立整改工作领导小组。"),
        ("一级标题", "二、存在问题的整改落实情况"),
    ]
    assert document.core_properties.author == unit


def test_only_those_who_read_the_unit_get_its_report_and_only_once_drafted(
    cast: Any, report: Any, without_libreoffice: None
) -> None:
    url = reverse("web:report_document", args=[cast.assignment.pk])
    assert client_for(cast.other_liaison).get(url).status_code == 404
    assert client_for(cast.outsider).get(url).status_code == 404
    assert client_for(cast.liaison).get(url, {"format": "odt"}).status_code == 404
    undrafted = reverse("web:report_document", args=[cast.other_assignment.pk])
    assert client_for(cast.office).get(undrafted).status_code == 404
    pdf = client_for(cast.liaison).get(url, {"format": "pdf"})
    assert pdf.status_code == 503 and "LibreOffice" in pdf.content.decode()
