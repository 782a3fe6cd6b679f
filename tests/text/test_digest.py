"""Reading digests: the seed (read from ../shared at test time) and synthetic texts of our own."""

from __future__ import annotations

import pytest

from xuncha.text.digest import (
    DigestError,
    IntroFacts,
    ParsedDigest,
    ParsedMeasure,
    parse_digest,
)
from xuncha.text.render import ordinal_marker

# A digest of an imaginary district, written for these tests; full-width punctuation throughout.
SYNTHETIC = """\
根据区委安排，3月中下旬，区委第二至第四巡察组对十二届区委第五轮巡察的区水务局、区图书馆、区体育中心等3家单位的整改情况开展回访督查，本期刊登其中第二批2家单位的整改摘要。

区水务局

问题：河道巡查记录不完整

整改：一是补齐巡查台账。逐月核对巡查日志，补录缺失记录。二是更新巡查路线。把沿河的排口全部纳入日常巡查。

问题：应急物资管理松散

整改：重新盘点仓库物资，建立出入库登记制度，过期物资已全部更换。

区图书馆

问题：借阅服务时间偏短

整改：周末开放时间延长两小时，并增设自助还书机。

（通讯员李小明 本报记者王大为）"""


def digest_of(*rectification_lines: str) -> ParsedDigest:
    """Parse a one-unit, one-problem digest whose 整改 paragraph(s) are given."""
    body = "\n".join(rectification_lines)
    return parse_digest(f"区档案馆\n问题：档案整理滞后\n整改：{body}")


def lines(*paragraphs: str) -> str:
    """Join lines with "\n"; an empty string stands for a blank line."""
    return "\n".join(paragraphs)


def raise_error(text: str | bytes) -> DigestError:
    with pytest.raises(DigestError) as caught:
        parse_digest(text)
    return caught.value


# The seed -----------------------------------------------------------------------------------


@pytest.fixture
def seed(seed_text: str) -> ParsedDigest:
    return parse_digest(seed_text)


@pytest.mark.shared
def test_seed_has_nine_units_with_their_problem_counts(seed: ParsedDigest) -> None:
    assert [len(unit.problems) for unit in seed.units] == [2, 3, 3, 2, 3, 2, 3, 3, 3]
    assert sum(len(unit.problems) for unit in seed.units) == 24


@pytest.mark.shared
def test_seed_units_are_the_first_nine_named_in_the_introduction(seed: ParsedDigest) -> None:
    assert tuple(unit.name for unit in seed.units) == seed.facts.unit_names[:9]


@pytest.mark.shared
def test_seed_lines_are_numbered_as_in_the_file(seed: ParsedDigest, seed_text: str) -> None:
    lines = seed_text.split("\n")
    for unit in seed.units:
        assert lines[unit.line - 1] == unit.name
        for problem in unit.problems:
            assert lines[problem.line - 1].endswith(problem.title)
            assert lines[problem.line + 1] == f"整改:{problem.rectification}"


@pytest.mark.shared
def test_seed_byline_is_kept_apart_from_the_last_rectification(
    seed: ParsedDigest, seed_text: str
) -> None:
    last_line = seed_text.split("\n")[-1]
    assert seed.byline == last_line
    assert seed.byline.startswith("(") and seed.byline.endswith(")")
    last_problem = seed.units[-1].problems[-1]
    assert last_line not in last_problem.rectification
    assert last_problem.rectification.endswith("。")


@pytest.mark.shared
def test_seed_damaged_character_is_kept_and_its_warning_names_line_115(
    seed: ParsedDigest,
) -> None:
    assert len(seed.warnings) == 1
    warning = seed.warnings[0]
    assert warning.line == 115
    assert "第115行" in warning.message and "U+FFFD" in warning.message
    assert "《" in warning.message  # it names the title the damaged character sits in
    damaged = [p for u in seed.units for p in u.problems if "\ufffd" in p.rectification]
    assert [problem.line for problem in damaged] == [113]


@pytest.mark.shared
def test_seed_measure_counts_follow_the_numbering(seed: ParsedDigest) -> None:
    counts = [[len(problem.measures) for problem in unit.problems] for unit in seed.units]
    assert counts == [
        [1, 2],
        [3, 2, 4],
        [1, 1, 1],
        [2, 3],
        [3, 3, 3],
        [2, 3],
        [3, 3, 3],
        [3, 3, 3],
        [2, 3, 3],
    ]
    unnumbered = [p for u in seed.units for p in u.problems if p.measures[0].ordinal is None]
    assert len(unnumbered) == 4
    assert all(len(problem.measures) == 1 for problem in unnumbered)
    assert all(problem.lead == "" for unit in seed.units for problem in unit.problems)


@pytest.mark.shared
def test_seed_heading_sentence_stays_with_its_measure(seed: ParsedDigest, seed_text: str) -> None:
    problem = seed.units[1].problems[2]
    assert [measure.ordinal for measure in problem.measures] == [1, 2, 3, 4]
    source_line = seed_text.split("\n")[problem.line + 1]
    heading = source_line.split("一是", 1)[1].split("。", 1)[0] + "。"
    assert problem.measures[0].text.startswith(heading)
    assert len(problem.measures[0].text) > len(heading)
    assert all(measure.line == problem.line + 2 for measure in problem.measures)


@pytest.mark.shared
def test_seed_rectifications_are_rebuilt_from_lead_and_measures(seed: ParsedDigest) -> None:
    for unit in seed.units:
        for problem in unit.problems:
            rebuilt = problem.lead + "".join(
                (ordinal_marker(m.ordinal) if m.ordinal else "") + m.text for m in problem.measures
            )
            assert rebuilt == problem.rectification


@pytest.mark.shared
def test_seed_introduction_facts(seed: ParsedDigest) -> None:
    facts = seed.facts
    assert (facts.group_first, facts.group_last) == (1, 7)
    assert len(facts.group_names) == 7
    assert facts.group_names[0] == f"{facts.committee}第一巡察组"
    assert facts.group_names[-1] == f"{facts.committee}第七巡察组"
    assert facts.units_revisited == 18 and len(facts.unit_names) == 18
    assert all(name in seed.introduction for name in facts.unit_names)
    assert (facts.batch, facts.batch_size) == ("首批", 9)
    assert facts.term == "十三届" and facts.round_sequence == 8
    assert facts.committee == "市委"
    assert facts.round_title is not None and facts.round_title in seed.introduction
    assert facts.round_title.startswith(f"{facts.term}{facts.committee}第八轮")
    assert facts.period is not None and facts.period in seed.introduction
    assert facts.period.endswith("旬")
    assert facts.kind == "回访督查"


@pytest.mark.shared
def test_seed_reads_the_same_from_bytes_with_bom_and_windows_line_ends(
    seed: ParsedDigest, seed_text: str
) -> None:
    data = b"\xef\xbb\xbf" + seed_text.replace("\n", "\r\n").encode("utf-8")
    assert parse_digest(data) == seed


# Synthetic digests: structure ---------------------------------------------------------------


def test_full_width_colons_and_brackets_are_read() -> None:
    parsed = parse_digest(SYNTHETIC)
    assert [unit.name for unit in parsed.units] == ["区水务局", "区图书馆"]
    assert [unit.line for unit in parsed.units] == [3, 13]
    titles = [problem.title for unit in parsed.units for problem in unit.problems]
    assert titles == ["河道巡查记录不完整", "应急物资管理松散", "借阅服务时间偏短"]
    assert parsed.byline == "（通讯员李小明 本报记者王大为）"
    assert parsed.introduction.startswith("根据区委安排")
    assert parsed.warnings == ()


def test_synthetic_measures_are_split_without_their_markers() -> None:
    problem = parse_digest(SYNTHETIC).units[0].problems[0]
    assert problem.measures == (
        ParsedMeasure(1, "补齐巡查台账。逐月核对巡查日志，补录缺失记录。", 7),
        ParsedMeasure(2, "更新巡查路线。把沿河的排口全部纳入日常巡查。", 7),
    )
    assert problem.lead == ""


def test_unnumbered_rectification_is_one_measure_without_ordinal() -> None:
    problem = parse_digest(SYNTHETIC).units[0].problems[1]
    assert len(problem.measures) == 1
    assert problem.measures[0].ordinal is None
    assert problem.measures[0].text == problem.rectification


def test_ascii_colons_and_brackets_read_the_same() -> None:
    ascii_text = SYNTHETIC.replace("：", ":").replace("（", "(").replace("）", ")")
    parsed = parse_digest(ascii_text)
    assert [len(unit.problems) for unit in parsed.units] == [2, 1]
    assert parsed.byline == "(通讯员李小明 本报记者王大为)"


def test_blank_lines_between_paragraphs_are_not_required() -> None:
    compact = parse_digest(SYNTHETIC.replace("\n\n", "\n"))
    spaced = parse_digest(SYNTHETIC)
    assert [unit.name for unit in compact.units] == [unit.name for unit in spaced.units]
    assert [u.line for u in compact.units] == [2, 7]
    for compact_unit, spaced_unit in zip(compact.units, spaced.units, strict=True):
        assert [p.rectification for p in compact_unit.problems] == [
            p.rectification for p in spaced_unit.problems
        ]
    assert compact.byline == spaced.byline


def test_indented_paragraphs_and_windows_line_ends_are_read() -> None:
    indented = "\r\n".join(
        "\u3000\u3000" + line if line else line for line in SYNTHETIC.split("\n")
    )
    parsed = parse_digest(indented)
    assert parsed.units[0].name == "区水务局"
    assert parsed.units[1].problems[0].rectification.startswith("周末开放")


def test_continuation_paragraph_is_joined_to_the_rectification_with_a_newline() -> None:
    parsed = digest_of("清点积压卷宗三百余卷。", "", "年底前全部完成数字化扫描。")
    problem = parsed.units[0].problems[0]
    assert problem.rectification == "清点积压卷宗三百余卷。\n年底前全部完成数字化扫描。"
    assert problem.measures[0].line == 3


def test_marker_at_the_start_of_a_continuation_paragraph_splits_there() -> None:
    parsed = digest_of("一是清点积压卷宗。", "二是完成数字化扫描。")
    measures = parsed.units[0].problems[0].measures
    assert [(m.ordinal, m.text, m.line) for m in measures] == [
        (1, "清点积压卷宗。\n", 3),
        (2, "完成数字化扫描。", 4),
    ]


def test_short_continuation_paragraph_ending_in_a_full_stop_is_not_a_unit() -> None:
    text = lines(
        "区档案馆",
        "问题：档案整理滞后",
        "整改：增加两名专职人员。",
        "已按期完成。",
        "问题：库房温湿度超标",
        "整改：加装除湿设备。",
    )
    parsed = parse_digest(text)
    assert len(parsed.units) == 1
    assert [problem.title for problem in parsed.units[0].problems] == [
        "档案整理滞后",
        "库房温湿度超标",
    ]
    assert parsed.units[0].problems[0].rectification == "增加两名专职人员。\n已按期完成。"


def test_short_line_without_punctuation_before_a_problem_is_a_unit_of_any_name() -> None:
    text = lines(
        "区档案馆",
        "问题：档案整理滞后",
        "整改：增加人手。",
        "某某街道老年协会",
        "问题：账目不清",
        "整改：请第三方重新审计。",
    )
    parsed = parse_digest(text)
    assert [unit.name for unit in parsed.units] == ["区档案馆", "某某街道老年协会"]
    assert parsed.units[1].line == 4


def test_introduction_is_optional() -> None:
    parsed = digest_of("增加人手。")
    assert parsed.introduction == ""
    assert parsed.facts == IntroFacts()
    assert parsed.byline is None


# Synthetic digests: measures ----------------------------------------------------------------


def test_tong_yi_shi_inside_a_word_does_not_split() -> None:
    parsed = digest_of("口径统一是本轮整改的前提。各科室随后逐项比对。")
    measures = parsed.units[0].problems[0].measures
    assert len(measures) == 1 and measures[0].ordinal is None


def test_marker_after_a_comma_does_not_split() -> None:
    parsed = digest_of("一是查清底数，二是补齐手续，三是按月复核。")
    measures = parsed.units[0].problems[0].measures
    assert [m.ordinal for m in measures] == [1]
    assert measures[0].text == "查清底数，二是补齐手续，三是按月复核。"


def test_out_of_sequence_marker_does_not_split_and_is_warned() -> None:
    parsed = digest_of("一是查清底数。三是按月复核。")
    measures = parsed.units[0].problems[0].measures
    assert [m.text for m in measures] == ["查清底数。三是按月复核。"]
    assert len(parsed.warnings) == 1
    assert parsed.warnings[0].line == 3
    assert "三是" in parsed.warnings[0].message and "二是" in parsed.warnings[0].message


def test_lead_before_the_first_marker_is_kept_apart() -> None:
    problem = digest_of("成立专班统筹推进。一是查清底数。二是补齐手续。").units[0].problems[0]
    assert problem.lead == "成立专班统筹推进。"
    assert [m.text for m in problem.measures] == ["查清底数。", "补齐手续。"]


def test_marker_after_a_closing_quote_splits() -> None:
    problem = digest_of("一是推行“当日事当日毕。”二是每周通报进度。").units[0].problems[0]
    assert [m.ordinal for m in problem.measures] == [1, 2]
    assert problem.measures[0].text == "推行“当日事当日毕。”"


def test_markers_up_to_twenty_split_in_sequence() -> None:
    body = "".join(f"{ordinal_marker(n)}完成第{n}项。" for n in range(1, 21))
    problem = digest_of(body).units[0].problems[0]
    assert [m.ordinal for m in problem.measures] == list(range(1, 21))
    assert problem.measures[10].text == "完成第11项。"
    assert problem.measures[19].text == "完成第20项。"


def test_punctuation_of_measures_is_kept_exactly() -> None:
    body = "一是清点卷宗; 二是扫描存档!三是建立目录"
    problem = digest_of(body).units[0].problems[0]
    assert [m.text for m in problem.measures] == ["清点卷宗; ", "扫描存档!", "建立目录"]
    rebuilt = "".join(ordinal_marker(m.ordinal or 0) + m.text for m in problem.measures)
    assert rebuilt == problem.rectification == body


# Synthetic digests: introduction facts ------------------------------------------------------


def test_introduction_facts_of_a_synthetic_digest() -> None:
    facts = parse_digest(SYNTHETIC).facts
    assert facts == IntroFacts(
        committee="区委",
        term="十二届",
        round_sequence=5,
        round_title="十二届区委第五轮巡察",
        group_first=2,
        group_last=4,
        group_names=("区委第二巡察组", "区委第三巡察组", "区委第四巡察组"),
        units_revisited=3,
        unit_names=("区水务局", "区图书馆", "区体育中心"),
        batch="第二批",
        batch_size=2,
        period="3月中下旬",
        kind="回访督查",
    )


def test_single_group_and_look_back_kind_are_read() -> None:
    intro = "县委第三巡察组于5月对县粮食局开展巡察整改“回头看”。"
    facts = parse_digest(f"{intro}\n县粮食局\n问题：仓储台账不全\n整改：已补齐台账。").facts
    assert (facts.group_first, facts.group_last) == (3, 3)
    assert facts.group_names == ("县委第三巡察组",)
    assert facts.kind == "回头看"
    assert facts.committee == "县委"
    assert facts.period == "5月"
    assert facts.units_revisited is None and facts.unit_names == ()


def test_listed_groups_name_only_those_groups() -> None:
    intro = "市委第一、第三巡察组近日完成回访。"
    facts = parse_digest(f"{intro}\n县粮食局\n问题：仓储台账不全\n整改：已补齐台账。").facts
    assert facts.group_names == ("市委第一巡察组", "市委第三巡察组")
    assert (facts.group_first, facts.group_last) == (1, 3)


def test_introduction_that_states_nothing_leaves_facts_empty() -> None:
    facts = parse_digest("以下是整改摘要。\n县粮食局\n问题：仓储台账不全\n整改：已补齐台账。").facts
    assert facts == IntroFacts()


def test_unit_missing_from_the_introduction_list_is_warned() -> None:
    text = SYNTHETIC.replace("区图书馆\n", "区文化馆\n")
    warnings = parse_digest(text).warnings
    assert [(w.line, "区文化馆" in w.message) for w in warnings] == [(13, True)]


def test_batch_size_disagreeing_with_the_units_is_warned() -> None:
    text = SYNTHETIC.replace("第二批2家", "第二批5家")
    warnings = parse_digest(text).warnings
    assert len(warnings) == 1 and warnings[0].line == 1 and "5家" in warnings[0].message


# Errors, each naming its line ---------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   \n\n\t\u3000\n"])
def test_empty_input_is_refused(text: str) -> None:
    error = raise_error(text)
    assert error.line == 1
    assert "空" in error.message
    assert str(error) == f"第1行: {error.message}"


def test_problem_without_rectification_names_its_line() -> None:
    text = lines(
        "区档案馆",
        "",
        "问题：档案整理滞后",
        "",
        "问题：库房温湿度超标",
        "",
        "整改：加装除湿设备。",
    )
    error = raise_error(text)
    assert error.line == 3
    assert str(error) == "第3行: 问题“档案整理滞后”没有整改内容"


def test_problem_at_the_end_of_the_file_names_its_line() -> None:
    error = raise_error("区档案馆\n问题：档案整理滞后\n整改：增加人手。\n问题：库房温湿度超标")
    assert str(error) == "第4行: 问题“库房温湿度超标”没有整改内容"


def test_problem_followed_by_the_byline_names_its_line() -> None:
    error = raise_error("区档案馆\n问题：档案整理滞后\n（记者张三）")
    assert error.line == 2 and "没有整改内容" in error.message


def test_rectification_without_problem_names_its_line() -> None:
    text = lines(
        "区档案馆",
        "问题：档案整理滞后",
        "整改：增加人手。",
        "整改：另行补充人员。",
    )
    error = raise_error(text)
    assert error.line == 4
    assert "问题" in error.message


def test_empty_rectification_names_its_line() -> None:
    error = raise_error("区档案馆\n问题：档案整理滞后\n整改：\n问题：库房温湿度超标\n整改：加装。")
    assert error.line == 3
    assert "整改内容为空" in error.message


def test_problem_without_title_names_its_line() -> None:
    error = raise_error("区档案馆\n问题：\n整改：增加人手。")
    assert error.line == 2


@pytest.mark.parametrize("label", ["问题", "整改"])
def test_first_paragraph_starting_with_a_label_names_line_one(label: str) -> None:
    error = raise_error(f"{label}：档案整理滞后\n区档案馆\n问题：档案整理滞后\n整改：增加人手。")
    assert error.line == 1
    assert label in error.message


def test_an_introduction_in_several_paragraphs_is_read_whole() -> None:
    text = lines(
        "根据区委统一部署，区委第一巡察组对2家单位开展了回访督查。",
        "",
        "现将首批2家单位巡察整改部分内容摘编如下。",
        "",
        "区档案馆",
        "问题：档案整理滞后",
        "整改：增加人手。",
        "区文化馆",
        "问题：场馆开放不足",
        "整改：延长开放时间。",
    )
    parsed = parse_digest(text)
    assert parsed.introduction.splitlines() == [
        "根据区委统一部署，区委第一巡察组对2家单位开展了回访督查。",
        "现将首批2家单位巡察整改部分内容摘编如下。",
    ]
    assert [unit.name for unit in parsed.units] == ["区档案馆", "区文化馆"]
    assert (parsed.facts.batch, parsed.facts.batch_size) == ("首批", 2)
    assert not any("家单位" in warning.message for warning in parsed.warnings)


def test_a_problem_line_before_the_first_unit_names_its_line() -> None:
    text = lines(
        "本报讯，巡察整改情况如下。",
        "问题：档案整理滞后",
        "整改：增加人手。",
        "区档案馆",
        "问题：档案整理滞后",
        "整改：增加人手。",
    )
    error = raise_error(text)
    assert error.line == 2
    assert "问题" in error.message


def test_problem_right_after_the_introduction_names_its_line() -> None:
    error = raise_error("巡察整改情况如下。\n问题：档案整理滞后\n整改：增加人手。")
    assert error.line == 2
    assert "单位名称" in error.message


def test_unit_without_problem_between_units_names_its_line() -> None:
    text = lines(
        "区档案馆",
        "问题：档案整理滞后",
        "整改：增加人手。",
        "区气象局",
        "区地震局",
        "问题：预案陈旧",
        "整改：修订预案。",
    )
    error = raise_error(text)
    assert error.line == 4
    assert "区气象局" in error.message


def test_unit_without_problem_at_the_end_names_its_line() -> None:
    error = raise_error(
        "区档案馆\n问题：档案整理滞后\n整改：增加人手。\n\n区气象局\n\n（记者张三）"
    )
    assert error.line == 5


def test_text_without_any_unit_is_refused() -> None:
    error = raise_error("这只是一段普通的说明文字，没有单位，也没有问题。")
    assert error.line is None
    assert "单位" in error.message


def test_error_keeps_the_source_it_was_given() -> None:
    with pytest.raises(DigestError) as caught:
        parse_digest("", source="upload.txt")
    assert caught.value.source == "upload.txt"


# Encodings and damaged characters -----------------------------------------------------------


def test_bytes_with_a_utf8_bom_read_like_text() -> None:
    assert parse_digest(b"\xef\xbb\xbf" + SYNTHETIC.encode("utf-8")) == parse_digest(SYNTHETIC)


def test_text_with_a_bom_reads_like_text() -> None:
    assert parse_digest("\ufeff" + SYNTHETIC) == parse_digest(SYNTHETIC)


def test_binary_bytes_are_refused() -> None:
    error = raise_error(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    assert error.line == 3  # the line of the first NUL byte
    assert "二进制" in error.message


def test_text_with_nul_characters_is_refused() -> None:
    error = raise_error("区档案馆\n\n问题：x\x00")
    assert "二进制" in error.message
    assert error.line == 3


def test_gb18030_bytes_are_read_with_a_warning() -> None:
    parsed = parse_digest(SYNTHETIC.encode("gb18030"))
    assert [unit.name for unit in parsed.units] == ["区水务局", "区图书馆"]
    assert len(parsed.warnings) == 1 and "GB18030" in parsed.warnings[0].message


def test_utf16_bytes_with_a_bom_are_read() -> None:
    assert parse_digest(SYNTHETIC.encode("utf-16")).units == parse_digest(SYNTHETIC).units


def test_undecodable_bytes_name_the_line_of_the_first_bad_byte() -> None:
    data = "区档案馆\n问题：档案整理滞后\n".encode() + b"\xff\xfe\xfd\x80\x81\x01\x02"
    error = raise_error(data)
    assert error.line == 3
    assert "UTF-8" in error.message


def test_damaged_character_is_kept_and_warned_with_line_and_column() -> None:
    text = lines(
        "区档案馆",
        "问题：档案整理滞后",
        "整改：修订《档案<\ufffd借阅>办法》并执行。",
    )
    parsed = parse_digest(text)
    assert "\ufffd" in parsed.units[0].problems[0].rectification
    assert len(parsed.warnings) == 1
    warning = parsed.warnings[0]
    assert warning.line == 3
    assert "第3行第10字" in warning.message
    assert "《档案<\ufffd借阅>办法》" in warning.message
