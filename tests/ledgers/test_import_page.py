"""The import page: upload, a preview that shows the changes and what they become, confirm."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.ledgers.test_import_support import edited, exported, workbook_bytes
from tests.rectification.conftest import build_cast
from xuncha.findings.models import Measure, Problem, RectificationKind
from xuncha.findings.services import MeasureInput, problem_create
from xuncha.ledgers.columns import measure_key
from xuncha.rectification.models import ChangeRequest
from xuncha.rectification.transitions import problem_transition

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def cast(settings: Any, tmp_path: Any) -> Any:
    settings.MEDIA_ROOT = tmp_path / "media"
    return build_cast()


@pytest.fixture
def problem(cast: Any) -> Problem:
    today = timezone.localdate()
    created = problem_create(
        actor=None,
        assignment=cast.assignment,
        title="会议费报销审核不严",
        category="财务管理",
        rectification_kind=RectificationKind.BY_DEADLINE,
        deadline=today + dt.timedelta(days=60),
        measures=[
            MeasureInput("逐笔核查会议费。", "副局长 王某", "财务科", today + dt.timedelta(days=30))
        ],
    )
    return problem_transition(actor=None, problem=created, name="start")


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def upload(client: Client, data: bytes, round_id: int) -> Any:
    return client.post(
        reverse("web:ledger_import"),
        {
            "action": "preview",
            "round": round_id,
            "file": SimpleUploadedFile("台账.xlsx", data, content_type=XLSX),
        },
    )


def carried(response: Any) -> dict[str, Any]:
    """The hidden fields of the preview's confirm form, as the browser would send them back."""
    form = response.context["carry"]
    return {name: form.initial[name] for name in form.fields} | {"action": "confirm"}


def test_an_office_edit_is_previewed_then_applied_on_confirmation(cast, problem):
    measure = problem.measures.get()
    round_ = problem.assignment.round
    data = edited(
        exported(cast.office, round_, today=timezone.localdate()),
        {("措施编号", measure_key(measure.pk), "责任领导"): "局长 李某"},
    )
    client = client_for(cast.office)

    response = upload(client, data, round_.pk)

    assert response.status_code == 200
    page = response.content.decode()
    assert "局长 李某" in page and "副局长 王某" in page and "直接修改" in page
    assert Measure.objects.get(pk=measure.pk).owner == "副局长 王某"  # nothing stored yet

    confirmed = client.post(reverse("web:ledger_import"), carried(response))

    assert confirmed.status_code == 302
    assert Measure.objects.get(pk=measure.pk).owner == "局长 李某"


def test_a_liaisons_later_deadline_is_previewed_as_an_extension_request(cast, problem):
    measure = problem.measures.get()
    later = dt.datetime.combine(measure.deadline + dt.timedelta(days=20), dt.time())
    data = edited(
        exported(cast.liaison, problem.assignment.round, today=timezone.localdate()),
        {("措施编号", measure_key(measure.pk), "完成时限"): later},
    )
    client = client_for(cast.liaison)

    response = upload(client, data, problem.assignment.round_id)
    assert "提出延期申请" in response.content.decode()
    client.post(reverse("web:ledger_import"), carried(response))

    assert Measure.objects.get(pk=measure.pk).deadline == measure.deadline
    request = ChangeRequest.objects.get(problem=problem)
    assert request.new_date == later.date()


def test_a_sheet_with_an_unknown_header_shows_where_and_confirms_nothing(cast, problem):
    data = workbook_bytes(
        [["1", "市测试局", "会议费报销审核不严", "x"]], headers=["序号", "单位", "问题", "备忘"]
    )

    response = upload(client_for(cast.office), data, problem.assignment.round_id)

    assert response.status_code == 400
    page = response.content.decode()
    assert "备忘" in page and "不能导入" in page
    assert 'value="confirm"' not in page


def test_a_corrected_mapping_is_previewed_again(cast, problem):
    data = workbook_bytes(
        [["1", "市测试局", "会议费报销审核不严", "x"]], headers=["序号", "单位", "问题", "备忘"]
    )
    client = client_for(cast.office)
    first = upload(client, data, problem.assignment.round_id)
    fields = carried(first) | {
        "action": "remap",
        "map_header": ["序号", "单位", "问题", "备忘"],
        "map_column": ["ordinal", "unit", "title", "-"],
    }

    again = client.post(reverse("web:ledger_import"), fields)

    assert again.status_code == 200
    assert 'value="confirm"' in again.content.decode()


def test_group_members_do_not_reach_the_import(cast):
    assert client_for(cast.member).get(reverse("web:ledger_import")).status_code == 404
