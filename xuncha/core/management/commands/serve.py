"""``xuncha serve [ADDRESS]``: apply migrations and run the web app.

With debug off, static files are collected first and served by WhiteNoise, so the same command
works on an offline intranet machine. Behind a real web server, point a WSGI server at
``config.wsgi`` instead.
"""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _


class Command(BaseCommand):
    help = _("应用数据库迁移并启动网页服务。")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("address", nargs="?", default="127.0.0.1:8000")

    def handle(self, *args: Any, **options: Any) -> None:
        # With the reloader, Django runs this command again in a child process that serves;
        # the set-up steps and the greeting belong to the first run only.
        if os.environ.get("RUN_MAIN") != "true":
            call_command("migrate", interactive=False, verbosity=0)
            if not settings.DEBUG:
                call_command("collectstatic", interactive=False, verbosity=0)
            self.stdout.write(
                _("xuncha 已启动：http://%(address)s/") % {"address": options["address"]}
            )
        call_command("runserver", options["address"], use_reloader=settings.DEBUG)
