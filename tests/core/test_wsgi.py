"""The WSGI application freezes its worker's objects out of the collector once warmed up."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from config.wsgi import FrozenAfterWarmUp


@pytest.fixture
def unfrozen() -> Iterator[None]:
    gc.unfreeze()
    yield
    gc.unfreeze()


def test_the_worker_freezes_what_it_holds_after_its_warm_up_requests_and_answers_each(unfrozen):
    answers = []

    def application(environ, start_response):  # type: ignore[no-untyped-def]
        start_response("200 OK", [])
        return [environ["PATH_INFO"].encode()]

    wrapped = FrozenAfterWarmUp(application, requests=2)
    for path in ("/a", "/b", "/c"):
        answers.append(b"".join(wrapped({"PATH_INFO": path}, lambda *args: None)))
        if path == "/a":
            assert gc.get_freeze_count() == 0
    assert answers == [b"/a", b"/b", b"/c"]
    assert gc.get_freeze_count() > 0
    # Only once: later requests leave what they make to the collector.
    frozen = gc.get_freeze_count()
    kept = [object() for _ in range(10)]  # noqa: F841 (tracked objects made after the freeze)
    wrapped({"PATH_INFO": "/d"}, lambda *args: None)
    assert gc.get_freeze_count() == frozen
