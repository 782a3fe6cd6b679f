"""The ``xuncha`` command line: Django's management commands under friendlier names.

``xuncha import-digest``, ``xuncha export-digest``, ``xuncha demo``, ``xuncha serve``, ``xuncha
check`` (the claims check; Django's system check is ``xuncha system-check``) and every other
management command (``xuncha migrate``, ``xuncha createsuperuser`` …).
"""

from __future__ import annotations

import os
import sys

ALIASES = {
    "serve": "serve",
    "demo": "load_demo",
    # ``xuncha check`` is the claims check; Django's system check stays ``xuncha system-check``
    # (``manage.py check`` is untouched).
    "check": "check_claims",
    "system-check": "check",
}


def main(argv: list[str] | None = None) -> None:
    """Run a management command; hyphenated names map to Django's underscored ones."""
    args = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    if args and not args[0].startswith("-"):
        args[0] = ALIASES.get(args[0], args[0].replace("-", "_"))
    from django.core.management import execute_from_command_line

    execute_from_command_line(["xuncha", *args])


if __name__ == "__main__":
    main()
