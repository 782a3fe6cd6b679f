"""Odd query values never answer 500 (issue 9, acceptance 4): the URL walk of every page, and
the API's lists, with non-ASCII digits ("²" passes ``str.isdigit`` and fails ``int``; "٣" is
read by ``int``), integers past a 64-bit column, empty values, a NUL and Chinese numerals. Each
answer is a page (200), a redirect, a refusal of the request (400) or not found (404)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.web import test_access_matrix as matrix
from tests.web.conftest import client_for
from tests.web.test_access_matrix import PAGES, page_url

# The access matrix's world (every record of both units), written once for this module too.
world = matrix.world
cast = matrix.cast
places = matrix.places

ODD_VALUES = ["²", "٣", "9" * 20, str(2**63), "-1", "", "\x00", "九" * 50]
# The ids and filters pages read, besides the fields of their own GET forms.
COMMON_PARAMETERS = [
    "page", "round", "unit", "group", "status", "warning", "deadline", "kind", "q", "batch",
    "followup", "format", "sort", "action", "object_type", "next",
]  # fmt: skip
ALLOWED = {200, 301, 302, 400, 404}


def parameters_of(html: str) -> set[str]:
    """The names of a page's GET form fields."""
    names: set[str] = set()
    for form in re.findall(r"<form(?![^>]*method=\"post\")[^>]*>(.*?)</form>", html, re.S):
        names |= set(re.findall(r'name="([^"]+)"', form))
    return names - {"csrfmiddlewaretoken"}


@pytest.mark.parametrize("name", list(PAGES))
def test_a_page_with_odd_query_values_answers_without_a_server_error(cast, places, name):
    record, _allowed, _status = PAGES[name]
    url = page_url(name, record, places)
    office = client_for(cast.office)
    office.raise_request_exception = False
    first = office.get(url)
    streamed = getattr(first, "streaming", False)
    page = not streamed and first.get("Content-Type", "").startswith("text/html")
    own = parameters_of(first.content.decode()) if page else set()
    names = sorted(own | set(COMMON_PARAMETERS))
    answers: dict[tuple[str, str], int] = {}
    for value in ODD_VALUES:  # every parameter at once
        answers[("*", value)] = office.get(url, dict.fromkeys(names, value)).status_code
    # One by one, where an error in one parameter could hide another's; a file (a .docx, a PDF
    # made by LibreOffice in seconds) has no form of its own, so all at once stands for it.
    for parameter in names if page else ["format"]:
        for value in ("²", str(2**63)):
            answers[(parameter, value)] = office.get(url, {parameter: value}).status_code
    assert {key: code for key, code in answers.items() if code not in ALLOWED} == {}


@pytest.mark.parametrize("endpoint", ["api:round-list", "api:unit-list", "api:problem-list"])
def test_the_api_lists_with_odd_query_values_answer_without_a_server_error(cast, endpoint):
    office = client_for(cast.office)
    office.raise_request_exception = False
    url = reverse(endpoint)
    answers = {
        (parameter, value): office.get(url, {parameter: value}).status_code
        for parameter in ["round", "unit", "group", "status", "warning", "page", "cursor"]
        for value in ODD_VALUES
    }
    assert {key: code for key, code in answers.items() if code not in ALLOWED} == {}
