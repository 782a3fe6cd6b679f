"""Importing a digest from the web: preview stores nothing, confirm imports, errors explain."""

from __future__ import annotations

import base64
import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.shared import seed_path
from tests.web.conftest import SMALL_DIGEST
from xuncha.core.models import AuditEntry
from xuncha.findings.models import Problem
from xuncha.rounds.models import Round, Unit

pytestmark = pytest.mark.django_db

# The small digest with a damaged character (U+FFFD) in its second problem's measure.
DAMAGED_DIGEST = SMALL_DIGEST.replace("预警发布平台", "预警\ufffd布平台")


def upload(text: str | bytes, name: str = "digest.txt") -> SimpleUploadedFile:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return SimpleUploadedFile(name, data, content_type="text/plain")


def preview(client, text, round_name="测试导入轮次", name="digest.txt"):
    return client.post(
        reverse("web:import"),
        {"action": "preview", "file": upload(text, name), "round_name": round_name},
    )


def stored_rows() -> tuple[int, int, int, int]:
    return (
        Round.objects.count(),
        Unit.objects.count(),
        Problem.objects.count(),
        AuditEntry.objects.count(),
    )


def test_the_import_page_offers_existing_rounds_in_a_datalist(office_client, world):
    response = office_client.get(reverse("web:import"))
    content = response.content.decode()
    assert response.status_code == 200
    assert 'list="round-names"' in content
    assert f'<option value="{world.round.name}">' in content


def test_the_preview_shows_what_will_be_created_and_writes_nothing(office_client, world):
    before = stored_rows()
    response = preview(office_client, SMALL_DIGEST)
    content = response.content.decode()
    assert response.status_code == 200
    assert stored_rows() == before
    assert "测试导入轮次" in content and "新建" in content
    assert "市档案馆" in content and "已有单位" in content  # made by the world fixture
    assert "市气象局" in content
    assert "档案数字化进度偏慢" in content and "预警信息发布不及时" in content
    assert '<mark class="outcome outcome-money"' in content
    assert 'name="sha256"' in content and 'name="content"' in content
    assert response.context["problem_count"] == 2


def test_the_preview_highlights_warnings_with_their_line(office_client):
    before = stored_rows()
    response = preview(office_client, DAMAGED_DIGEST)
    content = response.content.decode()
    assert response.status_code == 200
    assert stored_rows() == before
    warnings = response.context["warnings"]
    assert warnings, "a damaged character should be reported"
    line = warnings[0]["line"]
    assert f"第{line}行" in content
    assert "has-warning" in content
    assert f'href="#line-{line}"' in content


def test_the_preview_warns_when_a_unit_already_has_problems_in_the_round(office_client, world):
    response = preview(office_client, SMALL_DIGEST, round_name=world.round.name)
    content = response.content.decode()
    assert "已有轮次" in content
    assert "将被拒绝" in content


def confirm_data(text: str, round_name: str = "测试导入轮次") -> dict[str, str]:
    data = text.encode("utf-8")
    return {
        "action": "confirm",
        "content": base64.b64encode(data).decode("ascii"),
        "sha256": hashlib.sha256(data).hexdigest(),
        "file_name": "digest.txt",
        "round_name": round_name,
    }


def test_confirming_imports_the_problems_and_redirects_to_the_round(office_client, office):
    preview_response = preview(office_client, SMALL_DIGEST)
    carried = {field.name: field.value() for field in preview_response.context["confirm_form"]} | {
        "action": "confirm"
    }
    response = office_client.post(reverse("web:import"), carried)
    round_ = Round.objects.get(name="测试导入轮次")
    assert response.status_code == 302
    assert response["Location"] == reverse("web:round", args=[round_.pk])
    titles = set(Problem.objects.filter(assignment__round=round_).values_list("title", flat=True))
    assert titles == {"档案数字化进度偏慢", "预警信息发布不及时"}
    page = office_client.get(response["Location"]).content.decode()
    assert "已导入" in page and "2个问题" in page


def test_a_tampered_confirmation_is_refused_and_writes_nothing(office_client):
    data = confirm_data(SMALL_DIGEST)
    data["content"] = base64.b64encode(b"something else").decode("ascii")
    before = stored_rows()
    response = office_client.post(reverse("web:import"), data)
    assert response.status_code == 400
    assert "SHA-256" in response.content.decode()
    assert stored_rows() == before


def test_a_refused_import_shows_the_message_and_the_form_again(office_client, world):
    before = stored_rows()
    response = office_client.post(
        reverse("web:import"), confirm_data(SMALL_DIGEST, world.round.name)
    )
    content = response.content.decode()
    assert response.status_code == 400
    assert "已有1个问题" in content
    assert 'name="file"' in content
    assert stored_rows() == before


def test_a_binary_upload_shows_the_error_with_its_line_and_writes_nothing(office_client):
    before = stored_rows()
    response = preview(office_client, b"first line\nsecond line\n\x80\xff\x80\xfe binary")
    assert response.status_code == 400
    assert "无法导入" in response.content.decode()
    assert response.context["error"].startswith("第3行")
    assert stored_rows() == before


def test_a_file_with_nul_bytes_is_refused_as_binary_and_writes_nothing(office_client):
    before = stored_rows()
    response = preview(office_client, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    assert response.status_code == 400
    assert "二进制" in response.context["error"]
    assert stored_rows() == before


def test_an_empty_upload_shows_the_error_and_writes_nothing(office_client):
    before = stored_rows()
    response = preview(office_client, b"")
    assert response.status_code == 400
    assert "文件为空" in response.context["error"]
    assert "文件为空" in response.content.decode()
    assert stored_rows() == before


def test_a_file_of_a_kind_not_read_is_refused(office_client):
    response = preview(office_client, SMALL_DIGEST, name="digest.xlsx")
    assert response.status_code == 400
    assert ".docx" in response.content.decode()


def test_a_file_over_the_size_limit_is_refused(office_client, settings):
    settings.XUNCHA_DIGEST_MAX_BYTES = 100
    response = preview(office_client, SMALL_DIGEST)
    assert response.status_code == 400
    assert "文件过大" in response.content.decode()


def test_a_malformed_digest_names_the_line_of_its_fault(office_client):
    text = "导语一段。\n\n市档案馆\n\n问题：缺少整改内容\n"
    response = preview(office_client, text)
    assert response.status_code == 400
    assert "第5行" in response.context["error"]


@pytest.mark.shared
def test_the_seed_digest_previews_all_its_problems(office_client):
    data = seed_path().read_bytes()
    response = preview(office_client, data, round_name="第八轮", name=seed_path().name)
    assert response.status_code == 200
    assert response.context["problem_count"] == 24
    assert len(response.context["units"]) == 9
    assert response.context["warnings"]  # the damaged character at least


PASTED_NOTICE = """中共某县统计局党组关于巡察整改进展情况的通报
根据县委统一部署，县委第二巡察组对县统计局党组进行了巡察。现将巡察整改进展情况通报如下。
问题1：统计台账登记不规范。
整改情况：一是重新核对2024年台账。二是建立月度复核制度。
完成情况：已完成
"""


def test_pasted_text_is_previewed_in_its_form_and_imported(office_client):
    response = office_client.post(
        reverse("web:import"),
        {"action": "preview", "text": PASTED_NOTICE, "round_name": "测试导入轮次"},
    )
    assert response.status_code == 200
    assert response.context["document"].form == "disclosure"
    assert "被巡察单位整改情况通报" in response.content.decode()
    carried = {field.name: field.value() for field in response.context["confirm_form"]} | {
        "action": "confirm"
    }
    office_client.post(reverse("web:import"), carried)
    problem = Problem.objects.get()
    assert (problem.assignment.unit.name, problem.title) == ("县统计局党组", "统计台账登记不规范")
    assert problem.measures.count() == 2


def test_a_file_and_pasted_text_together_are_refused(office_client):
    response = office_client.post(
        reverse("web:import"),
        {"action": "preview", "file": upload(SMALL_DIGEST, "digest.txt"), "text": PASTED_NOTICE},
    )
    assert response.status_code == 400
    assert "二选一" in response.content.decode()
    assert not Problem.objects.exists()
