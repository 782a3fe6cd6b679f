"""Writing a notice (通报), a digest (摘编) or a unit's report into a 公文 (.docx).

Pure Python over docxtpl and python-docx, no Django. The text is the one the office edited and
published (or the unit wrote); the document lays it out in the template's GB/T 9704-2012 page
(``xuncha.text.gongwen_template``, or an office's own template with the same placeholders): the
issuing office's red mark, the 发文字号 over the red line, the title, one Word paragraph per
text paragraph by its kind (一、 and （一） headings, unit names, the labels 问题/整改 with
their colon bold, the rest body text), the 署名 and the date, and on a published document the
audit chain's head.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass
from typing import Any

from docxtpl import DocxTemplate, RichText

from xuncha.text.gongwen_template import mark_size_half_points, template_bytes
from xuncha.text.render import is_label_line, looks_like_unit_name

__all__ = [
    "Letterhead",
    "document_bytes",
    "gongwen_date",
    "paragraph_parts",
    "text_paragraphs",
]

_LABEL_WITH_COLON = re.compile(r"^((?:问题|整改)\s*[:：])")
_NUMERALS = "一二三四五六七八九十百零〇"
_HEADING_1 = re.compile(rf"^[{_NUMERALS}]+、")
_HEADING_2 = re.compile(rf"^[（(][{_NUMERALS}]+[）)]")
# A heading runs to its first full stop; a longer line is a heading followed by body text.
_HEADING_END = re.compile(r"^.*?[。：:]")


@dataclass(frozen=True)
class Letterhead:
    """Who issues a 公文 and under which number: its 版头, 主送 and 署名.

    ``mark`` is the 发文机关标志 (the issuer's name when empty), ``number`` the 发文字号 (empty
    on a draft), ``signed_on`` the 成文日期 (today when None).
    """

    issuer: str
    mark: str = ""
    number: str = ""
    addressee: str = ""
    signed_on: dt.date | None = None


def text_paragraphs(text: str) -> list[tuple[str, str]]:
    """The paragraphs of ``text`` with what each is: "unit", "label" (问题/整改),
    "heading1" (一、), "heading2" (（一）) or "body".

    A paragraph is a non-empty line; blank lines only separate them.
    """
    lines = [line.strip() for line in re.split(r"\r\n|\r|\n", text.removeprefix("\ufeff"))]
    lines = [line for line in lines if line]
    kinds: list[tuple[str, str]] = []
    for index, line in enumerate(lines):
        following = lines[index + 1] if index + 1 < len(lines) else ""
        if is_label_line(line):
            kinds.append(("label", line))
        elif looks_like_unit_name(line, following=following):
            kinds.append(("unit", line))
        elif _HEADING_1.match(line):
            kinds.append(("heading1", line))
        elif _HEADING_2.match(line):
            kinds.append(("heading2", line))
        else:
            kinds.append(("body", line))
    return kinds


def paragraph_parts(kind: str, line: str) -> dict[str, str]:
    """A paragraph for the template: its kind, its lead (a label with its colon, a heading up
    to its full stop) and the text after the lead."""
    lead = ""
    if kind == "label":
        match = _LABEL_WITH_COLON.match(line)
        lead = match.group(1) if match else ""
    elif kind in {"heading1", "heading2"}:
        match = _HEADING_END.match(line)
        lead = match.group(0) if match else line
    return {"kind": kind, "lead": lead, "text": line[len(lead) :]}


def gongwen_date(day: dt.date) -> str:
    """A 成文日期 as GB/T 9704-2012 writes it: Arabic numerals, no leading zeros."""
    return f"{day.year}年{day.month}月{day.day}日"


def document_bytes(
    *,
    title: str,
    text: str,
    letterhead: Letterhead,
    footer: str = "",
    template: bytes | None = None,
    variant: str = "notice",
) -> bytes:
    """A 公文 holding ``title`` and ``text`` under ``letterhead``, as .docx bytes to send.

    ``footer`` (a published text's audit-chain head) closes it. ``template`` is a .docx with
    the placeholders of ``gongwen_template.PLACEHOLDERS``; without one, the default template
    ``variant`` ("notice", "digest", "rectification_report") is used. The template's page
    setup (size, margins, grid, footers) is kept as it is.
    """
    document = DocxTemplate(io.BytesIO(template or template_bytes(variant)))
    context = document_context(title=title, text=text, letterhead=letterhead, footer=footer)
    document.render(context, autoescape=True)
    _set_properties(document, title=title.strip(), author=letterhead.issuer)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def document_context(
    *, title: str, text: str, letterhead: Letterhead, footer: str = ""
) -> dict[str, Any]:
    """What a template is rendered with (docs/official-documents.md lists it)."""
    mark = letterhead.mark.strip() or letterhead.issuer.strip()
    return {
        "issuer": letterhead.issuer,
        "issuer_mark": mark,
        "issuer_mark_fitted": RichText(mark, size=mark_size_half_points(mark)),
        "number": letterhead.number,
        "title": title.strip(),
        "addressee": letterhead.addressee.strip(),
        "paragraphs": [paragraph_parts(kind, line) for kind, line in text_paragraphs(text)],
        "signatory": letterhead.issuer,
        "date": gongwen_date(letterhead.signed_on or dt.date.today()),
        "audit_head": footer.strip(),
    }


def _set_properties(document: DocxTemplate, *, title: str, author: str) -> None:
    """The core properties: the issuer as the author, the title, Chinese (zh-CN)."""
    properties = document.docx.core_properties
    properties.author = author
    properties.last_modified_by = author
    properties.title = title
    properties.language = "zh-CN"
    properties.comments = ""
    now = dt.datetime.now(dt.UTC).replace(microsecond=0, tzinfo=None)
    properties.created = now
    properties.modified = now
