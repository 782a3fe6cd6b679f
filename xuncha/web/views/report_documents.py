"""A unit's rectification report (整改情况报告) as a 公文: .docx, or PDF through LibreOffice.

Reached like the report page: whoever may read the unit's assignment reads its report, once
drafted; anyone else, or a report not yet drafted, gets 404.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from xuncha.rectification.selectors import get_report_for_assignment
from xuncha.reports.documents import PdfUnavailable
from xuncha.reports.exports import report_docx, report_pdf, report_title
from xuncha.rounds.selectors import get_assignment_for_user
from xuncha.web.views.common import AuthenticatedHttpRequest
from xuncha.web.views.publications import attachment, pdf_unavailable

FORMATS = ("docx", "pdf")


@login_required
@require_GET
def report_document(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The report of the assignment ``pk`` as .docx or PDF (?format=docx|pdf, docx when
    absent); 503 with a message when no PDF can be made here."""
    file_format = request.GET.get("format") or "docx"
    if file_format not in FORMATS:
        raise Http404
    assignment = get_assignment_for_user(request.user, pk)
    report = get_report_for_assignment(request.user, assignment)
    if report is None:
        raise Http404(_("整改情况报告尚未起草。"))
    if file_format == "docx":
        return attachment(report_docx(report), title=report_title(report), file_format="docx")
    try:
        content = report_pdf(report)
    except PdfUnavailable as error:
        return pdf_unavailable(error)
    return attachment(content, title=report_title(report), file_format="pdf")
