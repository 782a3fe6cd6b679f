"""Reading a text's outcomes before the write transaction begins, not while it holds the lock.

Finding the figures, people held to account and rules of a long text takes time; on SQLite a
write transaction holds the database's only write lock from its first statement, and on
PostgreSQL its row locks, so the reading is done first. A service names the arguments it will
read (:func:`read_first`), or an import reads all its texts at once (:func:`texts_read`); inside,
:func:`outcomes_of` answers from what was read, and reads the text itself only when it was not.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import ParamSpec, TypeVar

from xuncha.text.quantities import Outcomes, Quantity, find_outcomes

P = ParamSpec("P")
R = TypeVar("R")

_read = threading.local()


def _memo() -> dict[str, Outcomes]:
    memo: dict[str, Outcomes] | None = getattr(_read, "memo", None)
    if memo is None:
        memo = {}
        _read.memo = memo
    return memo


@contextmanager
def texts_read(texts: Iterable[str]) -> Iterator[None]:
    """Read every text's outcomes now; within the block, :func:`outcomes_of` uses them."""
    memo = _memo()
    added = [text for text in dict.fromkeys(texts) if text not in memo]
    for text in added:
        memo[text] = find_outcomes(text)
    try:
        yield
    finally:
        for text in added:
            memo.pop(text, None)


def read_first(*names: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Decorate a service (above its ``transaction.atomic``): the texts passed as the keyword
    arguments ``names`` are read before its transaction begins."""

    def decorator(service: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(service)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            texts = [value for name in names if isinstance(value := kwargs.get(name), str)]
            with texts_read(texts):
                return service(*args, **kwargs)

        return wrapper

    return decorator


def outcomes_of(text: str) -> Outcomes:
    """The outcomes of ``text``: as read beforehand, else read now."""
    found = _memo().get(text)
    return found if found is not None else find_outcomes(text)


def quantities_of(text: str) -> tuple[Quantity, ...]:
    """The quantities of ``text`` (part of its outcomes)."""
    return outcomes_of(text).quantities


__all__ = ["outcomes_of", "quantities_of", "read_first", "texts_read"]
