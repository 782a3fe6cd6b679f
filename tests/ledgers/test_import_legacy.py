"""An office's own ledger, without keys, matched to the seed digest's problems.

The sheet is written at test time from what the seed's import stored (its text stays in
../shared): a title row, the office's own headers, a 序号 running through all units, each
problem's cells merged down over its measures.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from openpyxl.utils import get_column_letter

from tests.factories import make_office_user
from tests.ledgers.test_import_support import counts, workbook_bytes
from xuncha.digests.services import digest_import
from xuncha.findings.models import Measure, Problem
from xuncha.ledgers.columns import measure_key
from xuncha.ledgers.importing import CONFIRM_ALL, ledger_import_apply, ledger_import_preview

pytestmark = pytest.mark.django_db

TODAY = dt.date(2025, 5, 6)
HEADERS = ["序号", "被巡察单位", "存在问题", "整改措施", "完成时间"]
RETITLED = "的问题"  # appended to one title: the office's sheet words it a little otherwise


@pytest.fixture
def seeded(seed_path: Any) -> dict[str, Any]:
    office = make_office_user()
    record = digest_import(
        actor=office, data=seed_path.read_bytes(), file_name=seed_path.name, round_name="第八轮"
    )
    return {"office": office, "round": record.round}


def legacy_sheet(round_: Any, deadlines: dict[int, dt.date]) -> tuple[bytes, dict[int, int]]:
    """The office's sheet of the round, and the row of each measure (by measure id)."""
    rows: list[list[Any]] = []
    merges: list[str] = []
    where: dict[int, int] = {}
    problems = Problem.objects.filter(assignment__round=round_).order_by(
        "assignment__position", "ordinal"
    )
    for number, problem in enumerate(problems, start=1):
        title = problem.title + (RETITLED if number == 5 else "")
        first = len(rows) + 3  # a title row and the header above
        measures = list(problem.measures.order_by("ordinal"))
        for index, measure in enumerate(measures):
            cells = [number, problem.assignment.unit.name, title] if index == 0 else [None] * 3
            where[measure.pk] = len(rows) + 3
            rows.append([*cells, measure.text, deadlines.get(measure.pk)])
        if len(measures) > 1:
            last = first + len(measures) - 1
            merges += [
                f"{get_column_letter(c)}{first}:{get_column_letter(c)}{last}" for c in (1, 2, 3)
            ]
    data = workbook_bytes(
        rows, headers=HEADERS, merges=["A1:E1", *merges], title="巡察反馈问题整改台账"
    )
    return data, where


def test_a_keyless_sheet_matches_every_seed_problem_and_duplicates_none(seeded):
    round_, office = seeded["round"], seeded["office"]
    target = Measure.objects.filter(problem__assignment__round=round_).order_by("pk")[3]
    data, where = legacy_sheet(round_, {target.pk: dt.date(2025, 9, 30)})

    preview = ledger_import_preview(
        actor=office, round_=round_, data=data, file_name="台账.xlsx", today=TODAY
    )

    assert preview.errors == [] and preview.new == [] and preview.missing == []
    problems = [m for m in preview.matches if m.level == "problem"]
    assert len(problems) == 24 and all(m.key for m in problems)
    assert len({m.key for m in problems}) == 24
    assert {m.matched_by for m in problems} == {"ordinal", "title"}
    assert all(m.needs_confirmation for m in problems)
    retitled = next(r for r in preview.changed if r.level == "problem")
    assert retitled.matched_by == "title" and 85 <= retitled.score <= 100
    ((column, after),) = [(c.column, c.after) for c in retitled.changes]
    assert column == "title" and after.endswith(RETITLED)
    deadline = next(r for r in preview.changed if r.level == "measure")
    assert (deadline.key, deadline.row) == (measure_key(target.pk), where[target.pk])
    assert [(c.column, c.after, c.becomes) for c in deadline.changes] == [
        ("deadline", "2025-09-30", "apply")
    ]

    stored = counts()
    unconfirmed = ledger_import_apply(
        actor=office, round_=round_, data=data, file_name="台账.xlsx", today=TODAY
    )
    assert unconfirmed.made == 0 and len(unconfirmed.unconfirmed) == 2
    assert counts() == stored, "a match nobody confirmed changes nothing"

    confirmed = ledger_import_apply(
        actor=office,
        round_=round_,
        data=data,
        file_name="台账.xlsx",
        confirmed=CONFIRM_ALL,
        today=TODAY,
    )
    assert confirmed.made == 2
    target.refresh_from_db()
    assert target.deadline == dt.date(2025, 9, 30)
    after = counts()
    assert (after["Problem"], after["Measure"]) == (stored["Problem"], stored["Measure"])
    again = ledger_import_preview(
        actor=office, round_=round_, data=data, file_name="台账.xlsx", today=TODAY
    )
    assert again.changed == [] and again.new == []
