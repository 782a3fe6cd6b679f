"""The buttons a page draws are exactly the workflow engine's list of moves for that user:
the same moves, in the same order, disabled exactly where the engine gives a reason (and the
reason shown beside it). Read from the HTML, not from the view's context."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import pytest
from django.urls import reverse

from tests.factories import make_user
from tests.rectification.conftest import problem_at
from tests.web.conftest import client_for
from xuncha.core.models import Role
from xuncha.rectification.services import plan_get_or_create
from xuncha.rectification.transitions import plan_transition
from xuncha.rectification.workflow import MEASURE, PLAN, PROBLEM

pytestmark = pytest.mark.django_db


class Forms(HTMLParser):
    """Every form of a page: where it posts, its hidden ``name`` and whether its button is
    disabled, and the hint text that follows a disabled button."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, Any]] = []
        self._hint: dict[str, Any] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "form":
            self.forms.append({"action": found.get("action"), "name": None, "disabled": None})
        elif self.forms and tag == "input" and found.get("name") == "name":
            self.forms[-1]["name"] = found.get("value")
        elif self.forms and tag == "button" and self.forms[-1]["disabled"] is None:
            self.forms[-1]["disabled"] = "disabled" in found
        elif tag == "p" and "blocked" in (found.get("class") or "") and self.forms:
            self._hint = self.forms[-1]

    def handle_data(self, data: str) -> None:
        if self._hint is not None and data.strip():
            self._hint["hint"] = self._hint.get("hint", "") + data.strip()

    def handle_endtag(self, tag: str) -> None:
        if tag == "p":
            self._hint = None


def drawn(content: str, action: str) -> list[tuple[str, bool, str]]:
    """(move, enabled, reason) of the forms posting to ``action``, in page order."""
    parser = Forms()
    parser.feed(content)
    return [
        (form["name"], not form["disabled"], form.get("hint", ""))
        for form in parser.forms
        if form["action"] == action
    ]


def listed(moves: Any) -> list[tuple[str, bool, str]]:
    return [(move.name, move.available, move.refusal) for move in moves]


CASES = [
    ("pending", "office"),
    ("in_progress", "liaison"),
    ("in_progress", "office"),
    ("in_progress", "member"),
    ("closing_requested", "office"),
    ("closing_requested", "office2"),
    ("closing_requested", "liaison"),
    ("closed", "office"),
    ("closed", "supervisor"),
]


@pytest.mark.parametrize(("status", "who"), CASES)
def test_the_problem_pages_buttons_are_the_engines_list(cast, status, who):
    problem = problem_at(cast.assignment, status, requester=cast.office2)
    user = cast.by_name(who)
    response = client_for(user).get(reverse("web:problem", args=[problem.pk]))
    assert response.status_code == 200
    content = response.content.decode()
    expected = listed(PROBLEM.moves(problem, user))
    assert drawn(content, reverse("web:problem_step", args=[problem.pk])) == expected
    for measure in problem.measures.all():
        moves = [move for move in MEASURE.moves(measure, user) if move.available]
        assert drawn(content, reverse("web:measure_step", args=[measure.pk])) == listed(moves)


def test_the_list_is_not_empty_where_someone_must_act(cast):
    # Guard against a page that draws nothing and an engine that lists nothing.
    problem = problem_at(cast.assignment, "closing_requested", requester=cast.office2)
    content = client_for(cast.office2).get(reverse("web:problem", args=[problem.pk]))
    buttons = drawn(content.content.decode(), reverse("web:problem_step", args=[problem.pk]))
    assert buttons == [
        ("return", True, ""),
        ("close", False, "申请销号的人不能自己销号，须由另一名人员审核。"),
    ]


def test_a_person_with_two_roles_sees_the_moves_of_both(cast):
    # An office member who is also the unit's liaison: the office's moves on the unit.
    both = make_user("office_and_liaison", Role.OFFICE, Role.UNIT)
    cast.assignment.unit.liaisons.add(both)
    problem = problem_at(cast.assignment, "closed")
    content = client_for(both).get(reverse("web:problem", args=[problem.pk])).content.decode()
    buttons = drawn(content, reverse("web:problem_step", args=[problem.pk]))
    assert buttons == listed(PROBLEM.moves(problem, both)) == [("reopen", True, "")]


@pytest.mark.parametrize("who", ["liaison", "office", "member"])
def test_the_plan_pages_buttons_are_the_engines_list(cast, who):
    problem_at(cast.assignment, "pending")
    plan = plan_get_or_create(actor=None, assignment=cast.assignment)
    user = cast.by_name(who)
    url = reverse("web:plan_step", args=[cast.assignment.pk])
    page = client_for(user).get(reverse("web:plan", args=[cast.assignment.pk]))
    assert drawn(page.content.decode(), url) == listed(PLAN.moves(plan, user))
    plan = plan_transition(actor=None, plan=plan, name="submit")
    page = client_for(user).get(reverse("web:plan", args=[cast.assignment.pk]))
    assert drawn(page.content.decode(), url) == listed(PLAN.moves(plan, user))
