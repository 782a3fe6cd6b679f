"""Finding the outcomes a rectification measure states: quantities, accountability, regulations.

Pure Python, no Django. :func:`find_outcomes` is the entry point the import services use; the
three finders can be called alone. Every fact keeps its source span (``text``, ``start``,
``end``) with ``input[start:end] == text``.

What counts as a quantity (the rules the tests pin down):

* a count is a number (digits, or Chinese numerals such as 两, 十二, 一百二十) followed by a
  measure word from :data:`MEASURE_WORDS`; money is a number with an optional 万/亿 and 元,
  valued in yuan; a percentage ends in % or ％ (or reads 百分之…); a date is 2021年6月30日,
  2021年6月 or a year standing alone as a time reference (followed by punctuation, 以来, 起 …);
* nothing inside “…”, ‘…’ or 《…》 is a quantity (names, slogans, titles), nor a number after
  第 (ordinals), nor session numbers (九次全会), nor a lone 一 before a non-person measure word
  (一个平台, 一套机制, 一批), nor numbered slogans such as 两个责任 written without quotes;
* qualifier words belong to the span: 近 (nearly), 约 (about), 破/超/超过/逾 (over), 余/多/以上
  (at_least), 以来 (since), 起 (from), 截至/截止 (until). From/to pairs (从6名增加至9名) get
  the qualifiers ``from`` and ``to``, but 从 and 至 stay outside the spans: they join two
  quantities rather than qualify one;
* a bracketed alternative measure word is part of the span and of the unit: 4359条(次) has the
  unit ``条(次)``.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from decimal import Decimal

from xuncha.text._numbers import (
    CHINESE_DIGITS,
    CLAUSE_BREAKS,
    MULTIPLIER,
    MULTIPLIERS,
    NUMBER,
    NUMBER_START,
    SCANNED_NUMBER,
    ClauseStarts,
    Spans,
    canonical,
    mask_quoted,
    multiply,
    parse_number,
)
from xuncha.text.outcomes import (
    AccountabilityFact,
    RegulationFact,
    find_accountability,
    find_regulations,
)

__all__ = [
    "MEASURE_WORDS",
    "AccountabilityFact",
    "Outcomes",
    "Quantity",
    "RegulationFact",
    "find_accountability",
    "find_outcomes",
    "find_quantities",
    "find_regulations",
]


@dataclass(frozen=True)
class Quantity:
    """A typed quantity found in a text, with its source span.

    ``value`` is canonical: a decimal string without exponent or trailing zeros for counts,
    money (in yuan) and percentages; ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` for dates.
    ``qualifier`` is None or one of at_least, nearly, about, over, since, until, from, to.
    """

    kind: str  # "count" | "money" | "percent" | "date"
    value: str
    unit: str  # the measure word as written; "元" for money, "%" or "％"; "" for dates
    qualifier: str | None
    subject: str  # the few words before the number that say what it counts, or ""
    text: str
    start: int
    end: int

    def decimal(self) -> Decimal | None:
        """The value as a Decimal, or None for a date."""
        return None if self.kind == "date" else Decimal(self.value)


@dataclass(frozen=True)
class Outcomes:
    """Everything :func:`find_outcomes` found in one text, each tuple in text order."""

    quantities: tuple[Quantity, ...]
    accountability: tuple[AccountabilityFact, ...]
    regulations: tuple[RegulationFact, ...]


# Matched longest first, so that 人次 wins over 人 and 个月 over 个. 批 is left out on purpose:
# 一批 / 分两批 describe how work was grouped, not an outcome.
MEASURE_WORDS: tuple[str, ...] = (
    "个工作日", "个百分点", "平方米", "工作日", "个月", "场次", "人次", "户次", "件次",
    "架次", "小时", "公里", "个", "名", "人", "位", "次", "元", "件", "项", "篇", "条",
    "期", "场", "家", "类", "所", "户", "套", "台", "辆", "起", "天", "份", "本", "册",
    "轮", "栋", "座", "间", "张", "亩", "吨", "宗", "卷",
)  # fmt: skip
_PERSON_WORDS = frozenset({"名", "人", "位", "人次"})
_UNIT = "|".join(sorted(MEASURE_WORDS, key=len, reverse=True))
# Numbered political formulas read like counts (两个责任, 四个意识) but are slogans.
_SLOGAN_AFTER_GE = re.compile(
    "责任|维护|意识|自信|确立|表率|全面|代表|务必|一百年|伟大|必须|没有变"
)
# 九次全会 and 十次全会 number sessions of a committee.
_SESSION_AFTER_CI = re.compile("全会|全体会议|党代会|代表大会")

# 近 in 最近/附近, 约 in 签约/预约 … and 超 in 赶超 are words of their own, not qualifiers.
_PREFIX = r"(?:(?<![最附邻靠亲])近|(?<![签预节制公条契合违履邀特相])约|突破|超过|超|逾|破)"
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
    "以来": "since",
    "起": "from",
    "截至": "until",
    "截止": "until",
    "截至到": "until",
    "截止到": "until",
}

_COUNT = re.compile(
    rf"(?P<pre>{_PREFIX})?{NUMBER_START}(?P<num>{SCANNED_NUMBER})(?P<mult>{MULTIPLIER})?"
    rf"(?P<approx>余|多)?(?P<mult2>{MULTIPLIER})?(?P<unit>{_UNIT})"
    r"(?P<alternative>\((?:次|人次|个)\)|（(?:次|人次|个)）)?(?P<post>以上)?"
)
_PERCENT = re.compile(
    rf"(?P<pre>{_PREFIX})?(?:{NUMBER_START}(?P<num>{SCANNED_NUMBER})(?P<approx>余|多)?(?P<unit>[%％])"
    rf"|百分之(?P<words>{NUMBER}))(?P<post>以上)?"
)
# 破亿, 超万人次: a multiplier alone after an "over" word.
_BARE_MULTIPLIER = re.compile(
    rf"(?P<pre>突破|破|超过|超|逾|过)(?P<mult>{MULTIPLIER})"
    rf"(?![{CHINESE_DIGITS}0-9])(?P<unit>{_UNIT})?"
)
_DATE = re.compile(
    r"(?P<pre>截至到|截止到|截至|截止)?(?<![0-9０-９第])(?P<year>(?:19|20)[0-9]{2})年"
    r"(?:(?P<month>1[0-2]|0?[1-9])月(?:(?P<day>3[01]|[12][0-9]|0?[1-9])日)?)?"
    r"(?P<post>以来|起)?"
)
# A year alone is a time reference only when nothing follows it that would make it part of a
# name (2020年全国…论坛, 2020年度…案例).
_YEAR_ALONE_FOLLOWER = re.compile(
    rf"$|[{re.escape(CLAUSE_BREAKS)}、:：)）]|底|末|初|内|以前|以后|前|后|上半年|下半年|期间|至|到"
)


@dataclass
class _Found:
    """A quantity before its subject is known."""

    kind: str
    value: str
    unit: str
    qualifier: str | None
    start: int
    end: int


def find_quantities(text: str) -> tuple[Quantity, ...]:
    """Every count, money amount, percentage and date stated in ``text``, in text order."""
    masked = mask_quoted(text)
    found: list[_Found] = []
    taken = Spans()
    for finder in (_dates, _percentages, _bare_multipliers, _counts):
        # a finder's own matches never overlap: only those of the finders before it can
        kept = [item for item in finder(masked) if not taken.overlaps(item.start, item.end)]
        taken.extend([(item.start, item.end) for item in kept])
        found.extend(kept)
    found.sort(key=lambda item: item.start)
    _pair_from_to(text, found)
    subjects = _subjects(text, found)
    return tuple(
        Quantity(
            kind=item.kind,
            value=item.value,
            unit=item.unit,
            qualifier=item.qualifier,
            subject=subject,
            text=text[item.start : item.end],
            start=item.start,
            end=item.end,
        )
        for item, subject in zip(found, subjects, strict=True)
    )


def find_outcomes(text: str) -> Outcomes:
    """Quantities, accountability and regulations of one text (usually one measure)."""
    return Outcomes(
        quantities=find_quantities(text),
        accountability=find_accountability(text),
        regulations=find_regulations(text),
    )


def _qualifier(*words: str | None) -> str | None:
    """The first qualifier word present; a word before the number wins over one after it."""
    for word in words:
        if word:
            return _QUALIFIER_WORDS[word]
    return None


def _dates(masked: str) -> list[_Found]:
    found = []
    for match in _DATE.finditer(masked):
        year, month, day = match["year"], match["month"], match["day"]
        if month is None and not (match["pre"] or match["post"]):
            preceding = masked[match.start() - 1 : match.start()]
            follower = _YEAR_ALONE_FOLLOWER.match(masked, match.end())
            if not (follower or preceding in ("从", "自", "至", "到")):
                continue
        value = year
        if month:
            value += f"-{int(month):02d}"
        if day:
            value += f"-{int(day):02d}"
        qualifier = _qualifier(match["pre"], match["post"])
        found.append(_Found("date", value, "", qualifier, match.start(), match.end()))
    return found


def _percentages(masked: str) -> list[_Found]:
    found = []
    for match in _PERCENT.finditer(masked):
        value = parse_number(match["num"] or match["words"])
        if value is None:
            continue
        qualifier = _qualifier(match["pre"], match["approx"], match["post"])
        unit = match["unit"] or "%"
        found.append(
            _Found("percent", canonical(value), unit, qualifier, match.start(), match.end())
        )
    return found


def _bare_multipliers(masked: str) -> list[_Found]:
    found = []
    for match in _BARE_MULTIPLIER.finditer(masked):
        unit = match["unit"] or ""
        # 过万 is too common inside other words to stand alone (经过万里); 破亿 is not.
        if not unit and match["pre"] == "过":
            continue
        kind = "money" if unit == "元" else "count"
        value = canonical(Decimal(MULTIPLIERS[match["mult"]]))
        qualifier = _qualifier(match["pre"])
        found.append(_Found(kind, value, unit, qualifier, match.start(), match.end()))
    return found


def _counts(masked: str) -> list[_Found]:
    found = []
    for match in _COUNT.finditer(masked):
        if _is_not_a_count(masked, match):
            continue
        number = parse_number(match["num"])
        if number is None:
            continue
        value = multiply(number, match["mult"], match["mult2"])
        unit = match["unit"] + (match["alternative"] or "")
        kind = "money" if match["unit"] == "元" else "count"
        qualifier = _qualifier(match["pre"], match["approx"], match["post"])
        found.append(_Found(kind, canonical(value), unit, qualifier, match.start(), match.end()))
    return found


def _is_not_a_count(masked: str, match: re.Match[str]) -> bool:
    """Numbers that look like counts but are articles, slogans or session numbers."""
    number, unit, end = match["num"], match["unit"], match.end()
    if number == "一" and unit not in _PERSON_WORDS:
        return True  # 一个平台, 一套机制, 一张大网: an article, not a count
    if len(number) == 1 and number in CHINESE_DIGITS and masked[end : end + 1] in CHINESE_DIGITS:
        return True  # 一人一档, 一事一议: a pattern of numbered words, not a count
    if number[0] in CHINESE_DIGITS and unit == "个" and _SLOGAN_AFTER_GE.match(masked, end):
        return True
    return unit == "次" and bool(_SESSION_AFTER_CI.match(masked, end))


def _pair_from_to(text: str, found: list[_Found]) -> None:
    """Mark 从A…至B pairs in one clause: A gets ``from`` and B gets ``to``.

    Only unqualified quantities of the same kind pair up, so 从10个方面细化29条 (no 至) and
    从近10%提高到… (already qualified) keep their own readings. Each A takes the first B after
    it in its clause that no earlier A took.
    """
    clauses = ClauseStarts(text)
    # the quantities after 至/到 that may end a pair, by clause and kind, in text order
    ends: dict[tuple[int, str], list[int]] = {}
    for index, item in enumerate(found):
        if item.qualifier is None and text[item.start - 1 : item.start] in ("至", "到"):
            clause = bisect_left(clauses.breaks, item.start)
            ends.setdefault((clause, item.kind), []).append(index)
    taken: dict[tuple[int, str], int] = {}  # how many of each list are taken or passed
    for index, first in enumerate(found):
        if first.qualifier or text[first.start - 1 : first.start] not in ("从", "由", "自"):
            continue
        key = (bisect_left(clauses.breaks, first.end), first.kind)
        candidates = ends.get(key, [])
        next_one = taken.get(key, 0)
        while next_one < len(candidates) and candidates[next_one] <= index:
            next_one += 1
        if next_one < len(candidates):
            first.qualifier, found[candidates[next_one]].qualifier = "from", "to"
            next_one += 1
        taken[key] = next_one


# Words that open or close a clause without saying what is counted. Longest first. Single
# characters are guarded: 对, 在, 自, 共 … also start real words (对接, 自愿, 共建).
_LEADING_FILLER = re.compile(
    "(?:[一二三四五六七八九十]+是|帮助申请|共计|累计|总计|目前|已经|共有|先后|及时|其中"
    "|同时|分别|全年|全市|完成|帮助|组织|推动|已|并|和|将|向|由"
    "|对(?![接照标口话外象])|共(?![建享同商治识青])|在(?![线职编岗])|为(?!民)"
    "|从(?![严业事])|自(?![愿主发查学我身治]))"
)
_LEADING_FILLERS = re.compile("^" + _LEADING_FILLER.pattern)
_TRAILING_FILLERS = re.compile(
    "(?:共计|累计|总计|累积|增加|达到|分别|共|达|为|了|约|到|至|从|由|自|已)$"
)
# Openers that end a clause's preamble wherever they stand ("年内帮助申请减免…").
_OPENERS = re.compile("帮助申请|帮助|完成|共计|累计|总计|目前|已经|其中|先后")
_CLOSING_MARKS = "”’》」』〉"
_QUOTE_MARKS = re.compile("[“”‘’《》「」『』〈〉]")
_SUBJECT_CHARACTERS = 8


def _subjects(text: str, found: list[_Found]) -> list[str]:
    """A short subject per quantity: the words between the clause start and the number.

    Heuristic by design (the gold list does not score it): drop enumerations up to the last
    等 and quoted names followed by a verb, drop filler words at both ends, keep at most eight
    characters from the right, cutting after a 和 or 的 that would start them. A
    quantity that directly follows another in its clause takes the words after that one (less
    its two-character noun, 党员 in "1200名党员自愿捐款…"), or its subject when nothing is left.
    """
    subjects: list[str] = []
    clauses = ClauseStarts(text, CLAUSE_BREAKS + "、:：")
    partner = -1  # the latest "from" so far
    for index, item in enumerate(found):
        if item.qualifier == "from":
            partner = index
        if item.kind == "date":
            subjects.append("")
            continue
        if item.qualifier == "to":
            # the pair's start is the nearest earlier "from"; both count the same thing
            subjects.append(subjects[partner])
            continue
        start = clauses.at(item.start)
        follows_previous = index > 0 and found[index - 1].end > start
        if follows_previous:
            start = found[index - 1].end
        words = text[start : item.start]
        if follows_previous and len(words) > 2:
            words = words[2:]
        # after a quoted name, the words that follow it say what was done with it
        tail = re.split(f"[{_CLOSING_MARKS}]", words)[-1]
        words = _QUOTE_MARKS.sub("", tail if len(tail) >= 2 else words)
        subject = _trim(words.rsplit("等", 1)[-1])
        if not subject and follows_previous:
            subject = subjects[-1]
        subjects.append(subject)
    return subjects


def _trim(words: str) -> str:
    openers = [m.end() for m in _OPENERS.finditer(words) if len(words) - m.end() >= 2]
    if openers:
        words = words[openers[-1] :]
    words = _strip_fillers(words)
    if len(words) > _SUBJECT_CHARACTERS:
        words = words[-_SUBJECT_CHARACTERS - 2 :]
        # cut at a word joint rather than inside a word, when the joint leaves enough words
        joint = max(words.find(mark) for mark in "和的到")
        words = words[joint + 1 :] if 0 <= joint < len(words) - 2 else words[-_SUBJECT_CHARACTERS:]
    words = _LEADING_FILLERS.sub("", words)
    return words if len(words) > 1 else ""  # one character never says what is counted


def _strip_fillers(words: str) -> str:
    """Drop filler words at both ends, in turn, until none is left at either end.

    Works on offsets, so a long run of fillers is not copied once per word dropped. A filler
    that was not at ``low`` stays absent while at least two characters remain: the fillers are
    fixed words, a run of numerals before 是, or one character before a one-character guard.
    """
    low, high = 0, len(words)
    no_filler_at = -1
    while True:
        new_low = low
        if low != no_filler_at or high - low < 2:
            leading = _LEADING_FILLER.match(words, low, high)
            if leading:
                new_low = leading.end()
            else:
                no_filler_at = low
        # every trailing filler is one or two characters long
        trailing = _TRAILING_FILLERS.search(words, max(new_low, high - 2), high)
        new_high = trailing.start() if trailing else high
        if (new_low, new_high) == (low, high):
            return words[low:high]
        low, high = new_low, new_high
