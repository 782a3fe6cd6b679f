"""A value longer than its column is an error of its line, in the preview and the import, and
nothing is stored (issue 9)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import make_user
from tests.web.conftest import SMALL_DIGEST, client_for
from xuncha.core.models import AuditEntry, Role
from xuncha.digests.services import DigestError, digest_import, digest_read
from xuncha.findings.models import Problem

pytestmark = pytest.mark.django_db


def digest_with_title(title: str) -> str:
    """A digest of one unit whose one problem (line 5) has ``title``."""
    return SMALL_DIGEST.replace("档案数字化进度偏慢", title)


def test_a_title_longer_than_its_column_is_refused_with_its_line():
    text = digest_with_title("档" * 700)
    with pytest.raises(DigestError) as refused:
        digest_read(text)
    assert refused.value.line == 5
    assert "问题标题超过300字（700字）" in refused.value.message
    before = AuditEntry.objects.count()
    with pytest.raises(DigestError):
        digest_import(actor=None, data=text, file_name="x.txt", round_name="第八轮")
    assert (Problem.objects.count(), AuditEntry.objects.count()) == (0, before)


def test_the_preview_says_so_and_stores_nothing():
    office = client_for(make_user("office", Role.OFFICE))
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("long.txt", digest_with_title("档" * 700).encode("utf-8"))
    response = office.post(
        reverse("web:import"), {"action": "preview", "file": upload, "round_name": "第八轮"}
    )
    content = response.content.decode()
    assert response.status_code == 400
    assert "问题标题超过300字（700字）" in content and "第5行" in content
    assert Problem.objects.count() == 0
