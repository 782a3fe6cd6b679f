"""Settings for the test suite: the normal settings with fast password hashing."""

import os

os.environ.setdefault("XUNCHA_TESTING", "1")

from config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Throttling is tested on its own (tests/core/test_login_throttle.py); elsewhere tests log in
# through Django's test client, which authenticates without a request.
AXES_ENABLED = False
