"""What the posting views share: where to go back to, and turning refusals into messages."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from django.contrib import messages
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django_htmx.http import HttpResponseClientRedirect, HttpResponseClientRefresh
from django_htmx.middleware import HtmxDetails

from xuncha.core.workflow import TransitionRefused
from xuncha.findings.models import Problem
from xuncha.findings.services import EditConflict, EditRefused

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# What a service may refuse with a message for the user (FileRefused is a ValueError).
REFUSALS = (TransitionRefused, EditRefused, EditConflict, ValueError)
# Refusals of the step itself (not this user's part, not in this status): the form is of no
# further use, so the page says why at its top.
STEP_REFUSALS = (TransitionRefused, EditRefused)
# Refusals of what was typed or of a stale version: the form comes back with the input kept.
INPUT_REFUSALS = (EditConflict, ValueError)


class AuthenticatedHttpRequest(HttpRequest):
    """A request to a page behind ``@login_required`` (every page here): its user is logged
    in, and django-htmx's middleware has said whether htmx sent it.

    For annotations only (django-stubs' documented pattern): the requests Django makes are
    never instances of it.
    """

    user: User
    htmx: HtmxDetails


ID_MAX = 2**63 - 1
"""The largest id a database column holds (a signed 64-bit integer)."""


def query_id(value: str) -> int | None:
    """An id typed into a query string or a form: ASCII digits within a column's range, else
    None. (``str.isdigit`` accepts "²" and "٣", which ``int`` refuses or reads; ids beyond the
    column overflow the query.)"""
    if value.isascii() and value.isdigit():
        number = int(value)
        if 0 < number <= ID_MAX:
            return number
    return None


def attach(instance: Model, **values: object) -> None:
    """Set values a template shows with a record that are not fields of its model (a group's
    warning counts on the round page): the model does not declare them, so they are set by
    name."""
    for name, value in values.items():
        setattr(instance, name, value)


def problem_url(problem: Problem | int, anchor: str = "") -> str:
    pk = problem if isinstance(problem, int) else problem.pk
    url = reverse("web:problem", args=[pk])
    return f"{url}#{anchor}" if anchor else url


def next_url(request: AuthenticatedHttpRequest, default: str) -> str:
    """The local page named by a form's ``next`` field, else ``default``."""
    candidate = request.POST.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


def go_to(request: AuthenticatedHttpRequest, url: str) -> HttpResponse:
    """Send the browser to ``url``; under htmx, make the browser load it in full.

    A client redirect to the page already shown plus an anchor would only scroll, so that
    case reloads the page instead (the browser keeps the scroll position).
    """
    if not request.htmx:
        return redirect(url)
    current = urlsplit(request.htmx.current_url or "")
    if urlsplit(url).path == current.path:
        return HttpResponseClientRefresh()
    return HttpResponseClientRedirect(url)


def done(request: AuthenticatedHttpRequest, url: str, message: str) -> HttpResponse:
    """After a successful post: a message, then the page again."""
    messages.success(request, message)
    return go_to(request, url)


def refused(request: AuthenticatedHttpRequest, url: str, error: Exception) -> HttpResponse:
    """A service refused: say why on the page the user came from."""
    messages.error(request, str(error))
    return go_to(request, url)


def error_status(request: AuthenticatedHttpRequest, error: Exception | None = None) -> int:
    """409 for an edit that raced another; 422 for other errors under htmx (it swaps them in),
    200 for a plain page showing the form again."""
    if isinstance(error, EditConflict):
        return 409
    return 422 if request.htmx else 200
