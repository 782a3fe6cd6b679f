"""In a real browser, in English: the office chooses English and sees no Chinese in the interface.

Issue 14, acceptance 4. The office logs in (the log-in page in Chinese, the default), chooses
English in the footer, then walks the home page, the ledger, a problem page and the import
form. The navigation, headings, labels and buttons hold no Chinese; data (the round's, units'
and problem's names, written in Chinese as they are in real use) may.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.catalogue import compile_catalogue
from tests.rectification.conftest import build_cast, problem_at
from tests.test_translations import CJK, DATA
from tests.web.browser import (
    chromium,
    log_in,
    new_page,
    screenshot,
)

pytestmark = pytest.mark.browser

INTERFACE = "nav.mainnav, main h1, main h2, main h3, main label, main button, main legend"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One headless Chromium for this module's walk."""
    with chromium() as launched:
        yield launched


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    opened = new_page(browser)  # a Chinese browser (zh-CN): English only once chosen
    yield opened
    opened.context.close()


def chinese_in_interface(page: Any) -> list[str]:
    """The interface texts of the page (nav, headings, labels, buttons) holding Chinese."""
    found = []
    for text in page.locator(INTERFACE).all_inner_texts():
        for data in DATA:
            text = text.replace(data, "")
        if CJK.search(text):
            found.append(" ".join(text.split()))
    return found


def test_the_office_in_english_sees_no_chinese_in_the_navigation_and_forms(
    live_server, page, settings, tmp_path, deadline_rules
):
    settings.MEDIA_ROOT = tmp_path / "media"
    compile_catalogue()
    cast = build_cast()
    problem = problem_at(cast.assignment, "in_progress")

    log_in(page, live_server, "office")
    assert page.locator("html").get_attribute("lang") == "zh-hans"  # Chinese is the default
    page.locator("#language-choice").select_option("en")
    page.locator("footer .language-form button").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("link", name="Rectification ledger", exact=True).is_visible()

    walked: dict[str, list[str]] = {}
    walked["home"] = chinese_in_interface(page)
    screenshot(page, "english-home.png", full_page=False)

    page.get_by_role("link", name="Rectification ledger", exact=True).click()
    page.wait_for_url(f"{live_server.url}/ledger/")
    page.get_by_role("heading", name="Rectification ledger").wait_for()
    walked["ledger"] = chinese_in_interface(page)
    screenshot(page, "english-ledger.png", full_page=False)

    page.goto(f"{live_server.url}/problems/{problem.pk}/")
    page.get_by_role("heading", name=problem.title).wait_for()
    walked["problem"] = chinese_in_interface(page)
    screenshot(page, "english-problem.png")

    page.get_by_role("link", name="Import digest", exact=True).click()
    page.get_by_role("button", name="Preview").wait_for()
    walked["import form"] = chinese_in_interface(page)
    screenshot(page, "english-import.png", full_page=False)

    assert walked == {"home": [], "ledger": [], "problem": [], "import form": []}
