"""Reading one sentence for the claims check: its figures placed in its text.

A :class:`View` puts the usable figures of a :class:`~xuncha.text.claims.model.Sentence` (counts,
money, percentages, dates a reader found written) at their place in its text, in text order,
and answers what the rules ask of a figure: the words of its clause before it, its whole
clause, its own segment between the figures around it, and a :class:`Check` built from it. The
helpers more than one rule shares live here too: how a count's words say what it counts (done,
basically done, not done, the rest), which count is a stated total and which counts are its
parts, whether two counts share a measure word, and a Decimal written plainly.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from xuncha.text.claims.model import Check, Sentence, Stated, Statements

__all__ = [
    "Placed",
    "View",
    "is_total",
    "part_status",
    "parts_of_total",
    "plain",
    "same_unit",
]


# -- one sentence --------------------------------------------------------------------------

_CLAUSE_BREAKS = "，,；;：:。！!？?\n"
# The figure kinds a check reads; others (score, fraction, period, ordinal …) are ignored.
_KINDS = frozenset({"count", "money", "percent", "date"})


@dataclass
class Placed:
    """A figure of a sentence with where it stands in the sentence's text."""

    figure: Stated
    start: int
    end: int


@dataclass
class View:
    """A sentence's usable figures placed in its text, in text order."""

    statements: Statements
    sentence: Sentence
    placed: list[Placed] = field(default_factory=list)
    breaks: list[int] = field(default_factory=list)  # where the text's clauses end

    def __post_init__(self) -> None:
        text, origin = self.sentence.text, self.sentence.span.start
        for index in self.sentence.figures:
            figure = self.statements.figures[index]
            if figure.kind not in _KINDS or figure.inferred:
                continue
            start = figure.span.start - origin
            if text[start : start + len(figure.text)] != figure.text:
                start = text.find(figure.text)  # a sentence stored trimmed: find the words
                if start < 0:
                    continue
            self.placed.append(Placed(figure, start, start + len(figure.text)))
        self.placed.sort(key=lambda item: item.start)
        self.breaks = [index for index, char in enumerate(text) if char in _CLAUSE_BREAKS]

    @property
    def text(self) -> str:
        return self.sentence.text

    def of_kind(self, kind: str) -> list[Placed]:
        return [item for item in self.placed if item.figure.kind == kind]

    def before(self, item: Placed) -> str:
        """The words of ``item``'s clause before it."""
        index = bisect_left(self.breaks, item.start)
        start = self.breaks[index - 1] + 1 if index else 0
        return self.text[start : item.start]

    def clause(self, item: Placed) -> str:
        """The whole clause ``item`` stands in."""
        index = bisect_left(self.breaks, item.end)
        end = self.breaks[index] if index < len(self.breaks) else len(self.text)
        return self.before(item) + self.text[item.start : end]

    def segment(self, item: Placed) -> str:
        """The words of ``item``'s clause from the figure before it to the figure after it
        (已办结100件、正在办理30件: each count has its own status words)."""
        start = item.start - len(self.before(item))
        end = start + len(self.clause(item))
        for other in self.placed:
            if other.end <= item.start:
                start = max(start, other.end)
            elif other.start >= item.end:
                end = min(end, other.start)
        start = max(start, self.text.rfind("、", start, item.start) + 1)
        enumeration = self.text.find("、", item.end, end)
        return self.text[start : enumeration if enumeration >= 0 else end]

    def after(self, item: Placed, length: int = 8) -> str:
        return self.text[item.end : item.end + length]

    def check(
        self,
        kind: str,
        verdict: str,
        items: Sequence[Placed],
        reason: str,
        *,
        expected: str | None = None,
        stated: str | None = None,
        difference: str | None = None,
        **details: Any,
    ) -> Check:
        return Check(
            kind=kind,
            verdict=verdict,
            expected=expected,
            stated=stated,
            difference=difference,
            reason=reason,
            figures=tuple(item.figure for item in items),
            sentence=self.sentence.text,
            sentence_span=self.sentence.span,
            details=tuple((key, str(value)) for key, value in details.items()),
            scope=self.sentence.scope,
        )


# -- shared by the rules ------------------------------------------------------------------


def same_unit(first: Placed, second: Placed) -> bool:
    """Whether two counts share a measure word (a count written without one matches any)."""
    units = {first.figure.unit, second.figure.unit}
    return len(units) == 1 or "" in units


def plain(value: Decimal) -> str:
    """A Decimal written out in full, without an exponent."""
    return format(value, "f")


# -- a stated total and its parts (the sum rule and the ledger rule) ------------------------

_TOTAL_WORDS = re.compile(
    r"共计|合计|累计|总计|总共|共有|总数|全部|(?<![公总一])共(?![建享同商治识青性担])"
)
_FED_BACK = re.compile(r"反馈|交办|发现|梳理|指出|查找|排查|反映|收到|受理|移交|列出|认领")
_NOT_DONE = re.compile(
    r"未完成|尚未|未整改|未办结|未解决|无法|正在|推进中|整改中|持续|长期|未到位|剩余|其余|另有|其他"
)
_BASICALLY = re.compile(r"基本完成|基本整改|基本到位|基本办结|基本解决|阶段性")
_DONE = re.compile(r"已完成|已整改|完成整改|整改完成|办结|解决|销号|落实|到位|完成|已")
_REST = re.compile(r"其余|剩余|另有|其他")


def part_status(clause: str) -> str | None:
    """What a part counts, from the words of its clause: not done, basically done or done."""
    if _NOT_DONE.search(clause):
        return "rest" if _REST.search(clause) else "not_done"
    if _BASICALLY.search(clause):
        return "basically_done"
    if _DONE.search(clause):
        return "done"
    return None


def is_total(view: View, item: Placed) -> bool:
    """共N个 …, N个…，其中 …, or 反馈问题N个 / 反馈的N个问题."""
    before = view.before(item)
    if _TOTAL_WORDS.search(before) or view.clause(item).endswith("其中"):
        return True
    if view.text[item.end :].lstrip("，,：: ").startswith("其中"):
        return True
    problems = "问题" in before[-6:] or view.after(item, 3).startswith("问题")
    return problems and bool(_FED_BACK.search(before))


def parts_of_total(view: View, counts: list[Placed], position: int) -> tuple[list[Placed], bool]:
    """The parts of the total at ``position``: the counts after 其中, else those after it
    that each name a status; and whether they are said to make the whole."""
    total = counts[position]
    rest = view.text[total.end :]
    among = rest.find("其中")
    later = [item for item in counts[position + 1 :] if same_unit(item, total)]
    if among >= 0:
        start = total.end + among
        parts = [item for item in later if item.start > start]
    else:
        parts = []
        for item in later:
            if is_total(view, item) or part_status(view.segment(item)) is None:
                break
            parts.append(item)
    statuses = {part_status(view.segment(item)) for item in parts}
    exhaustive = "rest" in statuses or ("done" in statuses and "not_done" in statuses)
    return parts, exhaustive
