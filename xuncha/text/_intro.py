"""What a digest's introduction states: committee, round, groups, units, batch, period, kind.

Private helper of :mod:`xuncha.text.digest`, which re-exports :class:`IntroFacts`. Every fact is
optional: an introduction that does not say something leaves it None (or empty).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

import cn2an

_NUMERALS = "〇零一二两三四五六七八九十百"
_NUMBER = rf"(?:\d+|[{_NUMERALS}]+)"
# The same number, never starting inside a run of its digits or numerals: a search tries a run
# from its first character, and from a later one reaches the same end, so it would only try
# again what failed (a long run of numerals would be read once per character).
_NUMBER_FROM_ITS_START = rf"(?:(?<!\d)\d+|(?<![{_NUMERALS}])[{_NUMERALS}]+)"
_NOT_PUNCTUATION = r"[^\s，,、。；;：:()（）“”第]"
_ROUND = re.compile(
    rf"(?:(?P<term>{_NUMBER_FROM_ITS_START}届)(?P<committee>{_NOT_PUNCTUATION}{{1,8}}?))?"
    rf"第(?P<sequence>{_NUMBER})轮(?:巡察|巡视)?"
)
# Only the committee word itself: a looser pattern would swallow the words before it.
_COMMITTEE = r"(?:[省市州县区旗盟]委|党委|党组)(?!员)"
_RANGE_SEPARATORS = "至到—－~～-"
_GROUP_NUMBERS = rf"第{_NUMBER}(?:[{re.escape(_RANGE_SEPARATORS)}、和及]第?{_NUMBER})*"
_GROUPS = re.compile(
    rf"(?P<committee>{_COMMITTEE})?(?P<numbers>{_GROUP_NUMBERS})(?P<kind>巡察组|巡视组)"
)
_GROUP_NUMBERS_ONLY = re.compile(_GROUP_NUMBERS + "+")  # possessive: read once, no retries
_COMMITTEE_LENGTH = 2  # every committee word is two characters
# A range of group numbers wider than this is not expanded (第1至第99999999巡察组 would make a
# hundred million names): only its ends are kept, with a remark.
MAX_GROUP_RANGE = 100
# cn2an writes numbers of at most 16 digits; a group number beyond that cannot be named.
_LARGEST_WRITTEN_NUMBER = 10**16 - 1
_LISTED_COUNT = re.compile(rf"等(?P<count>{_NUMBER})(?:家|个)(?:单位|党组织|部门)")
_BATCH = re.compile(rf"(?P<batch>首批|第{_NUMBER}批)(?:(?P<size>{_NUMBER})(?:家|个))?")
_DAY_PART = r"(?:上中旬|中下旬|上旬|中旬|下旬|初|底|末|中)"
_DATE = rf"(?:\d{{4}}年)?\d{{1,2}}月(?:\d{{1,2}}日)?{_DAY_PART}?"
_PERIOD = re.compile(
    rf"(?<!\d){_DATE}(?:[至到—~-](?:(?:\d{{4}}年)?\d{{1,2}}月(?:\d{{1,2}}日)?|\d{{1,2}}日){_DAY_PART}?)?"
)
_CLAUSE_BREAKS = "，,。；;：:"


@dataclass(frozen=True)
class IntroFacts:
    """What the introduction paragraph states; None (or empty) where it does not say."""

    committee: str | None = None
    term: str | None = None
    round_sequence: int | None = None
    round_title: str | None = None
    group_first: int | None = None
    group_last: int | None = None
    group_names: tuple[str, ...] = ()
    units_revisited: int | None = None
    unit_names: tuple[str, ...] = ()
    batch: str | None = None
    batch_size: int | None = None
    period: str | None = None
    kind: str | None = None


def parse_chinese_number(text: str) -> int | None:
    """Read "八", "十二", "二十" or "18" as an int; None for anything that is not a number."""
    if len(text) <= _SHORT_NUMBER_LENGTH:
        return _parse_short_number(text)
    return _parse_number(text)


# Markers (一是, 二是 …) repeat the same few short numbers, each a slow call to cn2an.
_SHORT_NUMBER_LENGTH = 8


@functools.lru_cache(maxsize=512)
def _parse_short_number(text: str) -> int | None:
    return _parse_number(text)


def _parse_number(text: str) -> int | None:
    try:
        if text.isdigit():
            return int(text)  # ValueError past Python's 4300 digits, or for digits like ²
        value = cn2an.cn2an(text, "smart")
        return int(value) if value == int(value) and value > 0 else None
    except (ValueError, KeyError, IndexError, OverflowError):
        return None


def chinese_number(number: int) -> str:
    """Write a positive int in Chinese numerals: 7 -> "七", 11 -> "十一", 20 -> "二十"."""
    if number < 1:
        raise ValueError(f"only positive numbers have a Chinese ordinal, not {number}")
    return str(cn2an.an2cn(number))


def read_facts(introduction: str) -> tuple[IntroFacts, list[str]]:
    """Extract the facts an introduction states, with remarks on what contradicts itself."""
    if not introduction:
        return IntroFacts(), []
    round_match = _ROUND.search(introduction)
    group_match = _search_groups(introduction)
    committee = _committee(introduction, round_match, group_match)
    groups, too_wide = _group_numbers(group_match["numbers"]) if group_match else ([], False)
    group_committee = (group_match["committee"] if group_match else None) or committee or ""
    group_kind = group_match["kind"] if group_match else ""
    count_match = _LISTED_COUNT.search(introduction)
    batch_match = _BATCH.search(introduction)
    period_match = _PERIOD.search(introduction)
    unit_names = _listed_units(introduction, count_match, round_match, group_match)
    facts = IntroFacts(
        committee=committee,
        term=round_match["term"] if round_match else None,
        round_sequence=parse_chinese_number(round_match["sequence"]) if round_match else None,
        round_title=round_match.group(0) if round_match else None,
        group_first=min(groups) if groups else None,
        group_last=max(groups) if groups else None,
        group_names=tuple(
            f"{group_committee}第{chinese_number(number)}{group_kind}" for number in groups
        ),
        units_revisited=parse_chinese_number(count_match["count"]) if count_match else None,
        unit_names=unit_names,
        batch=batch_match["batch"] if batch_match else None,
        batch_size=(
            parse_chinese_number(batch_match["size"])
            if batch_match and batch_match["size"]
            else None
        ),
        period=period_match.group(0) if period_match else None,
        kind=_kind(introduction),
    )
    remarks = []
    if too_wide and group_match:
        remarks.append(
            f"引言中的“{group_match['numbers']}”编号范围过大(超过{MAX_GROUP_RANGE}个)，"
            "只取了两端的编号，请核对"
        )
    if (
        facts.units_revisited is not None
        and unit_names
        and len(unit_names) != facts.units_revisited
    ):
        remarks.append(
            f"引言说有{facts.units_revisited}家单位，但列出了{len(unit_names)}个单位名称，请核对"
        )
    return facts, remarks


def _committee(
    introduction: str, round_match: re.Match[str] | None, group_match: re.Match[str] | None
) -> str | None:
    """The committee named by the round title, else by the groups, else the first one named."""
    if round_match and round_match["committee"]:
        return round_match["committee"]
    if group_match and group_match["committee"]:
        return group_match["committee"]
    anywhere = re.search(_COMMITTEE, introduction)
    return anywhere.group(0) if anywhere else None


def _search_groups(introduction: str) -> re.Match[str] | None:
    """``_GROUPS.search(introduction)``, reading each run of group numbers once.

    A match starts at a 第 or at the committee word just before it. When none starts at a 第,
    none starts at a later 第 of the same run of numbers either: from there the run reaches the
    same end, where the same words follow. So the search goes on after the run.
    """
    position = 0
    while (opening := introduction.find("第", position)) != -1:
        for start in (opening - _COMMITTEE_LENGTH, opening):
            match = _GROUPS.match(introduction, start) if start >= position else None
            if match is not None:
                return match
        run = _GROUP_NUMBERS_ONLY.match(introduction, opening)
        position = run.end() if run is not None else opening + 1
    return None


def _group_numbers(numbers: str) -> tuple[list[int], bool]:
    """ "第一至第七" -> 1..7; "第一、第三" -> 1, 3; ranges and lists may be mixed.

    Also says whether a range was too wide to expand (:data:`MAX_GROUP_RANGE`). Numbers too
    large to be written as a group's name are left out.
    """
    tokens = re.split(rf"([{re.escape(_RANGE_SEPARATORS)}、和及])", numbers)
    result: list[int] = []
    range_pending = False
    too_wide = False
    for token in tokens:
        if token and token in _RANGE_SEPARATORS:
            range_pending = True
            continue
        value = parse_chinese_number(token.removeprefix("第")) if token not in "、和及" else None
        if value is None or value > _LARGEST_WRITTEN_NUMBER:
            continue
        if range_pending and result and value > result[-1]:
            if value - result[-1] > MAX_GROUP_RANGE:
                too_wide = True
                result.append(value)
            else:
                result.extend(range(result[-1] + 1, value + 1))
        else:
            result.append(value)
        range_pending = False
    return result, too_wide


def _listed_units(
    introduction: str,
    count_match: re.Match[str] | None,
    round_match: re.Match[str] | None,
    group_match: re.Match[str] | None,
) -> tuple[str, ...]:
    """The names listed before "等N家单位", split on 、, with the leading clause cut off; or,
    without that count, the names in brackets after 被巡察单位 / 单位 ("单位(甲、乙、丙)")."""
    if count_match is None:
        return _bracketed_units(introduction)
    segment = introduction[: count_match.start()]
    segment = segment[max(segment.rfind(mark) for mark in _CLAUSE_BREAKS) + 1 :]
    # The list follows "……巡察组对……第八轮巡察的"; cut those words, keeping the names intact.
    if group_match and group_match.group(0) in segment:
        segment = segment.split(group_match.group(0), 1)[1]
    segment = segment.removeprefix("对")
    if round_match and round_match.group(0) in segment:
        segment = segment.split(round_match.group(0), 1)[1].removeprefix("的")
    return tuple(name.strip() for name in segment.split("、") if name.strip())


_BRACKETED_UNITS = re.compile(r"单位[(（](?P<names>[^()（）]{2,2000}?)[)）]")


def _bracketed_units(introduction: str) -> tuple[str, ...]:
    match = _BRACKETED_UNITS.search(introduction)
    if match is None or "、" not in match["names"]:
        return ()
    names = [name.strip() for name in match["names"].split("、")]
    names[-1] = names[-1].removesuffix("等")
    return tuple(name for name in names if name)


def _kind(introduction: str) -> str | None:
    if "回访督查" in introduction:
        return "回访督查"
    if "回头看" in introduction:
        return "回头看"
    return None
