"""A write refused by a busy database answers 503 with a page and Retry-After, not 500."""

from __future__ import annotations

import json

import pytest
from django.db import OperationalError
from django.http import HttpResponse
from django.test import RequestFactory

from xuncha.core.middleware import DatabaseBusyMiddleware, database_busy


def failing(error: Exception):
    def view(request):
        raise error

    return view


@pytest.mark.parametrize(
    "error, busy",
    [
        (OperationalError("database is locked"), True),
        (OperationalError("deadlock detected"), True),
        (OperationalError("no such table: rounds_round"), False),
        (ValueError("database is locked"), False),
    ],
)
def test_only_a_busy_database_is_told_apart(error, busy):
    assert database_busy(error) is busy


def run(path: str, error: Exception) -> HttpResponse | None:
    request = RequestFactory().post(path)
    middleware = DatabaseBusyMiddleware(failing(error))
    return middleware.process_exception(request, error)


def test_a_page_says_to_send_it_again():
    response = run("/measures/1/edit/", OperationalError("database is locked"))
    assert response is not None and response.status_code == 503
    assert response["Retry-After"] == "5"
    text = response.content.decode()
    assert "系统繁忙" in text and "未保存" in text


def test_the_api_answers_json():
    response = run("/api/problems/", OperationalError("database is locked"))
    assert response is not None and response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert "稍后重试" in json.loads(response.content)["detail"]


def test_other_errors_are_left_to_django():
    assert run("/ledger/", OperationalError("no such column: x")) is None


@pytest.mark.django_db
def test_the_middleware_is_installed(client, settings):
    assert "xuncha.core.middleware.DatabaseBusyMiddleware" in settings.MIDDLEWARE
