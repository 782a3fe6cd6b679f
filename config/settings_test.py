"""Settings for the test suite: the normal settings with fast password hashing."""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("XUNCHA_TESTING", "1")

from config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Throttling is tested on its own (tests/core/test_login_throttle.py); elsewhere tests log in
# through Django's test client, which authenticates without a request.
AXES_ENABLED = False

# The audit key and anchor of a test run live in a folder of their own, never in var/;
# tests/conftest.py gives each test its own.
_AUDIT_DIR = Path(tempfile.mkdtemp(prefix="xuncha-audit-"))
XUNCHA_AUDIT_KEY_FILE = _AUDIT_DIR / "audit.key"
XUNCHA_AUDIT_ANCHOR_FILE = _AUDIT_DIR / "audit-anchor.log"

# The test database is thrown away: on PostgreSQL a commit need not wait for the disk (the
# tests that commit — served sites, concurrent writers, a module's data — wait less).
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":  # noqa: F405
    _options = DATABASES["default"].setdefault("OPTIONS", {})  # noqa: F405
    _options["options"] = f"{_options.get('options', '')} -c synchronous_commit=off".strip()
