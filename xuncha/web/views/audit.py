"""The audit log for the office and supervisors: filter, page, and verify the hash chain."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from xuncha.core.audit import audit_verify
from xuncha.core.permissions import may_read_audit
from xuncha.core.selectors import audit_choices, audit_entries_filtered
from xuncha.web.history import action_label, entry_changes, person_name
from xuncha.web.views.common import AuthenticatedHttpRequest
from xuncha.web.workflow_forms import AuditFilterForm

AUDIT_PAGE_SIZE = 50

# The verifier speaks English (it is also a console command); the page says it in Chinese.
VERIFY_REASONS = {
    "canonical text does not match its hash": gettext_lazy("规范文本与其哈希值不符"),
    "previous hash does not match the row before (a row was removed or reordered)": (
        gettext_lazy("与前一条记录的哈希不衔接（有记录被删除或调换）")
    ),
    "canonical text is not valid JSON": gettext_lazy("规范文本不是有效的 JSON"),
    "chain head does not match the last row (rows removed at the end)": gettext_lazy(
        "链头与最后一条记录不符（末尾的记录被删除）"
    ),
}


def verify_reason(reason: str) -> str:
    """The verifier's reason in Chinese (a column that differs is named)."""
    if reason in VERIFY_REASONS:
        return str(VERIFY_REASONS[reason])
    if reason.startswith("column ") and reason.endswith(" differs from the hashed text"):
        column = reason.removeprefix("column ").removesuffix(" differs from the hashed text")
        return _("字段 %(column)s 与哈希文本不符") % {"column": column}
    return reason


@login_required
@require_GET
def audit_log(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The audit rows, newest first, 50 a page, each with its fields before → after."""
    if not may_read_audit(request.user):
        raise Http404
    actions, object_types = audit_choices(request.user)
    form = AuditFilterForm(
        request.GET or None,
        actions=[(action, action_label(action)) for action in actions],
        object_types=object_types,
    )
    entries = audit_entries_filtered(request.user, **form.filters())
    page = Paginator(entries, AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {
            "entry": entry,
            "who": person_name(entry.actor, entry.actor_name),
            "what": action_label(entry.action),
            "changes": entry_changes(entry),
        }
        for entry in page.object_list
    ]
    context = {
        "form": form,
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
            _("哈希链校验失败：第 %(id)s 号记录被改动（%(reason)s）。")
            % {"id": problem.entry_id, "reason": verify_reason(problem.reason)},
        )
    else:
        messages.error(
            request, _("哈希链校验失败：%(reason)s。") % {"reason": verify_reason(problem.reason)}
        )
    return redirect(reverse("web:audit"))
