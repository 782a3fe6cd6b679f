"""WSGI entry point for xuncha (gunicorn loads it in each worker; see ``xuncha serve``)."""

from __future__ import annotations

import gc
import os
import threading
from collections.abc import Iterable
from typing import Any

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

# Requests after which a worker's objects are frozen out of the garbage collector.
WARM_UP_REQUESTS = 3


class FrozenAfterWarmUp:
    """The application, whose worker freezes what it holds once warmed up (``gc.freeze``).

    What a worker has loaded by its first requests (Django, the URLs, the translations, the
    compiled templates) lives as long as the worker, yet each full collection walks all of it:
    at 100,000 problems, one in five dashboards of every round took 40 ms more for it
    (bench/dashboard.py). Frozen, the collector walks only what requests made since.
    """

    def __init__(self, application: Any, requests: int = WARM_UP_REQUESTS) -> None:
        self.application = application
        self.remaining = requests
        self.lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        response: Iterable[bytes] = self.application(environ, start_response)
        if self.remaining > 0:
            with self.lock:
                self.remaining -= 1
                if self.remaining == 0:
                    gc.collect()
                    gc.freeze()
        return response


application = FrozenAfterWarmUp(get_wsgi_application())
