"""Telling the forms apart by their structure and wording, never by a file's name.

:func:`form_of` weighs what the text is built of: unit lines followed by 问题/整改 pairs (a
digest), a unit's account of its own inspection with numbered sections (a disclosure), and,
for the narrative forms, what the text is about (巡察 progress, 审计, 信访, 人民建议, 诉求). A
law's articles and question-and-answer pages are none of them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from xuncha.text.model import Paragraph, paragraphs

__all__ = ["NOT_A_DOCUMENT", "FormVerdict", "form_of", "own_inspection_unit", "title_line"]

NOT_A_DOCUMENT = (
    "无法识别文件类型：它不像巡察整改情况摘编（单位名称行后接“问题:”“整改:”）、"
    "被巡察单位的整改情况通报（“巡察组对…进行了巡察…现将整改情况…”及“一、”“（一）”各部分）、"
    "巡察整改进展通报、审计整改报告，也不像信访、人民建议征集或诉求办理报告"
)

# Simplified and traditional forms of the words each narrative form is about, with their
# weights: a report of another topic names 巡察 or 诉求 in passing, and its own words weigh more.
_TOPICS: dict[str, tuple[tuple[re.Pattern[str], float], ...]] = {
    "progress": ((re.compile(r"巡察|巡视|巡視|回头看|回頭看"), 1.5),),
    "audit": ((re.compile(r"审计|審計"), 2),),
    "petition": (
        (re.compile(r"信访|信訪"), 2),
        (re.compile(r"来信|來信|来访|來訪|信箱"), 1.5),
    ),
    "suggestion": (
        (re.compile(r"人民建议|人民建議|建议征集|建議徵集|征集建议|徵集建議|金点子|金點子"), 2),
    ),
    "appeal": ((re.compile(r"12345|热线|熱線|工单|工單"), 2), (re.compile(r"诉求|訴求"), 1)),
}
# The few words that make a topic the document's own: a report's figures.
_MIN_TOPIC_MENTIONS = 2

_ARTICLE = re.compile(r"^\s*第[一二三四五六七八九十百零〇]+条", re.MULTILINE)
_ARTICLES_OF_A_LAW = 3
_QUESTION_AND_ANSWER = re.compile(r"^\s*(?:答|问)\s*[:：]|^[^。\n]{4,40}[？?]\s*$", re.MULTILINE)

_TITLE = re.compile(
    r"关于.{0,60}(?:巡察|巡视|巡視).{0,40}整改.{0,30}(?:通报|报告|公示|公告|公布|情况)\s*$"
)
# "…巡察组对<unit>进行了巡察", "…巡视组对<unit>开展了常规巡视": the inspected body, one only.
_INSPECTED = re.compile(
    r"(?:巡察组|巡视组|巡视|巡察)[^。；]{0,12}?对(?P<unit>[^，,。；;、“”()（）\n]{2,40}?)"
    r"(?:党组织)?(?:进行了|开展了|进行|开展|实施了)"
)
_OWN_REPORT = re.compile(
    r"现将[^。]{0,40}整改|予以公布|予以公开|通报如下|报告如下|公布如下|公示如下|情况通报如下"
)


@dataclass(frozen=True)
class FormVerdict:
    """The form read (None when the text is none of them) and why, in words a user reads."""

    form: str | None
    evidence: tuple[str, ...]


def title_line(text: str, *, within: int = 8) -> Paragraph | None:
    """The title of a unit's notice (关于…巡察…整改…情况的通报) among the first lines."""
    for paragraph in paragraphs(text[:5000])[:within]:
        line = paragraph.text
        if "。" not in line and len(line) <= 100 and _TITLE.search(line):
            return paragraph
    return None


def own_inspection_unit(text: str) -> re.Match[str] | None:
    """Where the text says which one body was inspected: "…巡察组对<unit>进行了巡察"."""
    return _INSPECTED.search(text[:3000])


def form_of(text: str, *, has_digest_units: bool) -> FormVerdict:
    """The document's form; ``has_digest_units`` says whether the digest reader found unit
    lines followed by 问题/整改 pairs."""
    articles = len(_ARTICLE.findall(text))
    if articles >= _ARTICLES_OF_A_LAW:
        return FormVerdict(None, (f"有{articles}个“第…条”条文：这是法规条文，不是整改或工作报告",))
    # A unit's notice titled as one is a disclosure even where a line before a 问题 label
    # looks like a unit's name (a table row, say); a digest has no such title.
    own = _own_notice(text)
    if own and title_line(text):
        return FormVerdict("disclosure", own)
    if has_digest_units:
        return FormVerdict("digest", ("单位名称单独成行，其后是“问题:”“整改:”段落",))
    if own:
        return FormVerdict("disclosure", own)
    if _QUESTION_AND_ANSWER.search(text[:1500]) and not _has_figures(text):
        return FormVerdict(None, ("问答页面：回答问题，不报告工作",))
    scores = {form: _score(text, topic) for form, topic in _TOPICS.items()}
    form, (_score_of_form, mentions) = max(scores.items(), key=lambda item: (item[1][0], item[0]))
    if mentions < _MIN_TOPIC_MENTIONS:
        return FormVerdict(None, ())
    return FormVerdict(form, (f"通篇讲{_TOPIC_WORDS[form]}（{mentions}处）",))


def _score(text: str, topic: tuple[tuple[re.Pattern[str], float], ...]) -> tuple[float, int]:
    """The weighted mentions of a topic's words, and their plain count."""
    counts = [(len(pattern.findall(text)), weight) for pattern, weight in topic]
    return sum(count * weight for count, weight in counts), sum(count for count, _ in counts)


_TOPIC_WORDS = {
    "progress": "巡察（巡视）整改进展",
    "audit": "审计及其整改",
    "petition": "信访工作",
    "suggestion": "人民建议征集",
    "appeal": "诉求办理",
}


def _own_notice(text: str) -> tuple[str, ...]:
    """Why the text is one unit's own rectification notice, or () when it is not."""
    evidence = []
    title = title_line(text)
    if title:
        evidence.append(f"标题“{title.text[:40]}”是单位的整改情况通报")
    inspected = own_inspection_unit(text)
    if inspected and _OWN_REPORT.search(text[:3000]):
        evidence.append(f"引言说巡察（巡视）组对“{inspected['unit']}”开展巡察，并报告其整改情况")
    return tuple(evidence)


def _has_figures(text: str) -> bool:
    return len(re.findall(r"\d+(?:\.\d+)?\s*(?:件|个|人次|%|％|万元|元)", text)) >= 3
