"""What a sheet's changes become for each person: direct edits, requests, moves, refusals."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.factories import make_evidence, measure_complete
from tests.ledgers.test_import_support import counts, edited, exported
from xuncha.findings.models import MeasureStatus, Problem, ProblemStatus, RectificationKind
from xuncha.findings.services import MeasureInput, problem_create
from xuncha.ledgers.columns import measure_key, problem_key
from xuncha.ledgers.importing import ledger_import_apply, ledger_import_preview
from xuncha.rectification.models import ChangeRequest, RequestKind, RequestStatus
from xuncha.rectification.transitions import problem_transition

pytestmark = pytest.mark.django_db

TODAY = dt.date(2025, 5, 6)
DAY = dt.timedelta(days=1)


def problem(assignment: Any, *, start: bool = True, title: str = "公务用车管理不规范") -> Problem:
    made = problem_create(
        actor=None,
        assignment=assignment,
        title=title,
        rectification_kind=RectificationKind.BY_DEADLINE,
        deadline=TODAY + 60 * DAY,
        measures=[
            MeasureInput("修订公务用车管理办法。", "副局长 李某", "办公室", TODAY + 20 * DAY),
            MeasureInput("清理超标配备车辆2辆。", "副局长 李某", "机关事务科", TODAY + 30 * DAY),
        ],
    )
    return problem_transition(actor=None, problem=made, name="start") if start else made


def measures(problem: Problem) -> list[Any]:
    return list(problem.measures.order_by("ordinal"))


def preview_of(actor: Any, data: bytes, round_: Any) -> Any:
    return ledger_import_preview(
        actor=actor, round_=round_, data=data, file_name="单位台账.xlsx", today=TODAY
    )


def changes_of(preview: Any) -> dict[tuple[str, str], Any]:
    return {
        (record.key, change.column): change
        for record in preview.changed
        for change in record.changes
    }


def test_a_liaisons_later_deadline_becomes_an_extension_request_not_a_new_deadline(cast):
    rectifying = problem(cast.assignment)
    first, _second = measures(rectifying)
    round_ = cast.assignment.round
    data = edited(
        exported(cast.liaison, round_, today=TODAY),
        {("措施编号", measure_key(first.pk), "完成时限"): dt.datetime(2025, 8, 31)},
    )

    preview = preview_of(cast.liaison, data, round_)
    change = changes_of(preview)[(measure_key(first.pk), "deadline")]
    assert (change.becomes, change.after) == ("extension_request", "2025-08-31")
    result = ledger_import_apply(actor=cast.liaison, preview=preview, today=TODAY)

    assert result.requests == 1
    request = ChangeRequest.objects.get()
    assert (request.kind, request.status, request.measure_id) == (
        RequestKind.EXTENSION,
        RequestStatus.PENDING,
        first.pk,
    )
    assert request.new_date == dt.date(2025, 8, 31) and "单位台账.xlsx" in request.reason
    first.refresh_from_db()
    assert first.deadline == TODAY + 20 * DAY, "the deadline waits for the office's decision"
    again = preview_of(cast.liaison, data, round_)
    assert again.changed == [], "the request already waiting is not asked for twice"


def test_a_liaison_editing_the_warning_gets_a_refusal_row_and_nothing_changes(cast):
    rectifying = problem(cast.assignment)
    round_ = cast.assignment.round
    data = edited(
        exported(cast.liaison, round_, today=TODAY),
        {("问题编号", problem_key(rectifying.pk), "预警"): "已整改"},
    )

    preview = preview_of(cast.liaison, data, round_)
    (record,) = preview.changed
    (change,) = record.changes
    assert (record.key, change.column, change.becomes) == (
        problem_key(rectifying.pk),
        "warning",
        "refused",
    )
    assert "预警" in change.reason and "系统计算" in change.reason
    stored = counts()
    result = ledger_import_apply(actor=cast.liaison, preview=preview, today=TODAY)
    assert (result.made, result.refused) == (0, 0) and counts() == stored


def test_closing_yes_from_a_liaison_reports_completes_and_asks_for_closing_in_order(cast):
    rectifying = problem(cast.assignment)
    make_evidence(rectifying, actor=cast.liaison)
    first, second = measures(rectifying)
    round_ = cast.assignment.round
    cells: dict[tuple[str, str, str], Any] = {
        ("问题编号", problem_key(rectifying.pk), "是否销号"): "是",
    }
    for measure, text in ((first, "办法已印发。"), (second, "车辆已移交。")):
        cells[("措施编号", measure_key(measure.pk), "整改进展")] = text
        cells[("措施编号", measure_key(measure.pk), "完成情况")] = "已完成"
    data = edited(exported(cast.liaison, round_, today=TODAY), cells)

    preview = preview_of(cast.liaison, data, round_)
    becomes = {key: (c.becomes, c.reason) for key, c in changes_of(preview).items()}
    assert becomes[(problem_key(rectifying.pk), "closed")] == ("transition", "申请销号")
    assert becomes[(measure_key(first.pk), "progress")] == ("progress_report", "")
    assert becomes[(measure_key(first.pk), "measure_status")] == ("transition", "完成")
    ledger_import_apply(actor=cast.liaison, preview=preview, today=TODAY)

    rectifying.refresh_from_db()
    assert rectifying.status == ProblemStatus.CLOSING_REQUESTED
    assert {m.status for m in rectifying.measures.all()} == {MeasureStatus.DONE}
    assert preview_of(cast.liaison, data, round_).changed == [], "asked already: nothing new"


def test_the_office_cannot_close_what_it_asked_to_close_but_a_colleague_can(cast):
    rectifying = problem(cast.assignment)
    for measure in measures(rectifying):
        measure_complete(measure)
    make_evidence(rectifying)
    problem_transition(actor=cast.office, problem=rectifying, name="request_closing")
    round_ = cast.assignment.round
    data = edited(
        exported(cast.office, round_, today=TODAY),
        {("问题编号", problem_key(rectifying.pk), "是否销号"): "是"},
    )

    mine = changes_of(preview_of(cast.office, data, round_))[(problem_key(rectifying.pk), "closed")]
    assert (mine.becomes, mine.intended) == ("refused", "transition")
    assert mine.reason == "申请销号的人不能自己销号，须由另一名人员审核。"

    preview = preview_of(cast.office2, data, round_)
    colleague = changes_of(preview)[(problem_key(rectifying.pk), "closed")]
    assert (colleague.becomes, colleague.reason) == ("transition", "销号")
    ledger_import_apply(actor=cast.office2, preview=preview, today=TODAY)
    rectifying.refresh_from_db()
    assert rectifying.status == ProblemStatus.CLOSED


def test_a_liaisons_new_wording_of_two_measures_is_one_revision_request(cast):
    rectifying = problem(cast.assignment)
    first, second = measures(rectifying)
    round_ = cast.assignment.round
    data = edited(
        exported(cast.liaison, round_, today=TODAY),
        {
            ("措施编号", measure_key(first.pk), "整改措施"): "修订并印发公务用车管理办法。",
            ("措施编号", measure_key(second.pk), "责任部门"): "机关党委",
            ("措施编号", measure_key(second.pk), "完成时限"): dt.datetime(2025, 5, 20),
        },
    )

    preview = preview_of(cast.liaison, data, round_)
    assert {c.becomes for c in changes_of(preview).values()} == {"revision_request"}
    result = ledger_import_apply(actor=cast.liaison, preview=preview, today=TODAY)

    assert result.requests == 1
    request = ChangeRequest.objects.get()
    assert request.kind == RequestKind.REVISION
    assert [(item["action"], item["measure"]) for item in request.changes] == [
        ("update", first.pk),
        ("update", second.pk),
    ]
    assert request.changes[1]["after"]["deadline"] == "2025-05-20"
    first.refresh_from_db()
    assert first.text == "修订公务用车管理办法。"
    assert preview_of(cast.liaison, data, round_).changed == []


def test_while_the_plan_is_the_units_proposal_the_liaison_edits_it_directly(cast):
    proposed = problem(cast.assignment, start=False)
    first, _second = measures(proposed)
    round_ = cast.assignment.round
    data = edited(
        exported(cast.liaison, round_, today=TODAY),
        {
            ("措施编号", measure_key(first.pk), "责任领导"): "党组书记 张某",
            ("问题编号", problem_key(proposed.pk), "问题"): "公车管理不规范",
        },
    )

    preview = preview_of(cast.liaison, data, round_)
    found = changes_of(preview)
    assert found[(measure_key(first.pk), "owner")].becomes == "apply"
    title = found[(problem_key(proposed.pk), "title")]
    assert title.becomes == "refused" and "巡察办" in title.reason
    ledger_import_apply(actor=cast.liaison, preview=preview, today=TODAY)

    first.refresh_from_db()
    proposed.refresh_from_db()
    assert first.owner == "党组书记 张某" and proposed.title == "公务用车管理不规范"
    assert not ChangeRequest.objects.exists()


def test_another_units_liaison_cannot_reach_these_rows_by_their_keys(cast):
    rectifying = problem(cast.assignment)
    round_ = cast.assignment.round
    data = exported(cast.office, round_, today=TODAY)

    preview = preview_of(cast.other_liaison, data, round_)

    assert preview.changed == [] and preview.new == []
    (error,) = preview.errors
    assert (error.row, error.letter, error.header) == (2, "Q", "问题编号")
    assert problem_key(rectifying.pk) in error.message and "可以查看" in error.message
