"""The office exports the ledger, edits it in Excel and imports it back."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.ledgers.test_import_support import counts, edited, exported
from xuncha.core.models import AuditEntry
from xuncha.findings.models import Measure, Problem, RectificationKind
from xuncha.findings.services import MeasureInput, problem_create
from xuncha.ledgers.columns import measure_key, problem_key
from xuncha.ledgers.importing import (
    LedgerImportRefused,
    ledger_import_apply,
    ledger_import_preview,
)
from xuncha.rectification.services import progress_report_create
from xuncha.rectification.transitions import problem_transition

pytestmark = pytest.mark.django_db

TODAY = dt.date(2025, 5, 6)
DAY = dt.timedelta(days=1)


def started(assignment: Any, title: str, *texts: str) -> Problem:
    problem = problem_create(
        actor=None,
        assignment=assignment,
        title=title,
        category="作风建设",
        rectification_kind=RectificationKind.BY_DEADLINE,
        deadline=TODAY + 60 * DAY,
        measures=[MeasureInput(text, "副局长 王某", "办公室", TODAY + 30 * DAY) for text in texts],
    )
    return problem_transition(actor=None, problem=problem, name="start")


@pytest.fixture
def ledger(cast: Any) -> dict[str, Any]:
    first = started(
        cast.assignment, "公务接待管理不规范", "修订接待办法。", "清退超标费用1.2万元。"
    )
    second = started(
        cast.assignment, "干部选拔程序不严", "开展专项检查。", "整改档案3份。", "约谈2人。"
    )
    started(cast.other_assignment, "采购管理存在漏洞", "建立采购台账。")
    return {"first": first, "second": second, "round": cast.assignment.round}


def key_of(measure: Measure) -> str:
    return measure_key(measure.pk)


def test_export_three_edits_and_a_deleted_row_preview_exactly_those_then_apply_once(cast, ledger):
    first, second = ledger["first"], ledger["second"]
    m1, _m2 = first.measures.order_by("ordinal")
    _s1, s2, s3 = second.measures.order_by("ordinal")
    data = edited(
        exported(cast.office, ledger["round"], today=TODAY),
        {
            ("措施编号", key_of(m1), "责任领导"): "党组书记 张某",
            ("问题编号", problem_key(first.pk), "整改时限"): dt.datetime(2025, 9, 30),
            ("措施编号", key_of(s3), "整改进展"): "已约谈相关责任人2人。",
        },
        delete=[("措施编号", key_of(s2))],
    )

    preview = ledger_import_preview(
        actor=cast.office, round_=ledger["round"], data=data, file_name="台账.xlsx", today=TODAY
    )

    assert preview.errors == [] and preview.new == []
    changes = {
        (record.key, change.column): (change.before, change.after, str(change.becomes))
        for record in preview.changed
        for change in record.changes
    }
    assert changes == {
        (key_of(m1), "owner"): ("副局长 王某", "党组书记 张某", "apply"),
        (problem_key(first.pk), "problem_deadline"): ("2025-07-05", "2025-09-30", "apply"),
        (key_of(s3), "progress"): ("", "已约谈相关责任人2人。", "progress_report"),
    }
    assert [(m.level, m.key) for m in preview.missing] == [("measure", key_of(s2))]
    assert all(record.matched_by == "key" for record in preview.changed)

    before = AuditEntry.objects.count()
    result = ledger_import_apply(actor=cast.office, preview=preview, today=TODAY)

    assert (result.made, result.requests, result.refused) == (3, 0, 0)
    m1.refresh_from_db()
    first.refresh_from_db()
    assert m1.owner == "党组书记 张某" and first.deadline == dt.date(2025, 9, 30)
    assert s3.reports.get().text == "已约谈相关责任人2人。"
    assert Measure.objects.filter(pk=s2.pk).exists(), "a row left out is never deleted"
    actions = list(
        AuditEntry.objects.filter(pk__gt=0).order_by("-id")[: AuditEntry.objects.count() - before]
    )
    written = {entry.action for entry in actions}
    assert {"measure.update", "problem.plan_update", "progress.create", "ledger.import"} <= written

    again = ledger_import_preview(
        actor=cast.office, round_=ledger["round"], data=data, file_name="台账.xlsx", today=TODAY
    )
    assert again.changed == [] and again.new == [] and again.errors == []
    stored = counts()
    repeat = ledger_import_apply(actor=cast.office, preview=again, today=TODAY)
    assert repeat.made == 0 and counts() == stored


def test_an_apply_after_the_ledger_changed_is_refused_and_writes_nothing(cast, ledger):
    first = ledger["first"]
    m1 = first.measures.order_by("ordinal").first()
    data = edited(
        exported(cast.office, ledger["round"], today=TODAY),
        {("措施编号", key_of(m1), "责任部门"): "综合科"},
    )
    preview = ledger_import_preview(
        actor=cast.office, round_=ledger["round"], data=data, file_name="台账.xlsx", today=TODAY
    )
    # Meanwhile the unit reports progress on the measure: its problem is no longer as shown.
    progress_report_create(actor=cast.liaison, measure=m1, text="已开展自查。")
    stored = counts()

    with pytest.raises(LedgerImportRefused, match="重新预览"):
        ledger_import_apply(actor=cast.office, preview=preview, today=TODAY)
    assert counts() == stored
