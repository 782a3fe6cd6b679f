"""People held to account in a notice: sentences written for this test, read from measures
through the real services, and totals counted by hand below each sentence."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.factories import make_assignment, make_problem, make_round
from xuncha.findings.models import Accountability, Problem
from xuncha.findings.services import outcomes_refresh
from xuncha.reports.selectors import Scope, notice_totals, scope_problems
from xuncha.text.notice import render_notice

pytestmark = pytest.mark.django_db

MEASURES = (
    # 6 held to account; 1 党纪处分, 2 诫勉谈话, 3 批评教育 of them.
    "对6名干部进行追责问责，其中给予党纪处分1人、诫勉谈话2人次、批评教育3人次。",
    # a talk with 9, beside the total; 2 通报批评 held to account.
    "约谈村级组织负责人9人次，对2名责任人进行通报批评。",
    # 8 held to account (3 诫勉谈话, 2 通报批评 of them, 3 of no kind stated); 4 批评教育 more.
    "问责干部8人（其中诫勉谈话3人、通报批评2人），另批评教育4人次。",
    # 27 shared by a talk and a sanction: beside the total, whole.
    "对相关人员谈话提醒、批评教育等其他处理27人。",
    # held to account, no number.
    "对失职人员严肃追责问责。",
    # 4 held to account, each by both kinds.
    "对4名干部进行批评教育和书面检查。",
)
HELD = 6 + 2 + (8 + 4) + 4
BY_KIND = {
    "党纪处分": 1,
    "诫勉谈话": 2 + 3,
    "批评教育": 3 + 4,
    "通报批评": 2 + 2,
    "批评教育、书面检查": 4,
}
BESIDE = {"约谈": 9, "提醒谈话、批评教育等": 27}


@pytest.fixture
def round_():
    round_ = make_round("人次测试轮次")
    for number, text in enumerate(MEASURES):
        make_problem(make_assignment(round_), title=f"问题{number}", measures=(text,))
    return round_


def test_each_person_is_counted_once(round_):
    totals = notice_totals(scope_problems(Problem.objects.all(), Scope(round_)))

    assert totals.people_held_to_account == HELD == 24
    assert {item.kind: item.people for item in totals.accountability_by_kind} == BY_KIND
    assert {item.kind: item.people for item in totals.beside_accountability} == BESIDE
    assert totals.accountability_unnumbered == 1
    # adding every count the texts state, parts and talks included, would say far more
    every_count = sum(row.people or 0 for row in Accountability.objects.all())
    assert every_count == HELD + 1 + 2 + 3 + 3 + 2 + 9 + 27 == 71


def test_the_notice_says_the_hand_counted_totals(round_):
    totals = notice_totals(scope_problems(Problem.objects.all(), Scope(round_)))
    text = render_notice(totals, scope="人次测试轮次", as_of=dt.date(2024, 6, 30))
    paragraphs = text.split("\n\n")

    rest = HELD - sum(BY_KIND.values())  # the 3 of 8 whose kind the text does not state
    assert rest == 3
    assert (
        "追责问责：共追责问责24人（次），其中党纪处分1人（次）、诫勉谈话5人（次）、"
        "批评教育7人（次）、通报批评4人（次）、“批评教育、书面检查”4人（次）、"
        "未写明方式3人（次）；另有1处追责问责未写明人数。"
    ) in paragraphs
    assert "约谈：9人（次），不计入追责问责人数。" in paragraphs
    assert "提醒谈话、批评教育等：27人（次），不计入追责问责人数。" in paragraphs


def test_a_changed_text_is_read_again_with_its_parts(round_):
    measure = Problem.objects.get(title="问题0").measures.get()
    measure.text = "对3名干部进行追责问责，其中诫勉谈话1人、批评教育2人。"
    outcomes_refresh(measure)

    parent = measure.accountabilities.get(part_of__isnull=True)
    assert (parent.kind, parent.people) == ("追责问责", 3)
    assert sorted(parent.parts.values_list("kind", "people")) == [("批评教育", 2), ("诫勉谈话", 1)]
    totals = notice_totals(scope_problems(Problem.objects.all(), Scope(round_)))
    assert totals.people_held_to_account == HELD - 6 + 3
