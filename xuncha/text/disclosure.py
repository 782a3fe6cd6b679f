"""Reading a unit's own rectification notice (关于巡察整改（进展）情况的通报).

The form, as units publish it::

    <title: 中共…党组关于…巡察整改进展情况的通报>
    <introduction: 根据…部署，…巡察组对<unit>进行了巡察…现将整改…情况通报如下。>
    一、<section>  (一)<section>  1.<section or problem>  (1)<measure>
    问题1:<title>   整改情况:<rectification>   完成情况:已完成
    (一)关于<title>的问题。一是… 二是…

A problem is the smallest titled item followed by its own rectification: a 问题N: label, or a
关于 heading that is not followed by labelled problems of its own. Its measures are its 一是 …
二是 … steps, its (1) (2) lines, or else its whole rectification.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from xuncha.text.digest import split_measures
from xuncha.text.forms import own_inspection_unit, title_line
from xuncha.text.model import (
    Lines,
    Measure,
    Paragraph,
    Problem,
    Rectification,
    Section,
    Unit,
    paragraphs,
    status_of,
)

__all__ = ["DisclosureParts", "read_disclosure"]

_CN = "一二三四五六七八九十"
# Headings by level: 一、 (一) 1. (1); a number followed by a digit (2024.) is no heading.
_HEADINGS: tuple[tuple[int, re.Pattern[str]], ...] = (
    (1, re.compile(rf"[{_CN}]{{1,3}}、")),
    (2, re.compile(rf"[(（][{_CN}]{{1,3}}[)）]")),
    (3, re.compile(r"[0-9０-９]{1,2}[.．、](?![0-9])")),
    (4, re.compile(r"[(（][0-9０-９]{1,2}[)）]")),
)
_PROBLEM_LABEL = re.compile(rf"问题\s*(?:[0-9０-９]{{1,3}}|[{_CN}]{{1,3}})?\s*[:：]\s*")
_RECTIFICATION_LABEL = re.compile(
    r"(?:整改(?:落实)?(?:情况|措施|进展情况|进展)?|整改成效)\s*[:：]\s*"
)
_COMPLETION_LABEL = re.compile(r"(?:完成情况|整改结果|完成进度)\s*[:：]\s*")
# Each opening quote closes only with its own closing quote: ‘…’ may stand inside “…”.
_QUOTED_TITLE = re.compile(
    r"关于(?:“(?P<title>[^”]{2,200})”|\"(?P<plain>[^\"]{2,200})\"|「(?P<corner>[^」]{2,200})」)"
)
_ABOUT_TITLE = re.compile(r"关于(?P<title>[^。；;\n]{2,200}?)(?:的问题|问题|方面)")
_FURNITURE = re.compile(
    r"^(?:当前位置|首页|发布时间|来源|信息来源|字体|分享|打印|关闭|责任编辑|编辑|https?://)"
)


@dataclass(frozen=True)
class DisclosureParts:
    """What the disclosure reader found; the caller adds figures and claims."""

    title: Paragraph | None
    introduction: Paragraph | None
    unit: Unit | None
    sections: tuple[Section, ...]
    problems: tuple[Problem, ...]


@dataclass(frozen=True)
class _Heading:
    level: int
    paragraph: Paragraph
    body: int  # offset in the paragraph's text after the number


def read_disclosure(text: str) -> DisclosureParts:
    """Read a disclosure's title, introduction, unit, sections and problems with their spans."""
    lines = Lines(text)
    found = paragraphs(text)
    title = title_line(text)
    introduction = next(
        (
            paragraph
            for paragraph in found
            if paragraph is not title
            and not _FURNITURE.match(paragraph.text)
            and len(paragraph.text) > 40
        ),
        None,
    )
    unit = _unit(text, lines, title)
    sections: list[Section] = []
    problems: list[Problem] = []
    index = 0
    while index < len(found):
        paragraph = found[index]
        heading = _heading(paragraph)
        if _PROBLEM_LABEL.match(paragraph.text):
            index = _labelled_problem(found, index, lines, problems, len(sections) - 1)
            continue
        if heading and _is_about_problem(found, index, heading):
            index = _about_problem(found, index, heading, lines, problems, len(sections) - 1)
            continue
        if heading:
            sections.append(
                Section(
                    _heading_title(heading),
                    heading.level,
                    lines.span(paragraph.offset, paragraph.end),
                )
            )
        index += 1
    unit_index = 0 if unit else None
    return DisclosureParts(
        title=title,
        introduction=introduction,
        unit=unit,
        sections=tuple(sections),
        problems=tuple(
            Problem(p.title, p.span, p.rectification, unit_index, p.section, p.label)
            for p in problems
        ),
    )


def _unit(text: str, lines: Lines, title: Paragraph | None) -> Unit | None:
    inspected = own_inspection_unit(text)
    if inspected:
        return Unit(inspected["unit"], lines.span(inspected.start("unit"), inspected.end("unit")))
    if title and "关于" in title.text:
        name = title.text[: title.text.index("关于")].strip()
        if 2 <= len(name) <= 40:
            return Unit(name, lines.span(title.offset, title.offset + len(name)))
    return None


def _heading(paragraph: Paragraph) -> _Heading | None:
    for level, pattern in _HEADINGS:
        match = pattern.match(paragraph.text)
        if match:
            return _Heading(level, paragraph, match.end())
    return None


def _heading_title(heading: _Heading) -> str:
    body = heading.paragraph.text[heading.body :]
    end = min((body.index(mark) for mark in "。；" if mark in body), default=len(body))
    return body[:end].strip()


def _about_title(heading: _Heading) -> re.Match[str] | None:
    body = heading.paragraph.text[heading.body :]
    if not body.lstrip().startswith("关于"):
        return None
    return _QUOTED_TITLE.match(body.lstrip()) or _ABOUT_TITLE.match(body.lstrip())


def _title_group(title: re.Match[str]) -> str:
    """The name of the group that holds the title in a match of either pattern."""
    return next(name for name in ("title", "plain", "corner") if title.groupdict().get(name))


def _is_about_problem(found: Sequence[Paragraph], index: int, heading: _Heading) -> bool:
    """A 关于 heading is a problem when its own rectification follows it: text after the
    heading's sentence on its line, or a next paragraph that is neither a heading nor a
    labelled problem."""
    title = _about_title(heading)
    if title is None:
        return False
    rest = _after_title_sentence(heading, title)
    if rest:
        return True
    if index + 1 >= len(found):
        return False
    following = found[index + 1]
    return not _PROBLEM_LABEL.match(following.text) and _heading(following) is None


def _after_title_sentence(heading: _Heading, title: re.Match[str]) -> str:
    body = heading.paragraph.text[heading.body :]
    lead = len(body) - len(body.lstrip())
    rest = body[lead + title.end() :]
    stop = rest.find("。")
    return rest[stop + 1 :].strip() if stop != -1 else ""


def _about_problem(
    found: Sequence[Paragraph],
    index: int,
    heading: _Heading,
    lines: Lines,
    problems: list[Problem],
    section: int,
) -> int:
    paragraph = heading.paragraph
    title = _about_title(heading)
    assert title is not None
    body_offset = paragraph.offset + heading.body
    lead = len(paragraph.text[heading.body :]) - len(paragraph.text[heading.body :].lstrip())
    group = _title_group(title)
    start = body_offset + lead + title.start(group)
    rest = _after_title_sentence(heading, title)
    label = paragraph.text[: heading.body].strip()
    problem, index = _titled_problem(found, index, lines, title[group], start, rest, label)
    problems.append(problem if section < 0 else replace(problem, section=section))
    return index


def _titled_problem(
    found: Sequence[Paragraph],
    index: int,
    lines: Lines,
    title: str,
    start: int,
    rest: str,
    label: str,
) -> tuple[Problem, int]:
    """The problem titled at ``start`` on paragraph ``index``, with its rectification: the rest
    of that paragraph after the title's sentence, then the paragraphs that follow."""
    paragraph = found[index]
    pieces = [Paragraph(paragraph.number, rest, paragraph.end - len(rest))] if rest else []
    index = _rectification_pieces(found, index + 1, pieces)
    rectification, index = _with_completion(found, index, pieces, lines)
    span = lines.span(start, start + len(title))
    return Problem(title, span, rectification, label=label), index


def _labelled_problem(
    found: Sequence[Paragraph], index: int, lines: Lines, problems: list[Problem], section: int
) -> int:
    paragraph = found[index]
    label = _PROBLEM_LABEL.match(paragraph.text)
    assert label is not None
    body = paragraph.text[label.end() :]
    stop = body.find("。")
    title = body[:stop] if stop != -1 else body
    after = body[stop + 1 :].strip() if stop != -1 else ""
    leading = len(title) - len(title.lstrip())
    start = paragraph.offset + label.end() + leading
    written = paragraph.text[: label.end()].strip()
    problem, index = _titled_problem(found, index, lines, title.strip(), start, after, written)
    problems.append(problem if section < 0 else replace(problem, section=section))
    return index


def _rectification_pieces(found: Sequence[Paragraph], index: int, pieces: list[Paragraph]) -> int:
    """Take the paragraphs of a rectification: an opening 整改情况: paragraph without its label,
    then the rest up to the next heading, problem or 完成情况."""
    label = _RECTIFICATION_LABEL.match(found[index].text) if index < len(found) else None
    if label:
        labelled = found[index]
        if labelled.text[label.end() :]:
            pieces.append(
                Paragraph(
                    labelled.number, labelled.text[label.end() :], labelled.offset + label.end()
                )
            )
        index += 1
    while index < len(found):
        text = found[index].text
        if _PROBLEM_LABEL.match(text) or _COMPLETION_LABEL.match(text):
            break
        heading = _heading(found[index])
        if heading and heading.level < 4:
            break
        if _FURNITURE.match(text):
            break
        pieces.append(found[index])
        index += 1
    return index


def _with_completion(
    found: Sequence[Paragraph], index: int, pieces: list[Paragraph], lines: Lines
) -> tuple[Rectification, int]:
    completion: Paragraph | None = None
    if index < len(found) and _COMPLETION_LABEL.match(found[index].text):
        labelled = found[index]
        match = _COMPLETION_LABEL.match(labelled.text)
        assert match is not None
        completion = Paragraph(
            labelled.number, labelled.text[match.end() :], labelled.offset + match.end()
        )
        index += 1
    status = status_of(completion.text) if completion else None
    if status is None and pieces:
        status = _stated_status(pieces[-1].text)
    return (
        Rectification(
            text="\n".join(piece.text for piece in pieces),
            span=lines.span(pieces[0].offset, pieces[-1].end) if pieces else None,
            measures=_measures(pieces, lines),
            completion=completion.text if completion else None,
            completion_span=(lines.span(completion.offset, completion.end) if completion else None),
            status_word=status[0] if status else None,
            status=status[1] if status else None,
        ),
        index,
    )


_CLOSING_STATUS = re.compile(
    r"(?:目前|现)[，,]?(?:该问题)?(?P<word>已完成|已整改|基本完成|正在整改|长期坚持)"
)


def _stated_status(text: str) -> tuple[str, str] | None:
    match = _CLOSING_STATUS.search(text)
    return status_of(match["word"]) if match else None


def _measures(pieces: Sequence[Paragraph], lines: Lines) -> tuple[Measure, ...]:
    if not pieces:
        return ()
    numbered = [_HEADINGS[3][1].match(piece.text) for piece in pieces]
    if len(pieces) > 1 and all(numbered):
        return tuple(
            Measure(
                piece.text[match.end() :].strip(),
                lines.span(piece.offset + match.end(), piece.end),
                ordinal,
            )
            for ordinal, (piece, match) in enumerate(zip(pieces, numbered, strict=True), 1)
            if match
        )
    joined = "\n".join(piece.text for piece in pieces)
    _lead, parsed = split_measures(joined, pieces)
    return tuple(
        Measure(measure.text.strip(), lines.span(measure.start, measure.end), measure.ordinal)
        for measure in parsed
    )
