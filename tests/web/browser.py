"""What the browser tests share: launching the system's Chromium, logging in, screenshots.

Playwright's sync API runs an event loop in the test's thread; Django's ORM refuses to run
inside one unless told the calls are safe (they are: the loop only drives the browser).
Screenshots land in test-results/ (ignored by git) for a person to look at.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.shared import REPOSITORY

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
RESULTS = REPOSITORY / "test-results"
PASSWORD = "pw-test-1"


def require_chromium() -> None:
    """Skip the calling test when the system has no Chromium (fail under CI's require flag)."""
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is absent; install the chromium package to run browser tests"
        if os.environ.get("XUNCHA_REQUIRE_BROWSER") == "1":
            pytest.fail(f"XUNCHA_REQUIRE_BROWSER=1 but {reason}")
        pytest.skip(reason)


def launch_chromium(playwright: Any) -> Any:
    """The system's Chromium, headless (never a downloaded one)."""
    return playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
    )


@contextmanager
def chromium() -> Iterator[Any]:
    """The system's Chromium, headless, for as long as the block lasts (the calling test is
    skipped, or fails under CI's require flag, when the system has none)."""
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = launch_chromium(playwright)
        try:
            yield launched
        finally:
            launched.close()


def new_page(browser: Any) -> Any:
    """A page in a fresh browser context: its own cookies, as a second person's browser."""
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def log_in(page: Any, live_server: Any, username: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}/")


def screenshot(page: Any, name: str, *, full_page: bool = True) -> Path:
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / name
    page.screenshot(path=str(path), full_page=full_page)
    return path
