"""The claims check (整改质量体检): each rule on texts written for the test, and the seed."""

from __future__ import annotations

import pytest

from tests.shared import seed_text
from xuncha.text.claims import (
    Check,
    LedgerCounts,
    Statements,
    check_against_ledger,
    check_statements,
)
from xuncha.text.reading import read_document

TITLE = "关于县委第五轮巡察整改进展情况的通报\n"


def checks_of(body: str) -> tuple[Check, ...]:
    text = TITLE + body
    return check_statements(Statements.from_document(read_document(text)))


def of_kind(checks: tuple[Check, ...], kind: str) -> list[Check]:
    return [check for check in checks if check.kind == kind]


def figure_texts(check: Check) -> list[str]:
    return [figure.text for figure in check.figures]


def test_the_seed_s_457_of_469_is_97_4_percent_and_holds():
    text = seed_text()
    checks = check_statements(Statements.from_document(read_document(text)))
    rates = [c for c in of_kind(checks, "rate") if "97.4%" in figure_texts(c)]
    assert len(rates) == 1
    rate = rates[0]
    assert rate.verdict == "holds"
    assert sorted(figure_texts(rate)) == ["457个", "469个", "97.4%"]
    assert rate.expected == "97.4" and rate.stated == "97.4"
    assert "457/469" in rate.message
    for span, figure in zip(rate.spans, rate.figures, strict=True):
        assert text[span.start : span.end] == figure.text
    assert text.count("\n", 0, rate.spans[0].start) + 1 == rate.line


def test_the_seed_s_refund_of_69_4_of_89_15_holds_and_nothing_in_it_fails():
    checks = check_statements(Statements.from_document(read_document(seed_text())))
    refunds = [c for c in of_kind(checks, "refund") if "69.4万元" in figure_texts(c)]
    assert [c.verdict for c in refunds] == ["holds"]
    assert figure_texts(refunds[0]) == ["89.15万元", "69.4万元"]
    assert [c for c in checks if c.verdict == "fails"] == []


WRONG = (
    "截至2025年6月30日，反馈问题50个，已完成40个，基本完成5个，未完成3个，完成率82.5%。\n"
    "反馈问题697个，完成整改688个，基本完成4个，未完成5个，总体完成率98.71%。\n"
)


def test_a_wrong_rate_and_a_wrong_sum_are_flagged_with_their_spans():
    text = TITLE + WRONG
    checks = check_statements(Statements.from_document(read_document(text)))
    failed = [c for c in checks if c.verdict == "fails"]
    assert sorted(c.kind for c in failed) == ["rate", "sum"]
    rate = next(c for c in failed if c.kind == "rate")
    assert figure_texts(rate) == ["40个", "50个", "82.5%"]
    assert rate.expected == "80.0" and rate.stated == "82.5" and rate.difference == "2.50"
    total = next(c for c in failed if c.kind == "sum")
    assert figure_texts(total) == ["50个", "40个", "5个", "3个"]
    assert total.expected == "48" and total.stated == "50" and total.difference == "-2"
    assert {c.line for c in failed} == {2}
    for check in failed:
        for span, figure in zip(check.spans, check.figures, strict=True):
            assert text[span.start : span.end] == figure.text
    # the right line beside it holds, both ways
    right = [c for c in checks if c.line == 3]
    assert sorted((c.kind, c.verdict) for c in right) == [("rate", "holds"), ("sum", "holds")]


@pytest.mark.parametrize(
    ("written", "verdict"),
    [
        ("97.4%", "holds"),  # 97.44… at one decimal
        ("97.5%", "fails"),
        ("97.44%", "holds"),  # at two decimals
        ("97.45%", "fails"),
        ("97%", "holds"),  # at none
        ("98%", "fails"),
    ],
)
def test_a_rate_is_rounded_at_the_precision_it_is_written_with(written, verdict):
    checks = checks_of(f"反馈问题469个，已解决457个，解决率{written}。")
    assert [c.verdict for c in of_kind(checks, "rate")] == [verdict]


@pytest.mark.parametrize(("written", "verdict"), [("13%", "holds"), ("12%", "fails")])
def test_rounding_is_half_up_not_to_even(written, verdict):
    # 1/8 = 12.5%: half up gives 13, half to even would give 12
    checks = checks_of(f"反馈问题8个，已完成1个，完成率{written}。")
    assert [c.verdict for c in of_kind(checks, "rate")] == [verdict]


def test_a_rate_counts_the_done_part_not_the_basically_done_or_undone_ones():
    checks = checks_of("反馈问题697个，完成整改688个，基本完成4个，未完成5个，总体完成率98.71%。")
    (rate,) = of_kind(checks, "rate")
    assert figure_texts(rate)[:2] == ["688个", "697个"]
    assert rate.verdict == "holds"


def test_a_rate_without_its_counts_cannot_be_checked_and_says_why():
    checks = checks_of("共侦办案件59件，立案查处521人，执行完结率95.8%。")
    (rate,) = of_kind(checks, "rate")
    assert rate.verdict == "unchecked"
    assert "完结" in rate.message


def test_parts_that_make_the_whole_must_equal_it_and_a_partial_list_must_not_exceed_it():
    checks = checks_of(
        "共受理信访事项120件，其中已办结100件、正在办理30件。\n"
        "处理干部30人，其中党纪处分10人、诫勉谈话12人。\n"
        "处理干部20人，其中党纪处分10人、诫勉谈话12人。\n"
    )
    sums = of_kind(checks, "sum")
    assert [(c.verdict, c.stated, c.expected) for c in sums] == [
        ("fails", "120", "130"),  # done and not done: the whole, 10 too many
        ("holds", "30", "22"),  # 其中 alone: a part of it
        ("fails", "20", "22"),
    ]


def test_refunded_money_above_the_money_found_fails_by_the_excess():
    checks = checks_of("共查出违规资金20万元，已清退25万元。")
    (refund,) = of_kind(checks, "refund")
    assert refund.verdict == "fails"
    assert figure_texts(refund) == ["20万元", "25万元"]
    assert refund.difference == "50000"


def test_refunded_money_is_compared_with_the_found_money_of_its_paragraph():
    checks = checks_of("经查，违规发放津补贴12万元。目前已清退10万元。")
    (refund,) = of_kind(checks, "refund")
    assert refund.verdict == "holds"
    assert figure_texts(refund) == ["12万元", "10万元"]


def test_a_percentage_above_100_fails_unless_it_is_a_growth():
    checks = checks_of("群众满意率达到105%。\n办件量同比增长120%。\n")
    bounds = of_kind(checks, "percent")
    assert [(c.verdict, figure_texts(c)) for c in bounds] == [("fails", ["105%"])]
    assert bounds[0].difference == "5"


def test_dates_out_of_order_fail_by_their_days():
    checks = checks_of(
        "集中整改期为2025年9月1日至2025年8月1日。\n"
        "整改时限为2025年6月30日，已于2025年7月15日完成整改。\n"
        "整改时限为2025年6月30日，已于2025年6月20日完成整改。\n"
    )
    dates = of_kind(checks, "dates")
    assert [(c.verdict, c.difference) for c in dates] == [
        ("fails", "31"),
        ("fails", "15"),
        ("holds", None),
    ]
    assert figure_texts(dates[1]) == ["2025年7月15日", "2025年6月30日"]


def test_a_from_to_pair_written_to_the_month_holds_when_it_may_be_in_order():
    checks = checks_of("从2025年6月到2025年6月30日，共整改问题12个，已完成12个。")
    assert [c.verdict for c in of_kind(checks, "dates")] == ["holds"]


def test_the_stored_claims_json_gives_the_same_checks_as_the_document():
    document = read_document(TITLE + WRONG)
    stored = {
        "totals": [totals.as_json() for totals in document.totals],
        "claims": [claim.as_json() for claim in document.claims],
        "figures": [figure.as_json() for figure in document.figures],
    }
    from_file = check_statements(Statements.from_document(document))
    from_json = check_statements(Statements.from_json(stored))
    assert [c.as_json() for c in from_json] == [c.as_json() for c in from_file]
    assert check_statements(Statements.from_json({})) == ()


def test_unknown_figure_kinds_and_missing_fields_are_tolerated():
    stored = {
        "claims": [{"text": "得分95分，排名第3。", "span": {"start": 0, "end": 10, "line": 1}}],
        "figures": [
            {"kind": "score", "value": "95", "text": "95分", "span": {"start": 2, "end": 5}},
            {"kind": "ordinal", "value": "3", "text": "第3"},
        ],
    }
    stored["claims"][0]["figures"] = [0, 1]
    assert check_statements(Statements.from_json(stored)) == ()


def test_a_totals_paragraph_is_compared_with_the_ledger_s_counts():
    document = read_document(TITLE + "反馈问题12个，已完成整改10个，正在整改2个。\n")
    statements = Statements.from_document(document)
    assert statements.totals, "the paragraph reads as a totals paragraph"
    checks = check_against_ledger(statements, lambda scope: LedgerCounts(12, 9, "本轮"))
    assert [(c.verdict, figure_texts(c)[0], c.difference) for c in checks] == [
        ("holds", "12个", None),
        ("fails", "10个", "1"),  # done 10 stated, 9 closed
        ("fails", "2个", "-1"),  # in progress 2 stated, 3 open
    ]
