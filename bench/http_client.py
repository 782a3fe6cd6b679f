"""A minimal HTTP client with a cookie jar, standard library only: the benchmarks, the deploy
check (scripts/deploy_check.py) and the tests that drive the production server use it."""

from __future__ import annotations

import http.client
import re
import urllib.parse
from collections.abc import Sequence
from http.cookies import SimpleCookie


class Browser:
    """A minimal HTTP client with a cookie jar: one connection per request (a sync gunicorn
    worker closes it after each answer anyway)."""

    def __init__(self, base_url: str, *, headers: Sequence[tuple[str, str]] = ()) -> None:
        parts = urllib.parse.urlsplit(base_url)
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or 80
        self.cookies: dict[str, str] = {}
        # Sent with every request: a reverse proxy's X-Forwarded-Proto, say.
        self.headers = dict(headers)

    def request(
        self,
        method: str,
        path: str,
        form: dict[str, str] | None = None,
        extra: Sequence[tuple[str, str]] = (),
    ) -> tuple[int, dict[str, str], str]:
        """(status, headers, body) of one request, the cookies it sets kept."""
        headers = {
            "Host": f"{self.host}:{self.port}",
            "Accept": "text/html",
            **self.headers,
            **dict(extra),
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection(self.host, self.port, timeout=120)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", errors="replace")
            for header in response.msg.get_all("Set-Cookie") or []:
                jar: SimpleCookie = SimpleCookie()
                jar.load(header)
                for name, morsel in jar.items():
                    self.cookies[name] = morsel.value
            return response.status, {k.lower(): v for k, v in response.getheaders()}, text
        finally:
            connection.close()

    def log_in(self, username: str, password: str) -> None:
        """Log in through the login page once (django-axes throttles repeated log-ins)."""
        status, _headers, body = self.request("GET", "/accounts/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)
        if status != 200 or token is None:
            raise RuntimeError(f"the login page answered {status} without a CSRF token")
        status, _headers, _body = self.request(
            "POST",
            "/accounts/login/",
            {"username": username, "password": password, "csrfmiddlewaretoken": token.group(1)},
        )
        if status != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"logging in as {username} failed (HTTP {status})")
