"""Reading a digest (摘编) in the seed's form: introduction, units, 问题/整改 pairs, byline.

The form, as newspapers publish it::

    <one introduction paragraph>
    <unit name>
    问题:<title>
    整改:<rectification, possibly numbered 一是 … 二是 …>
    <further paragraphs of the same rectification>
    … more problems, more units …
    (<byline: correspondents and reporter>)

Units are recognised by the form of their line, never by a list of known names, so a digest of
any committee can be read. Anything the parser cannot place is an error naming its line; nothing
partial is returned. Damaged characters are kept and reported as warnings.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass, field

from xuncha.text import _intro
from xuncha.text._intro import IntroFacts, parse_chinese_number
from xuncha.text.model import Paragraph, paragraphs

__all__ = [
    "DigestError",
    "DigestWarning",
    "IntroFacts",
    "ParsedDigest",
    "ParsedMeasure",
    "ParsedProblem",
    "ParsedUnit",
    "parse_digest",
]

# A unit line is short; longer lines are sentences even when they lack punctuation. Full names
# (中共武汉市委网络安全和信息化委员会办公室) run to twenty characters and more.
UNIT_NAME_MAX_LENGTH = 40
# A heading between a unit and its problems (严明政治纪律，狠抓…) is short and ends no sentence.
SECTION_MAX_LENGTH = 60
_SENTENCE_PUNCTUATION = frozenset("。，,；;：:！？!?、\t")  # a tab: a table row
_NUMBERING = r"(?:[0-9０-９]{1,3}|[一二三四五六七八九十]{1,3})"
# 问题: / 问题1: / 问题一： ; 整改: / 整改情况: / 整改措施: ; 完成情况:
_PROBLEM_LINE = re.compile(rf"问题\s*{_NUMBERING}?\s*[:：]\s*(.*)", re.DOTALL)
_RECTIFICATION_LINE = re.compile(
    r"(?:整改(?:落实)?(?:情况|措施|进展情况|进展)?|整改成效)\s*[:：]\s*(.*)", re.DOTALL
)
_COMPLETION_LINE = re.compile(r"(?:完成情况|整改结果|完成进度)\s*[:：]\s*(.*)", re.DOTALL)
# A line opening with a number (一、 (一) 1. (1)) is a heading or an item, never a unit's name.
_NUMBERED_LINE = re.compile(rf"[(（]?{_NUMBERING}[)）]|{_NUMBERING}[、.．]")
_SENTENCE_ENDINGS = frozenset("。；;！？!?")
# What the names of bodies end with: such a line is a unit's name, never a heading.
_BODY_ENDING = re.compile(
    r"(?:局|委|会|院|办|厅|室|部|所|站|中心|公司|集团|银行|学校|大学|学院|医院|镇|乡|街道|村"
    r"|社区|党组|党委|政府|队|馆|处|团|联|社|园|场|台|行)$"
)
_OPENING_BRACKETS = "(（"
_CLOSING_BRACKETS = ")）"
# A measure marker counts only at the start of a sentence: after these, possibly followed by a
# closing quote or bracket ("……。”二是") and spaces.
_SENTENCE_END = frozenset("。；;！？!?")
_SENTENCE_CLOSERS = frozenset("”’」』)）")
_MARKER = re.compile(r"([一二三四五六七八九十]{1,3})是")
_REPLACEMENT_CHARACTER = "\ufffd"
# A warning quotes the 《title》 around a damaged character only up to this length: a line of
# damaged characters inside one long bracket would otherwise repeat the line in each warning.
TITLE_QUOTED_MAX_LENGTH = 100


class DigestError(Exception):
    """A digest that cannot be read.

    ``line`` is the 1-based line the problem was found on (None when it concerns the whole
    file) and ``message`` is a user-facing Chinese explanation.
    """

    def __init__(self, message: str, line: int | None = None, *, source: str = "") -> None:
        self.message = message
        self.line = line
        self.source = source
        super().__init__(f"第{line}行: {message}" if line is not None else message)


@dataclass(frozen=True)
class DigestWarning:
    """Something the reader should check by hand; the digest was still read completely."""

    line: int
    message: str


@dataclass(frozen=True)
class ParsedMeasure:
    """One rectification measure; ``text`` excludes its 一是/二是 marker."""

    ordinal: int | None
    text: str
    line: int
    # [start, end) of the text in the file's text, trailing spaces excluded.
    start: int = field(default=0, compare=False)
    end: int = field(default=0, compare=False)


@dataclass(frozen=True)
class ParsedProblem:
    """One 问题 with its 整改 paragraph(s), kept verbatim and split into measures.

    ``completion`` is the 完成情况 paragraph when the digest gives one; ``section`` the heading
    the problem stands under, if any.
    """

    title: str
    line: int
    rectification: str
    lead: str
    measures: tuple[ParsedMeasure, ...]
    completion: str | None = field(default=None, compare=False)
    section: str | None = field(default=None, compare=False)
    start: int = field(default=0, compare=False)  # of the title in the file's text


@dataclass(frozen=True)
class ParsedUnit:
    """One unit of the digest with its problems, in the digest's order."""

    name: str
    line: int
    problems: tuple[ParsedProblem, ...]
    start: int = field(default=0, compare=False)  # of the name in the file's text


@dataclass(frozen=True)
class ParsedDigest:
    """Everything a digest holds, with the warnings raised while reading it."""

    introduction: str
    facts: IntroFacts
    units: tuple[ParsedUnit, ...]
    byline: str | None
    warnings: tuple[DigestWarning, ...]


# A non-blank line of the file, with its number and offset.
_Line = Paragraph


def parse_digest(data: str | bytes, *, source: str = "") -> ParsedDigest:
    """Read a digest from text or bytes; raise :class:`DigestError` naming the offending line.

    ``source`` (a file name, say) is attached to any :class:`DigestError` raised.
    """
    try:
        text, warnings = _decode(data)
        return _parse_text(text, warnings)
    except DigestError as error:
        error.source = source
        raise


def _decode(data: str | bytes) -> tuple[str, list[DigestWarning]]:
    """Turn the input into text, refusing binary data; strip a byte-order mark."""
    if isinstance(data, str):
        if "\x00" in data:
            line = data.count("\n", 0, data.index("\x00")) + 1
            raise DigestError("内容含有二进制数据(NUL字符)，不是文本", line)
        return data.removeprefix("\ufeff"), []
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        # Windows "Unicode" text is UTF-16 with a byte-order mark; its NUL bytes are not binary.
        try:
            return data.decode("utf-16"), []
        except UnicodeDecodeError as error:
            raise DigestError("文件标明为UTF-16编码，但无法按UTF-16解码") from error
    if b"\x00" in data:
        line = data.count(b"\n", 0, data.index(b"\x00")) + 1
        raise DigestError("文件是二进制数据(含NUL字节)，不是文本文件", line)
    data = data.removeprefix(b"\xef\xbb\xbf")
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as error:
        bad_line = data.count(b"\n", 0, error.start) + 1
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        text = ""
    if text and _looks_like_text(text):
        notice = "文件不是UTF-8编码，已按GB18030编码读取，请核对文字"
        return text, [DigestWarning(1, notice)]
    raise DigestError("文件不是UTF-8(或GB18030)编码的文本，无法识别此处的字节", bad_line)


def _looks_like_text(text: str) -> bool:
    """Whether a GB18030 decoding is plausibly Chinese text rather than decoded noise."""
    if any(ord(char) < 0x20 and char not in "\t\n\r\f" for char in text):
        return False
    usual = sum(
        1
        for char in text
        if char.isascii()
        or "\u4e00" <= char <= "\u9fff"  # common CJK ideographs
        or "\u3000" <= char <= "\u303f"  # CJK punctuation
        or "\uff00" <= char <= "\uffef"  # full-width forms
        or "\u2000" <= char <= "\u206f"  # general punctuation: quotes, dashes
    )
    return usual >= 0.95 * len(text)


def _parse_text(text: str, warnings: list[DigestWarning]) -> ParsedDigest:
    """Parse decoded text: split lines, set the byline apart, then walk the structure."""
    raw_lines = re.split(r"\r\n|\r|\n", text)
    warnings.extend(_damaged_character_warnings(raw_lines))
    lines = paragraphs(text)
    if not lines:
        raise DigestError("文件为空，没有任何内容", 1)
    byline: str | None = None
    if len(lines) > 1 and _is_byline(lines[-1].text):
        byline = lines.pop().text
    introduction, units = _Walker(lines).walk()
    facts, remarks = _intro.read_facts(introduction)
    warnings.extend(DigestWarning(lines[0].number, remark) for remark in remarks)
    if facts.batch_size is not None and facts.batch_size != len(units):
        remark = (
            f"引言说{facts.batch or '本批'}{facts.batch_size}家单位，但正文有{len(units)}个单位"
        )
        warnings.append(DigestWarning(lines[0].number, remark))
    warnings.extend(_unit_warnings(units, facts))
    return ParsedDigest(
        introduction=introduction,
        facts=facts,
        units=tuple(units),
        byline=byline,
        warnings=tuple(sorted(warnings, key=lambda warning: warning.line)),
    )


def _is_byline(text: str) -> bool:
    return len(text) > 2 and text[0] in _OPENING_BRACKETS and text[-1] in _CLOSING_BRACKETS


def _after_label(label: re.Pattern[str], text: str) -> str:
    """The text after "问题:" or "整改:" on a line known to start with it."""
    match = label.match(text)
    return match.group(1).strip() if match else ""


def _is_name_like(text: str) -> bool:
    """The form of a unit name: short, and no sentence punctuation at all."""
    return (
        len(text) <= UNIT_NAME_MAX_LENGTH
        and not _SENTENCE_PUNCTUATION.intersection(text)
        and not _PROBLEM_LINE.match(text)
        and not _RECTIFICATION_LINE.match(text)
        and not _NUMBERED_LINE.match(text)
    )


def _is_heading_like(text: str) -> bool:
    """The form of a section heading: short, and not ending a sentence."""
    return len(text) <= SECTION_MAX_LENGTH and text[-1] not in _SENTENCE_ENDINGS


class _Walker:
    """Walks the non-blank lines once, from the introduction to the last rectification."""

    def __init__(self, lines: Sequence[_Line]) -> None:
        self.lines = lines
        self.position = 0

    def kind(self, index: int) -> str:
        """Classify a line: problem, rectification, completion, unit, section (a heading before
        a problem), orphan (a name without problem), text."""
        text = self.lines[index].text
        if _PROBLEM_LINE.match(text):
            return "problem"
        if _RECTIFICATION_LINE.match(text):
            return "rectification"
        if _COMPLETION_LINE.match(text):
            return "completion"
        if not _is_name_like(text):
            return "section" if self.is_section(index) else "text"
        if self.is_problem(index + 1):
            # Under a unit that has no problem yet, a name-like line is its first heading.
            under_unit = index and self.is_unit(index - 1)
            return "section" if under_unit and not _BODY_ENDING.search(text) else "unit"
        if self.is_section(index + 1):
            return "unit"
        if index + 1 == len(self.lines) or self.is_unit(index + 1):
            return "orphan"
        return "text"

    def is_section(self, index: int) -> bool:
        """A heading line directly before a 问题 line, after a unit or a rectification."""
        return (
            0 < index < len(self.lines)
            and _is_heading_like(self.lines[index].text)
            and not _NUMBERED_LINE.match(self.lines[index].text)
            and not _BODY_ENDING.search(self.lines[index].text)
            and self.is_problem(index + 1)
            and not _PROBLEM_LINE.match(self.lines[index].text)
        )

    def is_problem(self, index: int) -> bool:
        return index < len(self.lines) and bool(_PROBLEM_LINE.match(self.lines[index].text))

    def is_unit(self, index: int) -> bool:
        return _is_name_like(self.lines[index].text) and (
            self.is_problem(index + 1) or self.is_section(index + 1)
        )

    def walk(self) -> tuple[str, list[ParsedUnit]]:
        introduction = self.introduction()
        units: list[ParsedUnit] = []
        lines: dict[str, int] = {}
        while self.position < len(self.lines):
            unit = self.unit()
            if unit.name in lines:
                raise DigestError(
                    f"单位“{unit.name}”列了两次：第{lines[unit.name]}行和第{unit.line}行；"
                    "同一单位的问题应列在一处",
                    unit.line,
                )
            lines[unit.name] = unit.line
            units.append(unit)
        if not units:
            raise DigestError("没有找到任何单位：单位名称应单独成行，且下一段以“问题:”开头")
        return introduction, units

    def introduction(self) -> str:
        first = self.lines[0]
        first_kind = self.kind(0)
        if first_kind in ("problem", "rectification"):
            label = "问题" if first_kind == "problem" else "整改"
            raise DigestError(f"第一个单位名称之前出现了“{label}:”段落", first.number)
        if first_kind == "unit":
            return ""
        # Everything before the first unit is the introduction, in one paragraph or several
        # ("现将首批8家单位…摘编如下" often stands alone); an orphan here is a title line.
        self.position = 1
        while self.position < len(self.lines) and self.kind(self.position) != "unit":
            kind = self.kind(self.position)
            if kind in ("problem", "rectification", "completion"):
                names = {"problem": "问题", "rectification": "整改", "completion": "完成情况"}
                raise DigestError(
                    f"第一个单位名称之前出现了“{names[kind]}:”段落"
                    "(单位名称应单独成行，且下一段以“问题:”开头)",
                    self.lines[self.position].number,
                )
            self.position += 1
        return "\n".join(line.text for line in self.lines[: self.position])

    def unit(self) -> ParsedUnit:
        line = self.lines[self.position]
        kind = self.kind(self.position)
        if kind == "orphan":
            raise DigestError(
                f"“{line.text}”像是单位名称，但后面没有“问题:”段落；每个单位至少要有一个问题",
                line.number,
            )
        if kind == "problem":
            title = _after_label(_PROBLEM_LINE, line.text)
            raise DigestError(f"问题“{title}”前面没有单位名称", line.number)
        if kind == "rectification":
            raise DigestError("“整改:”段落前面没有对应的“问题:”", line.number)
        # kind is "unit": a "text" line cannot reach here, the introduction or the
        # rectification before it has taken it.
        self.position += 1
        problems: list[ParsedProblem] = []
        section: str | None = None
        while self.position < len(self.lines) and self.kind(self.position) in (
            "problem",
            "section",
        ):
            if self.kind(self.position) == "section":
                section = self.lines[self.position].text
                self.position += 1
                continue
            problems.append(self.problem(section))
        return ParsedUnit(
            name=line.text, line=line.number, problems=tuple(problems), start=line.offset
        )

    def problem(self, section: str | None = None) -> ParsedProblem:
        line = self.lines[self.position]
        title = _after_label(_PROBLEM_LINE, line.text)
        if not title:
            raise DigestError("“问题:”后面没有问题标题", line.number)
        self.position += 1
        if self.position >= len(self.lines) or self.kind(self.position) != "rectification":
            raise DigestError(f"问题“{title}”没有整改内容", line.number)
        heading = self.lines[self.position]
        first = _after_label(_RECTIFICATION_LINE, heading.text)
        pieces: list[_Line] = (
            [_Line(heading.number, first, heading.offset + heading.text.rindex(first))]
            if first
            else []
        )
        self.position += 1
        while self.position < len(self.lines) and self.kind(self.position) == "text":
            pieces.append(self.lines[self.position])
            self.position += 1
        if not pieces:
            raise DigestError(f"问题“{title}”的整改内容为空", heading.number)
        completion: _Line | None = None
        if self.position < len(self.lines) and self.kind(self.position) == "completion":
            completion = self.lines[self.position]
            self.position += 1
        rectification = "\n".join(piece.text for piece in pieces)
        lead, measures = split_measures(rectification, pieces)
        return ParsedProblem(
            title,
            line.number,
            rectification,
            lead,
            measures,
            completion=_after_label(_COMPLETION_LINE, completion.text) if completion else None,
            section=section,
            start=line.offset + line.text.rindex(title),
        )


def split_measures(
    rectification: str, pieces: Sequence[_Line]
) -> tuple[str, tuple[ParsedMeasure, ...]]:
    """Split a rectification on 一是, 二是 … at sentence starts, in sequence.

    Returns the lead (text before 一是) and the measures; lead + markers + measure texts
    reproduces ``rectification`` exactly. Without markers the whole text is one measure with
    ordinal None.
    """
    starts: list[tuple[int, int, int]] = []  # (marker start, marker end, ordinal)
    for match in _MARKER.finditer(rectification):
        if not _starts_sentence(rectification, match.start()):
            continue
        ordinal = parse_chinese_number(match.group(1))
        if ordinal == len(starts) + 1:
            starts.append((match.start(), match.end(), ordinal))
    if not starts:
        start, end = _file_span(pieces, 0, len(rectification))
        return "", (ParsedMeasure(None, rectification, _line_at(pieces, 0), start, end),)
    measures = []
    for index, (start, end, ordinal) in enumerate(starts):
        stop = starts[index + 1][0] if index + 1 < len(starts) else len(rectification)
        in_file = _file_span(pieces, end, stop)
        measures.append(
            ParsedMeasure(ordinal, rectification[end:stop], _line_at(pieces, start), *in_file)
        )
    return rectification[: starts[0][0]], tuple(measures)


def _file_span(pieces: Sequence[_Line], start: int, end: int) -> tuple[int, int]:
    """Where ``[start, end)`` of the pieces joined with "\\n" lies in the file's text, with
    the trailing spaces and line breaks of the range left out."""
    joined = "\n".join(piece.text for piece in pieces)
    while end > start and joined[end - 1].isspace():
        end -= 1
    return _file_offset(pieces, start), _file_offset(pieces, end, closing=True)


def _file_offset(pieces: Sequence[_Line], offset: int, *, closing: bool = False) -> int:
    position = 0
    for piece in pieces:
        if offset < position + len(piece.text) or (
            closing and offset == position + len(piece.text)
        ):
            return piece.offset + offset - position
        position += len(piece.text) + 1
    return pieces[-1].offset + len(pieces[-1].text)


def _starts_sentence(text: str, position: int) -> bool:
    index = position - 1
    while index >= 0 and text[index] in " \t\u3000":
        index -= 1
    if index < 0 or text[index] == "\n":
        return True
    while index >= 0 and text[index] in _SENTENCE_CLOSERS:
        index -= 1
    return index >= 0 and text[index] in _SENTENCE_END


def _line_at(pieces: Sequence[_Line], offset: int) -> int:
    """The file line holding ``offset`` of the pieces joined with "\\n"."""
    start = 0
    for piece in pieces:
        if offset <= start + len(piece.text):
            return piece.number
        start += len(piece.text) + 1
    return pieces[-1].number


def _damaged_character_warnings(raw_lines: Sequence[str]) -> list[DigestWarning]:
    """One warning per U+FFFD, naming line, column and the 《title》 around it if any.

    The title is the text from the last 《 before the character to the first 》 after it,
    quoted when it is at most :data:`TITLE_QUOTED_MAX_LENGTH` characters long.
    """
    warnings = []
    for number, raw in enumerate(raw_lines, 1):
        if _REPLACEMENT_CHARACTER not in raw:
            continue
        openings = [index for index, char in enumerate(raw) if char == "《"]
        closings = [index for index, char in enumerate(raw) if char == "》"]
        column = raw.find(_REPLACEMENT_CHARACTER)
        while column != -1:
            where = f"第{number}行第{column + 1}字"
            before = bisect_left(openings, column)
            after = bisect_left(closings, column)
            if before and after < len(closings):
                opening, closing = openings[before - 1], closings[after]
                if closing + 1 - opening <= TITLE_QUOTED_MAX_LENGTH:
                    where += f"(位于{raw[opening : closing + 1]}中)"
                else:
                    where += "(位于一个很长的《》中)"
            warnings.append(
                DigestWarning(number, f"{where}含有无法识别的字符(U+FFFD)，已原样保留，请核对原文")
            )
            column = raw.find(_REPLACEMENT_CHARACTER, column + 1)
    return warnings


def _unit_warnings(units: Sequence[ParsedUnit], facts: IntroFacts) -> list[DigestWarning]:
    """Checks of the body against itself and against what the introduction announces."""
    warnings = []
    for unit in units:
        if facts.unit_names and unit.name not in facts.unit_names:
            warnings.append(DigestWarning(unit.line, f"单位“{unit.name}”不在引言列出的单位中"))
        for problem in unit.problems:
            warnings.extend(_marker_warnings(problem))
    return warnings


def _marker_warnings(problem: ParsedProblem) -> list[DigestWarning]:
    """Flag numbering that skips (一是 then 三是): it was kept inside the previous measure."""
    warnings = []
    for measure in problem.measures:
        expected = (measure.ordinal or 0) + 1
        for match in _MARKER.finditer(measure.text):
            ordinal = parse_chinese_number(match.group(1))
            if (
                ordinal is not None
                and ordinal > expected
                and _starts_sentence(measure.text, match.start())
            ):
                warnings.append(
                    DigestWarning(
                        measure.line,
                        f"问题“{problem.title}”的整改编号不连续：出现“{match.group(0)}”"
                        f"而缺少“{_intro.chinese_number(expected)}是”，未作为新措施拆分",
                    )
                )
    return warnings
