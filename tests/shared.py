"""Access to the seed digest in ../shared, which CI provides and the repository must not copy.

Tests that need the seed call :func:`seed_text` (or use the ``seed_text`` fixture). When
``../shared`` is absent they skip with the reason, unless ``XUNCHA_REQUIRE_SHARED=1`` is set (as
``.ci/run`` does), in which case they fail: CI must never pass by skipping them.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("XUNCHA_SHARED", REPOSITORY.parent / "shared"))
SEED_NAME = "000_0d4afe8e0bfa6a12.txt"


def seed_path() -> Path:
    """Return the seed digest's path, or skip/fail the calling test when it is absent."""
    path = SHARED / "seeds" / SEED_NAME
    if path.is_file():
        return path
    reason = f"the seed digest {path} is absent (../shared is provided by CI)"
    if os.environ.get("XUNCHA_REQUIRE_SHARED") == "1":
        pytest.fail(f"XUNCHA_REQUIRE_SHARED=1 but {reason}")
    pytest.skip(reason)


def seed_text() -> str:
    """Return the seed digest's text (UTF-8)."""
    return seed_path().read_text(encoding="utf-8")


def corpus_path() -> Path:
    """Return the real-document corpus's folder, or skip/fail the calling test when absent."""
    path = SHARED / "corpus"
    if (path / "SOURCES.tsv").is_file():
        return path
    reason = f"the document corpus {path} is absent (../shared is provided by CI)"
    if os.environ.get("XUNCHA_REQUIRE_SHARED") == "1":
        pytest.fail(f"XUNCHA_REQUIRE_SHARED=1 but {reason}")
    pytest.skip(reason)
