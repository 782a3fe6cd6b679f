"""Writing digests: the seed round trip (read from ../shared at test time) and synthetic digests."""

from __future__ import annotations

import pytest

from xuncha.text.digest import parse_digest
from xuncha.text.render import (
    Digest,
    DigestMeasure,
    DigestProblem,
    DigestUnit,
    digest_from_parsed,
    normalise_whitespace,
    ordinal_marker,
    paragraphs_of_interest,
    rectification_text,
    render_digest,
)

# A small digest of our own: one numbered problem with a lead, one unnumbered problem.
NUMBERED = DigestProblem(
    title="食堂采购流程不规范",
    lead="成立采购监督小组。",
    measures=(
        DigestMeasure(1, "公开招标选定供应商。"),
        DigestMeasure(2, "每月公示采购价格"),
    ),
)
UNNUMBERED = DigestProblem(
    title="门卫登记流于形式",
    lead="",
    measures=(DigestMeasure(None, "改用电子登记系统，访客信息实时留存。"),),
)
SMALL = Digest(
    introduction="近日，镇党委对两家单位的整改情况进行了复查。",
    units=(
        DigestUnit("镇中心小学", (NUMBERED,)),
        DigestUnit("镇卫生院", (UNNUMBERED,)),
    ),
    byline="（记者赵六）",
)


# Markers and rectification text -------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "marker"),
    [
        (1, "一是"),
        (2, "二是"),
        (9, "九是"),
        (10, "十是"),
        (11, "十一是"),
        (19, "十九是"),
        (20, "二十是"),
    ],
)
def test_ordinal_marker_writes_chinese_numerals(number: int, marker: str) -> None:
    assert ordinal_marker(number) == marker


@pytest.mark.parametrize("number", [0, -1])
def test_ordinal_marker_refuses_numbers_below_one(number: int) -> None:
    with pytest.raises(ValueError):
        ordinal_marker(number)


def test_rectification_text_joins_lead_markers_and_measures_without_separator() -> None:
    assert rectification_text(NUMBERED) == (
        "成立采购监督小组。一是公开招标选定供应商。二是每月公示采购价格"
    )


def test_rectification_text_of_an_unnumbered_problem_is_its_text() -> None:
    assert rectification_text(UNNUMBERED) == "改用电子登记系统，访客信息实时留存。"


# Rendering ----------------------------------------------------------------------------------


def test_render_writes_paragraphs_separated_by_blank_lines() -> None:
    assert render_digest(SMALL) == (
        "近日，镇党委对两家单位的整改情况进行了复查。\n\n"
        "镇中心小学\n\n"
        "问题：食堂采购流程不规范\n\n"
        "整改：成立采购监督小组。一是公开招标选定供应商。二是每月公示采购价格\n\n"
        "镇卫生院\n\n"
        "问题：门卫登记流于形式\n\n"
        "整改：改用电子登记系统，访客信息实时留存。\n\n"
        "（记者赵六）"
    )


def test_render_uses_the_colon_it_is_given() -> None:
    rendered = render_digest(SMALL, colon=":")
    assert "问题:食堂采购流程不规范" in rendered
    assert "整改:改用电子登记系统，访客信息实时留存。" in rendered
    assert "问题：" not in rendered


def test_render_refuses_an_unknown_colon() -> None:
    with pytest.raises(ValueError):
        render_digest(SMALL, colon="-")


def test_render_leaves_out_an_empty_introduction_and_a_missing_byline() -> None:
    rendered = render_digest(Digest(introduction="", units=SMALL.units[1:]))
    assert rendered == (
        "镇卫生院\n\n问题：门卫登记流于形式\n\n整改：改用电子登记系统，访客信息实时留存。"
    )


def test_continuation_paragraph_is_rendered_after_a_blank_line() -> None:
    problem = DigestProblem(
        title="消防通道被占用",
        lead="",
        measures=(DigestMeasure(1, "清理杂物。\n"), DigestMeasure(2, "每周巡查一次。")),
    )
    rendered = render_digest(Digest("", (DigestUnit("镇敬老院", (problem,)),)))
    assert rendered.endswith("整改：一是清理杂物。\n\n二是每周巡查一次。")
    reparsed = parse_digest(rendered).units[0].problems[0]
    assert [(m.ordinal, m.text) for m in reparsed.measures] == [
        (1, "清理杂物。\n"),
        (2, "每周巡查一次。"),
    ]


def test_rendered_digest_reads_back_as_the_same_digest() -> None:
    for colon in ("：", ":"):
        reparsed = parse_digest(render_digest(SMALL, colon=colon))
        assert digest_from_parsed(reparsed) == SMALL
        assert reparsed.warnings == ()


def test_unit_without_problems_is_refused() -> None:
    with pytest.raises(ValueError, match="no problems"):
        render_digest(Digest("", (DigestUnit("镇卫生院", ()),)))


@pytest.mark.parametrize("name", ["", "镇卫生院，镇中心小学", "镇卫生院\n镇中心小学", "镇" * 31])
def test_unit_name_that_would_not_read_back_as_a_unit_is_refused(name: str) -> None:
    with pytest.raises(ValueError):
        render_digest(Digest("", (DigestUnit(name, (UNNUMBERED,)),)))


def test_problem_title_over_two_lines_is_refused() -> None:
    problem = DigestProblem("门卫登记\n流于形式", "", UNNUMBERED.measures)
    with pytest.raises(ValueError):
        render_digest(Digest("", (DigestUnit("镇卫生院", (problem,)),)))


def test_problem_without_rectification_is_refused() -> None:
    problem = DigestProblem("门卫登记流于形式", "", ())
    with pytest.raises(ValueError):
        render_digest(Digest("", (DigestUnit("镇卫生院", (problem,)),)))


# Comparison helpers -------------------------------------------------------------------------


def test_normalise_whitespace_drops_every_kind_of_space() -> None:
    assert normalise_whitespace(" 镇 卫生院\t整改\u3000完成\r\n。 ") == "镇卫生院整改完成。"


def test_paragraphs_of_interest_leave_out_introduction_and_byline() -> None:
    assert paragraphs_of_interest(render_digest(SMALL)) == [
        "镇中心小学",
        "问题:食堂采购流程不规范",
        "整改:成立采购监督小组。一是公开招标选定供应商。二是每月公示采购价格",
        "镇卫生院",
        "问题:门卫登记流于形式",
        "整改:改用电子登记系统，访客信息实时留存。",
    ]


def test_paragraphs_of_interest_normalise_only_the_label_colon() -> None:
    text = "镇卫生院\n问题 ： 挂号难\n整改：开通预约：电话和网上均可。"
    assert paragraphs_of_interest(text) == [
        "镇卫生院",
        "问题:挂号难",
        "整改:开通预约：电话和网上均可。",
    ]


def test_paragraphs_of_interest_ignore_layout_differences() -> None:
    spaced = render_digest(SMALL)
    compact = spaced.replace("\n\n", "\r\n").replace("：", ":")
    assert paragraphs_of_interest(compact) == paragraphs_of_interest(spaced)


# The seed round trip ------------------------------------------------------------------------


@pytest.mark.shared
@pytest.mark.parametrize("colon", ["：", ":"])
def test_seed_round_trip_keeps_every_paragraph_of_interest(seed_text: str, colon: str) -> None:
    rendered = render_digest(digest_from_parsed(parse_digest(seed_text)), colon=colon)
    assert paragraphs_of_interest(rendered) == paragraphs_of_interest(seed_text)
    # 9 unit names, and a 问题 and a 整改 paragraph for each of the 24 problems.
    assert len(paragraphs_of_interest(seed_text)) == 9 + 2 * 24


@pytest.mark.shared
def test_seed_is_reproduced_exactly_with_ascii_colons(seed_text: str) -> None:
    rendered = render_digest(digest_from_parsed(parse_digest(seed_text)), colon=":")
    assert rendered == seed_text


@pytest.mark.shared
def test_seed_rendered_with_full_width_colons_reads_back_the_same(seed_text: str) -> None:
    parsed = parse_digest(seed_text)
    reparsed = parse_digest(render_digest(digest_from_parsed(parsed)))
    assert reparsed.units == parsed.units
    assert reparsed.facts == parsed.facts
    assert reparsed.byline == parsed.byline
    assert reparsed.warnings == parsed.warnings


@pytest.mark.shared
def test_seed_rectifications_are_rebuilt_by_rectification_text(seed_text: str) -> None:
    parsed = parse_digest(seed_text)
    digest = digest_from_parsed(parsed)
    for parsed_unit, unit in zip(parsed.units, digest.units, strict=True):
        for parsed_problem, problem in zip(parsed_unit.problems, unit.problems, strict=True):
            assert rectification_text(problem) == parsed_problem.rectification
