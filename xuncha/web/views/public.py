"""The public pages (公开): no log-in, only what is published and not withdrawn, only its
public items with the names masked, each "as of" its publishing.

The content is ``reports.disclosure``'s, the same the static export writes
(``xuncha export-public``); these views only find the record or answer 404.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.http import require_GET

from xuncha.reports.disclosure import (
    PublicLinks,
    public_index_context,
    public_publication_context,
    public_publications,
    public_round_context,
    public_rounds,
)
from xuncha.reports.models import Publication
from xuncha.rounds.models import Round


def site_links() -> PublicLinks:
    """The public pages' own URLs."""
    return PublicLinks(
        index=reverse("public:index"),
        publication=lambda publication: reverse("public:publication", args=[publication.pk]),
        round=lambda round_: reverse("public:round", args=[round_.pk]),
        stylesheet=static("web/xuncha.css"),
    )


@require_GET
def public_index(request: HttpRequest) -> HttpResponse:
    """The published digests and notices, and the rounds with published progress."""
    return render(request, "web/public/index.html", public_index_context(site_links()))


@require_GET
def public_publication(request: HttpRequest, pk: int) -> HttpResponse:
    """One published publication's public text; 404 for a draft, a withdrawn one or none."""
    try:
        publication: Publication = public_publications().get(pk=pk)
    except Publication.DoesNotExist:
        raise Http404 from None
    context = public_publication_context(publication, site_links())
    return render(request, "web/public/publication.html", context)


@require_GET
def public_round(request: HttpRequest, pk: int) -> HttpResponse:
    """A round's published progress; 404 for a round without a public notice."""
    try:
        round_: Round = public_rounds().get(pk=pk)
    except Round.DoesNotExist:
        raise Http404 from None
    return render(request, "web/public/round.html", public_round_context(round_, site_links()))
