"""The in-app inbox: the user's notifications, newest first; marking them read."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from xuncha.notifications.selectors import notifications_for_user
from xuncha.notifications.services import notification_mark_read
from xuncha.web.views.common import AuthenticatedHttpRequest, next_url
from xuncha.web.workflow_forms import NotificationReadForm

INBOX_PAGE_SIZE = 50


@login_required
@require_GET
def inbox(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A page of the user's notifications; unread ones stand out."""
    notifications = notifications_for_user(request.user)
    page = Paginator(notifications, INBOX_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "unread": notifications.filter(read_at=None).count(),
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2),
    }
    return render(request, "web/inbox.html", context)


@login_required
@require_POST
def inbox_read(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Mark one notification read (only ever one of the user's own), or all of them."""
    form = NotificationReadForm(request.POST)
    back = next_url(request, reverse("web:inbox"))
    if not form.is_valid():
        messages.error(request, _("请求无效，请刷新页面后重试。"))
        return redirect(back)
    one = form.cleaned_data["notification"]
    changed = notification_mark_read(user=request.user, ids=None if one is None else [one])
    if one is None:
        messages.success(request, _("已将%(n)s条通知标为已读。") % {"n": changed})
    return redirect(back)
