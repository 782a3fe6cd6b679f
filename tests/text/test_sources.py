"""Files as offices receive them: text in every encoding, Word (.docx, .doc), PDF, pastes."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from pathlib import Path

import docx
import pytest
from PIL import Image

from xuncha.text.reading import read_document
from xuncha.text.sources import SourceError, source_pasted, source_read

NOTICE_LINES = [
    "中共某县档案馆党支部关于巡察整改进展情况的通报",
    "根据县委统一部署，县委第一巡察组对县档案馆党支部进行了巡察。现将整改进展情况通报如下。",
    "问题1：档案数字化进度偏慢。",
    "整改情况：一是增加扫描设备2台。二是聘请专业团队，完成数字化1.2万卷。",
    "完成情况：已完成",
]
TABLE = [["单位", "问题数"], ["县档案馆", "12"]]


def soffice() -> str:
    """LibreOffice's binary, or skip (fail under XUNCHA_REQUIRE_LIBREOFFICE=1)."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found:
        return found
    reason = "LibreOffice is not installed (make install installs it)"
    if os.environ.get("XUNCHA_REQUIRE_LIBREOFFICE") == "1":
        pytest.fail(f"XUNCHA_REQUIRE_LIBREOFFICE=1 but {reason}")
    pytest.skip(reason)


def docx_bytes() -> bytes:
    document = docx.Document()
    document.add_paragraph(NOTICE_LINES[0])
    document.add_paragraph(NOTICE_LINES[1])
    table = document.add_table(rows=2, cols=2)
    for row, values in zip(table.rows, TABLE, strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    for line in NOTICE_LINES[2:]:
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """The test's .docx, and the .doc and .pdf LibreOffice makes of it (once per module)."""
    office = soffice()
    folder = tmp_path_factory.mktemp("office")
    source = folder / "notice.docx"
    source.write_bytes(docx_bytes())
    made = {"docx": source.read_bytes()}
    for kind in ("doc", "pdf"):
        subprocess.run(
            [
                office,
                f"-env:UserInstallation={(folder / 'profile').as_uri()}",
                "--headless",
                "--convert-to",
                kind,
                "--outdir",
                str(folder),
                str(source),
            ],
            check=True,
            capture_output=True,
            timeout=180,
            env={**os.environ, "HOME": str(folder)},
        )
        made[kind] = (folder / f"notice.{kind}").read_bytes()
    return made


def test_a_docx_gives_its_paragraphs_and_table_rows_in_order() -> None:
    source = source_read(docx_bytes(), "notice.docx")
    assert source.kind == "docx"
    lines = source.text.split("\n")
    assert lines[:4] == [NOTICE_LINES[0], NOTICE_LINES[1], "单位\t问题数", "县档案馆\t12"]
    assert lines[4:] == NOTICE_LINES[2:]


@pytest.mark.parametrize("kind", ["docx", "doc", "pdf"])
def test_word_and_pdf_files_made_by_libreoffice_are_read_as_a_disclosure(
    converted: dict[str, bytes], kind: str
) -> None:
    source = source_read(converted[kind], f"notice.{kind}")
    assert source.kind == kind
    document = read_document(source.text, source_kind=source.kind)
    assert document.form == "disclosure"
    assert [unit.name for unit in document.units] == ["县档案馆党支部"]
    (problem,) = document.problems
    assert problem.title == "档案数字化进度偏慢"
    assert [m.text for m in problem.rectification.measures] == [
        "增加扫描设备2台。",
        "聘请专业团队，完成数字化1.2万卷。",
    ]
    assert problem.rectification.status == "done"


def test_a_wps_file_is_converted_like_a_doc(converted: dict[str, bytes]) -> None:
    source = source_read(converted["doc"], "notice.wps")
    assert source.kind == "wps"
    assert NOTICE_LINES[2] in source.text


TEXT = "\n".join(NOTICE_LINES)


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (TEXT.encode("utf-8"), "UTF-8"),
        (b"\xef\xbb\xbf" + TEXT.encode("utf-8"), "UTF-8 (BOM)"),
        (TEXT.encode("gbk"), "GB18030"),
        (TEXT.encode("utf-16-le"), "UTF-16LE"),
        (TEXT.encode("utf-16-be"), "UTF-16BE"),
        (TEXT.encode("utf-16"), "UTF-16LE (BOM)"),
    ],
)
def test_text_in_every_encoding_is_read_and_its_encoding_named(data: bytes, encoding: str) -> None:
    source = source_read(data, "notice.txt")
    assert source.text == TEXT
    assert source.encoding == encoding
    assert bool(source.warnings) == (encoding == "GB18030")


def test_a_scanned_pdf_is_refused_with_a_message_saying_so(tmp_path: Path) -> None:
    out = io.BytesIO()
    Image.new("RGB", (400, 300), "white").save(out, format="PDF")
    with pytest.raises(SourceError, match="扫描件"):
        source_read(out.getvalue(), "scan.pdf")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "为空"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x01", "二进制"),
        ("第一行\n第二行".encode() + b"\n\xff\xfe\xfa\x80", "无法识别"),
        (b"PK\x03\x04not really a zip", "压缩文件"),
        (b"%PDF-1.4\nbroken", "PDF"),
    ],
)
def test_bad_files_get_a_clear_error(data: bytes, message: str) -> None:
    with pytest.raises(SourceError, match=message):
        source_read(data, "bad.bin")


def test_undecodable_bytes_name_their_line() -> None:
    data = "第一行\n第二行\n".encode() + b"\xff\xfe\xfa\x80\x81"
    with pytest.raises(SourceError) as caught:
        source_read(data, "bad.txt")
    assert caught.value.line == 3


def test_pasted_text_is_read_and_an_empty_paste_refused() -> None:
    assert source_pasted(TEXT).kind == "pasted"
    with pytest.raises(SourceError, match="为空"):
        source_pasted("  \n ")
