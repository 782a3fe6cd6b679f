"""Writing a digest (摘编) in the seed's form, and comparing digests paragraph by paragraph.

The output is what :func:`xuncha.text.digest.parse_digest` reads: the introduction, then per
unit its name, then "问题：<title>" and "整改：<rectification>" paragraphs, then the byline;
paragraphs are separated by one blank line and, like the published digests, the text does not
end with a newline.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from xuncha.text._intro import chinese_number
from xuncha.text.digest import ParsedDigest

__all__ = [
    "Digest",
    "DigestMeasure",
    "DigestProblem",
    "DigestUnit",
    "digest_from_parsed",
    "is_label_line",
    "looks_like_unit_name",
    "normalise_whitespace",
    "ordinal_marker",
    "paragraphs_of_interest",
    "rectification_text",
    "render_digest",
]

COLONS = (":", "：")
_LABEL = re.compile(r"^(问题|整改)\s*[:：]")
_SENTENCE_PUNCTUATION = frozenset("。，,；;：:！？!?、")
_UNIT_NAME_MAX_LENGTH = 30


@dataclass(frozen=True)
class DigestMeasure:
    """One measure to write; ordinal None writes the text without a 一是 marker."""

    ordinal: int | None
    text: str


@dataclass(frozen=True)
class DigestProblem:
    """One problem to write: its title, the words before 一是, and its measures."""

    title: str
    lead: str
    measures: tuple[DigestMeasure, ...]


@dataclass(frozen=True)
class DigestUnit:
    """One unit to write with its problems, in the order they are to appear."""

    name: str
    problems: tuple[DigestProblem, ...]


@dataclass(frozen=True)
class Digest:
    """A whole digest to write."""

    introduction: str
    units: tuple[DigestUnit, ...]
    byline: str | None = None


def ordinal_marker(number: int) -> str:
    """The marker of measure ``number``: 1 -> "一是", 10 -> "十是", 11 -> "十一是"."""
    return f"{chinese_number(number)}是"


def rectification_text(problem: DigestProblem) -> str:
    """The rectification as published: lead, then each marker and measure text, no separator.

    Measure texts keep their own punctuation; nothing is added between them, so a parsed
    rectification is reproduced exactly.
    """
    parts = [problem.lead]
    for measure in problem.measures:
        if measure.ordinal is not None:
            parts.append(ordinal_marker(measure.ordinal))
        parts.append(measure.text)
    return "".join(parts)


def render_digest(digest: Digest, *, colon: str = "：") -> str:
    """Write ``digest`` in the seed's form; ``colon`` is the one after 问题 and 整改.

    Raises ValueError for what would not read back as the same digest: a unit without
    problems, a unit name or title spread over lines or too sentence-like to read as one.
    """
    if colon not in COLONS:
        raise ValueError(f"colon must be one of {COLONS}, not {colon!r}")
    paragraphs: list[str] = []
    if digest.introduction.strip():
        paragraphs.append(digest.introduction.strip())
    for unit in digest.units:
        _check_unit(unit)
        paragraphs.append(unit.name.strip())
        for problem in unit.problems:
            paragraphs.append(f"问题{colon}{problem.title.strip()}")
            # A continuation paragraph is stored after "\n"; on paper it is its own paragraph.
            pieces = [piece.strip() for piece in rectification_text(problem).split("\n")]
            pieces = [piece for piece in pieces if piece]
            if not pieces:
                raise ValueError(f"problem {problem.title!r} of {unit.name!r} has no rectification")
            paragraphs.append(f"整改{colon}{pieces[0]}")
            paragraphs.extend(pieces[1:])
    if digest.byline and digest.byline.strip():
        paragraphs.append(digest.byline.strip())
    return "\n\n".join(paragraphs)


def _check_unit(unit: DigestUnit) -> None:
    name = unit.name.strip()
    if (
        not name
        or "\n" in name
        or len(name) > _UNIT_NAME_MAX_LENGTH
        or _SENTENCE_PUNCTUATION.intersection(name)
    ):
        raise ValueError(f"{unit.name!r} cannot be written as a unit line of a digest")
    if not unit.problems:
        raise ValueError(f"unit {unit.name!r} has no problems; a digest lists units with problems")
    for problem in unit.problems:
        if not problem.title.strip() or "\n" in problem.title.strip():
            raise ValueError(f"problem title {problem.title!r} of {unit.name!r} must be one line")


def digest_from_parsed(parsed: ParsedDigest) -> Digest:
    """The :class:`Digest` that writes a parsed digest back (previews and round trips)."""
    return Digest(
        introduction=parsed.introduction,
        units=tuple(
            DigestUnit(
                name=unit.name,
                problems=tuple(
                    DigestProblem(
                        title=problem.title,
                        lead=problem.lead,
                        measures=tuple(
                            DigestMeasure(measure.ordinal, measure.text)
                            for measure in problem.measures
                        ),
                    )
                    for problem in unit.problems
                ),
            )
            for unit in parsed.units
        ),
        byline=parsed.byline,
    )


def normalise_whitespace(text: str) -> str:
    """``text`` without any whitespace, for comparisons that must ignore layout."""
    return "".join(text.split())


def is_label_line(line: str) -> str | None:
    """ "问题" or "整改" when ``line`` starts with that label and a colon, else None."""
    match = _LABEL.match(line.strip())
    return match.group(1) if match else None


def looks_like_unit_name(line: str, *, following: str) -> bool:
    """Whether ``line`` reads as a unit's name line: short, no sentence, before a 问题 line."""
    line = line.strip()
    return (
        bool(line)
        and is_label_line(following) == "问题"
        and is_label_line(line) is None
        and len(line) <= _UNIT_NAME_MAX_LENGTH
        and not _SENTENCE_PUNCTUATION.intersection(line)
    )


def paragraphs_of_interest(text: str) -> list[str]:
    """The unit, 问题 and 整改 paragraphs of any digest text, ready to compare.

    The introduction (everything before the first unit line) and a closing bracketed byline are
    left out; whitespace is removed and the colon after 问题/整改 is made ASCII, so a digest
    written with full-width colons or other line breaks compares equal to its source. Colons
    inside the texts are left alone: the renderer must not change them.
    """
    lines = [line.strip() for line in re.split(r"\r\n|\r|\n", text.removeprefix("\ufeff"))]
    lines = [line for line in lines if line]
    if len(lines) > 1 and lines[-1][:1] in "(（" and lines[-1][-1:] in ")）":
        lines.pop()
    first_unit = next(
        (
            index
            for index in range(len(lines) - 1)
            if looks_like_unit_name(lines[index], following=lines[index + 1])
        ),
        len(lines),
    )
    return [
        _LABEL.sub(lambda match: f"{match.group(1)}:", normalise_whitespace(line))
        for line in lines[first_unit:]
    ]
