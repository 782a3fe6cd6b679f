"""Quantities in a measure's text: counts, money, percentages and dates, and what is not one.

Every input here is a sentence written for the test; the seed is read only through
``tests.shared.seed_text`` and scored against the hand-written gold list.
"""

from __future__ import annotations

import itertools
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest

from bench.quantities import (
    DEFAULT_GOLD,
    evaluate,
    gold_quantity_keys,
    rectifications,
    score,
)
from tests.shared import seed_text
from xuncha.text.quantities import Quantity, find_outcomes, find_quantities

REPOSITORY = Path(__file__).resolve().parents[2]
MEASURE_START = re.compile("(?<=。)[一二三四五六七八九十]是")


def found(text: str) -> list[tuple[str, str, str, str, str | None]]:
    """(text, kind, value, unit, qualifier) of every quantity, for compact assertions."""
    return [(q.text, q.kind, q.value, q.unit, q.qualifier) for q in find_quantities(text)]


def only(text: str) -> Quantity:
    quantities = find_quantities(text)
    assert len(quantities) == 1, quantities
    return quantities[0]


def assert_spans_are_exact(text: str) -> None:
    outcomes = find_outcomes(text)
    for fact in (*outcomes.quantities, *outcomes.accountability, *outcomes.regulations):
        assert text[fact.start : fact.end] == fact.text


# --- counts -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("本季度开展宣讲45场次。", ("45场次", "count", "45", "场次", None)),
        ("另有12名干部参加轮训。", ("12名", "count", "12", "名", None)),
        ("线上课程播放2.4亿次。", ("2.4亿次", "count", "240000000", "次", None)),
        ("累计培训近1.2万人次。", ("近1.2万人次", "count", "12000", "人次", "nearly")),
        ("招募志愿者4.6万名。", ("4.6万名", "count", "46000", "名", None)),
        ("报名人数2300多名。", ("2300多名", "count", "2300", "名", "at_least")),
        ("刊发评论30余篇。", ("30余篇", "count", "30", "篇", "at_least")),
        ("梳理制度漏洞15余项。", ("15余项", "count", "15", "项", "at_least")),
        ("志愿服务时长超过12万多小时。", ("超过12万多小时", "count", "120000", "小时", "over")),
        ("服务群众8万多小时。", ("8万多小时", "count", "80000", "小时", "at_least")),
        ("走访企业约300家。", ("约300家", "count", "300", "家", "about")),
        ("覆盖企业500家以上。", ("500家以上", "count", "500", "家", "at_least")),
        ("参与人数超3000人。", ("超3000人", "count", "3000", "人", "over")),
        ("整改已持续5个月。", ("5个月", "count", "5", "个月", None)),
        ("满意率提高3个百分点。", ("3个百分点", "count", "3", "个百分点", None)),
        ("累计办结10,200件。", ("10,200件", "count", "10200", "件", None)),
        ("新增网格员１２名。", ("１２名", "count", "12", "名", None)),
    ],
)
def test_a_number_with_its_measure_word_is_a_count(text: str, expected: tuple) -> None:
    assert found(text) == [expected]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("另选派两名年轻干部驻村。", "2"),
        ("新招聘十二名辅警。", "12"),
        ("共接待来访群众一百二十人次。", "120"),
        ("抽调三十余名骨干。", "30"),
        ("动员两万多名党员参加。", "20000"),
        ("给予一名干部诫勉谈话。", "1"),
    ],
)
def test_chinese_numerals_are_counted(text: str, value: str) -> None:
    assert only(text).value == value


def test_a_bracketed_alternative_measure_word_is_part_of_the_span_and_unit() -> None:
    assert found("落实惠民政策820条(次),群众好评。") == [
        ("820条(次)", "count", "820", "条(次)", None)
    ]
    assert only("落实惠民政策820条（次）。").unit == "条（次）"


def test_a_multiplier_after_an_over_word_is_a_quantity_and_the_next_count_another() -> None:
    assert found("推出点击量破亿专栏3个。") == [
        ("破亿", "count", "100000000", "", "over"),
        ("3个", "count", "3", "个", None),
    ]
    assert found("服务群众超万人次。") == [("超万人次", "count", "10000", "人次", "over")]


# --- money ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value", "qualifier"),
    [
        ("退回多领补贴共计154.92万元。", "1549200", None),
        ("争取专项资金20.23亿元。", "2023000000", None),
        ("冻结涉案资金12亿余元。", "1200000000", "at_least"),
        ("募集善款318万余元。", "3180000", "at_least"),
        ("拨付经费52.5万元。", "525000", None),
        ("核实多发金额89.15万元。", "891500", None),
        ("已追回69.4万元。", "694000", None),
        ("节约开支30多万元。", "300000", "at_least"),
        ("补发工资五十万元。", "500000", None),
        ("支付租金8600元。", "8600", None),
    ],
)
def test_money_is_valued_in_exact_yuan(text: str, value: str, qualifier: str | None) -> None:
    quantity = only(text)
    assert (quantity.kind, quantity.value, quantity.unit, quantity.qualifier) == (
        "money",
        value,
        "元",
        qualifier,
    )
    assert quantity.decimal() == Decimal(value)


def test_values_keep_decimals_without_float_noise() -> None:
    assert only("核减费用0.07万元。").value == "700"
    assert only("补助标准为12.345万元。").value == "123450"
    assert only("比例为33.3%。").decimal() == Decimal("33.3")


# --- percentages ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("办结率达到97.4%。", ("97.4%", "percent", "97.4", "%", None)),
        ("办结率达到９８.５％。", ("９８.５％", "percent", "98.5", "％", None)),
        ("占比近10%。", ("近10%", "percent", "10", "%", "nearly")),
        ("回访满意率95%以上。", ("95%以上", "percent", "95", "%", "at_least")),
        ("降低约百分之五。", ("约百分之五", "percent", "5", "%", "about")),
    ],
)
def test_percentages(text: str, expected: tuple) -> None:
    assert found(text) == [expected]


# --- dates ------------------------------------------------------------------------------------


def test_a_deadline_date_is_an_until_date() -> None:
    assert found("截至2021年6月30日,整改全部完成。") == [
        ("截至2021年6月30日", "date", "2021-06-30", "", "until")
    ]
    assert found("截止2022年3月,已办结。")[0][1:] == ("date", "2022-03", "", "until")


def test_a_year_with_since_is_a_since_date() -> None:
    assert found("清理2015年以来的账目。") == [("2015年以来", "date", "2015", "", "since")]


def test_a_year_standing_alone_is_a_date_without_qualifier() -> None:
    assert found("2021年,编写案例汇编8篇。") == [
        ("2021年", "date", "2021", "", None),
        ("8篇", "count", "8", "篇", None),
    ]


def test_a_year_that_names_an_event_is_not_a_date() -> None:
    assert found("在2021年全省信息化峰会上发言。") == []
    assert found("获评2021年度先进集体。") == []


def test_from_and_to_pairs_are_marked_and_keep_their_markers_outside_the_span() -> None:
    assert found("每个社区网格员从6名增加至9名。") == [
        ("6名", "count", "6", "名", "from"),
        ("9名", "count", "9", "名", "to"),
    ]
    assert found("服务窗口由3个增加到7个,工作人员从12名增加至20名。") == [
        ("3个", "count", "3", "个", "from"),
        ("7个", "count", "7", "个", "to"),
        ("12名", "count", "12", "名", "from"),
        ("20名", "count", "20", "名", "to"),
    ]
    assert [q[4] for q in found("从2019年至2021年持续开展。")] == ["from", "to"]


def test_from_without_to_is_not_a_pair() -> None:
    assert [q[4] for q in found("从6个方面提出14条措施。")] == [None, None]


# --- what is not a quantity -------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "举办“活力江城2021”系列活动。",
        "获评“2021年度十佳服务案例”称号。",
        "学习《二〇三五年远景目标纲要》。",
        "研读《治理文集(第三卷)》。",
        "解读《关于编制第十四个五年规划的建议》。",
        "构建“1+10+N”工作格局。",
        "构建1+10+N工作格局。",
        "设置“4+N”服务区。",
        "争做“我是江城千万分之一”。",
        "坚持“四不两直”方式。",
        "开展“五比五赛”活动。",
        "压实“两个责任”。",
        "落实两个责任,树牢四个意识。",
        "执行“三重一大”制度。",
        "开展“六清行动”。",
        "整治十大领域突出问题。",
        "召开第十七次代表大会。",
        "第一时间处置,筑牢第一道防线。",
        "学习市委十三届九次全会和十次全会精神。",
        "贯彻十九届五中全会精神。",
        "鼓励45岁以下干部参加。",
        "一是加强领导。二是压实责任。",
        "推进一批重点项目,落实一把手责任。",
        "织密一张大网,搭建一个平台,形成一套机制。",
        "召开全国两会,实现一次办结。",
        "进一步统一思想,逐一整改,举一反三。",
        "分两批推进,建立一套体系。",
        "入选全国20城。",
    ],
)
def test_names_slogans_ordinals_and_idioms_are_not_quantities(text: str) -> None:
    assert found(text) == []


def test_a_range_of_ordinals_is_one_quantity_but_a_single_ordinal_is_none() -> None:
    (quantity,) = find_quantities("第一至第七督导组全部进驻,第三督导组牵头。")
    assert (quantity.text, quantity.kind, quantity.value, quantity.upper) == (
        "第一至第七",
        "ordinal",
        "1",
        "7",
    )


def test_numbered_word_patterns_are_not_counts() -> None:
    assert found("推行一人一档、一事一议。") == []


def test_working_days_keep_their_measure_word() -> None:
    assert found("3个工作日内答复。") == [("3个工作日", "count", "3", "个工作日", None)]


def test_numbers_after_a_quoted_name_still_count() -> None:
    assert found("举办“青年讲堂”9期、《政策速递》12篇。") == [
        ("9期", "count", "9", "期", None),
        ("12篇", "count", "12", "篇", None),
    ]


def test_a_damaged_unclosed_quote_hides_nothing() -> None:
    assert found("举办“青年讲堂9期。") == [("9期", "count", "9", "期", None)]


# --- subjects ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "subject"),
    [
        ("经过核查,清退违规资金共计12.8万元。", "清退违规资金"),
        ("侦办案件期间,查扣涉案资产8亿余元。", "查扣涉案资产"),
        ("年内帮助申请减免各类费用3.6亿元。", "减免各类费用"),
        ("完成集中宣讲45场次。", "集中宣讲"),
        ("干部职工踊跃参与,自愿捐款12万余元。", "自愿捐款"),
        ("1200名党员自愿捐款40万余元。", "自愿捐款"),
        ("轮训干警60场近5000人次。", "轮训干警"),
        ("社区民警从8名增加至12名。", "社区民警"),
    ],
)
def test_the_subject_is_the_few_words_before_the_number(text: str, subject: str) -> None:
    assert find_quantities(text)[-1].subject == subject


def test_dates_have_no_subject() -> None:
    assert only("截至2021年6月30日。").subject == ""


# --- spans ------------------------------------------------------------------------------------


SYNTHETIC = [
    "一是压实责任。截至2021年6月30日,共走访企业约300家,化解矛盾1200余件,满意率98.6%。",
    "二是强化保障。下拨经费52.5万元,动员两万多名党员,服务群众8万多小时,点击量破亿。",
    "对5名有关责任人予以追责问责,批评教育4人次;修订《某局财务管理办法》等12项制度。",
]


@pytest.mark.parametrize("text", SYNTHETIC)
def test_every_span_is_the_exact_source_text(text: str) -> None:
    assert_spans_are_exact(text)


@pytest.mark.shared
def test_every_span_in_the_seed_is_the_exact_source_text() -> None:
    for text in rectifications(seed_text()):
        assert_spans_are_exact(text)


# --- the seed against the gold list -----------------------------------------------------------


@pytest.fixture
def gold() -> dict:
    return json.loads(DEFAULT_GOLD.read_text(encoding="utf-8"))


@pytest.mark.shared
def test_finding_per_measure_gives_what_the_whole_paragraph_gives() -> None:
    """The import services call the finder once per measure (一是, 二是 …)."""
    for text in rectifications(seed_text()):
        cuts = [0, *(m.start() for m in MEASURE_START.finditer(text)), len(text)]
        measures = [text[a:b] for a, b in itertools.pairwise(cuts)]
        whole = [(q.text, q.kind, q.value, q.qualifier) for q in find_quantities(text)]
        split = [
            (q.text, q.kind, q.value, q.qualifier) for m in measures for q in find_quantities(m)
        ]
        assert split == whole


@pytest.mark.shared
def test_the_seed_has_24_rectifications() -> None:
    assert len(rectifications(seed_text())) == 24


@pytest.mark.shared
def test_quantities_match_the_gold_list_on_the_seed(gold: dict) -> None:
    result = evaluate(seed_text(), gold)["quantities"]
    assert result.precision >= 0.95, result.false_positives
    assert result.recall >= 0.95, result.misses


@pytest.mark.shared
def test_the_gold_spans_occur_in_their_rectification(gold: dict) -> None:
    texts = rectifications(seed_text())
    for problem, text, *_ in gold_quantity_keys(gold):
        assert text in texts[problem - 1], (problem, text)


@pytest.mark.shared
def test_the_seeds_completion_claim_checks_out() -> None:
    text = rectifications(seed_text())[3]
    values = {q.text: q.decimal() for q in find_quantities(text)}
    total, solved, share = values["469个"], values["457个"], values["97.4%"]
    assert total is not None and solved is not None and share is not None
    assert (solved / total * 100).quantize(Decimal("0.1")) == share


@pytest.mark.shared
def test_the_seeds_refund_is_part_of_the_money_found() -> None:
    text = rectifications(seed_text())[23]
    money = [q.decimal() for q in find_quantities(text) if q.kind == "money"]
    assert money == [Decimal("891500"), Decimal("694000")]


def test_score_matches_multisets() -> None:
    result = score([(1, "a"), (1, "a"), (2, "b")], [(1, "a"), (2, "c")])
    assert (result.matched, result.predicted, result.gold) == (1, 3, 2)
    assert result.misses == ((2, "c"),)
    assert result.false_positives == ((1, "a"), (2, "b"))


# --- the repository copies no sentence of the seed --------------------------------------------

OWN_FILES = [
    "xuncha/text/quantities.py",
    "xuncha/text/outcomes.py",
    "xuncha/text/_numbers.py",
    "xuncha/text/_dates.py",
    "xuncha/text/_measure_words.py",
    "tests/text/test_notations.py",
    "bench/quantities.py",
    "tests/text/test_quantities.py",
    "tests/text/test_outcomes.py",
]
LONGEST_SHARED_SPAN = 12  # names and figures are shorter; a copied clause is not
LONGEST_GOLD_SPAN = 16  # a quantity's span, such as a full date with 截至


def copied_spans(content: str, seed: str) -> list[str]:
    """Every LONGEST_SHARED_SPAN-character run of ``content`` that also occurs in the seed."""
    seed, content = re.sub(r"\s", "", seed), re.sub(r"\s", "", content)
    width = LONGEST_SHARED_SPAN
    spans = {seed[i : i + width] for i in range(len(seed) - width + 1)}
    return [
        content[i : i + width]
        for i in range(len(content) - width + 1)
        if content[i : i + width] in spans
    ]


@pytest.mark.shared
@pytest.mark.parametrize("name", OWN_FILES)
def test_this_file_holds_no_long_span_of_the_seed(name: str) -> None:
    content = (REPOSITORY / name).read_text(encoding="utf-8")
    assert copied_spans(content, seed_text()) == []


@pytest.mark.shared
def test_the_gold_list_holds_quantity_spans_only(gold: dict) -> None:
    """The gold's quantity spans are short facts; nothing else in it comes from the seed."""
    spans = [q["text"] for problem in gold["problems"] for q in problem["quantities"]]
    assert max(len(span) for span in spans) <= LONGEST_GOLD_SPAN
    without_spans = {
        **gold,
        "problems": [
            [{**q, "text": ""} for q in problem["quantities"]] for problem in gold["problems"]
        ],
    }
    assert copied_spans(json.dumps(without_spans, ensure_ascii=False), seed_text()) == []


@pytest.mark.shared
def test_the_copy_check_finds_a_copied_clause() -> None:
    seed = seed_text()
    assert copied_spans(f"前言{seed[200:230]}后记", seed) != []
