"""What the problem page shows of the unit's requests: each side by side, with its moves."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from xuncha.core.models import Role, StatusChange
from xuncha.core.permissions import Actor
from xuncha.core.workflow import Move
from xuncha.findings.models import Measure, Problem
from xuncha.rectification.authority import unit_proposes
from xuncha.rectification.models import ChangeRequest, RequestFile
from xuncha.rectification.requests import OPEN_PROBLEM, REQUEST, Side, request_sides
from xuncha.web.history import person_name
from xuncha.web.request_forms import ExtensionRequestForm, RequestDecisionForm


@dataclass
class RequestRow:
    """One request on the problem page: what it changes, its files, its last decision."""

    request: ChangeRequest
    sides: list[Side]
    moves: list[Move]
    files: list[RequestFile] = field(default_factory=list)
    decision: StatusChange | None = None
    requester: str = ""
    decider: str = ""


def request_rows(user: Actor, problem: Problem) -> list[RequestRow]:
    requests = list(
        ChangeRequest.objects.filter(problem=problem)
        .select_related("requested_by__profile", "measure", "problem__assignment")
        .prefetch_related("files")
    )
    decisions = {
        change.subject_id: change
        for change in StatusChange.objects.filter(
            workflow=REQUEST.name,
            subject_id__in=[r.pk for r in requests],
            move__in=["approve", "refuse", "withdraw"],
        )
        .select_related("actor__profile")
        .order_by("at", "id")
    }
    return [
        RequestRow(
            request=item,
            sides=request_sides(item),
            moves=[move for move in REQUEST.moves(item, user) if move.available],
            files=list(item.files.all()),
            decision=decisions.get(item.pk),
            requester=person_name(item.requested_by),
            decider=person_name(decisions[item.pk].actor) if item.pk in decisions else "",
        )
        for item in requests
    ]


def request_context(
    user: Actor,
    problem: Problem,
    roles: frozenset[str],
    measures: Sequence[Measure],
    bound: Mapping[str, Any],
) -> dict[str, Any]:
    """The problem page's requests, and the unit's form to ask when it may ask."""
    may_ask = Role.UNIT in roles and problem.status in OPEN_PROBLEM and not unit_proposes(problem)
    return {
        "requests": request_rows(user, problem),
        "may_ask": may_ask,
        "extension_form": (
            bound.get("extension") or ExtensionRequestForm(problem=problem, measures=measures)
        )
        if may_ask
        else None,
        "decision_form": RequestDecisionForm(),
    }
