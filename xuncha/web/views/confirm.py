"""Asking before a move that cannot be taken back or that reaches other people.

A workflow row with ``confirm`` (asking for closing, closing, publishing) is not made on the
first post: the view answers with the row's sentence, the record it concerns and a 确认 button
that posts the same fields again with ``confirmed=1``; 取消 goes back. Nothing is written until
then. It works without JavaScript (a page of its own) and under htmx (the panel alone, swapped
in where the form's target says). Only a move the engine would allow now is asked about: one it
refuses goes on to its service, which refuses it with its message as before.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.http import HttpResponse
from django.shortcuts import render

from xuncha.core.workflow import Move, Workflow
from xuncha.web.views.common import AuthenticatedHttpRequest

CONFIRMED = "confirmed"
# Fields never carried over: Django's own token (the confirmation writes a fresh one) and the
# answer itself.
NOT_REPOSTED = frozenset({"csrfmiddlewaretoken", CONFIRMED})


def is_confirmed(request: AuthenticatedHttpRequest) -> bool:
    """Whether the post is the answer to a confirmation (``confirmed=1``)."""
    return request.POST.get(CONFIRMED) == "1"


def move_to_confirm(
    request: AuthenticatedHttpRequest,
    workflow: Workflow[Any],
    subject: Any,
    name: str,
    *,
    reason: str = "",
) -> Move | None:
    """The move ``name`` when it is to be confirmed before it is made: its row says what it
    will do, the engine allows it to this user now, and this post is not the answer yet.
    ``None``: go on and make it (or let the service refuse it)."""
    transition = workflow.table.get(name)
    if transition is None or not transition.confirm or is_confirmed(request):
        return None
    if workflow.refusal(subject, name, request.user, reason=reason):
        return None
    return Move(transition)


def reposted_fields(request: AuthenticatedHttpRequest) -> list[tuple[str, str]]:
    """The posted fields, each value in order, to post again with the answer."""
    return [
        (name, value)
        for name, values in request.POST.lists()
        if name not in NOT_REPOSTED
        for value in values
    ]


def confirmation(
    request: AuthenticatedHttpRequest,
    *,
    move: Move,
    action: str,
    back: str,
    record: Sequence[tuple[str, str]],
    reason: str = "",
) -> HttpResponse:
    """The confirmation of ``move``: what it will do (``move.confirm``), the record as label
    and value pairs, the reason given, 确认 posting again to ``action`` and 取消 to ``back``."""
    context = {
        "move": move,
        "action": action,
        "back": back,
        "record": record,
        "reason": reason,
        "fields": reposted_fields(request),
        "confirmed_field": CONFIRMED,
    }
    template = "web/_confirm.html" if request.htmx else "web/confirm.html"
    return render(request, template, context)


__all__ = ["CONFIRMED", "confirmation", "is_confirmed", "move_to_confirm", "reposted_fields"]
