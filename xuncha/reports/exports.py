"""A publication, a composed notice and a unit's rectification report as text, as 公文 (.docx,
GB/T 9704-2012) and as PDF.

Callers reach the publication through ``selectors.get_publication_for_user`` (or compose a
notice through ``selectors.notice_compose`` with the user, or reach a report through
``rectification.selectors.get_report_for_assignment``), so an export holds nothing its reader
may not see. A published publication's first export gives it its 发文字号 if publishing did not
(it was published before the register existed).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from xuncha.core.models import StatusChange
from xuncha.core.permissions import Actor
from xuncha.rectification.models import RectificationReport
from xuncha.reports.documents import office_name, pdf_of, template_for
from xuncha.reports.models import Publication, PublicationKind
from xuncha.reports.numbering import document_number_assign, document_number_text
from xuncha.reports.selectors import ComposedNotice, round_label
from xuncha.text.document import Letterhead, document_bytes


def publication_text(publication: Publication) -> str:
    """The text as published (or the current draft while it is not), without the title."""
    return publication.text


def publication_number(publication: Publication, *, actor: Actor = None) -> str:
    """The publication's 发文字号: given now if it is published and has none; "" on a draft."""
    if not publication.is_published:
        return ""
    return document_number_assign(actor=actor, publication=publication).text


def publication_docx(publication: Publication, *, actor: Actor = None) -> bytes:
    """The publication as a 公文: the office's mark, its 发文字号, the title and the text of
    :func:`publication_text`, the office's 署名 and the date it was published (today for a
    draft, which has no number).

    A published one closes with the audit chain's head as it stood when it was published.
    """
    published_on = (
        timezone.localdate(publication.published_at)
        if publication.is_published and publication.published_at
        else timezone.localdate()
    )
    letterhead = Letterhead(
        issuer=office_name(),
        number=publication_number(publication, actor=actor),
        signed_on=published_on,
    )
    template = "digest" if publication.kind == PublicationKind.DIGEST else "notice"
    return document_bytes(
        title=publication.title,
        text=publication_text(publication),
        letterhead=letterhead,
        footer=publication.audit_head if publication.is_published else "",
        template=template_for(template),
    )


def publication_pdf(publication: Publication, *, actor: Actor = None) -> bytes:
    """:func:`publication_docx` as a PDF (``documents.PdfUnavailable`` when none can be made)."""
    return pdf_of(publication_docx(publication, actor=actor))


def publication_document_number(publication: Publication) -> str:
    """The 发文字号 the publication was given, or "" (a read: nothing is given here)."""
    return document_number_text(publication)


def notice_docx(notice: ComposedNotice) -> bytes:
    """A notice composed now and not stored: a 公文 without a 发文字号, dated the day its
    figures were read."""
    return document_bytes(
        title=notice.title,
        text=notice.text,
        letterhead=Letterhead(issuer=office_name(), signed_on=notice.as_of),
        template=template_for("notice"),
    )


def notice_pdf(notice: ComposedNotice) -> bytes:
    """:func:`notice_docx` as a PDF."""
    return pdf_of(notice_docx(notice))


def report_title(report: RectificationReport) -> str:
    """ "市档案馆关于十三届市委第八轮巡察整改情况的报告"."""
    assignment = report.assignment
    return f"{assignment.unit.name}关于{round_label(assignment.round)}整改情况的报告"


def report_signed_on(report: RectificationReport) -> dt.date:
    """The day the unit last submitted the report (报送), else today."""
    submitted = (
        StatusChange.objects.filter(workflow="report", subject_id=report.pk, move="submit")
        .order_by("-at", "-id")
        .values_list("at", flat=True)
        .first()
    )
    return timezone.localdate(submitted) if submitted else timezone.localdate()


def report_docx(report: RectificationReport) -> bytes:
    """The unit's rectification report as a 公文 from the unit to the office: the unit's mark
    and 署名, the office as 主送机关, without a number (the unit numbers its own)."""
    unit = report.assignment.unit.name
    return document_bytes(
        title=report_title(report),
        text=report.text,
        letterhead=Letterhead(
            issuer=unit, addressee=office_name(), signed_on=report_signed_on(report)
        ),
        template=template_for("rectification_report"),
    )


def report_pdf(report: RectificationReport) -> bytes:
    """:func:`report_docx` as a PDF."""
    return pdf_of(report_docx(report))


__all__ = [
    "notice_docx",
    "notice_pdf",
    "publication_document_number",
    "publication_docx",
    "publication_number",
    "publication_pdf",
    "publication_text",
    "report_docx",
    "report_pdf",
    "report_title",
]
