"""Quantities in every notation the labelling guide lists, read by :func:`find_quantities`.

Every sentence here is written for the test (none comes from the corpus or the seed). Each case
asserts the span, kind, value, unit and qualifier, and ``upper``, ``inferred`` or ``counts``
where the notation sets them; the guide is the "Quantities" section of ``docs/labelling.md``.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from xuncha.text.quantities import Quantity, find_quantities
from xuncha.text.reading import read_document

Row = tuple[str, str, str, str, str | None]


def rows(text: str, **keywords: int) -> list[Row]:
    """(text, kind, value, unit, qualifier) of every quantity, checking each span on the way."""
    quantities = find_quantities(text, **keywords)
    for quantity in quantities:
        assert text[quantity.start : quantity.end] == quantity.text, quantity
    return [(q.text, q.kind, q.value, q.unit, q.qualifier) for q in quantities]


def only(text: str, **keywords: int) -> Quantity:
    quantities = find_quantities(text, **keywords)
    assert len(quantities) == 1, quantities
    return quantities[0]


# --- traditional characters and pinyin glosses -------------------------------------------------


def test_traditional_characters_are_read_and_spans_stay_on_the_original_text() -> None:
    text = "該區共清退資金3.5萬元，涉及企業12個、兩萬餘戶。"
    assert rows(text) == [
        ("3.5萬元", "money", "35000", "元", None),
        ("12個", "count", "12", "个", None),  # the unit in simplified characters
        ("兩萬餘戶", "count", "20000", "户", "at_least"),
    ]


def test_a_pinyin_gloss_after_a_character_is_skipped_and_offsets_still_match() -> None:
    text = "關(guān)於三個階段(duàn)的整改，完成問題15項(xiàng)，佔比百分之八十。"
    assert rows(text) == [
        ("三個", "count", "3", "个", None),
        ("15項", "count", "15", "项", None),
        ("百分之八十", "percent", "80", "%", None),
    ]


def test_a_gloss_inside_a_measure_word_still_gives_its_count() -> None:
    (quantity,) = find_quantities("市、區(qū)兩級(jí)黨委收到建議")
    assert (quantity.text, quantity.value, quantity.unit) == ("兩級", "2", "级")


# --- Chinese numerals: decimals, fractions, percentages ----------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("合格率提高到百分之十二点五。", ("百分之十二点五", "percent", "12.5", "%", None)),
        ("覆盖率达到百分之百。", ("百分之百", "percent", "100", "%", None)),
        ("整改资金三点五万元。", ("三点五万元", "money", "35000", "元", None)),
        ("差额不足百分之五。", ("不足百分之五", "percent", "5", "%", "at_most")),
        ("同比下降-1.47%。", ("-1.47%", "percent", "-1.47", "%", None)),
        ("诉求合计占比近八成。", ("近八成", "count", "8", "成", "nearly")),
    ],
)
def test_chinese_decimals_and_percentages(text: str, expected: Row) -> None:
    assert rows(text) == [expected]


def test_a_fraction_is_numerator_over_denominator_as_written() -> None:
    quantity = only("约三分之二的村完成改厕。")
    assert (quantity.text, quantity.kind, quantity.value, quantity.qualifier) == (
        "约三分之二",
        "fraction",
        "2/3",
        "about",
    )
    assert quantity.decimal() == Decimal(2) / Decimal(3)
    assert only("误差控制在千分之三以内。").value == "3/1000"


def test_half_is_not_a_fraction() -> None:
    assert rows("半数以上社区和一半的小区已完成。") == []


# --- scores and lists ---------------------------------------------------------------------------


def test_a_score_is_a_number_with_fen() -> None:
    assert rows("年度考核得到92.5分。") == [("92.5分", "score", "92.5", "分", None)]


def test_every_number_of_a_list_of_scores_is_a_score_with_its_own_span() -> None:
    assert rows("三个街道的测评结果依次为83.6、90.4和95分。") == [
        ("三个", "count", "3", "个", None),
        ("83.6", "score", "83.6", "分", None),
        ("90.4", "score", "90.4", "分", None),
        ("95分", "score", "95", "分", None),
    ]


def test_a_list_sharing_one_measure_word_gives_one_count_per_number() -> None:
    assert rows("分三批抽查3、5、7个社区。") == [
        ("3", "count", "3", "个", None),
        ("5", "count", "5", "个", None),
        ("7个", "count", "7", "个", None),
    ]


def test_numbers_listed_in_order_name_rounds_rather_than_count_them() -> None:
    assert rows("对区委一、二、三轮巡察发现的问题再梳理。") == []


def test_minutes_and_times_of_day_are_not_scores() -> None:
    assert rows("上午9点30分开会，每人发言5分钟。") == [("5分钟", "count", "5", "分钟", None)]


# --- ranges --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "span", "value", "upper", "unit"),
    [
        ("每周安排3至5个小组下沉。", "3至5个", "3", "5", "个"),
        ("每组配备三到五个人。", "三到五个", "3", "5", "个"),
        ("抽调3~5名骨干。", "3~5名", "3", "5", "名"),
        ("补助标准为2-4万元。", "2-4万元", "20000", "40000", "元"),
        ("第一至第七督导组全部进驻。", "第一至第七", "1", "7", ""),
    ],
)
def test_a_range_is_one_quantity_from_its_low_to_its_high_end(
    text: str, span: str, value: str, upper: str, unit: str
) -> None:
    quantity = only(text)
    assert (quantity.text, quantity.value, quantity.upper, quantity.unit) == (
        span,
        value,
        upper,
        unit,
    )


def test_a_range_of_ordinals_is_an_ordinal_and_a_single_ordinal_is_nothing() -> None:
    assert only("第一至第七督导组全部进驻。").kind == "ordinal"
    assert rows("第三督导组牵头，第5小组配合。") == []


# --- open measure words and multipliers -----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("新增绿地12平方公里。", ("12平方公里", "count", "12", "平方公里", None)),
        ("连续3年开展排查。", ("3年", "count", "3", "年", None)),
        ("问题分为4大类。", ("4大类", "count", "4", "大类", None)),
        ("梳理出五大方面短板。", ("五大方面", "count", "5", "大方面", None)),
        ("满意率上升2个百分点。", ("2个百分点", "count", "2", "个百分点", None)),
        ("沿河栽种树苗300株。", ("300株", "count", "300", "株", None)),
        ("拆除违建15处。", ("15处", "count", "15", "处", None)),
        ("补植苗木16万株。", ("16万株", "count", "160000", "株", None)),
        ("清理河道8.6公里。", ("8.6公里", "count", "8.6", "公里", None)),
        ("覆盖镇、村两级。", ("两级", "count", "2", "级", None)),
        ("本地常住人口167万，", ("167万", "count", "1670000", "", None)),
        ("投入整改经费3.5 万元。", ("3.5 万元", "money", "35000", "元", None)),
        ("当月受理诉求61723 件。", ("61723 件", "count", "61723", "件", None)),
        ("办结诉求12.4 万件。", ("12.4 万件", "count", "124000", "件", None)),
    ],
)
def test_a_wide_list_of_measure_words_and_multipliers(text: str, expected: Row) -> None:
    assert rows(text) == [expected]


# --- dates in every notation ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "span", "value"),
    [
        ("二〇二一年三月十五日召开推进会。", "二〇二一年三月十五日", "2021-03-15"),
        ("发布时间：2021-03-15 10:20", "2021-03-15", "2021-03-15"),
        ("会议于2021.3.15召开。", "2021.3.15", "2021-03-15"),
        ("签发日期2021/3/15。", "2021/3/15", "2021-03-15"),
        ("2021年3月，整改全面启动。", "2021年3月", "2021-03"),
        ("2021年01月22日印发。", "2021年01月22日", "2021-01-22"),
        ("报送2022年度工作总结。", "2022年度", "2022"),
        ("2022年全区办结率提升。", "2022年", "2022"),
    ],
)
def test_dates_in_every_notation(text: str, span: str, value: str) -> None:
    quantity = only(text)
    assert (quantity.text, quantity.kind, quantity.value, quantity.unit) == (
        span,
        "date",
        value,
        "",
    )
    assert quantity.inferred is False
    assert quantity.decimal() is None


def test_a_month_and_day_take_the_year_of_the_nearest_date_before_them() -> None:
    quantities = find_quantities("2020年8月启动，9月22日完成；2021年5月复查，6月1日销号。")
    assert [(q.text, q.value, q.inferred) for q in quantities] == [
        ("2020年8月", "2020-08", False),
        ("9月22日", "2020-09-22", True),
        ("2021年5月", "2021-05", False),
        ("6月1日", "2021-06-01", True),
    ]


def test_the_year_given_is_the_fallback_when_none_is_written_before() -> None:
    quantity = only("9月22日召开反馈会。", year=2023)
    assert (quantity.value, quantity.inferred) == ("2023-09-22", True)
    written = find_quantities("2019年底前完成，9月22日复查。", year=2023)
    assert [(q.value, q.inferred) for q in written] == [("2019-end", False), ("2019-09-22", True)]


def test_a_month_and_day_without_any_year_keep_the_iso_form_without_year() -> None:
    quantity = only("9月22日召开反馈会。")
    assert (quantity.value, quantity.inferred) == ("--09-22", False)


def test_two_dates_joined_by_zhi_are_from_and_to_with_zhi_outside_both() -> None:
    assert rows("2021年3月至9月22日开展巡察。") == [
        ("2021年3月", "date", "2021-03", "", "from"),
        ("9月22日", "date", "2021-09-22", "", "to"),
    ]
    assert rows("2023年1至12月累计完成。") == [
        ("2023年1", "date", "2023-01", "", "from"),
        ("12月", "date", "2023-12", "", "to"),
    ]
    assert rows("2021年6月1日—6月30日集中整治。")[1][2:] == ("2021-06-30", "", "to")


def test_the_day_after_a_date_keeps_its_month() -> None:
    quantities = find_quantities("2022年7月6日至8日开展督查。")
    assert [(q.text, q.value, q.qualifier, q.inferred) for q in quantities] == [
        ("2022年7月6日", "2022-07-06", "from", False),
        ("8日", "2022-07-08", "to", True),
    ]


def test_deadline_and_start_words_qualify_dates() -> None:
    assert rows("截止2021年9月30日，共办结。")[0][4] == "until"
    assert rows("自2022年5月1日起施行。")[0][:1] == ("2022年5月1日起",)
    assert rows("2020年12月10日前上报。") == [
        ("2020年12月10日前", "date", "2020-12-10", "", "before")
    ]


def test_a_year_inside_a_name_or_an_issue_number_is_not_a_date() -> None:
    assert rows("荣获2021年度优秀组织奖。") == []
    assert rows("刊发简报2023年第5期。") == []


def test_a_date_that_lost_its_year_and_month_marks_is_read() -> None:
    quantities = find_quantities("2024717日至830日开展巡察。914日反馈。")
    assert [(q.value, q.qualifier) for q in quantities] == [
        ("2024-07-17", "from"),
        ("2024-08-30", "to"),
        ("2024-09-14", None),
    ]


# --- periods --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "span", "value", "qualifier"),
    [
        ("2024年第一季度无新增信访。", "2024年第一季度", "2024-Q1", None),
        ("2024年1季度开展自查。", "2024年1季度", "2024-Q1", None),
        ("2021年上半年完成。", "2021年上半年", "2021-H1", None),
        ("2022年底前全部销号。", "2022年底前", "2022-end", "before"),
        ("2020年初以来持续推进。", "2020年初以来", "2020-start", "since"),
        ("2021年11月上中旬开展回访。", "2021年11月上中旬", "2021-11-early-mid", None),
        ("2021年5月下旬完成。", "2021年5月下旬", "2021-05-late", None),
    ],
)
def test_periods_with_their_year(text: str, span: str, value: str, qualifier: str | None) -> None:
    quantity = only(text)
    assert (quantity.text, quantity.kind, quantity.value, quantity.qualifier) == (
        span,
        "period",
        value,
        qualifier,
    )
    assert quantity.decimal() is None


def test_periods_without_a_year_take_it_from_the_context() -> None:
    quantities = find_quantities("2023年3月部署，年底前完成，一季度自查，11月中下旬回访。")
    assert [(q.text, q.value, q.qualifier, q.inferred) for q in quantities] == [
        ("2023年3月", "2023-03", None, False),
        ("年底前", "2023-end", "before", True),
        ("一季度", "2023-Q1", None, True),
        ("11月中下旬", "2023-11-mid-late", None, True),
    ]


def test_a_period_with_no_year_anywhere_keeps_its_part_alone() -> None:
    assert [q.value for q in find_quantities("第三季度，11月上旬。")] == ["-Q3", "--11-early"]


def test_every_year_end_is_no_period() -> None:
    assert rows("每年年底前报送。") == []


# --- qualifiers --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("代表人数不得超过5人。", ("不得超过5人", "count", "5", "人", "at_most")),
        ("延长期限不超过30日。", ("不超过30日", "count", "30", "日", "at_most")),
        ("每批10人以下。", ("10人以下", "count", "10", "人", "at_most")),
        ("控制在3个工作日以内。", ("3个工作日以内", "count", "3", "个工作日", "at_most")),
        ("推选两个以上代表。", ("两个以上", "count", "2", "个", "at_least")),
        ("突破100万人次。", ("突破100万人次", "count", "1000000", "人次", "over")),
    ],
)
def test_qualifier_words_belong_to_the_span(text: str, expected: Row) -> None:
    assert rows(text) == [expected]


def test_nei_alone_is_not_a_qualifier_and_stays_outside() -> None:
    assert rows("应当在十五日内书面答复。") == [("十五日", "count", "15", "日", None)]


# --- quotations: speech is read, names are not --------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "负责人表示：“今年已整改完成12项。”",
        "他说“全年走访12项重点工程”。",
        "群众反映“走访了12项工程，还有问题”。",
    ],
)
def test_a_quotation_that_reads_as_speech_is_searched(text: str) -> None:
    assert [q[0] for q in rows(text)] == ["12项"]


@pytest.mark.parametrize(
    "text",
    [
        "推行“最多访一次”改革。",
        "打造“苏州12345”服务品牌。",
        "构建“1+10+N”工作体系。",
        "落实“两个维护”要求。",
        "学习《信访工作条例》第三十一条和《办法(2022年版)》。",
    ],
)
def test_a_quoted_name_slogan_or_title_is_not_searched(text: str) -> None:
    assert rows(text) == []


def test_a_title_inside_speech_is_still_not_searched() -> None:
    assert [q[0] for q in rows("他强调：“修订《办法》3项，完成整改。”")] == ["3项"]


# --- what a quantity counts (计数对象) ----------------------------------------------------------


def test_a_count_counts_the_noun_after_its_measure_word() -> None:
    (quantity,) = find_quantities("向42家建设单位清退保证金。")
    assert (quantity.text, quantity.counts) == ("42家", "建设单位")


def test_without_a_noun_after_it_a_count_counts_its_subject_never_cut_inside_a_number() -> None:
    (quantity,) = find_quantities("选拔35岁以下处级干部12名。")
    assert (quantity.text, quantity.counts) == ("12名", "35岁以下处级干部")
    assert quantity.subject == "35岁以下处级干部"


def test_what_is_counted_stops_at_the_clause() -> None:
    quantities = find_quantities("新增网格员12名，培训2场次。")
    assert [(q.text, q.counts) for q in quantities] == [("12名", "新增网格员"), ("2场次", "培训")]


# --- the document model ---------------------------------------------------------------------------

DISCLOSURE = """中共某县林业局党组关于县委巡察集中整改进展情况的通报

根据县委统一部署，县委第一巡察组于4月8日至5月30日对县林业局党组开展了常规巡察，6月12日反馈了巡察意见。现将整改进展情况予以公布。

一、反馈问题整改落实情况

1.关于“林区巡护不到位”问题

整改情况：新增护林员3至5名，补植苗木1.2万株，完成率百分之九十五点五。

完成情况：已完成

发布时间：2024-09-02
"""


def test_the_document_model_carries_upper_inferred_and_counts_with_the_documents_year() -> None:
    document = read_document(DISCLOSURE)
    figures = {figure.text: figure for figure in document.figures}
    assert (figures["4月8日"].value, figures["4月8日"].inferred) == ("2024-04-08", True)
    assert (figures["5月30日"].value, figures["5月30日"].qualifier) == ("2024-05-30", "to")
    assert (figures["3至5名"].value, figures["3至5名"].upper) == ("3", "5")
    assert figures["1.2万株"].counts == "补植苗木"
    assert figures["百分之九十五点五"].value == "95.5"
    shown = figures["3至5名"].as_json()
    assert (shown["upper"], shown["inferred"], shown["counts"]) == ("5", False, "新增护林员")
