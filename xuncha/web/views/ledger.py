"""The ledger (整改台账): every problem in scope, filtered and paged."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET

from xuncha.core.models import Role
from xuncha.core.permissions import has_role
from xuncha.findings.ledger import LEDGER_PAGE_SIZE, ledger_page
from xuncha.web.forms import LedgerFilterForm
from xuncha.web.views.common import AuthenticatedHttpRequest

__all__ = ["LEDGER_PAGE_SIZE", "ledger"]


@login_required
@require_GET
def ledger(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A page of the ledger; an HTMX request aimed at the results gets the results alone.

    The measure counts come from one aggregate over this page's problems only, so the page
    costs the same whether the table holds a hundred problems or a hundred thousand. The
    warning colour (computed from the stored deadlines and today) is a SQL annotation: the
    count leaves it out unless the colour is filtered on. Each row names the deadline its
    warning is about (整改措施（第2项）, 整改情况报告 …) and its date. A search (``q``) marks
    its matches in the titles and shows the text or measure that matched; the column headers
    sort (``sort``), and every link (pages, sort, export) keeps the query string.
    """
    form = LedgerFilterForm(request.GET or None, user=request.user)
    result = ledger_page(
        request.user,
        filters=form.filters(),
        warning=form.warning_colour(),
        deadline_kind=form.deadline_kind(),
        page_number=request.GET.get("page"),
        today=timezone.localdate(),
    )
    page = result.page
    empty = {"total": 0, "done": 0}
    context = {
        "form": form,
        "page": page,
        "rows": [(p, result.progress.get(p.pk, empty)) for p in result.problems],
        "warnings": result.warnings,
        "highlights": result.highlights,
        "sort_links": form.sort_links(),
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2),
        "may_import": has_role(request.user, Role.OFFICE, Role.UNIT),
    }
    partial = request.htmx and request.htmx.target == "ledger-results"
    template = "web/_ledger_results.html" if partial else "web/ledger.html"
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request", "HX-Target"))
    return response
