"""Helpers shared by the outcome finders: numerals, canonical decimals, quoted regions, clauses.

Private to :mod:`xuncha.text.quantities` (with its ``_counts``, ``_dates`` and ``_subjects``)
and :mod:`xuncha.text.outcomes`. Every function keeps offsets into the caller's string intact,
so spans found on a masked copy are spans of the input, except :func:`matching_text`, which
returns the map back to the input with its copy.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from decimal import Decimal
from functools import cache, lru_cache

import cn2an
import opencc

# A number as written: ASCII or full-width digits with an optional decimal part (and thousands
# separators, only in the strict 1,234 shape so that a comma used as a Chinese comma never
# joins two numbers), or a run of Chinese numerals that starts with a digit word (a run that
# starts with 万 or 千 is a word such as 万一 or 千家万户, not a number).
CHINESE_DIGITS = "零〇一二两三四五六七八九十"
CHINESE_NUMERALS = CHINESE_DIGITS + "百千万亿"
NUMBER = (
    r"(?:[0-9]{1,3}(?:,[0-9]{3})+(?![0-9])|[0-9０-９]+)(?:[.．][0-9０-９]+)?"
    rf"|[{CHINESE_DIGITS}][{CHINESE_NUMERALS}]*"
)
# What may not stand right before a number: another digit or numeral (we would be inside a
# longer number), 第 (an ordinal), or letters and operators (codes such as 5G, 1+10+N).
NUMBER_START = rf"(?<![0-9０-９.．{CHINESE_NUMERALS}第A-Za-z+＋/])"
# NUMBER for patterns run with finditer over a whole text. It reads the same numbers, but does
# not try the 1,234 shape again from a group of three digits inside a run that the search
# already tried from the run's first digits (a number start, then a group of one to three
# digits and a comma): from there the shape reaches the same end, where the words after it
# failed already. Without this, each group of a long run of "123," rescans the rest of the run.
_TRIED_GROUP = "".join(
    rf"(?!(?<={NUMBER_START}[0-9]{{{width}}},)[0-9]{{3}})" for width in (1, 2, 3)
)
SCANNED_NUMBER = (
    rf"(?:{_TRIED_GROUP}[0-9]{{1,3}}(?:,[0-9]{{3}})+(?![0-9])|[0-9０-９]+)(?:[.．][0-9０-９]+)?"
    rf"|[{CHINESE_DIGITS}][{CHINESE_NUMERALS}]*"
)

MULTIPLIERS: dict[str, int] = {
    "万亿": 10**12,
    "千万": 10**7,
    "百万": 10**6,
    "亿": 10**8,
    "万": 10**4,
    "千": 10**3,
}
MULTIPLIER = "|".join(MULTIPLIERS)  # dict order is longest first

# Pairs whose content is a name, a slogan or a title: numbers inside them are never outcomes.
_QUOTE_PAIRS = {"“": "”", "‘": "’", "《": "》", "「": "」", "『": "』", "〈": "〉"}
_MASK = "□"  # not a digit, numeral, measure word or punctuation mark

CLAUSE_BREAKS = ",，。;；!！?？\n"
_FULL_WIDTH = str.maketrans("０１２３４５６７８９．", "0123456789.")


# A run of Chinese numerals longer than this (九千九百九十九万九千九百九十九 is 15) is not a number
# a report states; cn2an would read "九" × 309 as an integer too large for any float.
MAX_NUMERAL_LENGTH = 24


def parse_number(written: str) -> Decimal | None:
    """The value of a number as written (``3.9``, ``１２``, ``10,200``, ``两``, ``一百二十``).

    Arabic numbers go straight to Decimal so no float ever touches a value; Chinese numerals are
    read by cn2an (cached), which returns an int for them. None when the numerals do not form
    a number.
    """
    if written[0] in CHINESE_DIGITS:
        if len(written) > MAX_NUMERAL_LENGTH:
            return None  # no figure a report states is written with this many numerals
        return _parse_chinese(written)
    return Decimal(written.translate(_FULL_WIDTH).replace(",", ""))


@lru_cache(maxsize=4096)
def _parse_chinese(written: str) -> Decimal | None:
    """cn2an's reading, cached: a report repeats its few numerals, and cn2an is slow."""
    try:
        read = cn2an.cn2an(written, "normal")
    except (ValueError, KeyError, IndexError, OverflowError):
        return None
    if isinstance(read, int):
        return Decimal(read)
    return Decimal(int(read)) if float(read).is_integer() else None


_DIGIT_VALUES = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6}
_DIGIT_VALUES |= {"七": 7, "八": 8, "九": 9}
DIGIT_WORDS = "".join(_DIGIT_VALUES)


def parse_decimal(written: str, point: str | None) -> Decimal | None:
    """A number with the decimal part of a Chinese numeral (十二点五 is ``十二`` and ``点五``)."""
    value = parse_number(written)
    if value is None or not point:
        return value
    digits = "".join(str(_DIGIT_VALUES[word]) for word in point[1:])
    return value + Decimal(f"0.{digits}")


def digit_words(written: str) -> str | None:
    """Numerals read digit by digit (二〇二一 is ``2021``), or None when one is not a digit."""
    if not all(word in _DIGIT_VALUES for word in written):
        return None
    return "".join(str(_DIGIT_VALUES[word]) for word in written)


def canonical(value: Decimal) -> str:
    """A decimal string without exponent or trailing zeros: ``1549200``, ``97.4``."""
    written = format(value, "f")
    if "." in written:
        written = written.rstrip("0").rstrip(".")
    return written or "0"


@dataclass
class Found:
    """A quantity as a finder reads it, before its year, pairs and subject are known.

    A date or period whose year is not written has ``needs_year`` and a ``value`` without it
    (``-07-17``, ``-Q3``); :func:`xuncha.text.quantities.find_quantities` puts in the year of
    the nearest date before it, or ``no_year`` in front (``--07-17``) when there is none.
    """

    kind: str
    value: str
    unit: str
    qualifier: str | None
    start: int
    end: int
    upper: str | None = None
    inferred: bool = False
    needs_year: bool = False
    no_year: str = ""  # what stands for a year nobody wrote: "-" before -07-17, "" before -Q3


def quoted_regions(text: str) -> list[tuple[int, int]]:
    """The inner spans of “…”, ‘…’ and 《…》 pairs (outermost only), as (start, end) offsets.

    《》 nest; quotes pair with the next closing mark. An opening mark that is never closed
    hides nothing: damaged input should lose a bracket, not a paragraph.
    """
    closes = _matching_closes(text)
    regions: list[tuple[int, int]] = []
    position = 0
    for opening in sorted(closes):
        if opening >= position:  # not inside the region before
            regions.append((opening + 1, closes[opening]))
            position = closes[opening] + 1
    return regions


def _matching_closes(text: str) -> dict[int, int]:
    """The offset of the mark closing each opening mark that is closed, in one pass per pair.

    An opening mark is closed where the marks of its pair after it first balance it (each
    later opening of the same pair needs its own closing first): a stack per pair finds them.
    """
    closes: dict[int, int] = {}
    for opening, closing in _QUOTE_PAIRS.items():
        if opening not in text:
            continue
        pattern = re.compile(f"[{re.escape(opening)}{re.escape(closing)}]")
        stack: list[int] = []
        for match in pattern.finditer(text):
            if match.group() == opening:
                stack.append(match.start())
            elif stack:
                closes[stack.pop()] = match.start()
    return closes


# After one of these a quotation is speech (他说：“…”), whose figures are stated facts.
_SPEECH_BEFORE = re.compile(r"(?:说|表示|指出|强调|称|道|:|：)\s*$")
# Sentence punctuation inside a quotation makes it speech; a name or slogan holds none.
_SENTENCE_MARKS = re.compile("[，。；,;！？!?]")
_NAME_PAIRS = {"《": "》", "〈": "〉"}


def mask_names(text: str) -> str:
    """The text with titles, names and slogans blanked out; quoted speech is left readable.

    Every 《title》 is masked. A quotation (“…”, ‘…’, 「…」, 『…』) is masked unless it reads as
    speech: it follows 说, 表示, 指出, 强调, 称 or a colon, or holds sentence punctuation. Inside
    readable speech, a nested name is judged on its own. Offsets are unchanged.
    """
    closes = _matching_closes(text)
    if not closes:
        return text
    marks = [match.start() for match in _SENTENCE_MARKS.finditer(text)]
    pieces: list[str] = []
    done = 0  # text before this offset is in ``pieces`` (or masked)
    for opening in sorted(closes):
        if opening < done:
            continue  # inside a masked region
        closing = closes[opening]
        if text[opening] not in _NAME_PAIRS:
            holds_marks = bisect_left(marks, closing) > bisect_left(marks, opening)
            if holds_marks or _SPEECH_BEFORE.search(text, max(0, opening - 4), opening):
                continue
        pieces.append(text[done : opening + 1])
        pieces.append(_MASK * (closing - opening - 1))
        done = closing
    pieces.append(text[done:])
    return "".join(pieces)


# A pinyin gloss written after a character, as pages that annotate traditional text do:
# 關(guān). Lower-case letters with tone marks, right after a CJK character.
_GLOSS = re.compile(r"(?<=[\u4e00-\u9fff])\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,7}\)")


@cache
def _to_simplified() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def matching_text(text: str) -> tuple[str, list[int] | None]:
    """A copy of ``text`` to match on: simplified characters, pinyin glosses left out.

    Returns the copy and, when glosses were left out, the offset in ``text`` of each of its
    characters, plus ``len(text)`` at the end (None when offsets are unchanged). The conversion
    keeps one character for one: where OpenCC changes the length of a line, that line is
    converted character by character, and a character that would become several stays as is.
    """
    origin: list[int] | None = None
    if _GLOSS.search(text):
        origin = []
        pieces = []
        done = 0
        for match in _GLOSS.finditer(text):
            pieces.append(text[done : match.start()])
            origin.extend(range(done, match.start()))
            done = match.end()
        pieces.append(text[done:])
        origin.extend(range(done, len(text) + 1))
        text = "".join(pieces)
    return _simplified(text), origin


def _simplified(text: str) -> str:
    converter = _to_simplified()
    converted = converter.convert(text)
    if len(converted) == len(text):
        return converted
    lines = []
    for line in text.split("\n"):
        line_converted = converter.convert(line)
        if len(line_converted) != len(line):
            characters = (converter.convert(character) for character in line)
            line_converted = "".join(
                new if len(new) == 1 else old for old, new in zip(line, characters, strict=True)
            )
        lines.append(line_converted)
    return "\n".join(lines)


def mask_quoted(text: str) -> str:
    """The text with every quoted or titled region blanked out, offsets unchanged."""
    characters = list(text)
    for start, end in quoted_regions(text):
        characters[start:end] = _MASK * (end - start)
    return "".join(characters)


def clause_start(text: str, position: int, breaks: str = CLAUSE_BREAKS, lowest: int = 0) -> int:
    """Offset just after the last clause break before ``position`` (0 when there is none).

    With ``lowest``, the answer is never below it and nothing before it is read: callers that
    only look a few characters back say so, and a long clause is not scanned once per match.
    """
    for index in range(position - 1, max(lowest, 0) - 1, -1):
        if text[index] in breaks:
            return index + 1
    return max(lowest, 0)


class ClauseStarts:
    """:func:`clause_start` for many positions of one text, without scanning back each time."""

    def __init__(self, text: str, breaks: str = CLAUSE_BREAKS) -> None:
        self.breaks = [match.start() for match in re.finditer(f"[{re.escape(breaks)}]", text)]

    def at(self, position: int) -> int:
        """Offset just after the last clause break before ``position`` (0 when there is none)."""
        index = bisect_left(self.breaks, position)
        return self.breaks[index - 1] + 1 if index else 0

    def same(self, start: int, end: int) -> bool:
        """True when no clause break lies between the two offsets (``start <= end``)."""
        return bisect_left(self.breaks, start) == bisect_left(self.breaks, end)


class Spans:
    """Disjoint spans kept in text order, asked whether a new span overlaps any of them."""

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []

    def overlaps(self, start: int, end: int) -> bool:
        """Whether [start, end) shares a character with a kept span (both not empty)."""
        index = bisect_left(self.starts, end)  # kept spans that start before ``end``
        return index > 0 and self.ends[index - 1] > start

    def extend(self, spans: list[tuple[int, int]]) -> None:
        """Keep spans, in text order, that overlap neither each other nor those kept."""
        merged = sorted([*zip(self.starts, self.ends, strict=True), *spans])
        self.starts = [start for start, _ in merged]
        self.ends = [end for _, end in merged]
