"""Accountability (追责问责) and regulations (建章立制) found in a measure's text.

Inputs are sentences written for the test; the seed is scored against the gold list.
"""

from __future__ import annotations

import json

import pytest

from bench.quantities import DEFAULT_GOLD, evaluate, rectifications, title_matches
from tests.shared import seed_text
from xuncha.text.quantities import (
    Outcomes,
    find_accountability,
    find_outcomes,
    find_regulations,
)


def sanctions(text: str) -> list[tuple[str, int | None, str]]:
    return [(fact.kind, fact.people, fact.unit) for fact in find_accountability(text)]


def regulations(text: str) -> list[tuple[str | None, int, str]]:
    return [(fact.title, fact.count, fact.action) for fact in find_regulations(text)]


# --- accountability ---------------------------------------------------------------------------


def test_a_count_before_the_sanction_is_its_number_of_people() -> None:
    text = "针对账目混乱问题,对5名负有责任的干部进行追责问责。"
    facts = find_accountability(text)
    assert [(f.kind, f.people, f.unit) for f in facts] == [("追责问责", 5, "名")]
    assert facts[0].text == "对5名负有责任的干部进行追责问责"


def test_a_count_after_the_sanction_is_its_number_of_people() -> None:
    assert sanctions("约谈相关负责人后,批评教育4人次,责令作出书面检查2人次。") == [
        ("批评教育", 4, "人次"),
        ("书面检查", 2, "人次"),
    ]


def test_the_order_to_write_a_self_criticism_is_part_of_the_span() -> None:
    (fact,) = find_accountability("责令作出书面检查3人次。")
    assert fact.text == "责令作出书面检查3人次"


def test_a_sanction_without_a_count_has_no_people() -> None:
    assert sanctions("对违规报销问题,已对有关人员严肃追责问责。") == [("追责问责", None, "")]


def test_a_bare_heading_is_dropped_when_the_text_counts_sanctions() -> None:
    text = "三是严肃追责问责。对3名干部予以追责问责,诫勉谈话两人。"
    assert sanctions(text) == [("追责问责", 3, "名"), ("诫勉谈话", 2, "人")]
    # the heading 追责问责 also gives way to counted kinds of other names
    assert sanctions("坚决追责问责,通报批评6人。") == [("通报批评", 6, "人")]


def test_repeated_bare_mentions_give_one_fact() -> None:
    assert sanctions("坚持追责问责。对失职行为严肃追责问责。") == [("追责问责", None, "")]


def test_short_and_old_names_map_to_their_kind() -> None:
    assert sanctions("问责干部3人,诫勉1人,给予政纪处分1人。") == [
        ("追责问责", 3, "人"),
        ("诫勉谈话", 1, "人"),
        ("政务处分", 1, "人"),
    ]


def test_counts_joined_by_and_add_up() -> None:
    (fact,) = find_accountability("对3名处级干部和5名科级干部进行诫勉谈话。")
    assert (fact.kind, fact.people, fact.unit) == ("诫勉谈话", 8, "名")
    assert fact.text == "对3名处级干部和5名科级干部进行诫勉谈话"


def test_only_the_nearest_count_of_a_clause_is_taken() -> None:
    assert sanctions("走访群众40人后对2人进行诫勉谈话。") == [("诫勉谈话", 2, "人")]


def test_a_count_in_an_earlier_clause_is_not_taken() -> None:
    assert sanctions("走访群众40人,发现问题后进行问责。") == [("追责问责", None, "")]


def test_sanction_words_inside_titles_and_rule_names_are_not_sanctions() -> None:
    assert sanctions("学习《党员干部处分工作规定》。") == []
    assert sanctions("落实问责制,完善问责机制。") == []


def test_accountability_is_deterministic() -> None:
    text = "严肃追责问责,对2名干部进行诫勉谈话,批评教育7人次。"
    assert find_accountability(text) == find_accountability(text)


def rows(text: str) -> list[tuple[str, tuple[str, ...], int | None, int | None]]:
    return [(f.kind, f.kinds, f.people, f.part_of) for f in find_accountability(text)]


def test_counts_after_qizhong_are_parts_of_the_count_before() -> None:
    text = "对6名干部进行追责问责，其中给予党纪处分1人、诫勉谈话2人次、批评教育3人次。"
    assert rows(text) == [
        ("追责问责", ("追责问责",), 6, None),
        ("党纪处分", ("党纪处分",), 1, 0),
        ("诫勉谈话", ("诫勉谈话",), 2, 0),
        ("批评教育", ("批评教育",), 3, 0),
    ]


def test_a_breakdown_in_brackets_ends_with_the_bracket() -> None:
    text = "问责干部8人（其中诫勉谈话3人、通报批评2人），另批评教育4人次。"
    assert rows(text) == [
        ("追责问责", ("追责问责",), 8, None),
        ("诫勉谈话", ("诫勉谈话",), 3, 0),
        ("通报批评", ("通报批评",), 2, 0),
        ("批评教育", ("批评教育",), 4, None),
    ]


def test_a_breakdown_ends_with_its_sentence() -> None:
    text = "追责问责4人，其中诫勉谈话1人。年底又对2名干部进行批评教育。"
    assert [f.part_of for f in find_accountability(text)] == [None, 0, None]


def test_parts_of_a_count_without_a_number_stand_on_their_own() -> None:
    # nothing to break down: the heading gives way to the counted kinds, as before
    assert rows("严肃追责问责，其中诫勉谈话2人、批评教育1人。") == [
        ("诫勉谈话", ("诫勉谈话",), 2, None),
        ("批评教育", ("批评教育",), 1, None),
    ]


def test_kinds_written_as_one_list_share_its_count() -> None:
    text = "对相关人员谈话提醒、批评教育等其他处理27人。"
    (fact,) = find_accountability(text)
    assert (fact.kind, fact.kinds, fact.people, fact.unit) == (
        "提醒谈话、批评教育等",
        ("提醒谈话", "批评教育"),
        27,
        "人",
    )
    assert fact.text == "谈话提醒、批评教育等其他处理27人"
    # the count may also stand before the list; no 等, so no kind beyond the two
    assert rows("对4名干部进行批评教育和书面检查。") == [
        ("批评教育、书面检查", ("批评教育", "书面检查"), 4, None)
    ]


def test_a_talk_is_counted_only_with_a_number_of_people() -> None:
    assert sanctions("约谈街道负责人12人次。") == [("约谈", 12, "人次")]
    # 约谈 of units, or as a way of working, is nobody held to account
    assert sanctions("集中约谈了5家进度滞后单位，对新问题当日约谈。") == []


def test_a_counted_talk_leaves_the_bare_heading_standing() -> None:
    # a talk is no sanction: the unnumbered 问责 still says people were held to account
    assert sanctions("约谈企业负责人3人次，对失职人员严肃问责。") == [
        ("约谈", 3, "人次"),
        ("追责问责", None, ""),
    ]


def test_whom_the_sanction_names_may_stand_between_it_and_its_count() -> None:
    assert sanctions("通报批评负有管理责任的科室负责人3人。") == [("通报批评", 3, "人")]
    # but not words that move on to something else
    assert sanctions("诫勉谈话后走访干部40人。") == [("诫勉谈话", None, "")]


def test_the_spans_of_parts_and_shared_counts_are_exact() -> None:
    text = "问责干部8人（其中诫勉谈话3人），对相关人员谈话提醒、批评教育等其他处理27人。"
    for fact in find_accountability(text):
        assert text[fact.start : fact.end] == fact.text


# --- regulations ------------------------------------------------------------------------------


def test_a_titled_rule_after_an_issuing_verb_is_issued() -> None:
    assert regulations("年初出台《某区社区工作者管理办法》,明确考核要求。") == [
        ("某区社区工作者管理办法", 1, "issued")
    ]


def test_titles_written_back_to_back_share_the_verb() -> None:
    assert regulations("修订《某局公务接待规定》《某局车辆使用制度》。") == [
        ("某局公务接待规定", 1, "revised"),
        ("某局车辆使用制度", 1, "revised"),
    ]


def test_the_first_verb_of_a_chain_names_the_action() -> None:
    assert regulations("起草并报请发布《某市数据共享指标体系(试行)》。") == [
        ("某市数据共享指标体系(试行)", 1, "issued")
    ]
    assert regulations("一是修改完善《某办联系群众制度》。")[0][2] == "revised"


def test_a_title_is_kept_exactly_as_written() -> None:
    title = "某市实施<关于 党员\ufffd教育管理(试行)的规定>细则"
    (fact,) = find_regulations(f"制定《{title}》。")
    assert fact.title == title
    assert fact.text == f"《{title}》"


def test_a_title_with_quotes_inside_is_one_title() -> None:
    assert regulations("制定《关于开展“美丽家园”专项行动的方案》。") == [
        ("关于开展“美丽家园”专项行动的方案", 1, "issued")
    ]


def test_a_rule_word_at_the_end_makes_a_title_a_rule_without_a_verb() -> None:
    assert regulations("《某区网格化管理实施意见》已于三月施行。") == [
        ("某区网格化管理实施意见", 1, "")
    ]


@pytest.mark.parametrize(
    "text",
    [
        "推出微视频《江城夜话》,播放量可观。",
        "上线系列节目《戏说非遗》。",
        "集中学习《治理文集(第三卷)》《民法典》。",
        "被《光明日报》摘要刊发。",
        "发布《2021年城市形象传播研究报告》。",
        "邀请专家作《新时代的使命与担当》专题报告。",
        "安排《全球治理体系的变革》《数字经济概论》等课程。",
        "以贯彻落实《中国共产党组织工作条例》为抓手。",
        "解读《关于制定国民经济发展规划的建议》。",
        "编发《领导参阅》12篇、《新书讯》2期。",
        "院党组集中学习了《某省实施<干部任用条例>细则》等规定。",
        "建立联席会议机制,制定协作配合办法。",
    ],
)
def test_videos_books_papers_reports_courses_and_studied_laws_are_not_regulations(
    text: str,
) -> None:
    assert find_regulations(text) == ()


def test_a_law_is_a_regulation_when_the_text_says_it_was_issued() -> None:
    assert regulations("制定《某市物业管理条例》。") == [("某市物业管理条例", 1, "issued")]


def test_named_titles_and_the_rest_of_a_total_add_up() -> None:
    text = "修订完善《某局请销假办法》《某局值班制度》等25项制度,规范管理。"
    facts = find_regulations(text)
    assert [(f.title, f.count, f.action) for f in facts] == [
        ("某局请销假办法", 1, "revised"),
        ("某局值班制度", 1, "revised"),
        (None, 23, "revised"),
    ]
    assert sum(f.count for f in facts) == 25
    assert facts[-1].text == "25项制度"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("根据审计意见,建立和修订完善制度14项。", (None, 14, "issued")),
        ("制定和完善各项制度9项。", (None, 9, "issued")),
        ("修订完善12项规章制度。", (None, 12, "revised")),
        ("坚持建章立制30余项。", (None, 30, "issued")),
        ("现有制度8项。", (None, 8, "")),
        ("出台十二项制度。", (None, 12, "issued")),
    ],
)
def test_unnamed_rules_are_counted(text: str, expected: tuple) -> None:
    assert regulations(text) == [expected]


def test_find_outcomes_bundles_the_three_finders() -> None:
    text = "修订《某局考勤制度》,对2名干部批评教育,清退资金3.5万元。"
    outcomes = find_outcomes(text)
    assert isinstance(outcomes, Outcomes)
    assert [q.text for q in outcomes.quantities] == ["2名", "3.5万元"]
    assert [(f.kind, f.people) for f in outcomes.accountability] == [("批评教育", 2)]
    assert [f.title for f in outcomes.regulations] == ["某局考勤制度"]


# --- the seed against the gold list -----------------------------------------------------------


@pytest.fixture
def gold() -> dict:
    return json.loads(DEFAULT_GOLD.read_text(encoding="utf-8"))


@pytest.mark.shared
@pytest.mark.parametrize("name", ["regulations", "accountability"])
def test_outcomes_match_the_gold_list_on_the_seed(gold: dict, name: str) -> None:
    result = evaluate(seed_text(), gold)[name]
    assert result.precision >= 0.95, result.false_positives
    assert result.recall >= 0.95, result.misses


@pytest.mark.shared
def test_every_gold_title_names_one_title_of_its_rectification(gold: dict) -> None:
    texts = rectifications(seed_text())
    for row in gold["regulations"]:
        if row["title"] is None:
            continue
        text = texts[row["problem"] - 1]
        titles = [text[i + 1 : text.index("》", i)] for i, c in enumerate(text) if c == "《"]
        matching = [t for t in titles if title_matches(t, row["title"], row.get("title_chars"))]
        assert len(matching) == 1, row


def test_an_abbreviated_gold_title_needs_head_tail_and_length() -> None:
    assert title_matches("关于加强某项工作的意见", "关于加强…的意见", 11)
    assert not title_matches("关于加强某项工作的意见", "关于加强…的意见", 12)
    assert title_matches(None, None, None)
    assert not title_matches("某某制度", None, None)


def test_a_run_of_numerals_too_long_for_a_number_is_no_quantity():
    from xuncha.text.quantities import find_outcomes

    assert find_outcomes("九" * 309 + "名").quantities == ()
    assert [q.value for q in find_outcomes("清退一百二十名").quantities] == ["120"]
