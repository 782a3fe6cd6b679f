"""The audit log for the office and supervisors: filter, page, and verify the hash chain."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from xuncha.core.audit import audit_verify

# The verifier speaks English (it is also a console command); its VERIFY_REASONS map and
# verify_reason_text say every reason in Chinese, for this page and the command alike.
from xuncha.core.audit_check import verify_reason_text
from xuncha.core.permissions import may_read_audit
from xuncha.core.selectors import (
    audit_choices,
    audit_entries_filtered,
    audit_entries_searched,
)
from xuncha.findings.search import highlight, search_terms
from xuncha.web.history import action_label, entry_changes, person_name
from xuncha.web.views.common import AuthenticatedHttpRequest
from xuncha.web.workflow_forms import AuditFilterForm

AUDIT_PAGE_SIZE = 50


@login_required
@require_GET
def audit_log(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The audit rows, newest first, 50 a page, each with its fields before → after;
    ``q`` searches them (every word must occur), its matches marked in the object's name."""
    if not may_read_audit(request.user):
        raise Http404
    actions, object_types = audit_choices(request.user)
    form = AuditFilterForm(
        request.GET or None,
        actions=[(action, action_label(action)) for action in actions],
        object_types=object_types,
    )
    query = request.GET.get("q", "").strip()
    terms = search_terms(query)
    entries = audit_entries_searched(audit_entries_filtered(request.user, **form.filters()), terms)
    page = Paginator(entries, AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {
            "entry": entry,
            "object_shown": highlight(Truncator(entry.object_repr).chars(40), terms),
            "who": person_name(entry.actor, entry.actor_name),
            "what": action_label(entry.action),
            "changes": entry_changes(entry),
        }
        for entry in page.object_list
    ]
    context = {
        "form": form,
        "query": query,
        "page": page,
        "rows": rows,
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2),
    }
    return render(request, "web/audit.html", context)


@login_required
@require_POST
def audit_check(request: AuthenticatedHttpRequest) -> HttpResponse:
    """校验哈希链: walk the whole chain and say whether it holds, or where it breaks."""
    if not may_read_audit(request.user):
        raise Http404
    problem = audit_verify()
    if problem is None:
        messages.success(request, _("审计记录哈希链校验通过，未发现篡改。"))
    elif problem.entry_id:
        messages.error(
            request,
            _("哈希链校验失败：第 %(id)s 号记录未通过校验（%(reason)s）。")
            % {"id": problem.entry_id, "reason": verify_reason_text(problem)},
        )
    else:
        messages.error(
            request, _("哈希链校验失败：%(reason)s。") % {"reason": verify_reason_text(problem)}
        )
    return redirect(reverse("web:audit"))
