from __future__ import annotations

import pytest
from django.test import override_settings

from tests.factories import make_office_user

pytestmark = pytest.mark.django_db


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=3)
def test_repeated_failed_logins_are_locked_out_even_with_the_right_password(client):
    make_office_user("office")
    for _attempt in range(3):
        response = client.post("/accounts/login/", {"username": "office", "password": "wrong"})
    assert response.status_code == 429
    assert "登录已暂停" in response.content.decode()
    assert "请 15 分钟后再试" in response.content.decode()  # AXES_COOLOFF_TIME 0.25 h, in words
    assert "PT15M" not in response.content.decode()
    response = client.post("/accounts/login/", {"username": "office", "password": "pw-test-1"})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=3)
def test_a_good_login_within_the_limit_succeeds(client):
    make_office_user("office")
    client.post("/accounts/login/", {"username": "office", "password": "wrong"})
    response = client.post("/accounts/login/", {"username": "office", "password": "pw-test-1"})
    assert response.status_code == 302
    assert client.session["_auth_user_id"]


@pytest.mark.parametrize(
    ("hours", "words"), [(0.25, "15 分钟"), (1, "1 小时"), (1.5, "1 小时 30 分钟"), (48, "2 天")]
)
def test_a_wait_is_said_in_words(hours, words):
    import datetime as dt

    from xuncha.web.templatetags.xuncha_web import duration_words

    assert duration_words(dt.timedelta(hours=hours)) == words
