"""The default templates of 公文 (official documents) in the layout of GB/T 9704-2012.

Built with python-docx, so that the templates shipped in ``xuncha/reports/templates/docx/`` are
reproducible: ``scripts/make-docx-templates`` writes them from :func:`template_bytes`, and a
test checks that the committed files hold what this module builds. An office replaces them
with its own (``XUNCHA_DOCX_TEMPLATES``); the placeholders are those of :data:`PLACEHOLDERS`
(docs/official-documents.md). Pure Python, no Django.

The page: A4, the 版心 (type area) 156 × 225 mm at 37 mm from the top and 28 mm from the
binding edge, a grid of 22 lines of 28 characters of 3号 (16 pt); the body in 仿宋_GB2312,
the title in 2号 方正小标宋简体, first-level headings in 黑体 and second-level ones in
楷体_GB2312, the issuing office's mark in red 小标宋 over the number and the red line, the page
number in 4号 宋体 as "— 1 —", on the right of odd pages and the left of even ones.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import zipfile
from functools import cache
from typing import Any

from docx import Document
from docx.document import Document as WordDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor, Twips
from docx.text.paragraph import Paragraph

__all__ = [
    "PLACEHOLDERS",
    "TEMPLATE_NAMES",
    "mark_size_half_points",
    "template_bytes",
    "zip_members",
]

TEMPLATE_NAMES = ("notice", "digest", "rectification_report")

# Fonts the offices' own machines have (docs/official-documents.md says which free font stands
# in for them in the PDFs made here).
TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_1_FONT = "黑体"
HEADING_2_FONT = "楷体_GB2312"
PAGE_NUMBER_FONT = "宋体"
RED = RGBColor(0xFF, 0x00, 0x00)

# Sizes in points: 2号 22, 3号 16, 4号 14; the office's mark is fitted to the line up to 小初.
TITLE_SIZE = 22
BODY_SIZE = 16
PAGE_NUMBER_SIZE = 14
MARK_MAX_SIZE = 36
MARK_DEFAULT_SIZE = 26
NOTE_SIZE = 12

# A4 and its margins in twips (1 mm = 1440 / 25.4 twips = 56.69 twips), GB/T 9704-2012 5.2.
PAGE_WIDTH = 11906  # 210 mm
PAGE_HEIGHT = 16838  # 297 mm
MARGIN_TOP = 2098  # 37 mm (天头)
MARGIN_BOTTOM = 1984  # 35 mm
MARGIN_LEFT = 1587  # 28 mm (订口, the binding side)
MARGIN_RIGHT = 1474  # 26 mm
# The page number's line stands 7 mm below the 版心: its top 28 mm above the page's foot, so
# the footer (measured from the foot to the bottom of its 4号 line, about 5 mm) at 23 mm.
FOOTER_DISTANCE = 1304  # 23 mm
HEADER_DISTANCE = 851  # 15 mm; a 公文 has no header
TEXT_WIDTH = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT  # 8845 twips = 442.25 pt = 156 mm
TEXT_HEIGHT = PAGE_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM  # 12756 twips = 225 mm

# The document grid (w:docGrid w:type="linesAndChars"), 22 lines of 28 characters:
#   linePitch is one line's height in twips: 12756 / 22 = 579.8, rounded down so that 22 lines
#   fit in the 版心: 579 (22 × 579 = 12738 ≤ 12756 < 23 × 579).
#   charSpace is what Word adds to the grid's base character width (the 16 pt of the body's
#   3号, the default run size) in 1/4096 pt: 8845 twips = 442.25 pt / 28 = 15.7946 pt a
#   character, (15.7946 − 16) × 4096 = −841.3, rounded down so that 28 fit: −842
#   (28 × (16 − 842 / 4096) = 442.24 pt ≤ 442.25 pt).
LINES_PER_PAGE = 22
CHARACTERS_PER_LINE = 28
LINE_PITCH = TEXT_HEIGHT // LINES_PER_PAGE
CHAR_SPACE = math.floor((TEXT_WIDTH / 20 / CHARACTERS_PER_LINE - BODY_SIZE) * 4096)

# Indents in characters (w:…Chars, hundredths of a character) and the same in twips.
ONE_CHARACTER = BODY_SIZE * 20  # 320 twips
TEMPLATE_DATE = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)  # the templates' own core properties
ZIP_DATE = (1980, 1, 1, 0, 0, 0)

# What a template may use; docs/official-documents.md explains each.
PLACEHOLDERS = {
    "issuer": "发文机关 (the document's author and its 署名)",
    "issuer_mark": "发文机关标志, as plain text",
    "issuer_mark_fitted": "the same, sized to fit one line (put it as {{r issuer_mark_fitted }})",
    "number": "发文字号, e.g. ×巡办〔2026〕3号; empty on a draft",
    "title": "标题",
    "addressee": "主送机关; may be empty",
    "paragraphs": "正文: each with kind (heading1, heading2, unit, label, body), lead and text",
    "signatory": "发文机关署名",
    "date": "成文日期, e.g. 2026年12月3日",
    "audit_head": "the audit chain's head on a published document; else empty",
}

_STYLES = {
    # name: (font, size in points, alignment, first-line indent in characters)
    "发文机关标志": (TITLE_FONT, MARK_DEFAULT_SIZE, WD_ALIGN_PARAGRAPH.CENTER, 0),
    "发文字号": (BODY_FONT, BODY_SIZE, WD_ALIGN_PARAGRAPH.CENTER, 0),
    "公文标题": (TITLE_FONT, TITLE_SIZE, WD_ALIGN_PARAGRAPH.CENTER, 0),
    "主送机关": (BODY_FONT, BODY_SIZE, WD_ALIGN_PARAGRAPH.LEFT, 0),
    "一级标题": (HEADING_1_FONT, BODY_SIZE, WD_ALIGN_PARAGRAPH.JUSTIFY, 2),
    "二级标题": (HEADING_2_FONT, BODY_SIZE, WD_ALIGN_PARAGRAPH.JUSTIFY, 2),
    "发文机关署名": (BODY_FONT, BODY_SIZE, WD_ALIGN_PARAGRAPH.RIGHT, 0),
    "成文日期": (BODY_FONT, BODY_SIZE, WD_ALIGN_PARAGRAPH.RIGHT, 0),
    "审计链": (BODY_FONT, NOTE_SIZE, WD_ALIGN_PARAGRAPH.LEFT, 0),
    "页码": (PAGE_NUMBER_FONT, PAGE_NUMBER_SIZE, WD_ALIGN_PARAGRAPH.RIGHT, 0),
}
# Right indents in characters: the 署名 two characters in from the right, the date four (GB/T
# 9704-2012 7.3.5: 成文日期右空四字).
_RIGHT_INDENTS = {"发文机关署名": 2, "成文日期": 4}
_OUTLINE_LEVELS = {"一级标题": 0, "二级标题": 1}
# The 版头 is laid out by its own sizes, not snapped to the body's character grid.
_OFF_GRID = {"发文机关标志", "公文标题"}


def mark_size_half_points(mark: str) -> int:
    """The size of the office's mark, in half points, so that it stays on one line of the 版心.

    Up to 小初 (36 pt); a long name gets the largest half point that fits.
    """
    width_points = TEXT_WIDTH / 20
    fitting = math.floor(2 * width_points / max(len(mark), 1))
    return max(2 * BODY_SIZE, min(2 * MARK_MAX_SIZE, fitting))


@cache
def template_bytes(name: str) -> bytes:
    """The default template ``name`` (one of :data:`TEMPLATE_NAMES`) as a .docx file."""
    if name not in TEMPLATE_NAMES:
        raise ValueError(f"no template named {name!r}; known: {', '.join(TEMPLATE_NAMES)}")
    document = Document()
    _clean_package(document)
    _set_defaults(document)
    _add_styles(document)
    _set_page(document)
    _add_footers(document)
    _write_body(document, report=name == "rectification_report")
    properties = document.core_properties
    # Rendering fills them in again (docxtpl renders these placeholders, and the writer sets
    # the exact values after it); here they say what goes there.
    properties.author = "{{ issuer }}"
    properties.title = "{{ title }}"
    properties.language = "zh-CN"
    properties.comments = ""
    properties.last_modified_by = ""
    properties.revision = 1
    properties.created = TEMPLATE_DATE.replace(tzinfo=None)
    properties.modified = TEMPLATE_DATE.replace(tzinfo=None)
    buffer = io.BytesIO()
    document.save(buffer)
    return _normalised(buffer.getvalue())


def zip_members(data: bytes) -> dict[str, bytes]:
    """A .docx file's parts by name: what two builds of one template are compared by."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


# The package ----------------------------------------------------------------------------------


def _clean_package(document: WordDocument) -> None:
    """Drop python-docx's thumbnail and Word 2010's stylesWithEffects (which would keep the
    default template's theme fonts), and its English language settings."""
    package_rels = document.part.package.rels
    for rel_id, rel in list(package_rels.items()):
        if rel.reltype == RELATIONSHIP_TYPE.THUMBNAIL:
            del package_rels[rel_id]
    for rel_id, rel in list(document.part.rels.items()):
        if rel.reltype.endswith("/stylesWithEffects"):
            del document.part.rels[rel_id]
    settings = document.settings.element
    for found in settings.findall(qn("w:themeFontLang")):
        found.set(qn("w:val"), "zh-CN")
        found.set(qn("w:eastAsia"), "zh-CN")
    for found in settings.findall(qn("w:rsids")):
        settings.remove(found)


def _normalised(data: bytes) -> bytes:
    """The same package with every part dated alike, so that two builds hold equal bytes."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=ZIP_DATE)
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = 0o644 << 16
            target.writestr(member, source.read(info))
    return out.getvalue()


# Styles -------------------------------------------------------------------------------------


def _fonts_element(font: str) -> Any:
    fonts = OxmlElement("w:rFonts")
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), font)
    return fonts


def _set_run_fonts(r_pr: Any, font: str) -> None:
    """Every script's font of a run's or style's properties (Word keeps them apart, and a
    theme font would win over a named one)."""
    for found in r_pr.findall(qn("w:rFonts")):
        r_pr.remove(found)
    r_pr.insert(0, _fonts_element(font))


def _set_defaults(document: WordDocument) -> None:
    """The document defaults (w:docDefaults): 仿宋_GB2312 in 3号, Chinese, no spacing."""
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    r_pr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    for child in list(r_pr):
        r_pr.remove(child)
    r_pr.append(_fonts_element(BODY_FONT))
    for tag in ("w:sz", "w:szCs"):
        size = OxmlElement(tag)
        size.set(qn("w:val"), str(2 * BODY_SIZE))
        r_pr.append(size)
    language = OxmlElement("w:lang")
    language.set(qn("w:val"), "zh-CN")
    language.set(qn("w:eastAsia"), "zh-CN")
    language.set(qn("w:bidi"), "ar-SA")
    r_pr.append(language)
    p_pr = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr"))
    for child in list(p_pr):
        p_pr.remove(child)
    spacing = OxmlElement("w:spacing")
    spacing.set(qn("w:after"), "0")
    spacing.set(qn("w:line"), "240")
    spacing.set(qn("w:lineRule"), "auto")
    p_pr.append(spacing)
    normal = document.styles["Normal"]
    normal.font.name = BODY_FONT
    normal.font.size = Pt(BODY_SIZE)
    _set_run_fonts(normal.element.get_or_add_rPr(), BODY_FONT)
    normal.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    normal.paragraph_format.first_line_indent = Twips(2 * ONE_CHARACTER)
    _set_indent_chars(normal.element.get_or_add_pPr(), first_line=2)


def _set_indent_chars(
    p_pr: Any, *, first_line: int = 0, right: int = 0, left: int | None = None
) -> None:
    """Indents in characters (so that they follow the grid), with their twips for readers
    that only know those."""
    indent = p_pr.find(qn("w:ind"))
    if indent is None:
        indent = OxmlElement("w:ind")
        p_pr.append(indent)
    indent.set(qn("w:firstLineChars"), str(100 * first_line))
    indent.set(qn("w:firstLine"), str(ONE_CHARACTER * first_line))
    if right:
        indent.set(qn("w:rightChars"), str(100 * right))
        indent.set(qn("w:right"), str(ONE_CHARACTER * right))
    if left is not None:
        indent.set(qn("w:leftChars"), str(100 * left))
        indent.set(qn("w:left"), str(ONE_CHARACTER * left))
    _reorder_p_pr(p_pr)


# CT_PPrBase's child order (ECMA-376 17.3.1.26), for the elements written here.
_P_PR_ORDER = [
    "w:pStyle",
    "w:keepNext",
    "w:pBdr",
    "w:snapToGrid",
    "w:spacing",
    "w:ind",
    "w:jc",
    "w:outlineLvl",
]


def _reorder_p_pr(p_pr: Any) -> None:
    """Put the children python-docx does not order itself where the schema wants them."""
    order = {qn(tag): index for index, tag in enumerate(_P_PR_ORDER)}
    known = [child for child in p_pr if child.tag in order]
    for child in known:
        p_pr.remove(child)
    others = list(p_pr)
    for child in others:
        p_pr.remove(child)
    for child in sorted(known, key=lambda element: order[element.tag]):
        p_pr.append(child)
    for child in others:
        p_pr.append(child)


def _add_styles(document: WordDocument) -> None:
    """The paragraph styles of a 公文, named as an office calls them."""
    normal = document.styles["Normal"]
    for name, (font, size, alignment, first_line) in _STYLES.items():
        style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = normal
        style.quick_style = True
        style.font.size = Pt(size)
        _set_run_fonts(style.element.get_or_add_rPr(), font)
        if name == "发文机关标志":
            style.font.color.rgb = RED
        style.paragraph_format.alignment = alignment
        p_pr = style.element.get_or_add_pPr()
        _set_indent_chars(p_pr, first_line=first_line, right=_RIGHT_INDENTS.get(name, 0))
        if name in _OUTLINE_LEVELS:
            level = OxmlElement("w:outlineLvl")
            level.set(qn("w:val"), str(_OUTLINE_LEVELS[name]))
            p_pr.append(level)
        if name in _OFF_GRID:
            snap = OxmlElement("w:snapToGrid")
            snap.set(qn("w:val"), "0")
            p_pr.append(snap)
        if name == "发文字号":
            p_pr.append(_red_line())
        _reorder_p_pr(p_pr)


def _red_line() -> Any:
    """The red separator line (红色分隔线) as the number's bottom border: as wide as the 版心,
    about 4 mm (11 pt) under the number."""
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    bottom.set(qn("w:val"), "single")
    bottom.set(qn("w:sz"), "12")  # eighths of a point: 1.5 pt
    bottom.set(qn("w:space"), "11")
    bottom.set(qn("w:color"), "FF0000")
    borders.append(bottom)
    return borders


# The page -----------------------------------------------------------------------------------


def _set_page(document: WordDocument) -> None:
    section = document.sections[0]
    section.page_width = Twips(PAGE_WIDTH)
    section.page_height = Twips(PAGE_HEIGHT)
    section.top_margin = Twips(MARGIN_TOP)
    section.bottom_margin = Twips(MARGIN_BOTTOM)
    section.left_margin = Twips(MARGIN_LEFT)
    section.right_margin = Twips(MARGIN_RIGHT)
    section.header_distance = Twips(HEADER_DISTANCE)
    section.footer_distance = Twips(FOOTER_DISTANCE)
    section.gutter = Twips(0)
    sect_pr = section._sectPr
    for name in ("w:rsidR", "w:rsidRPr", "w:rsidSect"):
        sect_pr.attrib.pop(qn(name), None)
    grid = sect_pr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        sect_pr.append(grid)
    grid.set(qn("w:type"), "linesAndChars")
    grid.set(qn("w:linePitch"), str(LINE_PITCH))
    grid.set(qn("w:charSpace"), str(CHAR_SPACE))


def _add_footers(document: WordDocument) -> None:
    """ "— 1 —" in 4号 宋体: odd pages on the right, one character in; even pages on the left."""
    document.settings.odd_and_even_pages_header_footer = True
    section = document.sections[0]
    section.different_first_page_header_footer = False
    one_character = PAGE_NUMBER_SIZE  # in points: the page number's own character
    for footer, alignment, side in (
        (section.footer, WD_ALIGN_PARAGRAPH.RIGHT, "w:right"),
        (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT, "w:left"),
    ):
        footer.is_linked_to_previous = False
        paragraph = footer.paragraphs[0]
        paragraph.style = document.styles["页码"]
        paragraph.alignment = alignment
        p_pr = paragraph._p.get_or_add_pPr()
        indent = OxmlElement("w:ind")
        indent.set(qn(side), str(one_character * 20))
        indent.set(qn("w:firstLine"), "0")
        p_pr.append(indent)
        _reorder_p_pr(p_pr)
        paragraph.add_run("— ")
        _add_page_field(paragraph)
        paragraph.add_run(" —")


def _add_page_field(paragraph: Paragraph) -> None:
    """A PAGE field: begin, the instruction, separate, a shown "1", end."""
    _add_field_mark(paragraph, "begin")
    instruction = OxmlElement("w:instrText")
    instruction.set(qn("xml:space"), "preserve")
    instruction.text = " PAGE "
    paragraph.add_run()._r.append(instruction)
    _add_field_mark(paragraph, "separate")
    paragraph.add_run("1")
    _add_field_mark(paragraph, "end")


def _add_field_mark(paragraph: Paragraph, kind: str) -> None:
    mark = OxmlElement("w:fldChar")
    mark.set(qn("w:fldCharType"), kind)
    paragraph.add_run()._r.append(mark)


# The body -----------------------------------------------------------------------------------


def _write_body(document: WordDocument, *, report: bool) -> None:
    """The 版头 (mark, number and red line), the title, the addressee, the paragraphs by kind,
    the 署名 and the date, then the audit chain's head; docxtpl's tags on lines of their own."""
    body = document._body._body
    for paragraph in list(body.iterchildren(qn("w:p"))):
        body.remove(paragraph)
    add = document.add_paragraph
    add("{{r issuer_mark_fitted }}", style="发文机关标志")
    add("{{ number }}", style="发文字号")
    add("", style="公文标题")
    add("{{ title }}", style="公文标题")
    add("", style="主送机关")
    if report:
        add("{{ addressee }}：", style="主送机关")
    else:
        add("{%p if addressee %}")
        add("{{ addressee }}：", style="主送机关")
        add("{%p endif %}")
    add("{%p for paragraph in paragraphs %}")
    add('{%p if paragraph.kind == "heading1" %}')
    _lead_and_text(add("", style="一级标题"), bold_lead=False)
    add('{%p elif paragraph.kind == "heading2" %}')
    _lead_and_text(add("", style="二级标题"), bold_lead=False)
    add('{%p elif paragraph.kind == "unit" %}')
    add("").add_run("{{ paragraph.text }}").bold = True
    add('{%p elif paragraph.kind == "label" %}')
    _lead_and_text(add(""), bold_lead=True)
    add("{%p else %}")
    add("{{ paragraph.text }}")
    add("{%p endif %}")
    add("{%p endfor %}")
    add("", style="发文机关署名")
    add("{{ signatory }}", style="发文机关署名")
    add("{{ date }}", style="成文日期")
    if not report:
        add("{%p if audit_head %}")
        add("{{ audit_head }}", style="审计链")
        add("{%p endif %}")


def _lead_and_text(paragraph: Paragraph, *, bold_lead: bool) -> None:
    """A heading's or a label's lead in the paragraph's style, then the rest in the body's."""
    lead = paragraph.add_run("{{ paragraph.lead }}")
    if bold_lead:
        lead.bold = True
    rest = paragraph.add_run("{{ paragraph.text }}")
    if paragraph.style is not None and paragraph.style.name in _OUTLINE_LEVELS:
        _set_run_fonts(rest._r.get_or_add_rPr(), BODY_FONT)
