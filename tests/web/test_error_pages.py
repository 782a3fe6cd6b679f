"""Error pages in Chinese in the app's layout, with DEBUG off (issue 9, acceptance 4)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client, override_settings
from django.urls import include, path

from tests.factories import make_user
from xuncha.core.models import Role


def refuse(request):
    raise PermissionDenied


def fail(request):
    raise RuntimeError("boom")


urlpatterns = [
    path("refuse/", refuse),
    path("fail/", fail),
    path("", include("config.urls")),
]


@pytest.fixture
def office(db):
    client = Client()
    client.force_login(make_user("office", Role.OFFICE))
    return client


@override_settings(DEBUG=False)
def test_a_missing_page_answers_404_in_chinese_in_the_layout(office):
    response = office.get("/no-such-page/")
    content = response.content.decode()
    assert response.status_code == 404
    assert "页面不存在" in content
    assert 'aria-label="主导航"' in content  # the app's navigation, for a logged-in user
    assert "Not Found" not in content


@override_settings(DEBUG=False)
def test_a_missing_record_answers_the_same_page(office):
    response = office.get("/problems/999999/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


@override_settings(DEBUG=False, ROOT_URLCONF=__name__)
def test_403_and_500_are_chinese_pages_too(office):
    refused = office.get("/refuse/")
    assert refused.status_code == 403 and "无权访问" in refused.content.decode()
    office.raise_request_exception = False
    failed = office.get("/fail/")
    content = failed.content.decode()
    assert failed.status_code == 500 and "系统出错" in content
    assert "巡察整改台账" in content and "Server Error" not in content
