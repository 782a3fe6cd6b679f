"""``xuncha serve [ADDRESS]``: apply migrations and run the web app on gunicorn.

The production server: gunicorn's threaded workers, static files served by WhiteNoise from the
collected folder, so the same command works on an offline intranet machine with or without a
reverse proxy in front. Workers and threads come from ``XUNCHA_WORKERS`` and
``XUNCHA_THREADS`` (docs/deploy.md). ``make run`` uses Django's reloading development server
instead (``xuncha runserver``).
"""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

DEFAULT_ADDRESS = "127.0.0.1:8000"


def env_int(name: str, default: int) -> int:
    """A positive whole number from the environment, or a clear error naming the variable."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    if not raw.isascii() or not raw.isdigit() or int(raw) < 1:
        raise CommandError(
            _("环境变量 %(name)s 应为正整数，现为“%(value)s”。") % {"name": name, "value": raw}
        )
    return int(raw)


def gunicorn_options(address: str) -> dict[str, Any]:
    """Gunicorn's settings for xuncha, read from the environment (docs/deploy.md)."""
    return {
        "bind": address,
        "workers": env_int("XUNCHA_WORKERS", 2),
        "threads": env_int("XUNCHA_THREADS", 4),
        "worker_class": "gthread",
        # An import of a large digest or ledger takes a while; the worker must not be killed.
        "timeout": env_int("XUNCHA_WORKER_TIMEOUT", 120),
        "graceful_timeout": 30,
        "keepalive": 5,
        # A worker is replaced after this many requests, so a slow leak cannot grow forever.
        "max_requests": env_int("XUNCHA_MAX_REQUESTS", 2000),
        "max_requests_jitter": 200,
        "accesslog": os.environ.get("XUNCHA_ACCESS_LOG", "-"),
        "errorlog": "-",
        "loglevel": os.environ.get("XUNCHA_LOG_LEVEL", "warning").lower(),
        # Behind nginx on the same machine: trust its X-Forwarded-* headers.
        "forwarded_allow_ips": os.environ.get("XUNCHA_FORWARDED_ALLOW_IPS", "127.0.0.1,::1"),
        "proc_name": "xuncha",
    }


def run_gunicorn(options: dict[str, Any]) -> None:
    """Serve ``config.wsgi`` with gunicorn in this process (it forks the workers)."""
    from gunicorn.app.base import BaseApplication

    class XunchaApplication(BaseApplication):
        def load_config(self) -> None:
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            from config.wsgi import application

            return application

    XunchaApplication().run()


class Command(BaseCommand):
    help = _("应用数据库迁移、收集静态文件，并以 gunicorn 启动网页服务。")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "address",
            nargs="?",
            default=os.environ.get("XUNCHA_BIND", DEFAULT_ADDRESS),
            help=_("监听地址，如 127.0.0.1:8000 或 unix:/run/xuncha.sock"),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        if not settings.DEBUG:
            call_command("collectstatic", interactive=False, verbosity=0)
        server = gunicorn_options(options["address"])
        self.stdout.write(
            _("xuncha 已启动（gunicorn，%(workers)s 个进程 × %(threads)s 个线程）：%(address)s")
            % {
                "workers": server["workers"],
                "threads": server["threads"],
                "address": options["address"],
            }
        )
        self.stdout.flush()
        run_gunicorn(server)
