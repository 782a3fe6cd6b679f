"""A database too busy to take a write answers 503 with a page, not 500 with a stack trace.

On SQLite a write waits up to ``XUNCHA_SQLITE_TIMEOUT`` seconds for another writer (a large
import) and then fails with "database is locked"; on PostgreSQL a lock wait can end the same
way (lock_timeout, deadlock). Nothing was stored (the service's transaction rolled back), so
the user is told to send it again in a moment, and the API client gets Retry-After.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5
BUSY_WORDS = ("database is locked", "database table is locked", "lock timeout", "deadlock")


def database_busy(error: BaseException) -> bool:
    """Whether ``error`` is the database refusing a write for now, not a fault."""
    if not isinstance(error, OperationalError):
        return False
    cause = error.__cause__ or error
    code = getattr(cause, "sqlstate", None)
    # 55P03 lock_not_available, 40P01 deadlock_detected (PostgreSQL).
    return code in {"55P03", "40P01"} or any(word in str(error).lower() for word in BUSY_WORDS)


class DatabaseBusyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not database_busy(exception):
            return None
        logger.warning("database busy on %s %s: %s", request.method, request.path, exception)
        if request.path.startswith("/api/"):
            response: HttpResponse = JsonResponse(
                {"detail": _("数据库正忙，请稍后重试。")}, status=503
            )
        else:
            response = HttpResponse(render_to_string("503.html", request=request), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
