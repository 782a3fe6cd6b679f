"""What a digest's introduction states: committee, round, groups, units, batch, period, kind.

Private helper of :mod:`xuncha.text.digest`, which re-exports :class:`IntroFacts`. Every fact is
optional: an introduction that does not say something leaves it None (or empty).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import cn2an

_NUMBER = r"(?:\d+|[〇零一二两三四五六七八九十百]+)"
_NOT_PUNCTUATION = r"[^\s，,、。；;：:()（）“”第]"
_ROUND = re.compile(
    rf"(?:(?P<term>{_NUMBER}届)(?P<committee>{_NOT_PUNCTUATION}{{1,8}}?))?"
    rf"第(?P<sequence>{_NUMBER})轮(?:巡察|巡视)?"
)
# Only the committee word itself: a looser pattern would swallow the words before it.
_COMMITTEE = r"(?:[省市州县区旗盟]委|党委|党组)(?!员)"
_RANGE_SEPARATORS = "至到—－~～-"
_GROUPS = re.compile(
    rf"(?P<committee>{_COMMITTEE})?"
    rf"(?P<numbers>第{_NUMBER}(?:[{re.escape(_RANGE_SEPARATORS)}、和及]第?{_NUMBER})*)"
    r"(?P<kind>巡察组|巡视组)"
)
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
    if text.isdigit():
        return int(text)
    try:
        value = cn2an.cn2an(text, "smart")
    except (ValueError, KeyError, IndexError):
        return None
    return int(value) if value == int(value) and value > 0 else None


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
    group_match = _GROUPS.search(introduction)
    committee = _committee(introduction, round_match, group_match)
    groups = _group_numbers(group_match["numbers"]) if group_match else []
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


def _group_numbers(numbers: str) -> list[int]:
    """ "第一至第七" -> 1..7; "第一、第三" -> 1, 3; ranges and lists may be mixed."""
    tokens = re.split(rf"([{re.escape(_RANGE_SEPARATORS)}、和及])", numbers)
    result: list[int] = []
    range_pending = False
    for token in tokens:
        if token and token in _RANGE_SEPARATORS:
            range_pending = True
            continue
        value = parse_chinese_number(token.removeprefix("第")) if token not in "、和及" else None
        if value is None:
            continue
        if range_pending and result and value > result[-1]:
            result.extend(range(result[-1] + 1, value + 1))
        else:
            result.append(value)
        range_pending = False
    return result


def _listed_units(
    introduction: str,
    count_match: re.Match[str] | None,
    round_match: re.Match[str] | None,
    group_match: re.Match[str] | None,
) -> tuple[str, ...]:
    """The names listed before "等N家单位", split on 、, with the leading clause cut off."""
    if count_match is None:
        return ()
    segment = introduction[: count_match.start()]
    segment = segment[max(segment.rfind(mark) for mark in _CLAUSE_BREAKS) + 1 :]
    # The list follows "……巡察组对……第八轮巡察的"; cut those words, keeping the names intact.
    if group_match and group_match.group(0) in segment:
        segment = segment.split(group_match.group(0), 1)[1]
    segment = segment.removeprefix("对")
    if round_match and round_match.group(0) in segment:
        segment = segment.split(round_match.group(0), 1)[1].removeprefix("的")
    return tuple(name.strip() for name in segment.split("、") if name.strip())


def _kind(introduction: str) -> str | None:
    if "回访督查" in introduction:
        return "回访督查"
    if "回头看" in introduction:
        return "回头看"
    return None
