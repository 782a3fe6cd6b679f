"""The English catalogue for tests: compiled where ``make install`` compiles it, when missing.

``make install`` compiles xuncha/locale/en/LC_MESSAGES/django.mo from the committed .po (the
.mo is not committed). A test run started without it, or after the .po changed, compiles it
into the same place first, so that the settings' LOCALE_PATHS find it.
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

from tests.shared import REPOSITORY

LOCALE = REPOSITORY / "xuncha" / "locale"
PO_FILE = LOCALE / "en" / "LC_MESSAGES" / "django.po"
MO_FILE = PO_FILE.with_suffix(".mo")


def compile_catalogue() -> Path:
    """The compiled English catalogue, made with msgfmt when missing or older than the .po."""
    if not MO_FILE.exists() or MO_FILE.stat().st_mtime < PO_FILE.stat().st_mtime:
        temporary = MO_FILE.with_name(f"django.mo.{os.getpid()}.tmp")
        subprocess.run(
            ["msgfmt", "--check-format", "-o", str(temporary), str(PO_FILE)],
            check=True,
            capture_output=True,
        )
        temporary.replace(MO_FILE)  # atomic: a parallel worker never reads half a file
        from django.utils.translation import trans_real

        # Django caches catalogues per process; one read before the file existed is dropped.
        trans_real._translations = {}  # type: ignore[attr-defined]
        trans_real._default = None  # type: ignore[attr-defined]
    return MO_FILE


def update_translations_script() -> ModuleType:
    """scripts/update-translations as a module: the checks the tooling and the tests share."""
    path = REPOSITORY / "scripts" / "update-translations"
    loader = importlib.machinery.SourceFileLoader("update_translations", str(path))
    spec = importlib.util.spec_from_loader("update_translations", loader)
    assert spec is not None
    if "update_translations" in sys.modules:
        return sys.modules["update_translations"]
    module = importlib.util.module_from_spec(spec)
    sys.modules["update_translations"] = module  # dataclasses look their module up there
    loader.exec_module(module)
    return module
