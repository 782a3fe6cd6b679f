"""Writing a digest (摘编) or a notice (通报) text into a Word document (.docx).

Pure Python over python-docx, no Django. The text is the one the office edited and published;
the document only lays it out: the title centred and bold, one Word paragraph per text
paragraph with a two-character first-line indent, unit names bold on their own line, and the
labels 问题/整改 with their colon bold at the start of their paragraphs.
"""

from __future__ import annotations

import io
import re
from typing import Any

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.text.paragraph import Paragraph

from xuncha.text.render import is_label_line, looks_like_unit_name

__all__ = ["document_bytes", "text_paragraphs"]

BODY_FONT = "仿宋"
TITLE_FONT = "黑体"
BODY_SIZE = Pt(14)
TITLE_SIZE = Pt(20)
FOOTER_SIZE = Pt(10)
_LABEL_WITH_COLON = re.compile(r"^((?:问题|整改)\s*[:：])")


def text_paragraphs(text: str) -> list[tuple[str, str]]:
    """The paragraphs of ``text`` with what each is: "unit", "label" (问题/整改) or "body".

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
        else:
            kinds.append(("body", line))
    return kinds


def document_bytes(*, title: str, text: str, footer: str = "") -> bytes:
    """A .docx holding ``title``, ``text`` and a closing ``footer`` line, as bytes to send.

    The footer (a published text's audit-chain head) is set apart, right-aligned and small.
    """
    document = Document()
    _set_font(document.styles["Normal"], BODY_FONT, BODY_SIZE)
    if title.strip():
        heading = document.add_paragraph()
        heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = heading.add_run(title.strip())
        run.bold = True
        run.font.size = TITLE_SIZE
        _set_run_font(run, TITLE_FONT)
    for kind, line in text_paragraphs(text):
        paragraph = document.add_paragraph()
        paragraph.paragraph_format.first_line_indent = Pt(BODY_SIZE.pt * 2)
        if kind == "unit":
            paragraph.add_run(line).bold = True
        elif kind == "label":
            _write_labelled(paragraph, line)
        else:
            paragraph.add_run(line)
    if footer.strip():
        closing = document.add_paragraph()
        closing.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        closing.add_run(footer.strip()).font.size = FOOTER_SIZE
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _write_labelled(paragraph: Paragraph, line: str) -> None:
    match = _LABEL_WITH_COLON.match(line)
    if match is None:  # is_label_line() said it starts so; keep the line whole all the same
        paragraph.add_run(line)
        return
    paragraph.add_run(match.group(1)).bold = True
    rest = line[match.end() :]
    if rest:
        paragraph.add_run(rest)


def _set_font(style: Any, name: str, size: Pt) -> None:
    """Latin and East Asian font of a style (Word keeps them apart)."""
    style.font.name = name
    style.font.size = size
    style.element.rPr.rFonts.set(qn("w:eastAsia"), name)


def _set_run_font(run: Any, name: str) -> None:
    run.font.name = name
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)
