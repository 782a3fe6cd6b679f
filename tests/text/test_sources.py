"""Files as offices receive them: text in every encoding, Word (.docx, .doc, .wps), PDF, pastes.

The .doc and the PDF are made by LibreOffice from a .docx the test writes, once per module. The
tests that need LibreOffice skip without it, and fail when ``XUNCHA_REQUIRE_LIBREOFFICE=1`` is
set (as ``.ci/run`` does): CI must never pass by skipping them.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from pathlib import Path

import docx
import pytest
from PIL import Image

from xuncha.text import sources
from xuncha.text.sources import SourceError, source_pasted, source_read

TITLE = "中共某县档案馆党支部关于巡察整改进展情况的公告"
PARAGRAPH = "根据县委统一部署，县委第一巡察组对县档案馆党支部进行了巡察。现将整改进展情况公告如下。"
TABLE = [["问题", "整改情况"], ["档案数字化进度偏慢", "已增加扫描设备2台"]]
CLOSING = "欢迎广大干部群众监督，联系电话：0000-1234567。"
TEXT = "\n".join([TITLE, PARAGRAPH, *("\t".join(row) for row in TABLE), CLOSING])


def require_libreoffice() -> str:
    """LibreOffice's program; skip the calling test without it (fail under CI's require flag)."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found:
        return found
    if sources.OFFICE_FALLBACK.is_file():
        return str(sources.OFFICE_FALLBACK)
    reason = "LibreOffice is absent; install libreoffice-writer-nogui (make install does)"
    if os.environ.get("XUNCHA_REQUIRE_LIBREOFFICE") == "1":
        pytest.fail(f"XUNCHA_REQUIRE_LIBREOFFICE=1 but {reason}")
    pytest.skip(reason)


def notice_docx() -> bytes:
    """A short disclosure-like notice: a title, a paragraph, a 2x2 table, a closing line."""
    document = docx.Document()
    document.add_paragraph(TITLE)
    document.add_paragraph(PARAGRAPH)
    table = document.add_table(rows=2, cols=2)
    for row, values in zip(table.rows, TABLE, strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    document.add_paragraph(CLOSING)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def converted_by_libreoffice(source: Path, kinds: tuple[str, ...]) -> dict[str, bytes]:
    """``source`` converted by LibreOffice into each of ``kinds`` (doc, pdf), beside it."""
    office = require_libreoffice()
    folder = source.parent
    made: dict[str, bytes] = {}
    for kind in kinds:
        command = [
            office,
            f"-env:UserInstallation={(folder / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            kind,
            "--outdir",
            str(folder),
            str(source),
        ]
        env = {**os.environ, "HOME": str(folder)}
        subprocess.run(command, check=True, capture_output=True, timeout=180, env=env)
        made[kind] = (folder / f"{source.stem}.{kind}").read_bytes()
    return made


@pytest.fixture(scope="module")
def made_by_libreoffice(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """The notice as .doc and as .pdf, converted by LibreOffice from :func:`notice_docx`."""
    require_libreoffice()
    source = tmp_path_factory.mktemp("office") / "notice.docx"
    source.write_bytes(notice_docx())
    return converted_by_libreoffice(source, ("doc", "pdf"))


def pdf_bytes(objects: list[bytes], trailer: bytes = b"") -> bytes:
    """A PDF file of ``objects`` (numbered from 1, the first the catalogue), with its xref."""
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R ".encode() + trailer
    return out + f">>\nstartxref\n{xref}\n%%EOF\n".encode()


def one_page_pdf(content: bytes, font: bytes, *more: bytes, pages: int = 1) -> bytes:
    """A PDF whose first page shows ``content`` in ``font`` (object 5); ``pages`` − 1 blank
    pages follow it; ``more`` are objects 6, 7, …"""
    blank = len(more) + 6
    kids = " ".join(["3 0 R", *(f"{blank + index} 0 R" for index in range(pages - 1))])
    return pdf_bytes(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>".encode(),
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842]"
            b" /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
            b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
            font,
            *more,
            *[b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"] * (pages - 1),
        ]
    )


HELVETICA = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
ENGLISH = b"BT /F1 12 Tf 72 700 Td (Rectification of the archive digitisation is done.) Tj ET"
GLYPHS = b"BT /F1 24 Tf 72 700 Td <" + b"".join(b"%04x" % n for n in range(1, 60)) + b"> Tj ET"
CID_FONT = [
    b"<< /Type /Font /Subtype /Type0 /BaseFont /Song /Encoding /Identity-H"
    b" /DescendantFonts [6 0 R] >>",
    b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /Song /CIDSystemInfo << /Registry (Adobe)"
    b" /Ordering (Identity) /Supplement 0 >> /FontDescriptor 7 0 R /DW 1000 >>",
    b"<< /Type /FontDescriptor /FontName /Song /Flags 4 /FontBBox [0 0 1000 1000]"
    b" /ItalicAngle 0 /Ascent 800 /Descent -200 /CapHeight 700 /StemV 80 >>",
]
TO_PRIVATE_USE = (
    b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CIDSystemInfo << /Registry"
    b" (Adobe) /Ordering (UCS) /Supplement 0 >> def /CMapName /Adobe-Identity-UCS def"
    b" /CMapType 2 def 1 begincodespacerange <0000> <FFFF> endcodespacerange 1 beginbfrange"
    b" <0001> <003B> <E000> endbfrange endcmap CMapName currentdict /CMap defineresource pop"
    b" end end"
)

# The same font with a code table that maps every glyph into the private use area.
PRIVATE_USE_FONT = [
    CID_FONT[0].removesuffix(b">>") + b"/ToUnicode 8 0 R >>",
    *CID_FONT[1:],
    b"<< /Length %d >>\nstream\n" % len(TO_PRIVATE_USE) + TO_PRIVATE_USE + b"\nendstream",
]


# Word and PDF ---------------------------------------------------------------------------------


def test_a_docx_gives_its_paragraphs_and_table_rows_in_body_order() -> None:
    source = source_read(notice_docx(), "公告.docx")
    assert (source.kind, source.encoding, source.name, source.warnings) == (
        "docx",
        None,
        "公告.docx",
        (),
    )
    assert source.text == TEXT


def test_merged_table_cells_are_given_once() -> None:
    document = docx.Document()
    table = document.add_table(rows=3, cols=3)
    table.cell(0, 0).merge(table.cell(0, 1)).text = "单位"
    table.cell(0, 2).text = "问题数"
    table.cell(1, 0).merge(table.cell(2, 0)).text = "县档案馆"
    for row, (measure, count) in enumerate([("增设备", "1"), ("聘团队", "2")], start=1):
        table.cell(row, 1).text = measure
        table.cell(row, 2).text = count
    out = io.BytesIO()
    document.save(out)
    text = source_read(out.getvalue(), "表.docx").text
    assert text.split("\n") == ["单位\t问题数", "县档案馆\t增设备\t1", "\t聘团队\t2"]


def test_a_doc_made_by_libreoffice_is_read_through_libreoffice(
    made_by_libreoffice: dict[str, bytes],
) -> None:
    source = source_read(made_by_libreoffice["doc"], "公告.doc")
    assert source.kind == "doc"
    assert source.text.split("\n") == TEXT.split("\n")


def test_a_wps_file_is_converted_like_a_doc(made_by_libreoffice: dict[str, bytes]) -> None:
    source = source_read(made_by_libreoffice["doc"], "公告.wps")
    assert source.kind == "wps"
    assert TITLE in source.text and "档案数字化进度偏慢" in source.text


def test_a_pdf_made_by_libreoffice_gives_its_chinese_text(
    made_by_libreoffice: dict[str, bytes],
) -> None:
    source = source_read(made_by_libreoffice["pdf"], "公告.pdf")
    assert (source.kind, source.encoding, source.warnings) == ("pdf", None, ())
    text = "".join(source.text.split())
    for part in (TITLE, PARAGRAPH, CLOSING, *TABLE[1]):
        assert "".join(part.split()) in text


def test_word_s_rtf_under_a_doc_name_is_converted() -> None:
    require_libreoffice()
    rtf = rb"{\rtf1\ansi\ansicpg936\uc1{\fonttbl{\f0 SimSun;}}\f0 \u20844?\u21578? 2024\par}"
    source = source_read(rtf, "公告.doc")
    assert (source.kind, source.text) == ("doc", "公告 2024")


def test_without_libreoffice_a_doc_is_refused_saying_what_to_do(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    monkeypatch.setattr(sources, "OFFICE_FALLBACK", tmp_path / "soffice")
    with pytest.raises(SourceError, match="LibreOffice") as caught:
        source_read(sources._OLE2 + b"\x00" * 504, "公告.wps")
    assert "make install" in caught.value.message and ".docx" in caught.value.message
    assert caught.value.source == "公告.wps"


@pytest.mark.parametrize(
    ("script", "message"),
    [("sleep 30 & wait", "超时"), ("exit 1", "无法转换"), ("exit 0", "无法转换")],
    ids=["hangs", "fails", "writes-nothing"],
)
def test_a_conversion_that_hangs_or_fails_is_refused(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, script: str, message: str
) -> None:
    office = tmp_path / "soffice"
    office.write_text(f"#!/bin/sh\n{script}\n")
    office.chmod(0o755)
    monkeypatch.setattr(shutil, "which", lambda name: str(office))
    monkeypatch.setattr(sources, "CONVERT_TIMEOUT_SECONDS", 1)
    with pytest.raises(SourceError, match=message) as caught:
        source_read(sources._OLE2 + b"\x00" * 504, "公告.doc")
    assert "另存为.docx" in caught.value.message


def test_a_scanned_pdf_is_refused_with_a_message_saying_so() -> None:
    out = io.BytesIO()
    Image.new("RGB", (600, 800), "white").save(out, format="PDF")
    with pytest.raises(SourceError, match="扫描件") as caught:
        source_read(out.getvalue(), "扫描.pdf")
    assert "没有文字层" in caught.value.message and "Word" in caught.value.message


@pytest.mark.parametrize(
    "data",
    [
        one_page_pdf(GLYPHS, *CID_FONT),  # (cid:NN): a font without a code table
        one_page_pdf(GLYPHS, *PRIVATE_USE_FONT),  # code points no standard gives a meaning to
    ],
    ids=["cid", "private-use"],
)
def test_a_garbled_text_layer_is_refused(data: bytes) -> None:
    with pytest.raises(SourceError, match="乱码"):
        source_read(data, "乱码.pdf")


def test_a_blank_page_in_a_pdf_with_text_is_named_in_a_warning() -> None:
    source = source_read(one_page_pdf(ENGLISH, HELVETICA, pages=2), "notice.pdf")
    assert source.text == "Rectification of the archive digitisation is done.\n"
    assert len(source.warnings) == 1 and "第2页" in source.warnings[0]


def test_an_encrypted_pdf_is_refused() -> None:
    encrypt = b"<< /Filter /Standard /V 1 /R 2 /O <%s> /U <%s> /P -4 >>" % (b"0" * 64, b"1" * 64)
    data = one_page_pdf(ENGLISH, HELVETICA, encrypt)
    data = data.replace(b"/Root 1 0 R ", b"/Root 1 0 R /Encrypt 6 0 R /ID [<ab> <ab>] ")
    with pytest.raises(SourceError, match="密码"):
        source_read(data, "加密.pdf")


# Text -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (TEXT.encode("utf-8"), "UTF-8"),
        (b"\xef\xbb\xbf" + TEXT.encode("utf-8"), "UTF-8 (BOM)"),
        (TEXT.encode("gbk"), "GB18030"),
        (TEXT.encode("utf-16-le"), "UTF-16LE"),
        (TEXT.encode("utf-16-be"), "UTF-16BE"),
        (b"\xff\xfe" + TEXT.encode("utf-16-le"), "UTF-16LE (BOM)"),
        (b"\xfe\xff" + TEXT.encode("utf-16-be"), "UTF-16BE (BOM)"),
    ],
)
def test_text_in_every_encoding_is_read_and_its_encoding_named(data: bytes, encoding: str) -> None:
    source = source_read(data, "公告.txt")
    assert (source.text, source.kind, source.encoding) == (TEXT, "text", encoding)
    assert bool(source.warnings) == (encoding == "GB18030")
    if source.warnings:
        assert "GB18030" in source.warnings[0] and "核对" in source.warnings[0]


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_bom_is_told_by_where_its_nul_bytes_stand(codec: str) -> None:
    for text in ("Rectification report\r\nline two\r\n", "一、整改情况\r\n（一）1.2万卷"):
        assert source_read(text.encode(codec), "a.txt").text == text


def test_line_breaks_are_kept_as_decoded() -> None:
    assert source_read("甲\r\n乙\r丙".encode(), "a.txt").text == "甲\r\n乙\r丙"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "为空"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00", "二进制"),
        (b"\x00\x01\x02\x03" * 50, "二进制"),
        (b"PK\x03\x04not a zip at all", "不是Word文档"),
        (b"%PDF-1.4\nbroken", "PDF文件已损坏"),
        (b"\xff\xd8\xff\xe0\x80\x81JFIF", "无法识别"),
    ],
)
def test_bad_files_get_a_clear_error(data: bytes, message: str) -> None:
    with pytest.raises(SourceError, match=message) as caught:
        source_read(data, "bad.bin")
    assert caught.value.source == "bad.bin"


@pytest.mark.parametrize("codec", ["utf-8", "gbk"])
def test_undecodable_bytes_name_their_line(codec: str) -> None:
    data = "第一行\n第二行\n第三".encode(codec) + b"\xff\xfe\xfa\x80\x81"
    with pytest.raises(SourceError) as caught:
        source_read(data, "bad.txt")
    assert caught.value.line == 3
    assert str(caught.value).startswith("第3行: 文件不是UTF-8")
    assert "另存为UTF-8" in caught.value.message


def test_an_empty_file_is_refused_at_its_first_line() -> None:
    with pytest.raises(SourceError) as caught:
        source_read(b"", "empty.txt")
    assert str(caught.value) == f"第1行: {caught.value.message}"


def test_pasted_text_is_read_and_an_empty_or_binary_paste_refused() -> None:
    source = source_pasted("\ufeff" + TEXT)
    assert (source.text, source.kind, source.encoding) == (TEXT, "pasted", None)
    with pytest.raises(SourceError, match="为空"):
        source_pasted("  \n\u3000 ")
    with pytest.raises(SourceError, match="二进制") as caught:
        source_pasted("甲\n乙\x00")
    assert caught.value.line == 2


def test_a_pdf_paragraph_wrapped_by_the_layout_comes_back_as_one_line() -> None:
    page = "\n".join(
        [
            "一、整改工作组织情况",
            "局党组召开专题会议研究部署整改工作，成立整改",
            "工作领导小组，逐项制定措施。",
            "二、反馈问题整改落实情况",
        ]
    )
    assert sources.unwrapped(page).split("\n") == [
        "一、整改工作组织情况",
        "局党组召开专题会议研究部署整改工作，成立整改工作领导小组，逐项制定措施。",
        "二、反馈问题整改落实情况",
    ]
