"""Helpers shared by the outcome finders: numerals, canonical decimals, quoted regions, clauses.

Private to :mod:`xuncha.text.quantities` and :mod:`xuncha.text.outcomes`. Every function keeps
offsets into the caller's string intact, so spans found on a masked copy are spans of the input.
"""

from __future__ import annotations

import re
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
    regions: list[tuple[int, int]] = []
    position = 0
    while position < len(text):
        closing = _QUOTE_PAIRS.get(text[position])
        if closing is None:
            position += 1
            continue
        end = _matching_close(text, position, text[position], closing)
        if end is None:
            position += 1
            continue
        regions.append((position + 1, end))
        position = end + 1
    return regions


def _matching_close(text: str, start: int, opening: str, closing: str) -> int | None:
    depth = 0
    for index in range(start, len(text)):
        if text[index] == opening and opening != closing:
            depth += 1
        elif text[index] == closing:
            depth -= 1
            if depth == 0:
                return index
    return None


def mask_quoted(text: str) -> str:
    """The text with every quoted or titled region blanked out, offsets unchanged."""
    characters = list(text)
    for start, end in quoted_regions(text):
        characters[start:end] = _MASK * (end - start)
    return "".join(characters)


def clause_start(text: str, position: int, breaks: str = CLAUSE_BREAKS) -> int:
    """Offset just after the last clause break before ``position`` (0 when there is none)."""
    for index in range(position - 1, -1, -1):
        if text[index] in breaks:
            return index + 1
    return 0


def clause_number(text: str, position: int) -> int:
    """How many clause breaks precede ``position``: equal numbers mean the same clause."""
    return sum(1 for character in text[:position] if character in CLAUSE_BREAKS)


def same_clause(text: str, start: int, end: int) -> bool:
    """True when no clause break lies between the two offsets."""
    return not re.search(f"[{re.escape(CLAUSE_BREAKS)}]", text[start:end])
