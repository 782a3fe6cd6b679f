from __future__ import annotations

from pathlib import Path

import pytest

from tests import shared


@pytest.fixture
def seed_path() -> Path:
    return shared.seed_path()


@pytest.fixture
def seed_text() -> str:
    return shared.seed_text()


# One of each role and the records they act on, for any test that needs the whole cast.
from tests.rectification.conftest import cast  # noqa: E402,F401
