"""Finding the outcomes a rectification measure states: quantities, accountability, regulations.

Pure Python, no Django. :func:`find_outcomes` is the entry point the import services use; the
three finders can be called alone. Every fact keeps its source span (``text``, ``start``,
``end``) with ``input[start:end] == text``.

What counts as a quantity follows the "Quantities" section of ``docs/labelling.md``:

* kinds: a count is a number (digits, or Chinese numerals such as 两, 十二, 三点五) with a
  measure word from a wide classifier list (:data:`MEASURE_WORDS`), or with 万/亿 alone (167万);
  money is a number with an optional 万/亿 and 元, valued in yuan; a percentage ends in % or ％
  or reads 百分之…; a score is a number with 分; a fraction is 三分之二 (``2/3``); dates and
  periods are read in every notation by :mod:`xuncha.text._dates`; an ordinal is listed only as
  a range (第一至第七);
* a range (3至5个) is one quantity with ``upper``; a list sharing one measure word
  ("83.6、90.4和95分") gives one quantity per number, unless it numbers things in order
  (一、二、三轮); from/to pairs (从6名增加至9名, 2021年3月至9月22日) get the qualifiers ``from``
  and ``to``, with 从, 至 and the dash outside both spans;
* qualifier words belong to the span: 近 (nearly), 约 (about), 破/超/超过/逾/突破 (over),
  余/多/以上 (at_least), 以下/以内/不超过/不得超过/不足 (at_most), 以来 (since), 起 (from),
  截至/截止 (until), 前/以前 after a date or period (before);
* a month and day without a year take the year of the nearest date before them, else the
  ``year`` the caller gives, and are marked ``inferred``;
* nothing in 《titles》 is a quantity, nor in a quotation that is a name or slogan ("最多访一次");
  quoted speech is read like any text; nor a number after 第 (ordinals), session numbers
  (九次全会), a lone 一 before a non-person measure word (一个平台), numbered slogans (两个责任);
* traditional characters are matched on a simplified copy and pinyin glosses (關(guān)) are
  skipped, spans staying on the text as given; a bracketed alternative measure word is part of
  the span and of the unit: 4359条(次) has the unit ``条(次)``.
"""

from __future__ import annotations

import itertools
from bisect import bisect_left
from dataclasses import dataclass
from decimal import Decimal

from xuncha.text._counts import COUNT_FINDERS
from xuncha.text._dates import find_dates
from xuncha.text._measure_words import MEASURE_WORDS
from xuncha.text._numbers import ClauseStarts, Found, Spans, mask_names, matching_text
from xuncha.text._subjects import counted, find_subjects
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
    money (in yuan), percentages and scores; ``n/d`` for a fraction as written; ``YYYY``,
    ``YYYY-MM`` or ``YYYY-MM-DD`` for dates (``--MM-DD`` when no year is known); ``YYYY-Q1``,
    ``YYYY-H2``, ``YYYY-end``, ``YYYY-MM-early`` … for periods. ``upper`` is the high end of a
    range. ``qualifier`` is None or one of at_least, at_most, nearly, about, over, since, until,
    from, to, before. ``inferred`` says the year of a date or period was not written in it.
    ``subject`` is the few words before the number; ``counts`` what the quantity counts: the
    noun after the measure word when there is one (42家建设单位), else the subject.
    """

    kind: str  # count | money | percent | score | fraction | date | period | ordinal
    value: str
    unit: str  # the measure word (simplified); "元" for money, "%" or "％", "分"; "" for dates
    qualifier: str | None
    subject: str  # the few words before the number that say what it counts, or ""
    text: str
    start: int
    end: int
    upper: str | None = None
    inferred: bool = False
    counts: str = ""

    def decimal(self) -> Decimal | None:
        """The value as a Decimal (a fraction divided out); None for a date, period or ordinal."""
        if self.kind in ("date", "period"):
            return None
        if self.kind == "fraction":
            numerator, denominator = self.value.split("/")
            return Decimal(numerator) / Decimal(denominator)
        return Decimal(self.value)


@dataclass(frozen=True)
class Outcomes:
    """Everything :func:`find_outcomes` found in one text, each tuple in text order."""

    quantities: tuple[Quantity, ...]
    accountability: tuple[AccountabilityFact, ...]
    regulations: tuple[RegulationFact, ...]


def find_quantities(text: str, *, year: int | None = None) -> tuple[Quantity, ...]:
    """Every quantity stated in ``text``, in text order (see the module docstring).

    ``year`` is the year a date or period without one takes when no year is written before it
    in the text (the year of the document's own date, when the caller knows it).
    """
    matched, origin = matching_text(text)
    masked = mask_names(matched)
    found: list[Found] = []
    taken = Spans()
    for finder in (find_dates, *COUNT_FINDERS):
        # a finder's own matches never overlap: only those of the finders before it can
        kept = [item for item in finder(masked) if not taken.overlaps(item.start, item.end)]
        taken.extend([(item.start, item.end) for item in kept])
        found.extend(kept)
    found.sort(key=lambda item: item.start)
    _put_in_years(found, year)
    _pair_dates(matched, found)
    _pair_from_to(matched, found)
    subjects = find_subjects(matched, found)
    quantities = []
    for item, subject in zip(found, subjects, strict=True):
        start, end = item.start, item.end
        counts = counted(matched, item, subject)
        if origin is not None:
            start, end = origin[start], origin[end - 1] + 1
        quantities.append(
            _new_quantity(
                {
                    "kind": item.kind,
                    "value": item.value,
                    "unit": item.unit,
                    "qualifier": item.qualifier,
                    "subject": subject,
                    "text": text[start:end],
                    "start": start,
                    "end": end,
                    "upper": item.upper,
                    "inferred": item.inferred,
                    "counts": counts,
                }
            )
        )
    return tuple(quantities)


def _new_quantity(fields: dict[str, object]) -> Quantity:
    """A Quantity with every field given, made without the frozen dataclass's ``__init__``
    (which sets each field through ``object.__setattr__`` and took a third of the time on a
    text dense with figures). The object is the same: equal, hashable and still frozen."""
    quantity = object.__new__(Quantity)
    quantity.__dict__.update(fields)
    return quantity


def find_outcomes(text: str, *, year: int | None = None) -> Outcomes:
    """Quantities, accountability and regulations of one text (usually one measure); ``year``
    as for :func:`find_quantities`."""
    return Outcomes(
        quantities=find_quantities(text, year=year),
        accountability=find_accountability(text),
        regulations=find_regulations(text),
    )


def _put_in_years(found: list[Found], year: int | None) -> None:
    """Give each date or period without a written year the year of the nearest one before it,
    else ``year``; mark it inferred. With no year at all it keeps ``--MM-DD`` (or ``-Q1``)."""
    latest = str(year) if year is not None else None
    for item in found:
        if item.kind not in ("date", "period"):
            continue
        if not item.needs_year:
            if item.value[:4].isdigit():
                latest = item.value[:4]
            continue
        if latest is None:
            item.value = item.no_year + item.value
        else:
            item.value, item.inferred = latest + item.value, True
        item.needs_year = False


def _pair_dates(text: str, found: list[Found]) -> None:
    """Two dates joined by 至, 到, — or ～ (2021年3月至9月22日) are ``from`` and ``to``."""
    for first, second in itertools.pairwise(found):
        if first.kind in ("date", "period") and second.kind in ("date", "period"):
            between = text[first.end : second.start]
            if between in ("至", "到", "—", "－", "-", "～", "~", "——") and not (
                first.qualifier or second.qualifier
            ):
                first.qualifier, second.qualifier = "from", "to"


def _pair_from_to(text: str, found: list[Found]) -> None:
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
