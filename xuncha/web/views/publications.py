"""Publications (公开发布): digests and notices, drafted, edited and published by the office,
read and downloaded by whoever may see their whole scope; a notice composed on the fly.

Every publication is reached through ``get_publication_for_user`` and every composed notice
through ``notice_compose`` with the user, so nothing a reader may not see reaches a page or a
download.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from xuncha.core.models import Role
from xuncha.core.permissions import has_role
from xuncha.reports.disclosure import name_candidates, public_text_for
from xuncha.reports.documents import PdfUnavailable
from xuncha.reports.exports import (
    notice_docx,
    publication_document_number,
    publication_docx,
    publication_pdf,
    publication_text,
)
from xuncha.reports.models import Publication, PublicationKind, WithheldReason
from xuncha.reports.numbering import NumberingRefused
from xuncha.reports.selectors import (
    Scope,
    get_publication_for_user,
    notice_compose,
    publications_for_user,
)
from xuncha.reports.services import digest_draft_for_batch, notice_draft
from xuncha.reports.workflow import PUBLICATION
from xuncha.web.publication_forms import (
    DigestDraftForm,
    NoticeDraftForm,
    NoticeScopeForm,
    PublicationEditForm,
)
from xuncha.web.views.common import (
    INPUT_REFUSALS,
    STEP_REFUSALS,
    AuthenticatedHttpRequest,
    attach,
    done,
    error_status,
    refused,
)

FORMATS = {
    "txt": "text/plain; charset=utf-8",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
PDF = "application/pdf"


def scope_label(publication: Publication) -> str:
    return Scope.of(publication).label


def attachment(content: bytes, *, title: str, file_format: str) -> HttpResponse:
    """``content`` as a download named after the title."""
    content_type = PDF if file_format == "pdf" else FORMATS[file_format]
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"{title}.{file_format}"
    )
    return response


def chosen_format(request: AuthenticatedHttpRequest) -> str:
    """?format=txt|docx (txt when absent); anything else is no page at all."""
    file_format = request.GET.get("format") or "txt"
    if file_format not in FORMATS:
        raise Http404
    return file_format


@login_required
@require_GET
def publication_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The publications the user may read; the office's drafting forms."""
    return render_publication_list(request)


def render_publication_list(
    request: AuthenticatedHttpRequest,
    *,
    digest_form: DigestDraftForm | None = None,
    notice_form: NoticeDraftForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    publications = list(
        publications_for_user(user).select_related("created_by__profile", "published_by__profile")
    )
    for publication in publications:
        attach(publication, scope_label=scope_label(publication))
    may_draft = has_role(user, Role.OFFICE)
    context = {
        "publications": publications,
        "may_draft": may_draft,
        "digest_form": (digest_form or DigestDraftForm(user=user)) if may_draft else None,
        "notice_form": (notice_form or NoticeDraftForm(user=user)) if may_draft else None,
    }
    return render(request, "web/publications.html", context, status=status)


def _office_only(request: AuthenticatedHttpRequest) -> None:
    if not has_role(request.user, Role.OFFICE):
        raise Http404


@login_required
@require_POST
def digest_draft(request: AuthenticatedHttpRequest) -> HttpResponse:
    """生成摘编 for a batch (digest_draft_for_batch), then the draft's page."""
    _office_only(request)
    form = DigestDraftForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            publication = digest_draft_for_batch(
                actor=request.user, batch=form.cleaned_data["batch"]
            )
        except STEP_REFUSALS as error:
            return refused(request, reverse("web:publications"), error)
        except INPUT_REFUSALS as error:
            form.add_error(None, str(error))
        else:
            return done(
                request,
                reverse("web:publication", args=[publication.pk]),
                _("已生成摘编草稿，请核对文字后发布。"),
            )
    return render_publication_list(request, digest_form=form, status=error_status(request))


@login_required
@require_POST
def notice_draft_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """生成通报 for a round, batch, group or unit (notice_draft), then the draft's page."""
    _office_only(request)
    form = NoticeDraftForm(request.POST, user=request.user)
    if form.is_valid():
        scope = form.scope()
        try:
            publication = notice_draft(
                actor=request.user,
                round_=scope.round,
                batch=scope.batch,
                group=scope.group,
                unit=scope.unit,
            )
        except STEP_REFUSALS as error:
            return refused(request, reverse("web:publications"), error)
        except INPUT_REFUSALS as error:
            form.add_error(None, str(error))
        else:
            return done(
                request,
                reverse("web:publication", args=[publication.pk]),
                _("已生成通报草稿，请核对数字和文字后发布。"),
            )
    return render_publication_list(request, notice_form=form, status=error_status(request))


def render_publication(
    request: AuthenticatedHttpRequest,
    publication: Publication,
    *,
    edit_form: PublicationEditForm | None = None,
    status: int = 200,
) -> HttpResponse:
    office = has_role(request.user, Role.OFFICE)
    may_edit = office and publication.is_draft
    context = {
        "publication": publication,
        "scope_label": scope_label(publication),
        "may_edit": may_edit,
        "edit_form": (
            edit_form
            or PublicationEditForm(
                initial={
                    "draft_text": publication.draft_text,
                    "expected_version": publication.version,
                }
            )
        )
        if may_edit
        else None,
        "totals": publication.figures.get("totals")
        if publication.kind == PublicationKind.NOTICE
        else None,
        "document_number": publication_document_number(publication),
        **(disclosure_context(request, publication, may_edit) if office else {}),
    }
    return render(request, "web/publication.html", context, status=status)


def disclosure_context(
    request: AuthenticatedHttpRequest, publication: Publication, may_edit: bool
) -> dict[str, object]:
    """The office's disclosure panel: the items with their decisions, the names found (ticked
    when chosen), the office's own spans, the public text as it would be (or as it was frozen),
    and the workflow's moves for this user."""
    chosen = {entry["text"] for entry in publication.redactions}
    names = name_candidates(publication)
    found = {name.text for name in names}
    return {
        "items": list(publication.items.select_related("problem").order_by("order")),
        "withheld_reasons": WithheldReason.choices,
        "names": [(name, name.text in chosen) for name in names],
        "added_spans": "\n".join(
            entry["text"] for entry in publication.redactions if entry["text"] not in found
        ),
        "public_preview": publication.public_text
        if publication.is_published
        else public_text_for(publication),
        "may_disclose": may_edit,
        "moves": PUBLICATION.moves(publication, request.user),
    }


@login_required
@require_GET
def publication_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A draft to edit, refresh and publish (the office), or the text as published."""
    return render_publication(request, get_publication_for_user(request.user, pk))


@login_required
@require_GET
def publication_download(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The publication as .txt or .docx (?format=txt|docx): the published text once published."""
    publication = get_publication_for_user(request.user, pk)
    file_format = chosen_format(request)
    if file_format == "docx":
        try:
            content = publication_docx(publication, actor=request.user)
        except NumberingRefused as error:
            return HttpResponse(str(error), status=503, content_type=FORMATS["txt"])
    else:
        text = publication_text(publication)
        if publication.is_published and publication.audit_head:
            text = f"{text.rstrip()}\n\n{publication.audit_head}\n"
        content = text.encode("utf-8")
    return attachment(content, title=publication.title, file_format=file_format)


@login_required
@require_GET
def publication_pdf_download(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The publication's 公文 as a PDF, made by LibreOffice from the .docx download.

    Without LibreOffice (or when it fails) the answer is 503 with a message saying so and
    pointing to the .docx, which is always there.
    """
    publication = get_publication_for_user(request.user, pk)
    try:
        content = publication_pdf(publication, actor=request.user)
    except PdfUnavailable as error:
        return pdf_unavailable(error)
    except NumberingRefused as error:
        return HttpResponse(str(error), status=503, content_type=FORMATS["txt"])
    return attachment(content, title=publication.title, file_format="pdf")


def pdf_unavailable(error: PdfUnavailable) -> HttpResponse:
    """503 with the reason as plain text: the PDF may be made once LibreOffice is there."""
    return HttpResponse(error.message, status=503, content_type=FORMATS["txt"])


@login_required
@require_GET
def notice_compose_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A notice of a scope the user chooses, written now from what they may see; not stored.

    A liaison chooses one of their units; with ?format=txt|docx the notice is downloaded.
    """
    form = NoticeScopeForm(request.GET or None, user=request.user)
    notice = None
    if form.is_bound and form.is_valid():
        notice = notice_compose(request.user, form.scope())
        if "format" in request.GET:
            file_format = chosen_format(request)
            content = notice_docx(notice) if file_format == "docx" else notice.text.encode("utf-8")
            return attachment(content, title=notice.title, file_format=file_format)
    query = request.GET.copy()
    query.pop("format", None)
    context = {"form": form, "notice": notice, "query": query.urlencode()}
    return render(request, "web/notice_compose.html", context)
