"""公文: the GB/T 9704-2012 layout of notices and digests, the templates, the 发文字号 register,
and the PDF made by LibreOffice with a free CJK font embedded.

The PDF tests skip without LibreOffice or poppler's pdftotext and pdffonts, and fail instead
under CI (``CI=true`` or ``XUNCHA_REQUIRE_LIBREOFFICE=1``): CI must never pass by skipping.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import docx
import pytest
from django.core.management import CommandError, call_command
from django.db.models import ProtectedError
from django.utils import timezone
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from tests.factories import make_user
from tests.reports.dataset import Dataset, build_dataset
from tests.reports.gongwen import title_of
from tests.reports.publishing import approved
from xuncha.core.models import AuditEntry, Role
from xuncha.reports import numbering
from xuncha.reports.documents import SHIPPED_TEMPLATES, PdfUnavailable, pdf_of, template_for
from xuncha.reports.exports import publication_docx
from xuncha.reports.models import DocumentNumber, Publication, PublicationStatus
from xuncha.reports.services import notice_draft, publication_publish
from xuncha.text import office
from xuncha.text.document import Letterhead, document_bytes
from xuncha.text.gongwen_template import PLACEHOLDERS, TEMPLATE_NAMES, template_bytes, zip_members

REPOSITORY = Path(__file__).resolve().parents[2]
OFFICE = "中共测试市委巡察工作领导小组办公室"
PREFIX = "测巡办"
MM = 36000  # EMU in a millimetre
TWIP = 635  # EMU in a twip


# ---- Reading the document ---------------------------------------------------------------------


def opened(data: bytes) -> Any:
    return docx.Document(io.BytesIO(data))


def section_xml(document: Any) -> Any:
    return document.sections[0]._sectPr


def style_value(document: Any, style_name: str, read: Any) -> Any:
    """A style's own value of ``read(style)``, else its base style's, else None."""
    style = document.styles[style_name]
    while style is not None:
        value = read(style)
        if value is not None:
            return value
        style = style.base_style
    return None


def east_asian_font(document: Any, style_name: str) -> str:
    """The East Asian font a paragraph of the style is set in (its chain, then the defaults)."""

    def read(style: Any) -> str | None:
        r_pr = style.element.find(qn("w:rPr"))
        fonts = r_pr.find(qn("w:rFonts")) if r_pr is not None else None
        return fonts.get(qn("w:eastAsia")) if fonts is not None else None

    return style_value(document, style_name, read) or defaults_r_pr(document).find(
        qn("w:rFonts")
    ).get(qn("w:eastAsia"))


def font_size(document: Any, style_name: str) -> Pt:
    size = style_value(document, style_name, lambda style: style.font.size)
    if size is not None:
        return size
    return Pt(int(defaults_r_pr(document).find(qn("w:sz")).get(qn("w:val"))) / 2)


def defaults_r_pr(document: Any) -> Any:
    return document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault"))[0]


def paragraph_of_style(document: Any, style_name: str) -> Any:
    return next(p for p in document.paragraphs if p.style.name == style_name and p.text)


# ---- A notice, published --------------------------------------------------------------------


@pytest.fixture
def office_settings(settings: Any, tmp_path: Path) -> Any:
    settings.XUNCHA_OFFICE_NAME = OFFICE
    settings.XUNCHA_DOCUMENT_PREFIX = PREFIX
    settings.XUNCHA_DOCX_TEMPLATES = ""
    return settings


@pytest.fixture
def data(db: Any, office_settings: Any) -> Dataset:
    return build_dataset(units=2, problems_per_unit=3)


@pytest.fixture
def office_user(data: Dataset) -> Any:
    return make_user("office", Role.OFFICE)


def published_notice(data: Dataset, office_user: Any, **scope: Any) -> Publication:
    draft = notice_draft(actor=office_user, round_=data.round, **scope)
    return publication_publish(actor=office_user, publication=approved(draft))


def at(monkeypatch: pytest.MonkeyPatch, moment: dt.datetime) -> None:
    """Make "now" ``moment`` for the services (publishing, audit rows, the date read)."""
    monkeypatch.setattr(timezone, "now", lambda: moment)


@pytest.fixture
def notice(data: Dataset, office_user: Any) -> tuple[Publication, Any]:
    publication = published_notice(data, office_user)
    return publication, opened(publication_docx(publication))


# ---- The layout -----------------------------------------------------------------------------


def test_the_page_is_a4_with_the_margins_of_gbt_9704(notice: tuple[Publication, Any]) -> None:
    section = notice[1].sections[0]
    size = section_xml(notice[1]).find(qn("w:pgSz"))
    assert (size.get(qn("w:w")), size.get(qn("w:h"))) == ("11906", "16838")
    assert abs(section.page_width - 210 * MM) < TWIP
    assert abs(section.page_height - 297 * MM) < TWIP
    margins = [section.top_margin, section.left_margin, section.right_margin, section.bottom_margin]
    assert [round(margin / MM, 1) for margin in margins] == [37.0, 28.0, 26.0, 35.0]
    type_area = (
        section.page_width - section.left_margin - section.right_margin,
        section.page_height - section.top_margin - section.bottom_margin,
    )
    assert [round(length / MM) for length in type_area] == [156, 225]


def test_the_grid_holds_22_lines_of_28_characters_of_16_points(
    notice: tuple[Publication, Any],
) -> None:
    document = notice[1]
    section = document.sections[0]
    grid = section_xml(document).find(qn("w:docGrid"))
    assert grid.get(qn("w:type")) == "linesAndChars"
    line_pitch, char_space = int(grid.get(qn("w:linePitch"))), int(grid.get(qn("w:charSpace")))
    height = (section.page_height - section.top_margin - section.bottom_margin) / TWIP
    assert 22 * line_pitch <= height < 23 * line_pitch
    # Word's character pitch: the default size (3号, 16 pt) plus charSpace in 1/4096 pt.
    assert font_size(document, "Normal") == Pt(16)
    pitch = 16 + char_space / 4096
    width = (section.page_width - section.left_margin - section.right_margin) / TWIP / 20
    assert 28 * pitch <= width < 29 * pitch
    assert width - 28 * pitch < 0.05  # 28 fill the line: not fewer on a finer grid


def test_the_title_body_and_headings_are_in_the_office_fonts_and_sizes(
    notice: tuple[Publication, Any],
) -> None:
    publication, document = notice
    title = paragraph_of_style(document, "公文标题")
    assert title.text == publication.title
    assert title.style.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert (east_asian_font(document, "公文标题"), font_size(document, "公文标题")) == (
        "方正小标宋简体",
        Pt(22),
    )
    body = next(p for p in document.paragraphs if p.style.name == "Normal" and p.text)
    assert body.text == publication.published_text.split("\n\n")[0]
    assert (east_asian_font(document, "Normal"), font_size(document, "Normal")) == (
        "仿宋_GB2312",
        Pt(16),
    )
    assert defaults_r_pr(document).find(qn("w:rFonts")).get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert (east_asian_font(document, "一级标题"), font_size(document, "一级标题")) == (
        "黑体",
        Pt(16),
    )
    assert (east_asian_font(document, "二级标题"), font_size(document, "二级标题")) == (
        "楷体_GB2312",
        Pt(16),
    )


def test_the_office_s_red_mark_stands_over_the_number_and_the_red_line(
    notice: tuple[Publication, Any],
) -> None:
    publication, document = notice
    mark, number = document.paragraphs[0], document.paragraphs[1]
    assert (mark.style.name, mark.text) == ("发文机关标志", OFFICE)
    assert str(document.styles["发文机关标志"].font.color.rgb) == "FF0000"
    assert east_asian_font(document, "发文机关标志") == "方正小标宋简体"
    assert mark.style.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER
    year = timezone.localdate(publication.published_at).year
    assert (number.style.name, number.text) == ("发文字号", f"{PREFIX}〔{year}〕1号")
    line = document.styles["发文字号"].element.find(qn("w:pPr")).find(qn("w:pBdr"))[0]
    assert (line.tag, line.get(qn("w:color"))) == (qn("w:bottom"), "FF0000")


def test_the_office_signs_and_dates_the_notice_in_arabic_numerals(
    notice: tuple[Publication, Any],
) -> None:
    publication, document = notice
    day = timezone.localdate(publication.published_at)
    signed = paragraph_of_style(document, "发文机关署名")
    dated = paragraph_of_style(document, "成文日期")
    assert signed.text == OFFICE
    assert dated.text == f"{day.year}年{day.month}月{day.day}日"
    elements = [paragraph._p for paragraph in document.paragraphs]
    assert elements.index(signed._p) + 1 == elements.index(dated._p)
    right = WD_ALIGN_PARAGRAPH.RIGHT
    assert document.styles["成文日期"].paragraph_format.alignment == right
    assert document.paragraphs[-1].text == publication.audit_head


def test_pages_are_numbered_in_4hao_songti_on_the_right_of_odd_pages_and_left_of_even(
    notice: tuple[Publication, Any],
) -> None:
    document = notice[1]
    settings_xml = document.settings.element
    assert settings_xml.find(qn("w:evenAndOddHeaders")) is not None
    references = {
        ref.get(qn("w:type")) for ref in section_xml(document).findall(qn("w:footerReference"))
    }
    assert references == {"default", "even"}
    section = document.sections[0]
    for footer, side, alignment in (
        (section.footer, "w:right", WD_ALIGN_PARAGRAPH.RIGHT),
        (section.even_page_footer, "w:left", WD_ALIGN_PARAGRAPH.LEFT),
    ):
        paragraph = footer.paragraphs[0]
        assert paragraph.alignment == alignment
        # One character of 4号 (14 pt = 280 twips) in from the edge.
        assert paragraph._p.pPr.find(qn("w:ind")).get(qn(side)) == "280"
        assert paragraph.text == "— 1 —"  # the field's shown value between the dashes
        runs = paragraph._p.findall(qn("w:r"))
        assert runs[0].findtext(qn("w:t")) == "— " and runs[-1].findtext(qn("w:t")) == " —"
        instructions = [text.text for text in paragraph._p.iter(qn("w:instrText"))]
        assert [instruction.strip() for instruction in instructions] == ["PAGE"]
        kinds = [mark.get(qn("w:fldCharType")) for mark in paragraph._p.iter(qn("w:fldChar"))]
        assert kinds == ["begin", "separate", "end"]
        assert paragraph.style.name == "页码"
    assert (east_asian_font(document, "页码"), font_size(document, "页码")) == ("宋体", Pt(14))


def test_the_core_properties_name_the_office_the_title_and_chinese(
    notice: tuple[Publication, Any],
) -> None:
    publication, document = notice
    properties = document.core_properties
    assert (properties.author, properties.title, properties.language) == (
        OFFICE,
        publication.title,
        "zh-CN",
    )
    language = defaults_r_pr(document).find(qn("w:lang"))
    assert (language.get(qn("w:val")), language.get(qn("w:eastAsia"))) == ("zh-CN", "zh-CN")
    assert "python-docx" not in (properties.author + properties.comments)


def test_headings_labels_and_unit_names_take_their_paragraph_kinds() -> None:
    text = "一、总体情况\n（一）组织领导。成立领导小组。\n市档案馆\n问题：进度偏慢\n整改：已完成。"
    data = document_bytes(
        title="测试",
        text=text,
        letterhead=Letterhead(issuer=OFFICE),
        template=template_bytes("digest"),
    )
    paragraphs = {p.text: p for p in opened(data).paragraphs}
    assert paragraphs["一、总体情况"].style.name == "一级标题"
    second = paragraphs["（一）组织领导。成立领导小组。"]
    assert second.style.name == "二级标题"
    assert [run.text for run in second.runs] == ["（一）组织领导。", "成立领导小组。"]
    rest_font = second.runs[1]._r.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia"))
    assert rest_font == "仿宋_GB2312"
    assert all(run.bold for run in paragraphs["市档案馆"].runs)
    assert [(run.text, bool(run.bold)) for run in paragraphs["问题：进度偏慢"].runs] == [
        ("问题：", True),
        ("进度偏慢", False),
    ]


def test_markup_in_the_text_is_written_as_text() -> None:
    text = "标准<第3条>与“A&B”{{ title }}。"
    data = document_bytes(title="测试", text=text, letterhead=Letterhead(issuer=OFFICE))
    assert text in [p.text for p in opened(data).paragraphs]


# ---- The templates --------------------------------------------------------------------------


@pytest.mark.parametrize("name", TEMPLATE_NAMES)
def test_the_committed_templates_are_what_the_script_builds(name: str) -> None:
    committed = (SHIPPED_TEMPLATES / f"{name}.docx").read_bytes()
    assert zip_members(committed) == zip_members(template_bytes(name)), (
        "run scripts/make-docx-templates"
    )
    template_bytes.cache_clear()
    assert template_bytes(name) == template_bytes.__wrapped__(name)  # twice, the same bytes


def test_every_placeholder_is_documented() -> None:
    text = (REPOSITORY / "docs" / "official-documents.md").read_text(encoding="utf-8")
    for name in PLACEHOLDERS:
        assert f"{{{{ {name} }}}}" in text or f"{{{{r {name} }}}}" in text, name


def test_an_office_s_own_template_is_used_with_its_page_setup_kept(
    data: Dataset, office_user: Any, office_settings: Any, tmp_path: Path
) -> None:
    own = opened(template_for("notice"))
    own.paragraphs[0].runs[0].text = "{{ issuer_mark }}文件"
    own.sections[0].top_margin = Pt(100)
    own.save(tmp_path / "notice.docx")
    office_settings.XUNCHA_DOCX_TEMPLATES = str(tmp_path)
    publication = published_notice(data, office_user)
    document = opened(publication_docx(publication))
    assert document.paragraphs[0].text == f"{OFFICE}文件"
    template_section = opened((tmp_path / "notice.docx").read_bytes()).sections[0]._sectPr
    assert section_xml(document).xml == template_section.xml  # size, margins, grid, footers
    assert document.sections[0].top_margin == Pt(100)
    # The folder has no digest template: the shipped one stands in.
    assert template_for("digest") == (SHIPPED_TEMPLATES / "digest.docx").read_bytes()


# ---- The 发文字号 register --------------------------------------------------------------------


def test_numbers_run_from_1_in_each_year_and_survive_re_export(
    data: Dataset, office_user: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    at(monkeypatch, dt.datetime(2029, 12, 30, 2, 0, tzinfo=dt.UTC))
    first = published_notice(data, office_user)
    second = published_notice(data, office_user, group=data.groups[0])
    at(monkeypatch, dt.datetime(2030, 1, 2, 2, 0, tzinfo=dt.UTC))
    third = published_notice(data, office_user, group=data.groups[1])
    numbers = [publication.document_number.text for publication in (first, second, third)]
    assert numbers == [f"{PREFIX}〔2029〕1号", f"{PREFIX}〔2029〕2号", f"{PREFIX}〔2030〕1号"]
    for publication, number in zip((first, second, third), numbers, strict=True):
        for _export in range(2):
            document = opened(publication_docx(publication))
            assert paragraph_of_style(document, "发文字号").text == number
    assert DocumentNumber.objects.count() == 3
    entry = AuditEntry.objects.get(
        action="document_number.assign", scope=f"publication:{second.pk}"
    )
    assert entry.after["number"] == 2 and entry.after["year"] == 2029
    assert entry.actor_id == office_user.pk


def test_a_draft_has_no_number_and_takes_none(data: Dataset, office_user: Any) -> None:
    draft = notice_draft(actor=office_user, round_=data.round)
    document = opened(publication_docx(draft))
    assert [p.text for p in document.paragraphs if p.style.name == "发文字号"] == [""]
    assert not DocumentNumber.objects.exists()
    with pytest.raises(numbering.NumberingRefused, match="尚未发布"):
        numbering.document_number_assign(actor=office_user, publication=draft)


def test_a_publication_published_before_the_register_is_numbered_at_its_first_export(
    data: Dataset, office_user: Any
) -> None:
    numbered = published_notice(data, office_user)
    legacy = notice_draft(actor=office_user, round_=data.round, group=data.groups[0])
    Publication.objects.filter(pk=legacy.pk).update(
        status=PublicationStatus.PUBLISHED,
        published_text=legacy.draft_text,
        published_at=numbered.published_at,
    )
    legacy.refresh_from_db()
    assert not DocumentNumber.objects.filter(publication=legacy).exists()
    document = opened(publication_docx(legacy, actor=office_user))
    year = numbered.document_number.year
    assert paragraph_of_style(document, "发文字号").text == f"{PREFIX}〔{year}〕2号"
    assert DocumentNumber.objects.get(publication=legacy).assigned_by == office_user


def test_a_number_is_never_given_again(data: Dataset, office_user: Any) -> None:
    first = published_notice(data, office_user)
    with pytest.raises(ProtectedError):
        first.delete()  # a numbered publication stays, and with it its number
    again = numbering.document_number_assign(actor=office_user, publication=first)
    assert again.pk == first.document_number.pk
    assert AuditEntry.objects.filter(action="document_number.assign").count() == 1


def test_a_writer_that_loses_the_race_for_a_number_takes_the_next(
    data: Dataset, office_user: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = published_notice(data, office_user)
    published_notice(data, office_user, group=data.groups[0])  # number 2
    mine = notice_draft(actor=office_user, round_=data.round, group=data.groups[1])
    real_highest = numbering._highest
    reads: list[int] = []

    def stale_once(prefix: str, year: int) -> int:
        # The first read predates another writer's number 2: its insert of 2 collides.
        reads.append(1 if not reads else real_highest(prefix, year))
        return reads[-1]

    mine = approved(mine)
    monkeypatch.setattr(numbering, "_highest", stale_once)
    mine = publication_publish(actor=office_user, publication=mine)
    assert reads == [1, 2]
    year = first.document_number.year
    assert DocumentNumber.objects.get(publication=mine).text == f"{PREFIX}〔{year}〕3号"
    assert sorted(DocumentNumber.objects.values_list("number", flat=True)) == [1, 2, 3]


# ---- The PDF --------------------------------------------------------------------------------


def required_tools() -> None:
    """LibreOffice, pdftotext and pdffonts, or skip (fail under CI)."""
    missing = [
        name
        for name, found in (
            ("LibreOffice (libreoffice-writer-nogui)", office.office_program()),
            ("pdftotext (poppler-utils)", shutil.which("pdftotext")),
            ("pdffonts (poppler-utils)", shutil.which("pdffonts")),
        )
        if not found
    ]
    if not missing:
        return
    reason = f"missing {', '.join(missing)}; scripts/system-packages installs them"
    if os.environ.get("CI") == "true" or os.environ.get("XUNCHA_REQUIRE_LIBREOFFICE") == "1":
        pytest.fail(f"CI needs the PDF tools: {reason}")
    pytest.skip(reason)


def poppler(tool: str, pdf: Path, *arguments: str) -> str:
    return subprocess.run(
        [tool, *arguments, str(pdf), "-"] if tool == "pdftotext" else [tool, str(pdf)],
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout


TITLE = "关于测试单位巡察整改情况的通报"
SENTENCE = "截至2026年11月30日，反馈问题12个，完成整改10个。"
LONG = "甲乙丙丁戊己庚辛壬癸" * 6 + "。"


@pytest.fixture(scope="module")
def made_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A notice of some pages as a PDF, made once for the module through the app's path."""
    required_tools()
    text = "\n\n".join([SENTENCE, LONG, *(f"第{n}段。" for n in range(40))])
    letterhead = Letterhead(issuer=OFFICE, number=f"{PREFIX}〔2026〕1号")
    document = document_bytes(
        title=TITLE, text=text, letterhead=letterhead, template=template_bytes("notice")
    )
    path = tmp_path_factory.mktemp("gongwen") / "notice.pdf"
    path.write_bytes(pdf_of(document))
    return path


def test_the_pdf_holds_the_title_and_the_text(made_pdf: Path) -> None:
    text = "".join(poppler("pdftotext", made_pdf).split())
    assert TITLE in text and "".join(SENTENCE.split()) in text and OFFICE in text
    assert "—1—" in text and "—2—" in text  # the page numbers


def test_the_pdf_embeds_a_free_cjk_font(made_pdf: Path) -> None:
    rows = poppler("pdffonts", made_pdf).splitlines()[2:]
    assert rows, "no fonts listed"
    assert any("WenQuanYi" in row for row in rows), rows
    # name, type, encoding, then emb sub uni and the object: every font embedded.
    assert all(row.split()[-5] == "yes" for row in rows), rows


def test_the_pdf_is_a4_with_28_characters_to_a_line_and_22_lines_to_a_page(
    made_pdf: Path,
) -> None:
    info = subprocess.run(
        ["pdfinfo", str(made_pdf)], check=True, capture_output=True, text=True
    ).stdout
    assert "(A4)" in info
    lines = [line.strip() for line in poppler("pdftotext", made_pdf).splitlines()]
    start = lines.index(LONG[:26])  # its first line, indented two characters
    assert lines[start + 1] == LONG[26:54]  # a full line: 28 characters
    second_page = poppler("pdftotext", made_pdf, "-f", "2", "-l", "2")
    body_lines = [line for line in second_page.splitlines() if line.strip().startswith("第")]
    assert len(body_lines) == 22


def test_without_libreoffice_the_pdf_is_refused_with_a_message(
    monkeypatch: pytest.MonkeyPatch, office_settings: Any, settings: Any, tmp_path: Path
) -> None:
    settings.DATA_DIR = tmp_path  # an empty PDF cache
    monkeypatch.setattr(office, "office_program", lambda *fallback: None)
    with pytest.raises(PdfUnavailable, match="LibreOffice") as refused:
        pdf_of(template_bytes("notice"))
    assert ".docx" in refused.value.message


def test_a_document_converted_once_is_not_converted_again(
    monkeypatch: pytest.MonkeyPatch, office_settings: Any, settings: Any, tmp_path: Path
) -> None:
    required_tools()
    settings.DATA_DIR = tmp_path
    document = template_bytes("notice")
    first = pdf_of(document)
    monkeypatch.setattr(office, "office_program", lambda *fallback: None)  # no LibreOffice now

    assert pdf_of(document) == first
    assert list((tmp_path / "cache" / "pdf").glob("*.pdf"))


def test_the_command_writes_the_notice_as_docx_and_pdf(data: Dataset, tmp_path: Path) -> None:
    required_tools()
    call_command(
        "export_notice",
        "--round",
        data.round.name,
        "--docx",
        str(tmp_path / "notice.docx"),
        "--pdf",
        str(tmp_path / "notice.pdf"),
        stdout=io.StringIO(),
    )
    document = opened((tmp_path / "notice.docx").read_bytes())
    numbers = [p.text for p in document.paragraphs if p.style.name == "发文字号"]
    assert numbers == [""]  # composed, not issued: no 发文字号
    text = "".join(poppler("pdftotext", tmp_path / "notice.pdf").split())
    assert title_of(document) in text


def test_the_command_says_when_no_pdf_can_be_made(
    data: Dataset, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    settings.DATA_DIR = tmp_path  # an empty PDF cache
    monkeypatch.setattr(office, "office_program", lambda *fallback: None)
    with pytest.raises(CommandError, match="LibreOffice"):
        call_command("export_notice", "--round", data.round.name, "--pdf", str(tmp_path / "n.pdf"))
    assert not (tmp_path / "n.pdf").exists()
