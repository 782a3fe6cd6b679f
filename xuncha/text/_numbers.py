"""Helpers shared by the outcome finders: numerals, canonical decimals, quoted regions, clauses.

Private to :mod:`xuncha.text.quantities` and :mod:`xuncha.text.outcomes`. Every function keeps
offsets into the caller's string intact, so spans found on a masked copy are spans of the input.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from decimal import Decimal

import cn2an

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

    Arabic numbers go straight to Decimal so no float ever touches a value; Chinese numerals go
    through cn2an, which returns an int for them. None when the numerals do not form a number.
    """
    if written[0] in CHINESE_DIGITS:
        if len(written) > MAX_NUMERAL_LENGTH:
            return None  # no figure a report states is written with this many numerals
        try:
            value = cn2an.cn2an(written, "normal")
        except (ValueError, KeyError, IndexError, OverflowError):
            return None
        if isinstance(value, int):
            return Decimal(value)
        return Decimal(int(value)) if float(value).is_integer() else None
    return Decimal(written.translate(_FULL_WIDTH).replace(",", ""))


def multiply(value: Decimal, *multipliers: str | None) -> Decimal:
    """Apply the written multipliers (万, 亿 …) that follow a number."""
    for word in multipliers:
        if word:
            value *= MULTIPLIERS[word]
    return value


def canonical(value: Decimal) -> str:
    """A decimal string without exponent or trailing zeros: ``1549200``, ``97.4``."""
    written = format(value, "f")
    if "." in written:
        written = written.rstrip("0").rstrip(".")
    return written or "0"


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


def clause_number(text: str, position: int) -> int:
    """How many clause breaks precede ``position``: equal numbers mean the same clause."""
    return sum(1 for character in text[:position] if character in CLAUSE_BREAKS)


def same_clause(text: str, start: int, end: int) -> bool:
    """True when no clause break lies between the two offsets."""
    return not re.search(f"[{re.escape(CLAUSE_BREAKS)}]", text[start:end])
