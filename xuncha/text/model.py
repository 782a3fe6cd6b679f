"""The document model: what a reader found in a published document, each part with its span.

Every form the readers know (a digest, a unit's disclosure notice, a committee's progress
notice, an audit rectification report, petition, suggestion and appeal reports) is read into one
:class:`Document`. A span is ``[start, end)`` in code points of the text as read (after
decoding, nothing normalised) with the 1-based line of its start, so a preview can point at the
words and a label can be checked against them.

``Document.as_json()`` is the shape ``xuncha read FILE --json`` prints; ``docs/documents.md``
documents it, and :data:`SCHEMA_VERSION` changes when it does.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "FORM_LABELS",
    "IMPORTABLE_FORMS",
    "SCHEMA_VERSION",
    "STATUS_WORDS",
    "Accountability",
    "Claim",
    "Document",
    "Facts",
    "Figure",
    "Lines",
    "Measure",
    "Paragraph",
    "Problem",
    "Rectification",
    "Regulation",
    "Section",
    "Span",
    "Totals",
    "Unit",
    "Warning",
    "paragraphs",
    "status_of",
]

SCHEMA_VERSION = 1

FORM_LABELS: dict[str, str] = {
    "digest": "巡察整改情况摘编",
    "disclosure": "被巡察单位整改情况通报",
    "progress": "巡察整改进展通报",
    "audit": "审计整改报告",
    "petition": "信访工作报告",
    "suggestion": "人民建议征集报告",
    "appeal": "诉求办理报告",
}
# Forms whose structure becomes units, problems and measures; the others give figures only.
IMPORTABLE_FORMS = frozenset({"digest", "disclosure"})

# The status words of a 完成情况, and the status each stands for.
STATUS_WORDS: dict[str, str] = {
    "已完成": "done",
    "已整改": "done",
    "已办结": "done",
    "完成整改": "done",
    "基本完成": "basically_done",
    "阶段性完成": "basically_done",
    "正在整改": "in_progress",
    "整改中": "in_progress",
    "持续整改": "ongoing",
    "长期坚持": "ongoing",
    "长期整改": "ongoing",
}


def status_of(text: str) -> tuple[str, str] | None:
    """The first status word in ``text`` with the status it stands for, or None."""
    found = [(text.find(word), word) for word in STATUS_WORDS if word in text]
    if not found:
        return None
    _position, word = min(found, key=lambda item: (item[0], -len(item[1])))
    return word, STATUS_WORDS[word]


@dataclass(frozen=True)
class Paragraph:
    """A non-blank line: its 1-based number, its text without surrounding whitespace, and
    where that text starts in the whole text."""

    number: int
    text: str
    offset: int = 0

    @property
    def end(self) -> int:
        return self.offset + len(self.text)


def paragraphs(text: str) -> list[Paragraph]:
    """The non-blank lines of ``text`` (lines end at \\r\\n, \\r or \\n), with offsets."""
    found = []
    for number, match in enumerate(re.finditer(r"[^\r\n]*(?:\r\n|\r|\n|$)", text), 1):
        raw = match.group(0).rstrip("\r\n")
        stripped = raw.strip()
        if stripped:
            found.append(Paragraph(number, stripped, match.start() + raw.index(stripped)))
        if match.end() == len(text):
            break
    return found


class Lines:
    """Line numbers of offsets in one text, found by bisection."""

    def __init__(self, text: str) -> None:
        self.starts = [0]
        self.starts.extend(index + 1 for index, char in enumerate(text) if char == "\n")

    def line(self, offset: int) -> int:
        return bisect_right(self.starts, offset)

    def span(self, start: int, end: int) -> Span:
        return Span(start, end, self.line(start))


@dataclass(frozen=True)
class Span:
    """``[start, end)`` in the document's text, and the 1-based line ``start`` is on."""

    start: int
    end: int
    line: int

    def as_json(self) -> dict[str, int]:
        return {"start": self.start, "end": self.end, "line": self.line}


@dataclass(frozen=True)
class Facts:
    """What the heading and introduction state; None or empty where they do not say."""

    committee: str | None = None
    round: str | None = None
    groups: tuple[str, ...] = ()
    units: tuple[str, ...] = ()
    unit_count: int | None = None
    batch: str | None = None
    batch_size: int | None = None
    period: str | None = None
    dates: tuple[str, ...] = ()
    kind: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "committee": self.committee,
            "round": self.round,
            "groups": list(self.groups),
            "units": list(self.units),
            "unit_count": self.unit_count,
            "batch": self.batch,
            "batch_size": self.batch_size,
            "period": self.period,
            "dates": list(self.dates),
            "kind": self.kind,
        }


@dataclass(frozen=True)
class Section:
    """A numbered heading (一、 (一) 1. (1)) or an unnumbered one between a unit and a problem."""

    title: str
    level: int
    span: Span

    def as_json(self) -> dict[str, Any]:
        return {"title": self.title, "level": self.level, "span": self.span.as_json()}


@dataclass(frozen=True)
class Unit:
    """A unit whose rectification the document reports, as the document names it."""

    name: str
    span: Span

    def as_json(self) -> dict[str, Any]:
        return {"name": self.name, "span": self.span.as_json()}


@dataclass(frozen=True)
class Measure:
    """One step of a rectification; ``ordinal`` is its 一是/(1) number, None when unnumbered."""

    text: str
    span: Span
    ordinal: int | None = None

    def as_json(self) -> dict[str, Any]:
        return {"text": self.text, "ordinal": self.ordinal, "span": self.span.as_json()}


@dataclass(frozen=True)
class Rectification:
    """What was done about a problem (整改, 整改情况) and what the document says of its end."""

    text: str
    span: Span | None
    measures: tuple[Measure, ...] = ()
    completion: str | None = None  # the 完成情况 as written
    completion_span: Span | None = None
    status_word: str | None = None  # 已完成, 正在整改, 长期坚持, 基本完成 …
    status: str | None = None  # done, basically_done, in_progress, ongoing

    def as_json(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "span": self.span.as_json() if self.span else None,
            "measures": [measure.as_json() for measure in self.measures],
            "completion": self.completion,
            "completion_span": self.completion_span.as_json() if self.completion_span else None,
            "status_word": self.status_word,
            "status": self.status,
        }


@dataclass(frozen=True)
class Problem:
    """A problem the document lists, with its rectification; ``unit`` indexes ``units``."""

    title: str
    span: Span  # of the title
    rectification: Rectification
    unit: int | None = None
    section: int | None = None  # index into ``sections``: the innermost heading above it
    label: str | None = None  # 问题1, 问题, 1. … as written before the title

    def as_json(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "label": self.label,
            "span": self.span.as_json(),
            "unit": self.unit,
            "section": self.section,
            "rectification": self.rectification.as_json(),
        }


@dataclass(frozen=True)
class Figure:
    """A quantity found in the text (count, money, percent, score, fraction, date, period,
    ordinal range) with what it counts: ``docs/labelling.md`` defines the kinds and values."""

    kind: str
    value: str
    unit: str
    subject: str
    qualifier: str | None
    role: str | None  # for money: found, refunded, seized, reduced, donated, other
    text: str
    span: Span
    upper: str | None = None  # the high end of a range (3至5个, 第一至第七)
    inferred: bool = False  # a date or period whose year was taken from the context
    counts: str = ""  # what it counts (计数对象): 建设单位 in 42家建设单位

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "role": self.role,
            "value": self.value,
            "upper": self.upper,
            "unit": self.unit,
            "subject": self.subject,
            "counts": self.counts,
            "qualifier": self.qualifier,
            "inferred": self.inferred,
            "text": self.text,
            "span": self.span.as_json(),
        }


@dataclass(frozen=True)
class Totals:
    """A totals paragraph (反馈问题N个，已完成M个 …): the document's own account of itself."""

    text: str
    span: Span
    figures: tuple[int, ...]  # indexes into ``Document.figures``
    scope: str | None = None  # the unit or group it counts, None for the whole round

    def as_json(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "span": self.span.as_json(),
            "figures": list(self.figures),
            "scope": self.scope,
        }


@dataclass(frozen=True)
class Accountability:
    """People held to account (问责, 处分 …) as the text states it."""

    kind: str
    kinds: tuple[str, ...]
    people: int | None
    text: str
    span: Span

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "kinds": list(self.kinds),
            "people": self.people,
            "text": self.text,
            "span": self.span.as_json(),
        }


@dataclass(frozen=True)
class Regulation:
    """Rules issued or revised (建立制度N项, 修订《…》)."""

    title: str | None
    count: int
    action: str
    text: str
    span: Span

    def as_json(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "count": self.count,
            "action": self.action,
            "text": self.text,
            "span": self.span.as_json(),
        }


@dataclass(frozen=True)
class Claim:
    """A sentence that states figures of the work (found, done, rate): what a check can test."""

    text: str
    span: Span
    figures: tuple[int, ...]  # indexes into ``Document.figures``

    def as_json(self) -> dict[str, Any]:
        return {"text": self.text, "span": self.span.as_json(), "figures": list(self.figures)}


@dataclass(frozen=True)
class Warning:
    """Something to check by hand; the document was still read."""

    line: int | None
    message: str

    def as_json(self) -> dict[str, Any]:
        return {"line": self.line, "message": self.message}


@dataclass(frozen=True)
class Document:
    """One published document as read: its form, its parts and their spans."""

    form: str
    text: str
    name: str = ""
    source_kind: str = "text"
    encoding: str | None = None
    title: str | None = None
    title_span: Span | None = None
    introduction: str = ""
    introduction_span: Span | None = None
    facts: Facts = field(default_factory=Facts)
    sections: tuple[Section, ...] = ()
    units: tuple[Unit, ...] = ()
    problems: tuple[Problem, ...] = ()
    totals: tuple[Totals, ...] = ()
    figures: tuple[Figure, ...] = ()
    accountability: tuple[Accountability, ...] = ()
    regulations: tuple[Regulation, ...] = ()
    claims: tuple[Claim, ...] = ()
    byline: str | None = None
    evidence: tuple[str, ...] = ()  # why the form was chosen, in words a user reads
    warnings: tuple[Warning, ...] = ()

    @property
    def form_label(self) -> str:
        return FORM_LABELS[self.form]

    @property
    def importable(self) -> bool:
        return self.form in IMPORTABLE_FORMS

    def problems_of(self, unit: int) -> tuple[Problem, ...]:
        return tuple(problem for problem in self.problems if problem.unit == unit)

    def as_json(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA_VERSION,
            "form": self.form,
            "form_label": self.form_label,
            "evidence": list(self.evidence),
            "source": {"name": self.name, "kind": self.source_kind, "encoding": self.encoding},
            "length": len(self.text),
            "title": self.title,
            "title_span": self.title_span.as_json() if self.title_span else None,
            "introduction": self.introduction,
            "introduction_span": (
                self.introduction_span.as_json() if self.introduction_span else None
            ),
            "facts": self.facts.as_json(),
            "sections": [section.as_json() for section in self.sections],
            "units": [unit.as_json() for unit in self.units],
            "problems": [problem.as_json() for problem in self.problems],
            "totals": [totals.as_json() for totals in self.totals],
            "figures": [figure.as_json() for figure in self.figures],
            "accountability": [fact.as_json() for fact in self.accountability],
            "regulations": [fact.as_json() for fact in self.regulations],
            "claims": [claim.as_json() for claim in self.claims],
            "byline": self.byline,
            "warnings": [warning.as_json() for warning in self.warnings],
        }
