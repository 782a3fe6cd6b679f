"""Rectification on paper only (``xuncha.text.paper``) and common problems (``xuncha.text.themes``).

Inputs are measures and titles written for the test; the copy threshold is checked against the
seed and the corpus in ../shared (through ``bench/paper_similarity.py``).
"""

from __future__ import annotations

import datetime as dt
import random

import pytest

from bench.paper_similarity import measure_threshold, shared_measures
from tests.shared import corpus_path
from xuncha.text.notice import NoticeTotals, common_problems_sentence, render_notice
from xuncha.text.paper import (
    COPY_THRESHOLD,
    Comparable,
    MeasureRecord,
    Stated,
    UnitNames,
    activities_of,
    candidate_pairs,
    measure_flags,
    normalise,
    paper_flags,
    similar_pairs,
    similarity,
)
from xuncha.text.quantities import find_outcomes
from xuncha.text.themes import (
    COMMON_MIN_UNITS,
    TitledProblem,
    common_floor,
    common_problems,
    themes_of,
)


def record(text: str, key: object = 1, unit: object = 1, **fields: object) -> MeasureRecord:
    """A measure with an owner and a deadline, and the outcomes its text states, as stored."""
    found = find_outcomes(text)
    values: dict[str, object] = {
        "owner": "党组书记",
        "has_deadline": True,
        "quantities": tuple(
            Stated(q.kind, q.subject, "refunded" if "清退" in q.subject else "")
            for q in found.quantities
        ),
        "accountability": tuple(tuple(a.kinds) for a in found.accountability if a.part_of is None),
        "regulations": tuple(r.title or "" for r in found.regulations),
    }
    values.update(fields)
    return MeasureRecord(key=key, unit=unit, text=text, **values)  # type: ignore[arg-type]


def reasons(item: MeasureRecord) -> list[str]:
    return [flag.reason for flag in measure_flags(item)]


# --- what a measure does ----------------------------------------------------------------------


def test_a_measure_of_meetings_and_study_only_is_formal_rectification() -> None:
    flags = measure_flags(record("召开党组会议专题研究部署，组织干部职工深入学习有关规定。"))
    assert [(flag.reason, flag.label) for flag in flags] == [("meetings_only", "形式整改")]
    assert {"会议", "学习"} <= set(flags[0].terms)


def test_counting_meetings_and_trainings_is_rectification_by_numbers() -> None:
    flags = measure_flags(record("举办专题培训班6期，召开警示教育大会3次。"))
    assert [(flag.reason, flag.label) for flag in flags] == [("meetings_counted", "数字整改")]


def test_issuing_documents_only_is_rectification_in_words() -> None:
    flags = measure_flags(record("印发《关于加强作风建设的通知》，下发整改工作方案。"))
    assert [(flag.reason, flag.label) for flag in flags] == [("documents_only", "文字整改")]


def test_money_refunded_people_held_to_account_or_a_rule_are_results() -> None:
    assert reasons(record("召开专题会议，清退违规发放津补贴共计3.5万元。")) == []
    assert reasons(record("召开党组会议，对3名责任人进行追责问责。")) == []
    assert reasons(record("召开专题会议，修订《财务报销管理办法》。")) == []
    assert reasons(record("组织学习，建立健全公务接待制度。")) == []


def test_a_concrete_result_without_a_number_saves_the_measure() -> None:
    assert reasons(record("召开会议部署，集中整治违规占用办公用房。")) == []
    # ... but a result word inside the meeting's own clause is what the meeting discussed
    assert reasons(record("召开党组会议研究解决问题。")) == ["meetings_only"]


def test_a_count_of_something_else_than_meetings_is_a_result() -> None:
    assert reasons(record("组织专项学习，整改问题线索20件。")) == []
    assert reasons(record("开展业务培训，群众满意率达到98.5%。")) == []


def test_a_talk_is_no_accountability() -> None:
    assert reasons(record("开展谈心谈话，对有关人员提醒谈话5人次。")) == ["meetings_counted"]


def test_a_notice_named_like_a_rule_is_still_a_document() -> None:
    item = record("印发《关于开展专项整治的通知》。")
    assert item.regulations  # the finder records it as a regulation row
    assert reasons(item) == ["documents_only"]


def test_words_inside_a_title_are_not_the_measures() -> None:
    assert activities_of("制定《干部学习培训管理办法》。").activities == {}


def test_a_measure_without_owner_or_deadline_is_flagged_for_each() -> None:
    text = "全面清理违规车辆12辆。"
    assert reasons(record(text, owner="", department="", has_deadline=False)) == [
        "no_owner",
        "no_deadline",
    ]
    assert reasons(record(text, owner="", department="办公室")) == []
    kinds = {flag.label for flag in measure_flags(record(text, owner="", has_deadline=False))}
    assert kinds == {"文字整改"}


# --- copies across units ----------------------------------------------------------------------

COPIED = (
    "市教育局",
    "一是全面清理2013年以来违规发放的津补贴，逐人逐项核对发放依据；"
    "二是建立津补贴发放审批台账，由分管领导签字后执行。",
)
REWORDED = (
    "市卫健委",
    "（一）深入清理2013年以来违规发放的津补贴，逐人逐项核对发放依据。"
    "（二）建起津补贴发放审批台账，由市卫健委分管领导签字后执行。",
)
DIFFERENT = (
    "市水务局",
    "对全市42座小型水库开展安全鉴定，完成除险加固工程18座，汛前全部通过验收。",
)


def test_normalising_drops_punctuation_ordinals_and_unit_names() -> None:
    assert (
        normalise("一是 市教育局：加强管理，（二）落实责任。", ["市教育局"]) == "加强管理落实责任"
    )
    assert normalise("ＡＢＣ１２３，", ()) == "ABC123"
    names = UnitNames(["市委宣传部", "宣传部"])
    assert normalise("市委宣传部与宣传部", names) == "与"


def test_a_reworded_copy_scores_above_the_threshold_and_a_different_text_below() -> None:
    names = [COPIED[0], REWORDED[0], DIFFERENT[0]]
    copied, reworded, different = (normalise(t, names) for _u, t in (COPIED, REWORDED, DIFFERENT))
    assert similarity(copied, reworded) >= COPY_THRESHOLD
    assert similarity(copied, different) < COPY_THRESHOLD
    dropped = normalise(COPIED[1].split("；")[0], names)
    assert similarity(copied, dropped) == 100.0  # a sentence dropped: all of it is in the other


def test_texts_far_apart_in_length_are_no_copies() -> None:
    assert similarity("清理违规发放津补贴", "清理违规发放津补贴" * 3) == 0.0


def test_measures_of_one_unit_are_never_copies_of_each_other() -> None:
    text = normalise(COPIED[1])
    items = [Comparable(1, "a", text), Comparable(2, "a", text), Comparable(3, "b", text)]
    pairs = {(pair.first, pair.second) for pair in similar_pairs(items)}
    assert pairs == {(1, 3), (2, 3)}


def test_the_blocking_finds_a_copy_among_many_texts_without_pairing_them_all() -> None:
    rng = random.Random(7)
    alphabet = [chr(code) for code in range(0x4E00, 0x4E00 + 3000)]
    texts = ["".join(rng.choices(alphabet, k=rng.randint(30, 120))) for _ in range(3000)]
    items = [Comparable(i, i // 10, text) for i, text in enumerate(texts)]
    copy = texts[42][:20] + "切实" + texts[42][20:]
    items.append(Comparable(len(items), "copier", copy))
    candidates = candidate_pairs(items)
    assert (42, len(items) - 1) in candidates
    assert len(candidates) < 100
    assert [(p.first, p.second) for p in similar_pairs(items)] == [(42, len(items) - 1)]


def test_the_threshold_separates_the_shared_texts_from_their_reworded_copies(
    capsys: pytest.CaptureFixture[str],
) -> None:
    shared = corpus_path().parent
    ok = measure_threshold(shared_measures(shared), random.Random(20_250_601))
    output = capsys.readouterr().out
    assert ok, output


# --- the acceptance item ----------------------------------------------------------------------


def test_copies_meetings_only_and_money_refunded_flag_as_they_should() -> None:
    """Two units with the same measure text reworded slightly are flagged; a unit whose
    measures are only meetings is flagged; a concrete measure with money refunded is not."""
    records = [
        record(COPIED[1], key="copied", unit=COPIED[0]),
        record(REWORDED[1], key="reworded", unit=REWORDED[0]),
        record("召开专题民主生活会，组织班子成员集中学习。", key="meetings", unit="市商务局"),
        record("组织开展警示教育，召开全体干部大会。", key="more meetings", unit="市商务局"),
        record("清退违规发放的津补贴共计12.6万元，已全部上缴国库。", key="refund", unit="市财政局"),
        record(DIFFERENT[1], key="different", unit=DIFFERENT[0]),
    ]
    flags = paper_flags(records, [COPIED[0], REWORDED[0], DIFFERENT[0], "市商务局", "市财政局"])
    assert set(flags) == {"copied", "reworded", "meetings", "more meetings"}
    copy_flag = next(flag for flag in flags["copied"] if flag.reason == "copied")
    assert copy_flag.others == ("reworded",) and copy_flag.label == "文字整改"
    assert copy_flag.score is not None and copy_flag.score >= COPY_THRESHOLD
    assert [flag.reason for flag in flags["meetings"]] == ["meetings_only"]
    assert [flag.label for flag in flags["more meetings"]] == ["形式整改"]


# --- common problems --------------------------------------------------------------------------


def test_a_title_falls_under_every_theme_it_names_with_the_terms_matched() -> None:
    matches = themes_of("履行全面从严治党主体责任不到位，违规发放津补贴")
    found = {match.theme.label: match.terms for match in matches}
    assert found["全面从严治党"] == ("从严治党", "主体责任")
    assert found["作风建设和中央八项规定精神"] == ("津补贴", "违规发放")
    assert themes_of("办公楼外墙渗水") == ()


def test_a_term_inside_another_matched_term_is_shown_once() -> None:
    (match,) = [m for m in themes_of("干部选拔任用不规范") if m.theme.code == "cadres"]
    assert match.terms == ("干部选拔", "选拔任用")  # overlapping, neither inside the other
    (match,) = themes_of("选人用人把关不严")
    assert match.terms == ("选人用人",)


def test_themes_are_ordered_by_the_units_sharing_them() -> None:
    problems = [
        TitledProblem(1, "甲", "意识形态工作责任制落实不到位"),
        TitledProblem(2, "乙", "网络舆论宣传引领力不够强"),
        TitledProblem(3, "丙", "落实全面从严治党要求有短板"),
        TitledProblem(4, "丙", "宣传阵地管理不严"),
        TitledProblem(5, "丁", "落实从严治党两个责任不够到位"),
        TitledProblem(6, "甲", "基层党支部组织生活不规范"),
    ]
    groups = common_problems(problems)
    assert [(g.theme.code, g.unit_count, g.common) for g in groups] == [
        ("ideology", 3, True),
        ("party_discipline", 2, True),
        ("grassroots", 1, False),
    ]
    assert [p.key for p, _terms in groups[0].problems] == [1, 2, 4]


def test_a_theme_is_common_for_two_units_or_a_fifth_of_many() -> None:
    assert common_floor(1) == common_floor(9) == COMMON_MIN_UNITS
    assert common_floor(18) == 4
    assert common_floor(2000) == 400


def test_the_notice_states_the_common_problems_last() -> None:
    sentence = common_problems_sentence([("全面从严治党", 4), ("意识形态", 2)])
    assert sentence == "共性问题：全面从严治党方面问题涉及4家单位；意识形态方面问题涉及2家单位。"
    assert common_problems_sentence([]) == ""
    totals = NoticeTotals(units=2, fed_back=3, closed=2, basically_done=1, not_done=0)
    text = render_notice(
        totals, scope="第八轮巡察", as_of=dt.date(2021, 3, 1), common=[("意识形态", 2)]
    )
    assert text.split("\n\n")[-1] == "共性问题：意识形态方面问题涉及2家单位。"
    assert "共性问题" not in render_notice(totals, scope="第八轮巡察", as_of=dt.date(2021, 3, 1))


@pytest.mark.parametrize(
    ("title", "theme"),
    [
        ("对外宣传声音不够响亮", "ideology"),
        ("工作作风不实", "conduct"),
        ("推动机关党建走在前有差距", "grassroots"),
        ("加强干部队伍建设还有欠缺", "cadres"),
        ("巡察反馈问题整改不到位", "rectification"),
        ("专项资金使用管理不规范", "integrity"),
        ("文山会海问题仍然突出", "formalism"),
    ],
)
def test_each_theme_takes_its_kind_of_title(title: str, theme: str) -> None:
    assert theme in {match.theme.code for match in themes_of(title)}
