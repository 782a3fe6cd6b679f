"""Dates and periods in every notation a report uses, for :mod:`xuncha.text.quantities`.

Private; works on the finder's masked, simplified copy of the text (offsets are the copy's).
A date is ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` (2021年3月15日, 二〇二一年三月十五日,
2021-03-15, 2021.3.15, 2021/3/15, 2021年3月, 2021年度); a period is a part of a year or month
(``YYYY-Q1``, ``YYYY-H2``, ``YYYY-end``, ``YYYY-MM-early-mid`` …). Without a written year the
value lacks it and :attr:`Found.needs_year` is set: the caller takes the year from the context.
A year alone is a date as a time reference, not inside a name (在2021年全省…峰会上, 获评2021年度
先进集体) nor before 第 (2023年第5期 numbers an issue).
"""

from __future__ import annotations

import re

from xuncha.text._numbers import CHINESE_DIGITS, Found, digit_words, parse_number

__all__ = ["find_dates"]

# Every pattern starts with a character class, never a lookbehind, so that the scan skips
# ahead at C speed; what may not stand before a date is checked on the matches.
_YEAR = r"(?P<year>(?:19|20)[0-9]{2}|[一二][〇零九][〇零一二三四五六七八九]{2})"
_MONTH = r"(?P<month>1[0-2]|0[1-9]|[1-9]|十[一二]?|[一二三四五六七八九])"
_DAY = (
    r"(?P<day>3[01]|[12][0-9]|0[1-9]|[1-9]|三十一?|二十[一二三四五六七八九]?|十[一二三四五六七八九]?"
    r"|[一二三四五六七八九])"
)
_TENTH = r"(?P<tenth>上中旬|中下旬|上旬|中旬|下旬)"
_JOIN = "至|到|—|－|-|～|~"
_PRE = re.compile("(?:截至到|截止到|截至|截止)$")
# 前 before a numeral starts another phrase (2021年前三季度); 起 before 草 is a verb.
_POST = r"(?P<post>以来|以前|起(?![草诉来步])|前(?![一二三四五六七八九十两0-9]))?"
_NUMBER_CHARACTERS = frozenset("0123456789０１２３４５６７８９.．" + CHINESE_DIGITS)

_WITH_YEAR = re.compile(
    rf"{_YEAR}年"
    rf"(?:(?P<fiscal>度)"
    rf"|{_MONTH}(?:月(?P<share>份)?(?:{_DAY}(?:[日号]|$))?{_TENTH}?"
    rf"|(?=(?:{_JOIN})(?:1[0-2]|0?[1-9])月))"  # 2023年1至12月: the first month without 月
    r"|第?(?P<quarter>[一二三四1-4])季度|(?P<half>上半年|下半年)|(?P<edge>初|底|末))?"
    rf"{_POST}"
)
_MONTH_DAY = re.compile(rf"{_MONTH}月(?P<share>份)?(?:{_DAY}(?:[日号]|$))?{_TENTH}?{_POST}")
# A date whose 年 and 月 were lost on the way (2024717日 for 2024年7月17日): the year, then a
# month and a day that read as such.
_COLLAPSED_WITH_YEAR = re.compile("(?:19|20)[0-9]{4,5}日")
_COLLAPSED = re.compile(
    r"(?P<year>(?:19|20)[0-9]{2})?(?P<month>1[0-2]|[1-9])(?P<day>3[01]|[12][0-9]|0[1-9])日"
)
_NUMERIC = re.compile(
    rf"{_YEAR}(?P<separator>[-/.．])"
    r"(?P<month>1[0-2]|0?[1-9])(?P=separator)(?P<day>3[01]|[12][0-9]|0?[1-9])(?![0-9])"
)
_BARE_PERIOD = re.compile(
    r"(?:(?P<half>上半年|下半年)|(?P<edge>年初|年底|年末)|(?:第|(?=[一二三四1-4]))"
    rf"(?P<quarter>[一二三四1-4])季度){_POST}"
)
# 7月6日至8日: the second day keeps the month and year of the first.
_DAY_AFTER = re.compile(rf"(?:{_JOIN}){_DAY}[日号]{_POST}")
_MONTH_AFTER = re.compile(rf"(?:{_JOIN}){_MONTH}月{_POST}")

# A year inside a name: an event or honour named after the words that follow it, or a title
# given (获评, 荣获 …) before it.
_NAME_AFTER = re.compile(
    r"[^，。；、,;:：！？!?\n]{0,16}?(?:峰会|论坛|博览会|展览会|交易会|运动会|大赛|评选|表彰|先进"
    r"|优秀|十佳|十大|百强|称号|奖)"
)
_NAME_BEFORE = re.compile(r"(?:获评|荣获|评为|授予|获得|入选|荣膺)$")

_WRITTEN_YEAR_ENDS = tuple(f"{digit}年" for digit in "0123456789〇零一二三四五六七八九")
_NO_BARE_PERIOD_AFTER = (*_WRITTEN_YEAR_ENDS, "每年")
_BARE_PERIOD_NOT_AFTER = frozenset("前每0123456789" + CHINESE_DIGITS)

_QUALIFIERS = {
    "截至": "until",
    "截止": "until",
    "截至到": "until",
    "截止到": "until",
    "以来": "since",
    "起": "from",
    "前": "before",
    "以前": "before",
}
_TENTHS = {
    "上旬": "early",
    "中旬": "mid",
    "下旬": "late",
    "上中旬": "early-mid",
    "中下旬": "mid-late",
}
_EDGES = {"初": "start", "底": "end", "末": "end"}


def find_dates(masked: str) -> list[Found]:
    """Every date and period of ``masked``, in text order, none overlapping another."""
    found = [
        *_numeric_dates(masked),
        *_dates_with_year(masked),
        *_month_days(masked),
        *_bare_periods(masked),
        *_collapsed_dates(masked),
    ]
    found.sort(key=lambda item: (item.start, -item.end))
    kept: list[Found] = []
    for item in found:
        if not kept or item.start >= kept[-1].end:
            kept.append(item)
    return kept


def _qualifier(*words: str | None) -> str | None:
    for word in words:
        if word:
            return _QUALIFIERS[word]
    return None


def _number(written: str) -> int:
    value = parse_number(written)
    assert value is not None  # the patterns only take numbers that parse
    return int(value)


def _year(written: str) -> str:
    return digit_words(written) or written


def _numeric_dates(masked: str) -> list[Found]:
    found = []
    for match in _NUMERIC.finditer(masked):
        if _after(masked, match.start(), "/-"):
            continue
        value = f"{match['year']}-{int(match['month']):02d}-{int(match['day']):02d}"
        pre, start = _pre(masked, match.start())
        found.append(Found("date", value, "", _qualifier(pre), start, match.end()))
    return found


def _after(masked: str, start: int, characters: str) -> bool:
    """Whether the character before ``start`` is a digit or numeral (or one of ``characters``):
    then the match is part of a longer number."""
    if start == 0:
        return False
    before = masked[start - 1]
    return before in _NUMBER_CHARACTERS or before in characters


def _pre(masked: str, start: int) -> tuple[str | None, int]:
    """The 截至 or 截止 right before ``start``, and the start of the date with it."""
    pre = _PRE.search(masked, max(0, start - 3), start)
    return (pre.group(), pre.start()) if pre else (None, start)


def _dates_with_year(masked: str) -> list[Found]:
    found = []
    for match in _WITH_YEAR.finditer(masked):
        if _after(masked, match.start(), "第"):
            continue
        year = _year(match["year"])
        month = match["month"]
        pre, start = _pre(masked, match.start())
        qualifier = _qualifier(pre, match["post"])
        end = match.end()
        if match["quarter"]:
            value, kind = f"{year}-Q{_number(match['quarter'])}", "period"
        elif match["half"]:
            value, kind = f"{year}-H{1 if match['half'] == '上半年' else 2}", "period"
        elif match["edge"]:
            value, kind = f"{year}-{_EDGES[match['edge']]}", "period"
        elif month:
            value, kind = f"{year}-{_number(month):02d}", "date"
            if match["day"]:
                value += f"-{_number(match['day']):02d}"
            elif match["tenth"]:
                value, kind = f"{value}-{_TENTHS[match['tenth']]}", "period"
        else:
            if _names_something(masked, match):
                continue
            value, kind = year, "date"
        found.append(Found(kind, value, "", qualifier, start, end))
        found.extend(_range_end(masked, match, year))
    return found


def _names_something(masked: str, match: re.Match[str]) -> bool:
    """Whether a year alone is part of a name or an issue number rather than a time."""
    if masked.startswith("第", match.end()) and not match["post"]:
        return True
    if _NAME_BEFORE.search(masked, max(0, match.start() - 3), match.start()):
        return True
    return not match["post"] and _NAME_AFTER.match(masked, match.end()) is not None


def _month_days(masked: str) -> list[Found]:
    found = []
    for match in _MONTH_DAY.finditer(masked):
        if _after(masked, match.start(), "第") or masked[match.start() - 2 : match.start()] in (
            _WRITTEN_YEAR_ENDS
        ):
            continue  # inside a longer number, or the month of a written year (_WITH_YEAR)
        month = match["month"]
        if month[0] in CHINESE_DIGITS and not (match["day"] or match["tenth"]):
            continue  # 三月 alone is too often part of a word
        value = f"-{_number(month):02d}"
        kind = "date"
        if match["day"]:
            value += f"-{_number(match['day']):02d}"
        elif match["tenth"]:
            value, kind = f"{value}-{_TENTHS[match['tenth']]}", "period"
        pre, start = _pre(masked, match.start())
        qualifier = _qualifier(pre, match["post"])
        end = match.end()
        found.append(Found(kind, value, "", qualifier, start, end, needs_year=True, no_year="-"))
        found.extend(_range_end(masked, match, None))
    return found


def _range_end(masked: str, match: re.Match[str], year: str | None) -> list[Found]:
    """The second date of 7月6日至8日 or 2023年1至12月, which writes only its day or month."""
    month = match.groupdict().get("month")
    if not month or match["post"]:
        return []
    if match["day"]:
        after = _DAY_AFTER.match(masked, match.end())
        if not after:
            return []
        value = f"-{_number(month):02d}-{_number(after['day']):02d}"
        start = after.start("day")
    elif masked[match.end() - 1] != "月":
        after = _MONTH_AFTER.match(masked, match.end())
        if not after:
            return []
        value = f"-{_number(after['month']):02d}"
        start = after.start("month")
    else:
        return []
    qualifier, end = _qualifier(after["post"]), after.end()
    if year is None:
        return [Found("date", value, "", qualifier, start, end, needs_year=True, no_year="-")]
    return [Found("date", year + value, "", qualifier, start, end, inferred=True)]


def _bare_periods(masked: str) -> list[Found]:
    found = []
    for match in _BARE_PERIOD.finditer(masked):
        before = masked[max(0, match.start() - 2) : match.start()]
        if before[-1:] in _BARE_PERIOD_NOT_AFTER or before in _NO_BARE_PERIOD_AFTER:
            continue  # 前三季度, 每年年底; a written year's part belongs to _WITH_YEAR
        if match["quarter"]:
            value = f"-Q{_number(match['quarter'])}"
        elif match["half"]:
            value = f"-H{1 if match['half'] == '上半年' else 2}"
        else:
            value = f"-{_EDGES[match['edge'][1]]}"
        qualifier = _qualifier(match["post"])
        found.append(Found("period", value, "", qualifier, *match.span(), needs_year=True))
    return found


def _collapsed_dates(masked: str) -> list[Found]:
    """Dates written without 年 and 月 (2024717日), once the text shows it lost them.

    Only a text with one such date holding a year is read so: there 830日 is 8月30日 as well,
    elsewhere it stays a count of days.
    """
    if not _COLLAPSED_WITH_YEAR.search(masked):
        return []
    found = []
    for match in _COLLAPSED.finditer(masked):
        if _after(masked, match.start(), ""):
            continue
        value = f"-{int(match['month']):02d}-{int(match['day']):02d}"
        if match["year"]:
            found.append(Found("date", match["year"] + value, "", None, *match.span()))
        else:
            found.append(
                Found("date", value, "", None, *match.span(), needs_year=True, no_year="-")
            )
    return found
