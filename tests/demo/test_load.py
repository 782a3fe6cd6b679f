"""Loading the demo: refused twice, reset without duplicates, never over real data, the command's
words, and no sentence of the seed."""

from __future__ import annotations

import inspect
import re
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import TestCase

from tests.shared import seed_text
from xuncha.core.audit import audit_verify
from xuncha.core.models import AuditEntry
from xuncha.demo import content as demo_content
from xuncha.demo import load as demo_module
from xuncha.demo import users as demo_users
from xuncha.demo.load import (
    DEMO_LOGINS,
    DEMO_PASSWORD,
    DEMO_URL,
    DemoAlreadyLoaded,
    DemoRefused,
    DemoSummary,
    demo_load,
)
from xuncha.demo.management.commands import load_demo as load_demo_command
from xuncha.rectification.models import (
    Evidence,
)
from xuncha.rounds.models import Round, Unit

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    """Evidence files go to a temporary folder, never to the repository's var/."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def summary() -> DemoSummary:
    return demo_load()


def test_loading_twice_is_refused_and_duplicates_nothing(summary: DemoSummary) -> None:
    audit_rows = AuditEntry.objects.count()
    with pytest.raises(DemoAlreadyLoaded):
        demo_load()
    assert demo_module.demo_summary() == summary
    assert AuditEntry.objects.count() == audit_rows


def test_reset_reloads_without_duplicating(summary: DemoSummary, media_root: Path) -> None:
    with TestCase.captureOnCommitCallbacks(execute=True):
        again = demo_load(reset=True)
    assert again == summary
    stored = {path.name for path in media_root.rglob("*") if path.is_file()}
    assert stored == {Path(name).name for name in Evidence.objects.values_list("file", flat=True)}
    assert Round.objects.count() == 1
    assert Unit.objects.count() == summary.units
    assert AuditEntry.objects.filter(action="problem.delete").count() == summary.problems
    assert audit_verify() is None


def test_reset_never_removes_a_round_that_is_not_demo_data() -> None:
    Round.objects.create(name="十四届市委第三轮巡察")
    with pytest.raises(DemoRefused):
        demo_load(reset=True)
    assert Round.objects.count() == 1


def test_the_command_prints_the_address_and_the_logins_and_is_polite_the_second_time() -> None:
    out = StringIO()
    call_command("load_demo", stdout=out)
    first = out.getvalue()
    assert DEMO_URL in first
    for login in DEMO_LOGINS:
        assert login.username in first
        assert login.role_label in first
    assert DEMO_PASSWORD in first
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert "--reset" in out.getvalue()
    assert Round.objects.count() == 1


@pytest.mark.shared
def test_the_demo_contains_no_sentence_of_the_seed() -> None:
    sources = "".join(
        inspect.getsource(module)
        for module in (demo_module, demo_content, demo_users, load_demo_command)
    )
    fragments = [part.strip() for part in re.split(r"[。；;\n]", seed_text())]
    copied = [part for part in fragments if len(part) >= 24 and part in sources]
    assert copied == []
