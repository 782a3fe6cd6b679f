"""Counts, money, percentages, scores, fractions, ordinal ranges, with their ranges and lists.

Private to :mod:`xuncha.text.quantities`, whose docstring says what each kind is. Works on the
finder's masked, simplified copy of the text (offsets are the copy's). :data:`COUNT_FINDERS`
are run in order after :func:`xuncha.text._dates.find_dates`; a match that overlaps one of an
earlier finder is dropped by the caller.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from decimal import Decimal
from functools import lru_cache

from xuncha.text._measure_words import (
    CHINESE_NAMED,
    MEASURE_WORD,
    NOT_AFTER,
    PERSON_WORDS,
    SESSION_AFTER_CI,
    SLOGAN_AFTER_GE,
)
from xuncha.text._numbers import (
    CHINESE_DIGITS,
    CHINESE_NUMERALS,
    DIGIT_WORDS,
    MAX_NUMERAL_LENGTH,
    MULTIPLIER,
    MULTIPLIERS,
    NUMBER,
    Found,
    canonical,
    parse_decimal,
    parse_number,
)

__all__ = ["COUNT_FINDERS"]

# 近 in 最近/附近, 约 in 签约/预约 … and 超 in 赶超 are words of their own, not qualifiers.
_PREFIX = (
    r"(?:不得超过|不超过|不足|(?<![最附邻靠亲])近|(?<![签预节制公条契合违履邀特相])约"
    r"|突破|超过|超|逾|破)"
)
_QUALIFIER_WORDS: dict[str, str] = {
    "近": "nearly",
    "约": "about",
    "突破": "over",
    "超过": "over",
    "超": "over",
    "逾": "over",
    "破": "over",
    "过": "over",
    "余": "at_least",
    "多": "at_least",
    "以上": "at_least",
    "以下": "at_most",
    "以内": "at_most",
    "不超过": "at_most",
    "不得超过": "at_most",
    "不足": "at_most",
}
_POINT = rf"点[{DIGIT_WORDS}]+"
_SPACE = "[ \u00a0\u3000]?"
_RANGE_JOIN = "至|到|—|－|-|～|~"
_POST = "(?P<post>以上|以下|以内)?"
# A number, a range of two, then what makes it a quantity. Units that start with a multiplier
# character (千米) are tried before the multiplier.
# Every pattern starts with a character class, never an optional word or a lookbehind, so
# that the scan skips ahead at C speed; the qualifier word before a number and what may not
# stand before it are checked on the matches. A run of digits is matched from its first digit
# (finditer resumes after a match), so no number is read from inside another.
_SCANNED = (
    r"[0-9]{1,3}(?:,[0-9]{3})+(?![0-9])(?:[.．][0-9０-９]+)?|[0-9０-９]+(?:[.．][0-9０-９]+)?"
    rf"|[{CHINESE_DIGITS}][{CHINESE_NUMERALS}]*"
)
_PREFIX_BEFORE = re.compile(f"{_PREFIX}$")
_PREFIX_ENDS = frozenset("近约破超过逾足")
_NOT_BEFORE_DIGITS = frozenset("0123456789０１２３４５６７８９.．第+＋/" + CHINESE_NUMERALS)
_NOT_BEFORE_NUMERALS = frozenset("第+＋/" + CHINESE_NUMERALS)
_NUMBERED = re.compile(
    rf"(?P<num>{_SCANNED})(?P<point>{_POINT})?"
    rf"(?:(?P<join>{_RANGE_JOIN})(?P<num2>{NUMBER})(?P<point2>{_POINT})?)?{_SPACE}"
    rf"(?:(?P<unit0>千米|千克|千瓦时|千瓦)"
    rf"|(?P<mult>{MULTIPLIER})?(?P<approx>余|多)?(?P<mult2>{MULTIPLIER})?{_SPACE}"
    rf"(?:(?P<percent>[%％])|(?P<big>大)?(?P<unit>{MEASURE_WORD})"
    r"(?P<alternative>\((?:次|人次|个)\)|（(?:次|人次|个)）)?|(?P<score>分))?)"
    rf"{_POST}"
)
_WORD_PERCENT = re.compile(rf"百分之(?P<words>{NUMBER}|百)(?P<point>{_POINT})?{_POST}")
# Found from its 分之 (a pattern that started at the denominator would scan a long run of
# numerals once per numeral); the denominator is read back from there.
_FRACTION = re.compile(rf"分之(?P<numerator>{NUMBER})(?P<point>{_POINT})?{_POST}")
_DENOMINATOR = re.compile(f"[{CHINESE_NUMERALS}]{{1,{MAX_NUMERAL_LENGTH}}}$")
_ORDINAL_RANGE = re.compile(rf"第(?P<low>{NUMBER})(?:{_RANGE_JOIN})第?(?P<high>{NUMBER})")
# 破亿, 超万人次: a multiplier alone after an "over" word.
_BARE_MULTIPLIER = re.compile(
    rf"(?P<pre>突破|破|超过|超|逾|过)(?P<mult>{MULTIPLIER})"
    rf"(?![{CHINESE_DIGITS}0-9])(?P<unit>{MEASURE_WORD})?"
)
# After a score's 分, these make another word: 分钟, 三分之一, 分别, 分局 …
_NOT_A_SCORE = re.compile("[钟之别局公行队院会支社所店部站校管布配析解批期级类散工头子明享担摊]")
_LIST_JOINS = "、和及与或"
# A noun right after a count in Chinese numerals, then a number in digits: the count is part
# of what the number counts.
_ATTRIBUTE = re.compile("[\u4e00-\u9fff]{2,8}?[0-9０-９]")
_CJK = re.compile("[\u4e00-\u9fff]")


def _qualifier(*words: str | None) -> str | None:
    """The first qualifier word present; a word before the number wins over one after it."""
    for word in words:
        if word:
            return _QUALIFIER_WORDS[word]
    return None


def _ordinal_ranges(masked: str) -> list[Found]:
    found = []
    for match in _ORDINAL_RANGE.finditer(masked):
        low, high = parse_number(match["low"]), parse_number(match["high"])
        if low is None or high is None or high <= low:
            continue
        found.append(
            Found("ordinal", canonical(low), "", None, *match.span(), upper=canonical(high))
        )
    return found


def _word_percentages(masked: str) -> list[Found]:
    found = []
    for match in _WORD_PERCENT.finditer(masked):
        words = match["words"]
        value = Decimal(100) if words == "百" else parse_decimal(words, match["point"])
        if value is None:
            continue
        pre, start = _prefix(masked, match.start())
        qualifier = _qualifier(pre, match["post"])
        found.append(Found("percent", canonical(value), "%", qualifier, start, match.end()))
    return found


def _fractions(masked: str) -> list[Found]:
    found = []
    for match in _FRACTION.finditer(masked):
        low = max(0, match.start() - MAX_NUMERAL_LENGTH)
        before = _DENOMINATOR.search(masked, low, match.start())
        if before is None or (before.start() and masked[before.start() - 1] in CHINESE_NUMERALS):
            continue
        written = before.group()
        if written[0] in CHINESE_DIGITS:
            denominator = parse_number(written)
        else:  # 千分之三, 万分之一 (百分之 is a percentage)
            denominator = Decimal(MULTIPLIERS[written]) if written in ("千", "万") else None
        numerator = parse_decimal(match["numerator"], match["point"])
        if not denominator or numerator is None:
            continue
        value = f"{canonical(numerator)}/{canonical(denominator)}"
        pre, start = _prefix(masked, before.start())
        qualifier = _qualifier(pre, match["post"])
        found.append(Found("fraction", value, "", qualifier, start, match.end()))
    return found


def _prefix(masked: str, start: int) -> tuple[str | None, int]:
    """The qualifier word right before a number (近, 约, 不超过 …), and where it starts."""
    if not start or masked[start - 1] not in _PREFIX_ENDS:
        return None, start
    before = _PREFIX_BEFORE.search(masked, max(0, start - 4), start)
    return (before.group(), before.start()) if before else (None, start)


def _bare_multipliers(masked: str) -> list[Found]:
    found = []
    for match in _BARE_MULTIPLIER.finditer(masked):
        unit = match["unit"] or ""
        # 过万 is too common inside other words to stand alone (经过万里); 破亿 is not.
        if not unit and match["pre"] == "过":
            continue
        kind = "money" if unit == "元" else "count"
        value = canonical(Decimal(MULTIPLIERS[match["mult"]]))
        found.append(Found(kind, value, unit, _qualifier(match["pre"]), *match.span()))
    return found


def _numbered(masked: str) -> list[Found]:
    """Counts, money, percentages and scores, with their ranges and lists."""
    found: list[Found] = []
    chain: list[re.Match[str]] = []  # bare numbers joined by 、 or 和, waiting for a unit
    for match in _NUMBERED.finditer(masked):
        start = match.start()
        if start:
            before = masked[start - 1]
            chinese = masked[start] in CHINESE_DIGITS
            # Chinese numerals may follow digits (12369三条热线: three lines, after a number)
            if before in (_NOT_BEFORE_NUMERALS if chinese else _NOT_BEFORE_DIGITS) or (
                before.isascii() and before.isalpha()
            ):
                chain = []
                continue  # an ordinal (第3), a code (5G, 1+10+N) or the tail of a number
        if chain and not (chain[-1].end() + 1 == start and masked[chain[-1].end()] in _LIST_JOINS):
            chain = []
        kind, unit = _kind_and_unit(masked, match)
        pre, start = _prefix(masked, start)
        if kind is None:
            if not (match["mult"] or match["join"] or pre or match["post"]):
                chain.append(match)
            else:
                chain = []
            continue
        if chain:
            listed = [*chain, match]
            chain = []
            if _numbers_in_order(listed):
                continue  # 一、二、三轮: rounds numbered in order, not counted
            found.extend(_listed(item, kind, unit, match) for item in listed[:-1])
        item = _quantity(masked, match, kind, unit, pre, start)
        if item is not None:
            found.append(item)
    return found


def _kind_and_unit(masked: str, match: re.Match[str]) -> tuple[str | None, str]:
    """The kind a number takes from what follows it, or None when it is not a quantity."""
    number, unit = match["num"], match["unit"]
    end = match.end("unit") if unit else match.end()
    if "第" in masked[max(0, match.start() - 2) : match.start()]:
        return None, ""  # 第 3 名: an ordinal written with a space
    if match["percent"]:
        return "percent", match["percent"]
    if match["score"]:
        follows = masked[match.end("score") : match.end("score") + 1]
        is_time = masked[match.start() - 1 : match.start()] in ("时", "点")
        if number[0] in CHINESE_DIGITS or is_time or _NOT_A_SCORE.match(follows):
            return None, ""
        return "score", "分"
    unit = match["unit0"] or unit
    if unit is None:
        if match["mult"] and (number[0] not in CHINESE_DIGITS or not _CJK.match(masked, end)):
            return "count", ""  # 167万: a count without a measure word
        return None, ""
    if match["unit"] and _is_not_a_count(masked, match, end):
        return None, ""
    if unit == "元":
        return "money", "元"
    return "count", (match["big"] or "") + unit + (match["alternative"] or "")


def _is_not_a_count(masked: str, match: re.Match[str], end: int) -> bool:
    """Numbers that look like counts but are articles, slogans, names or session numbers."""
    number, unit = match["num"], match["unit"]
    chinese = number[0] in CHINESE_DIGITS
    if number == "一" and unit not in PERSON_WORDS:
        return True  # 一个平台, 一套机制, 一张大网: an article, not a count
    if len(number) == 1 and chinese and end < len(masked) and masked[end] in CHINESE_DIGITS:
        return True  # 一人一档, 一事一议: a pattern of numbered words, not a count
    if chinese and unit == "个" and SLOGAN_AFTER_GE.match(masked, end):
        return True
    if chinese and unit in CHINESE_NAMED and CHINESE_NAMED[unit].match(masked, end):
        return True  # 四套班子, 三篇文章, 二期工程
    if unit in NOT_AFTER and not match["post"] and NOT_AFTER[unit].match(masked, end):
        return True  # 3点30分, 5成立: the measure word starts another word
    if unit == "岁" and match["post"] in ("以下", "以上") and _CJK.match(masked, match.end()):
        return True  # 45岁以下干部: an age bound describing whom, not a figure
    if chinese and _ATTRIBUTE.match(masked, end):
        return True  # 两级行政编制468名: 两级 says which posts the figure 468名 counts
    if unit == "批" and masked[match.start() - 1 : match.start()] == "分":
        return True  # 分两批推进: how work was grouped
    if unit == "年" and not (match["mult"] or chinese) and 1900 <= Decimal(number) < 2100:
        return True  # a year written with a space (2023 年) is no count of years
    return unit == "次" and bool(SESSION_AFTER_CI.match(masked, end))


def _numbers_in_order(listed: list[re.Match[str]]) -> bool:
    """Whether a list numbers things in order (一、二、三轮) rather than counting each."""
    values = [parse_decimal(item["num"], item["point"]) for item in listed]
    if any(value is None for value in values):
        return True
    chinese = listed[0]["num"][0] in CHINESE_DIGITS
    in_order = all(a is not None and b == a + 1 for a, b in itertools.pairwise(values))
    return in_order and (chinese or values[0] == 1)


def _quantity(
    masked: str, match: re.Match[str], kind: str, unit: str, pre: str | None, start: int
) -> Found | None:
    mult, mult2 = match["mult"], match["mult2"]
    number = _value(match["num"], match["point"], mult, mult2)
    if number is None:
        return None
    value, written = number
    if kind == "percent" and not pre and _is_minus(masked, start):
        start -= 1  # -1.47% in a table of changes
        written = canonical(-value)
    upper = None
    if match["num2"]:
        high = _value(match["num2"], match["point2"], mult, mult2)
        if high is None or high[0] <= value:
            return None  # 2021-2 or 5-3: not a range
        upper = high[1]
    qualifier = _qualifier(pre, match["approx"], match["post"])
    return Found(kind, written, unit, qualifier, start, match.end(), upper=upper)


@lru_cache(maxsize=4096)
def _value(
    number: str, point: str | None, mult: str | None, mult2: str | None
) -> tuple[Decimal, str] | None:
    """A number's value with its multipliers, and the value written canonically (cached:
    reports repeat their small numbers)."""
    value = parse_decimal(number, point)
    if value is None:
        return None
    value = _multiplied(value, mult, mult2)
    return value, canonical(value)


def _is_minus(masked: str, start: int) -> bool:
    """Whether a minus sign stands before ``start`` (not a dash between two numbers)."""
    if start == 0 or masked[start - 1] not in "-−":
        return False
    before = masked[start - 2 : start - 1] if start > 1 else ""
    return not before or not (
        (before.isascii() and before.isalnum()) or before in "０１２３４５６７８９.．)）"
    )


def _listed(item: re.Match[str], kind: str, unit: str, last: re.Match[str]) -> Found:
    """A number of a list that takes the measure word (and multiplier) of the list's last one."""
    number = _value(item["num"], item["point"], last["mult"], last["mult2"])
    assert number is not None  # checked by _numbers_in_order
    return Found(kind, number[1], unit, None, *item.span())


def _multiplied(value: Decimal, *multipliers: str | None) -> Decimal:
    for word in multipliers:
        if word:
            value *= MULTIPLIERS[word]
    return value


# In the order the caller runs them: a span an earlier finder claimed is not read again by a
# later one, so 第一至第七 stays an ordinal range and 三分之二 a fraction.
COUNT_FINDERS: tuple[Callable[[str], list[Found]], ...] = (
    _ordinal_ranges,
    _word_percentages,
    _fractions,
    _bare_multipliers,
    _numbered,
)
