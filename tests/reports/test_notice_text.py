"""The notice's text and figures, and the .docx writer: pure functions, no database."""

from __future__ import annotations

import datetime as dt
import io
import json
from dataclasses import replace
from decimal import Decimal

import docx
import pytest

from tests.reports.gongwen import title_of
from xuncha.text.document import Letterhead, document_bytes, text_paragraphs
from xuncha.text.notice import (
    AccountabilityTotal,
    MoneyTotal,
    NoticeTotals,
    UnitTotal,
    accountability_sentence,
    beside_accountability_lines,
    classify_money,
    completion_rate,
    format_money,
    render_notice,
    totals_line,
)

# The figures a published notice gave (see DOMAIN.md): 688 of 697 closed, 4 basically done.
PUBLISHED = NoticeTotals(units=18, fed_back=697, closed=688, basically_done=4, not_done=5)


def test_the_completion_rate_counts_closed_problems_only():
    assert completion_rate(688, 697) == Decimal("98.71")
    assert PUBLISHED.completion_rate == Decimal("98.71")
    # Counting 基本完成 as complete would give 99.28: that is not the published rate.
    assert completion_rate(688 + 4, 697) == Decimal("99.28")


def test_the_completion_rate_rounds_half_up_to_two_places():
    assert completion_rate(1, 3) == Decimal("33.33")
    assert completion_rate(2, 3) == Decimal("66.67")
    assert completion_rate(1, 8) == Decimal("12.50")
    assert completion_rate(7, 7) == Decimal("100.00")


def test_no_problems_fed_back_has_no_rate():
    assert completion_rate(0, 0) is None
    empty = NoticeTotals(units=0, fed_back=0, closed=0, basically_done=0, not_done=0)
    assert totals_line(empty).endswith("总体完成率—")


def test_a_rate_over_more_closed_than_fed_back_is_refused():
    with pytest.raises(ValueError):
        completion_rate(5, 4)


def test_totals_that_do_not_add_up_are_refused():
    with pytest.raises(ValueError):
        NoticeTotals(units=1, fed_back=10, closed=5, basically_done=1, not_done=1)


def test_the_totals_line_shows_basically_done_beside_the_rate():
    assert totals_line(PUBLISHED) == (
        "反馈问题697个，完成整改688个，基本完成4个，未完成5个，总体完成率98.71%"
    )


@pytest.mark.parametrize(
    ("subject", "category"),
    [
        # The seed's money amounts and what each counts.
        ("清退违规资金", "refunded"),
        ("查扣涉案资产", "seized"),
        ("自愿捐款", "donated"),
        ("工委下拨留存党费", "other"),
        ("减免各类费用", "reduced"),
        ("查处违规发放", "found"),
        ("清退", "refunded"),
        # Others a notice meets.
        ("追缴税款", "refunded"),
        ("退还多收费用", "refunded"),
        ("冻结账户资金", "seized"),
        ("节约经费", "reduced"),
        ("发现问题资金", "found"),
        ("违规发放津补贴", "found"),
        ("清退违规发放津补贴", "refunded"),
        ("收缴违规所得", "refunded"),
        ("", "other"),
    ],
)
def test_money_is_classified_by_what_it_counts(subject, category):
    assert classify_money(subject) == category


@pytest.mark.parametrize(
    ("amount", "written"),
    [
        (Decimal("1549200"), "154.92万元"),
        (Decimal("3400000000"), "34亿元"),
        (Decimal("2023000000"), "20.23亿元"),
        (Decimal("525000"), "52.5万元"),
        (Decimal("8000"), "8000元"),
        (Decimal("12345.678"), "1.23万元"),
    ],
)
def test_money_is_written_in_wan_and_yi(amount, written):
    assert format_money(amount) == written


def test_a_sum_with_a_lower_bound_or_an_estimate_in_it_says_so():
    assert format_money(Decimal("3400000000"), lower_bound=True) == "34亿余元"
    assert format_money(Decimal("100000"), estimate=True) == "约10万元"
    assert format_money(Decimal("100000"), lower_bound=True, estimate=True) == "约10万元"


def full_totals() -> NoticeTotals:
    return NoticeTotals(
        units=9,
        fed_back=24,
        closed=20,
        basically_done=3,
        not_done=1,
        money=(
            MoneyTotal("refunded", Decimal("2243200"), 2),
            MoneyTotal("found", Decimal("891500"), 1),
            MoneyTotal("seized", Decimal("3400000000"), 1, lower_bounds=1),
        ),
        accountability=(AccountabilityTotal("批评教育", 9), AccountabilityTotal("追责问责", 19, 1)),
        regulations=62,
        regulation_titles=("武汉市机关党建约谈制度", "武汉市机关党建督查制度"),
    )


def test_the_notice_states_totals_money_people_and_rules():
    text = render_notice(full_totals(), scope="第八轮巡察", as_of=dt.date(2021, 3, 1))
    paragraphs = text.split("\n\n")
    assert paragraphs[0].startswith("截至2021年3月1日，第八轮巡察共涉及9家单位，反馈问题24个，")
    assert "总体完成率83.33%" in paragraphs[0]
    # Found first, then what came back.
    assert paragraphs[1] == (
        "整改涉及资金：查处违规资金89.15万元，清退追缴资金224.32万元，查扣冻结资产34亿余元。"
    )
    assert "共追责问责28人（次）" in paragraphs[2]
    assert "另有1处追责问责未写明人数" in paragraphs[2]
    assert paragraphs[3] == (
        "建章立制：制定修订制度62项，包括《武汉市机关党建约谈制度》《武汉市机关党建督查制度》。"
    )
    assert not text.endswith("\n")


def test_a_notice_without_money_people_or_rules_leaves_those_paragraphs_out():
    text = render_notice(PUBLISHED, scope="第八轮巡察", as_of=dt.date(2021, 3, 1))
    assert text.count("\n\n") == 0
    assert totals_line(PUBLISHED) in text


def test_a_single_unit_notice_does_not_count_units():
    totals = NoticeTotals(units=1, fed_back=3, closed=3, basically_done=0, not_done=0)
    text = render_notice(totals, scope="第八轮巡察市统计局", as_of=dt.date(2021, 3, 1))
    assert text.startswith("截至2021年3月1日，第八轮巡察市统计局反馈问题3个，")


def test_totals_survive_their_json_form():
    totals = full_totals()
    data = totals.as_json()
    assert data["completion_rate"] == "83.33"
    assert NoticeTotals.from_json(data) == totals


def test_the_rules_by_action_survive_the_json_form_and_an_older_draft_without_them_still_agrees():
    totals = replace(full_totals(), regulations_by_action=(("made", 40), ("revised", 22)))
    data = totals.as_json()
    assert NoticeTotals.from_json(data).regulations_by_action == (("made", 40), ("revised", 22))
    # A draft stored before the split was kept: the same figures, so not "changed since".
    del data["regulations_by_action"]
    older = NoticeTotals.from_json(data)
    assert older.regulations_by_action == () and older == totals


def people(*accountability: AccountabilityTotal) -> NoticeTotals:
    return NoticeTotals(
        units=1, fed_back=1, closed=1, basically_done=0, not_done=0, accountability=accountability
    )


def test_parts_break_a_count_down_and_are_never_added_to_it():
    totals = people(
        AccountabilityTotal("追责问责", 10),
        AccountabilityTotal("诫勉谈话", 4, within=("追责问责",)),
        AccountabilityTotal("批评教育", 3, within=("追责问责",)),
        AccountabilityTotal("诫勉谈话", 2),
    )
    # Counted by hand: 10 held to account, 4 and 3 of them by kind; 2 more on their own.
    assert totals.people_held_to_account == 12
    assert accountability_sentence(totals) == (
        "追责问责：共追责问责12人（次），其中诫勉谈话6人（次）、批评教育3人（次）、"
        "未写明方式3人（次）。"
    )


def test_talks_are_given_beside_the_total_never_inside_it():
    totals = people(
        AccountabilityTotal("约谈", 9),
        AccountabilityTotal("书面检查", 2),
        AccountabilityTotal("提醒谈话", 0, unnumbered=1),
        # a count shared by a talk and a sanction cannot be split: it stands beside, whole
        AccountabilityTotal("提醒谈话、批评教育等", 27, kinds=("提醒谈话", "批评教育")),
        AccountabilityTotal("约谈", 4),
    )
    assert totals.people_held_to_account == 2
    assert (
        accountability_sentence(totals) == "追责问责：共追责问责2人（次），其中书面检查2人（次）。"
    )
    assert beside_accountability_lines(totals) == [
        "约谈：13人（次），不计入追责问责人数。",
        "提醒谈话：另有1处未写明人数，不计入追责问责人数。",
        "提醒谈话、批评教育等：27人（次），不计入追责问责人数。",
    ]
    text = render_notice(totals, scope="第八轮巡察", as_of=dt.date(2021, 3, 1))
    assert text.split("\n\n")[1:3] == [
        "追责问责：共追责问责2人（次），其中书面检查2人（次）。",
        "约谈：13人（次），不计入追责问责人数。",
    ]


def test_the_parts_of_a_talk_are_not_people_held_to_account():
    totals = people(
        AccountabilityTotal("约谈", 6), AccountabilityTotal("诫勉谈话", 1, within=("约谈",))
    )
    assert totals.people_held_to_account == 0
    assert totals.accountability_by_kind == ()
    assert accountability_sentence(totals) == ""


def test_a_breakdown_in_person_times_may_exceed_its_count_without_a_remainder():
    totals = people(
        AccountabilityTotal("追责问责", 3),
        AccountabilityTotal("批评教育", 2, within=("追责问责",)),
        AccountabilityTotal("书面检查", 2, within=("追责问责",)),
    )
    assert accountability_sentence(totals) == (
        "追责问责：共追责问责3人（次），其中批评教育2人（次）、书面检查2人（次）。"
    )


def test_parts_and_shared_counts_survive_the_json_form():
    totals = people(
        AccountabilityTotal("追责问责", 5),
        AccountabilityTotal("诫勉谈话", 3, within=("追责问责",)),
        AccountabilityTotal("提醒谈话、批评教育", 7, kinds=("提醒谈话", "批评教育")),
    )
    stored = json.loads(json.dumps(totals.as_json()))  # as a published notice keeps them
    assert NoticeTotals.from_json(stored) == totals
    # totals stored before kinds and parts were recorded still read
    old = {**totals.as_json(), "accountability": [{"kind": "批评教育", "people": 9}]}
    assert NoticeTotals.from_json(old).people_held_to_account == 9


DIGEST = (
    "近日，巡察组对两家单位进行了回访督查。\n\n"
    "市档案馆\n\n问题:档案数字化进度偏慢\n\n整改:一是制定方案。二是清退2.4万元。\n\n续一段。\n\n"
    "市气象局\n\n问题：预警不及时\n\n整改：建成平台。"
)


def test_the_paragraphs_of_a_digest_are_told_apart():
    kinds = [kind for kind, _text in text_paragraphs(DIGEST)]
    assert kinds == ["body", "unit", "label", "label", "body", "unit", "label", "label"]


def test_the_document_holds_the_title_and_the_text_with_bold_unit_names_and_labels():
    data = document_bytes(
        title="回访督查情况摘编", text=DIGEST, letterhead=Letterhead(issuer="某市委巡察办")
    )
    document = docx.Document(io.BytesIO(data))
    assert title_of(document) == "回访督查情况摘编"
    # The text's paragraphs are those in the body's style, after the 版头 and the title.
    paragraphs = [p for p in document.paragraphs if p.style.name == "Normal"]
    by_text = {p.text: p for p in paragraphs}
    assert all(run.bold for run in by_text["市档案馆"].runs)
    labelled = by_text["问题:档案数字化进度偏慢"]
    assert [(run.text, bool(run.bold)) for run in labelled.runs] == [
        ("问题:", True),
        ("档案数字化进度偏慢", False),
    ]
    assert [(run.text, bool(run.bold)) for run in by_text["整改：建成平台。"].runs] == [
        ("整改：", True),
        ("建成平台。", False),
    ]
    assert not any(run.bold for run in by_text["续一段。"].runs)
    assert [p.text for p in paragraphs] == DIGEST.split("\n\n")


def test_a_notice_of_several_units_lists_each_with_its_rate():
    totals = NoticeTotals(
        units=2,
        fed_back=5,
        closed=3,
        basically_done=1,
        not_done=1,
        by_unit=(UnitTotal("市委宣传部", 2, 2, 0, 0), UnitTotal("市信访局", 3, 1, 1, 1)),
    )
    paragraphs = render_notice(totals, scope="第八轮巡察", as_of=dt.date(2021, 3, 1)).split("\n\n")
    assert paragraphs[1:] == [
        "分单位情况：",
        "市委宣传部：反馈问题2个，完成整改2个，基本完成0个，未完成0个，完成率100.00%。",
        "市信访局：反馈问题3个，完成整改1个，基本完成1个，未完成1个，完成率33.33%。",
    ]
    assert NoticeTotals.from_json(totals.as_json()) == totals


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("追回违规使用的医保基金120万元。", "refunded"),
        ("查处违规发放的津补贴3.5万元，已全部清退。", "found"),
        ("收缴违规所得的款项2万元。", "refunded"),
        ("今年安排衔接资金2.35亿元。", "other"),
    ],
)
def test_money_is_classified_by_its_clause_when_its_subject_lost_the_verb(text, category):
    from xuncha.text.notice import money_category_at
    from xuncha.text.quantities import find_quantities

    (amount,) = [q for q in find_quantities(text) if q.kind == "money"]
    assert money_category_at(text, amount.start, amount.end, amount.subject) == category
