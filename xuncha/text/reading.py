"""One entry point for every published form: :func:`read_document` reads a text into the model.

The form is told apart by structure (:mod:`xuncha.text.forms`); the digest reader
(:mod:`xuncha.text.digest`) and the disclosure reader (:mod:`xuncha.text.disclosure`) give the
structure, and every form gets its figures, accountability, regulations, totals paragraphs and
claims, each with its span. :func:`document_digest` turns a structured document into what the
import writes (units, problems and measures).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import replace
from typing import Any

from xuncha.text import _intro
from xuncha.text.digest import (
    DigestError,
    ParsedDigest,
    ParsedMeasure,
    ParsedProblem,
    ParsedUnit,
    parse_digest,
)
from xuncha.text.disclosure import read_disclosure
from xuncha.text.forms import NOT_A_DOCUMENT, form_of
from xuncha.text.model import (
    Accountability,
    Claim,
    Document,
    Facts,
    Figure,
    Lines,
    Measure,
    Problem,
    Rectification,
    Regulation,
    Section,
    Span,
    Totals,
    Unit,
    Warning,
    paragraphs,
    status_of,
)
from xuncha.text.notice import money_category_at
from xuncha.text.quantities import find_outcomes

__all__ = ["DocumentError", "document_digest", "read_document", "read_with_digest"]

# A totals paragraph states what was found and what is done: two counts or more and a word of
# completion (反馈问题37个，已整改完成34个).
_DONE_WORDS = re.compile(r"已整改|已完成|完成整改|整改完成|已办结|办结|已解决|解决|销号|已落实")
_CLAIM_WORDS = re.compile(
    r"已|完成|整改|办结|解决|追回|清退|收回|问责|处分|处理|采纳|受理|收到|发现|查出|移交|建立|"
    r"出台|修订|制定|下降|上升|增长|占|率|共|累计|合计"
)
_SENTENCE = re.compile(r"[^。；;！!？?\n]+[。；;！!？?]?")
_LABELLED = re.compile(r"^\s*问题\s*\S{0,3}\s*[:：]", re.MULTILINE)
_SCOPE = re.compile(r"^(?P<scope>[^，,。：:；;]{2,30}?)(?:[:：]|，|,)")


class DocumentError(Exception):
    """A text that is none of the forms, or a structured form that cannot be read whole."""

    def __init__(self, message: str, line: int | None = None, *, source: str = "") -> None:
        self.message = message
        self.line = line
        self.source = source
        super().__init__(f"第{line}行: {message}" if line is not None else message)


def read_document(
    text: str, *, name: str = "", source_kind: str = "text", encoding: str | None = None
) -> Document:
    """Read ``text`` in whatever form it is; raise :class:`DocumentError` when it is none.

    A digest that has unit lines but cannot be read whole (a unit listed twice, a 问题 without
    整改) is refused with the digest reader's line, not read as some other form.
    """
    return read_with_digest(text, name=name, source_kind=source_kind, encoding=encoding)[0]


def read_with_digest(
    text: str, *, name: str = "", source_kind: str = "text", encoding: str | None = None
) -> tuple[Document, ParsedDigest | None]:
    """:func:`read_document`, with the digest reader's result when the form is a digest (the
    import writes that, read once)."""
    text = _lone_returns_as_newlines(text)
    digest, digest_error = _try_digest(text)
    verdict = form_of(text, has_digest_units=digest is not None)
    if digest_error is not None and verdict.form != "disclosure":
        # Built of 问题/整改 labels but not readable whole: the digest reader's line says why.
        raise DocumentError(digest_error.message, digest_error.line, source=name)
    if verdict.form is None:
        reason = f"（{verdict.evidence[0]}）" if verdict.evidence else ""
        raise DocumentError(NOT_A_DOCUMENT + reason, source=name)
    common: dict[str, Any] = {
        "name": name,
        "source_kind": source_kind,
        "encoding": encoding,
        "evidence": verdict.evidence,
    }
    if verdict.form == "digest":
        assert digest is not None
        return _with_figures(_digest_document(text, digest, common)), digest
    if verdict.form == "disclosure":
        return _with_figures(_disclosure_document(text, common)), None
    return _with_figures(_narrative_document(text, verdict.form, common)), None


def _lone_returns_as_newlines(text: str) -> str:
    """A lone carriage return ends a line; as "\\n" it keeps every offset."""
    return re.sub(r"\r(?!\n)", "\n", text.removeprefix("\ufeff"))


def _try_digest(text: str) -> tuple[ParsedDigest | None, DigestError | None]:
    try:
        parsed = parse_digest(text)
    except DigestError as error:
        # Only a text built of 问题/整改 labels meant to be a digest.
        meant = error.line is not None and _LABELLED.search(text) is not None
        return None, error if meant else None
    return parsed, None


def _digest_document(text: str, parsed: ParsedDigest, common: dict[str, Any]) -> Document:
    lines = Lines(text)
    units: list[Unit] = []
    problems: list[Problem] = []
    sections: list[Section] = []
    for unit_index, unit in enumerate(parsed.units):
        units.append(Unit(unit.name, lines.span(unit.start, unit.start + len(unit.name))))
        for problem in unit.problems:
            section = _digest_section(text, lines, problem, sections)
            status = status_of(problem.completion) if problem.completion else None
            problems.append(
                Problem(
                    title=problem.title,
                    span=lines.span(problem.start, problem.start + len(problem.title)),
                    rectification=Rectification(
                        text=problem.rectification,
                        span=_measures_span(lines, problem.measures),
                        measures=tuple(
                            Measure(m.text.strip(), lines.span(m.start, m.end), m.ordinal)
                            for m in problem.measures
                        ),
                        completion=problem.completion,
                        status_word=status[0] if status else None,
                        status=status[1] if status else None,
                    ),
                    unit=unit_index,
                    section=section,
                    label="问题",
                )
            )
    first = paragraphs(text)[0] if text.strip() else None
    return Document(
        form="digest",
        text=text,
        introduction=parsed.introduction,
        introduction_span=(
            lines.span(first.offset, _end_of(text, parsed.introduction, first.offset))
            if first and parsed.introduction
            else None
        ),
        facts=_facts(parsed.facts, text),
        sections=tuple(sections),
        units=tuple(units),
        problems=tuple(problems),
        byline=parsed.byline,
        warnings=tuple(Warning(w.line, w.message) for w in parsed.warnings),
        **common,
    )


def _digest_section(
    text: str, lines: Lines, problem: ParsedProblem, sections: list[Section]
) -> int | None:
    if problem.section is None:
        return None
    if sections and sections[-1].title == problem.section:
        return len(sections) - 1
    start = text.rfind(problem.section, 0, problem.start)
    sections.append(Section(problem.section, 1, lines.span(start, start + len(problem.section))))
    return len(sections) - 1


def _measures_span(lines: Lines, measures: tuple[ParsedMeasure, ...]) -> Span | None:
    return lines.span(measures[0].start, measures[-1].end) if measures else None


def _end_of(text: str, introduction: str, start: int) -> int:
    last = introduction.rsplit("\n", 1)[-1]
    found = text.find(last, start)
    return found + len(last) if found != -1 else start + len(introduction)


def _disclosure_document(text: str, common: dict[str, Any]) -> Document:
    lines = Lines(text)
    parts = read_disclosure(text)
    introduction = parts.introduction.text if parts.introduction else ""
    facts, remarks = _intro.read_facts(introduction)
    return Document(
        form="disclosure",
        text=text,
        title=parts.title.text if parts.title else None,
        title_span=lines.span(parts.title.offset, parts.title.end) if parts.title else None,
        introduction=introduction,
        introduction_span=(
            lines.span(parts.introduction.offset, parts.introduction.end)
            if parts.introduction
            else None
        ),
        facts=_facts(facts, text, unit=parts.unit.name if parts.unit else None),
        sections=parts.sections,
        units=(parts.unit,) if parts.unit else (),
        problems=parts.problems,
        warnings=tuple(
            Warning(parts.introduction.number if parts.introduction else None, remark)
            for remark in remarks
        ),
        **common,
    )


def _narrative_document(text: str, form: str, common: dict[str, Any]) -> Document:
    lines = Lines(text)
    found = [p for p in paragraphs(text) if len(p.text) > 40]
    introduction = found[0] if found else None
    facts, _remarks = _intro.read_facts(introduction.text if introduction else "")
    return Document(
        form=form,
        text=text,
        introduction=introduction.text if introduction else "",
        introduction_span=(
            lines.span(introduction.offset, introduction.end) if introduction else None
        ),
        facts=_facts(facts, text),
        **common,
    )


def _facts(facts: _intro.IntroFacts, text: str, *, unit: str | None = None) -> Facts:
    dates = tuple(
        quantity.value
        for quantity in find_outcomes(text[:3000]).quantities
        if quantity.kind == "date"
    )
    units = facts.unit_names or ((unit,) if unit else ())
    return Facts(
        committee=facts.committee,
        round=facts.round_title,
        groups=facts.group_names,
        units=units,
        unit_count=facts.units_revisited,
        batch=facts.batch,
        batch_size=facts.batch_size,
        period=facts.period,
        dates=dates,
        kind=facts.kind,
    )


# The document's own date: a publication stamp (发布时间：2023-05-10) or a date alone on one of
# the last lines (the date under a signature).
_STAMP_YEAR = re.compile(
    r"(?:发布时间|发布日期|发稿时间|发文日期|成文日期|日期|时间|date)\s*[:：]\s*(?P<year>(?:19|20)\d{2})",
    re.IGNORECASE,
)
_SIGNED_YEAR = re.compile(r"^\s*(?P<year>(?:19|20)\d{2})年\d{1,2}月\d{1,2}日\s*$", re.MULTILINE)
_WRITTEN_YEAR = re.compile(r"(?P<year>(?:19|20)\d{2})年")


def _document_year(document: Document) -> int | None:
    """The year of the document's own date when the reader knows one: its publication stamp,
    the date under its signature, or a year in its title or byline. Dates written without a
    year take it when no year is written before them."""
    text = document.text
    found = _STAMP_YEAR.search(text) or _SIGNED_YEAR.search(text, max(0, len(text) - 300))
    for written in (document.title, document.byline):
        found = found or (_WRITTEN_YEAR.search(written) if written else None)
    return int(found["year"]) if found else None


def _with_figures(document: Document) -> Document:
    """The figures, accountability, regulations, totals paragraphs and claims of the text."""
    text = document.text
    lines = Lines(text)
    outcomes = find_outcomes(text, year=_document_year(document))
    figures = tuple(
        Figure(
            kind=q.kind,
            value=q.value,
            unit=q.unit,
            subject=q.subject,
            qualifier=q.qualifier,
            role=money_category_at(text, q.start, q.end, q.subject) if q.kind == "money" else None,
            text=q.text,
            span=lines.span(q.start, q.end),
            upper=q.upper,
            inferred=q.inferred,
            counts=q.counts,
        )
        for q in outcomes.quantities
    )
    starts = [figure.span.start for figure in figures]
    return replace(
        document,
        figures=figures,
        accountability=tuple(
            Accountability(f.kind, f.kinds, f.people, f.text, lines.span(f.start, f.end))
            for f in outcomes.accountability
        ),
        regulations=tuple(
            Regulation(f.title, f.count, f.action, f.text, lines.span(f.start, f.end))
            for f in outcomes.regulations
        ),
        totals=_totals(text, lines, figures, starts),
        claims=_claims(text, lines, figures, starts),
    )


def _inside(
    figures: tuple[Figure, ...], starts: list[int], start: int, end: int
) -> tuple[int, ...]:
    """The indexes of the figures within ``[start, end)``; ``starts`` are theirs, sorted."""
    first = bisect_left(starts, start)
    last = bisect_left(starts, end, lo=first)
    return tuple(index for index in range(first, last) if figures[index].span.end <= end)


def _totals(
    text: str, lines: Lines, figures: tuple[Figure, ...], starts: list[int]
) -> tuple[Totals, ...]:
    totals = []
    for paragraph in paragraphs(text):
        inside = _inside(figures, starts, paragraph.offset, paragraph.end)
        counts = [index for index in inside if figures[index].kind == "count"]
        if len(counts) >= 2 and _DONE_WORDS.search(paragraph.text) and "问题" in paragraph.text:
            scope = _SCOPE.match(paragraph.text)
            totals.append(
                Totals(
                    paragraph.text,
                    lines.span(paragraph.offset, paragraph.end),
                    inside,
                    scope=_scope_of(scope["scope"]) if scope else None,
                )
            )
    return tuple(totals)


def _scope_of(words: str) -> str | None:
    """Whose totals a paragraph gives, when it opens with a unit's or group's name."""
    if re.search(r"截至|截止|目前|全市|全县|全区|本轮|总体|其中|巡察|反馈|根据", words):
        return None
    return words.strip() or None


def _claims(
    text: str, lines: Lines, figures: tuple[Figure, ...], starts: list[int]
) -> tuple[Claim, ...]:
    claims = []
    for match in _SENTENCE.finditer(text):
        inside = _inside(figures, starts, match.start(), match.end())
        stated = [index for index in inside if figures[index].kind != "date"]
        if stated and _CLAIM_WORDS.search(match.group(0)):
            start = match.start() + len(match.group(0)) - len(match.group(0).lstrip())
            claims.append(Claim(match.group(0).strip(), lines.span(start, match.end()), inside))
    return tuple(claims)


def document_digest(document: Document) -> ParsedDigest:
    """A structured document's units, problems and measures as the import writes them."""
    if not document.importable:
        raise DocumentError(
            f"“{document.form_label}”只提取数字和说法，没有可导入的单位和问题", source=document.name
        )
    if not document.units:
        raise DocumentError("没有找到被巡察单位的名称（“巡察组对…进行了巡察”或标题中的单位）")
    if not document.problems:
        raise DocumentError("没有找到任何问题（“问题1:”或“关于…的问题”及其整改情况）")
    facts, _remarks = _intro.read_facts(document.introduction)
    units = []
    for index, unit in enumerate(document.units):
        problems = []
        for problem in document.problems_of(index):
            measures = problem.rectification.measures or (
                Measure(problem.rectification.text or problem.title, problem.span),
            )
            problems.append(
                ParsedProblem(
                    title=problem.title,
                    line=problem.span.line,
                    rectification=problem.rectification.text,
                    lead="",
                    measures=tuple(
                        ParsedMeasure(m.ordinal, m.text, m.span.line, m.span.start, m.span.end)
                        for m in measures
                    ),
                    completion=problem.rectification.completion,
                )
            )
        if problems:
            units.append(ParsedUnit(unit.name, unit.span.line, tuple(problems), unit.span.start))
    return ParsedDigest(
        introduction=document.introduction,
        facts=facts,
        units=tuple(units),
        byline=document.byline,
        warnings=(),
    )
