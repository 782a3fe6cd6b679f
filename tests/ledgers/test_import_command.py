"""``xuncha import-ledger FILE --round NAME [--user U] [--dry-run] [--json]
[--confirm-matches]``."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from tests.factories import make_problem
from tests.ledgers.test_import_support import counts, edited, exported, workbook_bytes
from xuncha.ledgers.columns import measure_key

pytestmark = pytest.mark.django_db


@pytest.fixture
def sheet(cast, tmp_path):
    problem = make_problem(cast.assignment)
    first = problem.measures.order_by("ordinal").first()
    data = edited(
        exported(cast.office, cast.assignment.round, today=timezone.localdate()),
        {("措施编号", measure_key(first.pk), "完成时限"): dt.datetime(2025, 9, 30)},
    )
    path = tmp_path / "台账.xlsx"
    path.write_bytes(data)
    return {"path": path, "measure": first}


def test_the_dry_run_prints_the_preview_as_json_and_writes_nothing(cast, sheet):
    out = io.StringIO()
    stored = counts()
    call_command(
        "import_ledger",
        str(sheet["path"]),
        "--round",
        "测试第一轮",
        "--user",
        "office",
        "--dry-run",
        "--json",
        stdout=out,
    )
    document = json.loads(out.getvalue())
    assert {"new", "changed", "unchanged", "missing", "errors"} <= set(document)
    ((record,),) = [document["changed"]]
    assert record["key"] == measure_key(sheet["measure"].pk)
    assert [(c["column"], c["after"], c["becomes"]) for c in record["changes"]] == [
        ("deadline", "2025-09-30", "apply")
    ]
    assert document["errors"] == [] and document["new"] == []
    assert counts() == stored


def test_without_dry_run_the_changes_are_imported_and_told(cast, sheet):
    out = io.StringIO()
    call_command("import_ledger", str(sheet["path"]), "--round", "测试第一轮", stdout=out)
    assert "完成时限：— → 2025-09-30 [直接修改]" in out.getvalue()
    assert "已导入：修改1处" in out.getvalue()
    sheet["measure"].refresh_from_db()
    assert sheet["measure"].deadline == dt.date(2025, 9, 30)


def test_a_sheet_with_errors_exits_non_zero_and_imports_nothing(cast, tmp_path, capsys, xuncha_cli):
    path = tmp_path / "坏表.xlsx"
    path.write_bytes(workbook_bytes([["x", "y", "z"]], headers=["序号", "单位", "问题"]))
    stored = counts()
    with pytest.raises(SystemExit) as exited:
        xuncha_cli(["import-ledger", str(path), "--round", "测试第一轮", "--json"])
    assert exited.value.code != 0
    captured = capsys.readouterr()
    (error,) = json.loads(captured.out)["errors"]
    assert (error["row"], error["column"], error["header"]) == (2, "A", "序号")
    assert "1处错误" in captured.err
    assert counts() == stored


def test_an_unknown_round_or_user_is_named(cast, sheet):
    with pytest.raises(CommandError, match="没有名为“第九轮”的轮次"):
        call_command("import_ledger", str(sheet["path"]), "--round", "第九轮")
    with pytest.raises(CommandError, match="nobody"):
        call_command(
            "import_ledger", str(sheet["path"]), "--round", "测试第一轮", "--user", "nobody"
        )
