"""The API's HTTP basic authentication, refusing credentials no account can have.

A NUL character cannot be stored in a PostgreSQL text column, so a user name or password that
holds one would fail the account lookup (and the log-in throttle's record of the attempt) with a
database error. Such credentials are refused as invalid, on every database alike, before any
lookup.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.authentication import BasicScheme
from rest_framework import authentication, exceptions
from rest_framework.request import Request


class BasicAuthentication(authentication.BasicAuthentication):
    def authenticate_credentials(
        self, userid: str, password: str, request: Request | None = None
    ) -> tuple[Any, None]:
        if "\x00" in userid or "\x00" in password:
            raise exceptions.AuthenticationFailed(_("用户名或密码无效。"))
        return super().authenticate_credentials(userid, password, request)


class BasicAuthenticationScheme(BasicScheme):
    """The schema documents it as the HTTP basic scheme it is (defined here, it is registered
    whenever the class is loaded)."""

    target_class = "xuncha.api.authentication.BasicAuthentication"
