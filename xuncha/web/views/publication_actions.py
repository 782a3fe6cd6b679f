"""Posting to a publication: edit its wording, write it again from the data, decide what is
public and which names are masked, approve, return, publish, withdraw.

Drafts are the office's alone (anyone else gets 404 from ``get_publication_for_user``); the
services refuse again, refuse a published text, and refuse a notice whose figures changed.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xuncha.reports.disclosure import publication_disclosure_save
from xuncha.reports.models import Publication
from xuncha.reports.selectors import get_publication_for_user
from xuncha.reports.services import (
    publication_approve,
    publication_edit,
    publication_publish,
    publication_refresh,
    publication_return,
    publication_withdraw,
)
from xuncha.reports.workflow import PUBLICATION
from xuncha.web.publication_forms import (
    PublicationEditForm,
    PublicationStepForm,
    PublicationVersionForm,
    disclosure_from_post,
)
from xuncha.web.views.common import (
    INPUT_REFUSALS,
    REFUSALS,
    STEP_REFUSALS,
    AuthenticatedHttpRequest,
    done,
    error_status,
    refused,
)
from xuncha.web.views.confirm import confirmation, move_to_confirm
from xuncha.web.views.publications import render_publication, scope_label


def publication_url(publication: Publication, anchor: str = "") -> str:
    url = reverse("web:publication", args=[publication.pk])
    return f"{url}#{anchor}" if anchor else url


def stale_page() -> ValueError:
    return ValueError(_("请求无效，请刷新页面后重试。"))


@login_required
@require_POST
def publication_edit_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """保存修改 of a draft's wording (publication_edit, with the version it was opened at)."""
    publication = get_publication_for_user(request.user, pk)
    form = PublicationEditForm(request.POST)
    status = error_status(request)
    if form.is_valid():
        try:
            publication_edit(
                actor=request.user,
                publication=publication,
                expected_version=form.cleaned_data["expected_version"],
                draft_text=form.cleaned_data["draft_text"],
            )
        except STEP_REFUSALS as error:
            return refused(request, publication_url(publication), error)
        except INPUT_REFUSALS as error:
            form.add_error(None, str(error))
            status = error_status(request, error)
        else:
            return done(request, publication_url(publication, "text"), _("稿件已保存。"))
    return render_publication(request, publication, edit_form=form, status=status)


@login_required
@require_POST
def publication_refresh_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """刷新: the draft written again from the data now (publication_refresh)."""
    publication = get_publication_for_user(request.user, pk)
    back = publication_url(publication)
    form = PublicationVersionForm(request.POST)
    if not form.is_valid():
        return refused(request, back, stale_page())
    try:
        publication_refresh(
            actor=request.user,
            publication=publication,
            expected_version=form.cleaned_data["expected_version"],
        )
    except REFUSALS as error:
        return refused(request, back, error)
    return done(request, publication_url(publication, "text"), _("已按最新数据重新生成稿件。"))


@login_required
@require_POST
def publication_publish_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """发布 (publication_publish): the text as shown becomes the published text, for good.

    The page's version must still be the draft's: publishing a text someone changed after it
    was shown would publish words nobody read. The office confirms first (``web.views.confirm``):
    the published text is public and fixed for good.
    """
    publication = get_publication_for_user(request.user, pk)
    back = publication_url(publication)
    form = PublicationVersionForm(request.POST)
    if not form.is_valid():
        return refused(request, back, stale_page())
    move = move_to_confirm(request, PUBLICATION, publication, "publish")
    # Asked only of the version the page showed: a stale page is refused by the service.
    if move is not None and publication.version == form.cleaned_data["expected_version"]:
        return confirmation(
            request,
            move=move,
            action=request.path,
            back=publication_url(publication, "actions"),
            record=publication_record(publication),
        )
    try:
        publication = publication_publish(
            actor=request.user,
            publication=publication,
            expected_version=form.cleaned_data["expected_version"],
        )
    except REFUSALS as error:  # FiguresChanged among them: its message says to refresh first
        return refused(request, back, error)
    return done(request, back, _("“%(title)s”已发布。") % {"title": publication.title})


def publication_record(publication: Publication) -> list[tuple[str, str]]:
    """The draft as a confirmation of its publishing names it."""
    return [
        (_("标题"), publication.title),
        (_("类别"), publication.get_kind_display()),
        (_("范围"), scope_label(publication)),
        (_("版本"), str(publication.version)),
    ]


@login_required
@require_POST
def publication_disclose_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """保存公开设置: each item public or withheld with its reason, and the names to mask
    (publication_disclosure_save)."""
    publication = get_publication_for_user(request.user, pk)
    back = publication_url(publication, "disclosure")
    decisions, chosen, added = disclosure_from_post(request.POST)
    try:
        publication_disclosure_save(
            actor=request.user,
            publication=publication,
            decisions=decisions,
            chosen=chosen,
            added=added,
        )
    except REFUSALS as error:
        return refused(request, back, error)
    return done(request, back, _("公开设置已保存。"))


@login_required
@require_POST
def publication_step_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """审核通过, 退回修改 or 撤回 (the workflow's other moves; 发布 has its own view).

    撤回 is confirmed first, in the words of its workflow row.
    """
    publication = get_publication_for_user(request.user, pk)
    back = publication_url(publication, "actions")
    form = PublicationStepForm(request.POST)
    if not form.is_valid():
        return refused(request, back, stale_page())
    name = form.cleaned_data["name"]
    reason = form.cleaned_data["reason"]
    try:
        if name == "withdraw":
            move = move_to_confirm(request, PUBLICATION, publication, name, reason=reason)
            if move is not None:
                return confirmation(
                    request,
                    move=move,
                    action=request.path,
                    back=back,
                    record=publication_record(publication),
                    reason=reason,
                )
            publication = publication_withdraw(
                actor=request.user, publication=publication, reason=reason
            )
        elif name == "return":
            publication = publication_return(
                actor=request.user,
                publication=publication,
                reason=reason,
                expected_version=form.cleaned_data["expected_version"],
            )
        else:
            publication = publication_approve(
                actor=request.user,
                publication=publication,
                expected_version=form.cleaned_data["expected_version"],
            )
    except REFUSALS as error:
        return refused(request, back, error)
    return done(
        request,
        back,
        _("“%(title)s”：%(move)s。")
        % {"title": publication.title, "move": PUBLICATION.move_label(name)},
    )
