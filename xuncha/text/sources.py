"""Turning what an office receives into text: a file (text, .docx, .doc, .wps, .pdf) or a paste.

The kind is told by the bytes (``%PDF-``, a zip holding ``word/document.xml``, an OLE2 file), the
name's extension only breaking ties. Text is UTF-8 (with or without a BOM), UTF-16 (with a BOM,
or little/big-endian without one, told by where its NUL bytes stand), or GB18030 (GBK's
superset); the encoding read is named so the preview can say it. Word files are read with
python-docx, paragraphs and tables in body order; .doc and .wps go through LibreOffice in
headless mode first; PDFs give their text layer through pdfplumber. Every refusal is a
:class:`SourceError` with a message that says what to do.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Source", "SourceError", "source_pasted", "source_read"]

CONVERT_TIMEOUT_SECONDS = 120
# A text layer this share of whose characters are not plausibly text is garbled.
PLAUSIBLE_SHARE = 0.9
# A PDF page with fewer characters than this on average has no text layer (a scan).
SCANNED_CHARACTERS_PER_PAGE = 20
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass(frozen=True)
class Source:
    """A file's text as read, what it was, and the encoding its text was in."""

    text: str
    kind: str  # text, docx, doc, wps, pdf, pasted
    encoding: str | None
    name: str = ""
    warnings: tuple[str, ...] = ()


class SourceError(Exception):
    """A file that cannot be turned into text; ``message`` says why and what to do."""

    def __init__(self, message: str, line: int | None = None, *, source: str = "") -> None:
        self.message = message
        self.line = line
        self.source = source
        super().__init__(f"第{line}行: {message}" if line is not None else message)


def source_pasted(text: str) -> Source:
    """Text pasted into the import page."""
    if not text.strip():
        raise SourceError("粘贴的内容为空")
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise SourceError("粘贴的内容含有二进制数据(NUL字符)，不是文本", line)
    return Source(text.removeprefix("\ufeff"), "pasted", None, "")


def source_read(data: bytes, name: str) -> Source:
    """Read a file's bytes into text; ``name`` (its file name) names it in messages."""
    try:
        return _read(data, name)
    except SourceError as error:
        error.source = name
        raise


def _read(data: bytes, name: str) -> Source:
    extension = Path(name).suffix.lower()
    if not data:
        raise SourceError("文件为空，没有任何内容", 1)
    if data.startswith(b"%PDF-"):
        return _pdf(data, name)
    if data.startswith(b"PK\x03\x04"):
        if _is_docx(data):
            return _docx(data, name, "docx")
        raise SourceError("这是一个压缩文件，不是Word文档(.docx)；请上传文档本身")
    if data.startswith(_OLE2):
        return _converted(data, name, "wps" if extension == ".wps" else "doc")
    return _text(data, name)


# Text ---------------------------------------------------------------------------------------


def _text(data: bytes, name: str) -> Source:
    for bom, codec, label in (
        (b"\xef\xbb\xbf", "utf-8", "UTF-8 (BOM)"),
        (b"\xff\xfe", "utf-16-le", "UTF-16LE (BOM)"),
        (b"\xfe\xff", "utf-16-be", "UTF-16BE (BOM)"),
    ):
        if data.startswith(bom):
            return Source(_decode(data[len(bom) :], codec, label), "text", label, name)
    utf16 = _utf16_without_bom(data)
    if utf16:
        codec, label = utf16
        return Source(_decode(data, codec, label), "text", label, name)
    if b"\x00" in data:
        line = data.count(b"\n", 0, data.index(b"\x00")) + 1
        raise SourceError("文件是二进制数据(含NUL字节)，不是文本、Word或PDF文件", line)
    try:
        return Source(data.decode("utf-8"), "text", "UTF-8", name)
    except UnicodeDecodeError as error:
        bad_line = data.count(b"\n", 0, error.start) + 1
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        text = ""
    if text and _plausible(text) >= PLAUSIBLE_SHARE:
        warning = "文件不是UTF-8编码，已按GB18030(GBK)编码读取，请核对文字"
        return Source(text, "text", "GB18030", name, (warning,))
    raise SourceError("文件不是UTF-8、GB18030(GBK)或UTF-16编码的文本，无法识别此处的字节", bad_line)


def _utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    """UTF-16 without a BOM: ASCII and CJK text put NUL bytes at every other position, and no
    other encoding the offices use holds NUL bytes at all."""
    if len(data) < 2 or len(data) % 2 or b"\x00" not in data:
        return None
    for codec, label in (("utf-16-le", "UTF-16LE"), ("utf-16-be", "UTF-16BE")):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text and _plausible(text) >= PLAUSIBLE_SHARE:
            return codec, label
    return None


def _decode(data: bytes, codec: str, label: str) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as error:
        line = data[: error.start].decode(codec, errors="replace").count("\n") + 1
        raise SourceError(f"文件标明为{label}编码，但无法按此编码解码", line) from error


def _plausible(text: str) -> float:
    """The share of characters that belong in Chinese or English prose."""
    if not text:
        return 0.0
    usual = sum(
        1
        for char in text
        if (char.isascii() and (char.isprintable() or char in "\t\n\r\f"))
        or "\u4e00" <= char <= "\u9fff"  # common CJK ideographs
        or "\u3400" <= char <= "\u4dbf"  # extension A
        or "\u3000" <= char <= "\u303f"  # CJK punctuation
        or "\uff00" <= char <= "\uffef"  # full-width forms
        or "\u2000" <= char <= "\u206f"  # general punctuation: quotes, dashes
        or "\u00a0" <= char <= "\u00ff"  # Latin-1: ·, ×, °
        or "\u2460" <= char <= "\u24ff"  # ①
        or "\u25a0" <= char <= "\u25ff"  # ■ ○
    )
    return usual / len(text)


# Word ---------------------------------------------------------------------------------------


def _is_docx(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "word/document.xml" in archive.namelist()
    except zipfile.BadZipFile:
        return False


def _docx(data: bytes, name: str, kind: str) -> Source:
    import docx  # python-docx: imported here, the text readers need it only for Word files
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile) as error:
        raise SourceError("Word文档已损坏，无法打开；请在Word中另存为.docx后再试") from error
    lines = list(_body_lines(document))
    text = "\n".join(lines)
    if not text.strip():
        raise SourceError("Word文档中没有文字")
    return Source(text, kind, None, name)


def _body_lines(document: object) -> Iterator[str]:
    """Paragraphs and table rows in the order the body holds them."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    body = document.element.body  # type: ignore[attr-defined]
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            yield Paragraph(child, document).text  # type: ignore[arg-type]
        elif tag == "tbl":
            yield from _table_lines(Table(child, document))  # type: ignore[arg-type]


def _table_lines(table: object) -> Iterator[str]:
    for row in table.rows:  # type: ignore[attr-defined]
        cells: list[str] = []
        seen: set[int] = set()
        for cell in row.cells:
            if id(cell._tc) in seen:  # a merged cell appears once per column it spans
                continue
            seen.add(id(cell._tc))
            cells.append(cell.text.strip())
        yield "\t".join(cells)


def _converted(data: bytes, name: str, kind: str) -> Source:
    """A .doc or .wps file, converted to .docx by LibreOffice in headless mode."""
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is None:
        raise SourceError(
            f"读取.{kind}文件需要LibreOffice，本机未安装(make install 会安装)；"
            "也可以在Word或WPS中另存为.docx后再导入"
        )
    with tempfile.TemporaryDirectory(prefix="xuncha-convert-") as folder:
        source = Path(folder) / f"source.{kind}"
        source.write_bytes(data)
        profile = Path(folder) / "profile"
        command = [
            office,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "docx",
            "--outdir",
            folder,
            str(source),
        ]
        try:
            subprocess.run(
                command,
                check=True,
                capture_output=True,
                timeout=CONVERT_TIMEOUT_SECONDS,
                env={**os.environ, "HOME": folder},
            )
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as error:
            raise SourceError(
                f"LibreOffice无法转换这个.{kind}文件；请在Word或WPS中另存为.docx后再导入"
            ) from error
        converted = Path(folder) / "source.docx"
        if not converted.is_file():
            raise SourceError(f"这个.{kind}文件无法转换；请在Word或WPS中另存为.docx后再导入")
        return _docx(converted.read_bytes(), name, kind)


# PDF ----------------------------------------------------------------------------------------


def _pdf(data: bytes, name: str) -> Source:
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfplumber.utils.exceptions import PdfminerException

    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            pages = [page.extract_text() or "" for page in pdf.pages]
    except (PDFPasswordIncorrect, PDFEncryptionError) as error:
        raise SourceError("PDF文件有密码保护，无法读取；请提供未加密的文件") from error
    except (PdfminerException, PDFSyntaxError, ValueError, KeyError, TypeError) as error:
        raise SourceError("PDF文件已损坏，无法读取") from error
    text = "\n".join(pages)
    letters = len("".join(text.split()))
    if not pages or letters < SCANNED_CHARACTERS_PER_PAGE * len(pages):
        raise SourceError(
            "这份PDF是扫描件，没有文字层，无法读取文字；请提供Word文档或文字版PDF(或先做文字识别)"
        )
    if "(cid:" in text or _plausible(text) < PLAUSIBLE_SHARE:
        raise SourceError(
            "这份PDF的文字层是乱码(字体没有正确的编码表)，无法读取；请提供Word文档或文字版"
        )
    return Source(text, "pdf", None, name)
