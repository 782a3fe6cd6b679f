"""The data of the claims check: what it reads and what it gives.

:class:`Statements` holds the figures of a text (each a :class:`Stated`) and the sentences and
totals paragraphs that state them (each a :class:`Sentence`), built from a document as read
(:meth:`Statements.from_document`) or from the ``claims`` JSON an import stores
(:meth:`Statements.from_json`). Every rule gives :class:`Check` rows with a verdict (``holds``,
``fails``, ``unchecked``) and a reason that is a message template marked with
:func:`gettext_noop`, so the Django side translates it without this package importing Django.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from xuncha.text._i18n import gettext_noop
from xuncha.text.model import Document, Lines, Span

__all__ = [
    "APPROXIMATE",
    "FAILS",
    "HOLDS",
    "KIND_LABELS",
    "UNCHECKED",
    "VERDICT_LABELS",
    "Check",
    "Sentence",
    "Stated",
    "Statements",
    "gettext_noop",
]


HOLDS, FAILS, UNCHECKED = "holds", "fails", "unchecked"
VERDICT_LABELS: dict[str, str] = {
    HOLDS: gettext_noop("相符"),
    FAILS: gettext_noop("不符"),
    UNCHECKED: gettext_noop("无法核对"),
}
KIND_LABELS: dict[str, str] = {
    "rate": gettext_noop("比例"),
    "sum": gettext_noop("分项与合计"),
    "refund": gettext_noop("清退与查处"),
    "percent": gettext_noop("百分数"),
    "dates": gettext_noop("日期先后"),
    "ledger": gettext_noop("与台账核对"),
}

# Qualifiers that make a figure approximate: 近, 约, 超过, 余/多/以上.
APPROXIMATE = frozenset({"nearly", "about", "over", "at_least"})


@dataclass(frozen=True)
class Stated:
    """A figure as the checks read it: a document's Figure, or one stored with an import."""

    kind: str
    value: str
    unit: str
    text: str
    span: Span
    qualifier: str | None = None
    role: str | None = None
    subject: str = ""
    upper: str | None = None  # the upper end of a range (10至20个), when the reader gives one
    inferred: bool = False  # a figure the reader inferred rather than found written

    @classmethod
    def of(cls, figure: Any) -> Stated:
        """From a :class:`~xuncha.text.model.Figure` (fields it may not have yet default)."""
        return cls(
            kind=figure.kind,
            value=figure.value,
            unit=figure.unit,
            text=figure.text,
            span=figure.span,
            qualifier=figure.qualifier,
            role=getattr(figure, "role", None),
            subject=getattr(figure, "subject", ""),
            upper=getattr(figure, "upper", None),
            inferred=bool(getattr(figure, "inferred", False)),
        )

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Stated:
        return cls(
            kind=str(data.get("kind", "")),
            value=str(data.get("value", "")),
            unit=str(data.get("unit") or ""),
            text=str(data.get("text", "")),
            span=_span_from_json(data.get("span")),
            qualifier=data.get("qualifier"),
            role=data.get("role"),
            subject=str(data.get("subject") or ""),
            upper=data.get("upper"),
            inferred=bool(data.get("inferred", False)),
        )

    @property
    def number(self) -> Decimal | None:
        """The value as a Decimal; None for a date or a value that is not a number."""
        if self.kind == "date":
            return None
        try:
            return Decimal(self.value)
        except InvalidOperation:
            return None

    @property
    def approximate(self) -> bool:
        return self.qualifier in APPROXIMATE or self.upper is not None

    def as_json(self) -> dict[str, Any]:
        return {"text": self.text, "kind": self.kind, "value": self.value} | {
            "span": self.span.as_json()
        }


@dataclass(frozen=True)
class Sentence:
    """A sentence (or a totals paragraph) that states figures; ``figures`` index the input's."""

    text: str
    span: Span
    figures: tuple[int, ...]
    scope: str | None = None  # a totals paragraph's unit or group, when it names one


@dataclass(frozen=True)
class Statements:
    """What the checks read: the figures, the sentences stating them, the totals paragraphs."""

    figures: tuple[Stated, ...]
    sentences: tuple[Sentence, ...]
    totals: tuple[Sentence, ...] = ()

    @classmethod
    def from_document(cls, document: Document) -> Statements:
        """A document's claims, with the sentences that are not claims but that a check reads
        (a deadline and its completion; money found, with its refund in the next sentence)."""
        figures = tuple(Stated.of(figure) for figure in document.figures)
        sentences = [Sentence(c.text, c.span, tuple(c.figures)) for c in document.claims]
        covered = {index for sentence in sentences for index in sentence.figures}
        sentences.extend(_uncovered_sentences(document.text, figures, covered))
        sentences.sort(key=lambda sentence: sentence.span.start)
        totals = tuple(
            Sentence(t.text, t.span, tuple(t.figures), getattr(t, "scope", None))
            for t in document.totals
        )
        return cls(figures, tuple(sentences), totals)

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None) -> Statements:
        """From an import's stored ``claims`` JSON ({"totals", "claims", "figures"})."""
        data = data or {}
        figures = tuple(Stated.from_json(item) for item in data.get("figures") or ())

        def sentence(item: Mapping[str, Any]) -> Sentence:
            indexes = tuple(
                int(index)
                for index in item.get("figures") or ()
                if isinstance(index, int) and 0 <= index < len(figures)
            )
            return Sentence(
                str(item.get("text", "")),
                _span_from_json(item.get("span")),
                indexes,
                item.get("scope"),
            )

        return cls(
            figures,
            tuple(sentence(item) for item in data.get("claims") or ()),
            tuple(sentence(item) for item in data.get("totals") or ()),
        )


@dataclass(frozen=True)
class Check:
    """One checked claim: its verdict, what the arithmetic gives against what the text states,
    the difference, and why (a template in :attr:`reason` with :attr:`details`)."""

    kind: str  # rate, sum, refund, percent, dates, ledger
    verdict: str  # holds, fails, unchecked
    expected: str | None
    stated: str | None
    difference: str | None
    reason: str
    figures: tuple[Stated, ...]
    sentence: str
    sentence_span: Span
    details: tuple[tuple[str, str], ...] = ()
    scope: str | None = None

    @property
    def spans(self) -> tuple[Span, ...]:
        return tuple(figure.span for figure in self.figures)

    @property
    def line(self) -> int:
        return self.figures[0].span.line if self.figures else self.sentence_span.line

    @property
    def message(self) -> str:
        """The reason with its details filled in (untranslated)."""
        return self.reason % dict(self.details)

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "verdict": self.verdict,
            "expected": self.expected,
            "stated": self.stated,
            "difference": self.difference,
            "reason": self.message,
            "line": self.line,
            "figures": [figure.as_json() for figure in self.figures],
            "sentence": self.sentence,
            "sentence_span": self.sentence_span.as_json(),
            "scope": self.scope,
        }


# -- reading the input ----------------------------------------------------------------------

_SENTENCE = re.compile(r"[^。；;！!？?\n]+[。；;！!？?]?")


def _uncovered_sentences(
    text: str, figures: tuple[Stated, ...], covered: set[int]
) -> list[Sentence]:
    """Sentences of ``text`` that no claim holds but a check reads: two dates or more (a
    deadline and its completion), or money found (经查，违规发放…12万元, refunded in the next)."""
    lines = Lines(text)
    loose = [
        (index, figure)
        for index, figure in enumerate(figures)
        if index not in covered and (figure.kind == "date" or figure.role == "found")
    ]
    found = []
    for match in _SENTENCE.finditer(text):
        inside = tuple(
            index
            for index, figure in loose
            if match.start() <= figure.span.start and figure.span.end <= match.end()
        )
        dates = [index for index in inside if figures[index].kind == "date"]
        if len(dates) >= 2 or len(dates) < len(inside):
            start = match.start() + len(match.group(0)) - len(match.group(0).lstrip())
            found.append(Sentence(match.group(0).strip(), lines.span(start, match.end()), inside))
    return found


def _span_from_json(data: Any) -> Span:
    if not isinstance(data, Mapping):
        return Span(0, 0, 0)
    return Span(int(data.get("start", 0)), int(data.get("end", 0)), int(data.get("line", 0)))
