"""Turning what an office receives into text: a file (text, .docx, .doc, .wps, .pdf) or a paste.

The kind is told by the bytes (``%PDF-``, a zip holding ``word/document.xml``, an OLE2 or RTF
file), the name's extension only telling a .wps from a .doc. Text is UTF-8 (with or without a
BOM), UTF-16 (with a BOM, or little/big-endian without one, told by where its NUL bytes stand),
or GB18030 (GBK's superset); the encoding read is named so that the import preview can show it.
Word files are read with python-docx, paragraphs and table rows in body order; .doc and .wps go
through LibreOffice in headless mode first; PDFs give their text layer through pdfplumber.
Every refusal is a :class:`SourceError` whose message says what is wrong and what to do.
"""

from __future__ import annotations

import io
import re
import tempfile
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import docx
import pdfplumber
from docx.document import Document as WordDocument
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.table import CT_Tc
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfplumber.page import Page

from xuncha.text.office import OfficeFailed, OfficeTimeout, office_program, office_run

__all__ = ["Source", "SourceError", "source_pasted", "source_read"]

# Under the worker timeout (120 s): a hung conversion fails its request, not the worker.
CONVERT_TIMEOUT_SECONDS = 90
# Text of which a smaller share of characters belongs in Chinese or English prose is not text.
PLAUSIBLE_SHARE = 0.9
# A PDF with fewer characters than this per page on average has no text layer: a scan.
SCANNED_CHARACTERS_PER_PAGE = 20
# A page of a PDF with text elsewhere that has fewer characters than this is named in a warning.
EMPTY_PAGE_CHARACTERS = 5
OFFICE_FALLBACK = Path("/usr/bin/soffice")

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_RTF = b"{\\rtf"
_BOMS = (
    (b"\xef\xbb\xbf", "utf-8", "UTF-8 (BOM)"),
    (b"\xff\xfe", "utf-16-le", "UTF-16LE (BOM)"),
    (b"\xfe\xff", "utf-16-be", "UTF-16BE (BOM)"),
)
_USUAL_RANGES = (
    ("\u4e00", "\u9fff"),  # CJK unified ideographs
    ("\u3000", "\u303f"),  # CJK punctuation: 、。《》【】
    ("\uff00", "\uffef"),  # full-width forms: ，：；（）
    ("\u2000", "\u206f"),  # general punctuation: “”‘’—…
    ("\u2100", "\u218f"),  # letter-like symbols and number forms: ℃ № Ⅰ Ⅱ
    ("\u2190", "\u22ff"),  # arrows and mathematical operators: → ≥ ≤
    ("\u2460", "\u24ff"),  # enclosed numbers: ① ⑴
    ("\u2500", "\u25ff"),  # box drawing and geometric shapes: ■ ○ ★
    ("\u2600", "\u26ff"),  # ☆ ☑
)
_USUAL_SIGNS = frozenset("\u00a0·×÷°±§¥©®")
_CID = re.compile(r"\(cid:\d+\)")
_KANGXI_RADICALS = re.compile("[\u2f00-\u2fd5]")
_OLE2_MESSAGE = "在Word或WPS中另存为.docx后再导入"


@dataclass(frozen=True)
class Source:
    """A file's text as read (a BOM stripped), what it was, and the encoding its text was in."""

    text: str
    kind: str  # text, docx, doc, wps, pdf, pasted
    encoding: str | None  # for text: "UTF-8", "UTF-8 (BOM)", "GB18030", "UTF-16LE", …
    name: str = ""
    warnings: tuple[str, ...] = ()


class SourceError(Exception):
    """A file that cannot be turned into text; ``message`` says why and what to do."""

    def __init__(self, message: str, line: int | None = None, *, source: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.source = source

    def __str__(self) -> str:
        return f"第{self.line}行: {self.message}" if self.line is not None else self.message


def source_pasted(text: str) -> Source:
    """Text pasted into the import page; an empty paste and binary data are refused."""
    if not text.strip():
        raise SourceError("粘贴的内容为空；请粘贴要导入的文字")
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise SourceError("粘贴的内容含有二进制数据(NUL字符)，不是文字；请重新复制原文", line)
    return Source(text.removeprefix("\ufeff"), "pasted", None)


def source_read(data: bytes, name: str) -> Source:
    """Read a file's bytes into text; ``name`` (its file name) is the error's ``source``."""
    try:
        return _read(data, name)
    except SourceError as error:
        error.source = name
        raise


def _read(data: bytes, name: str) -> Source:
    """Tell the kind by the content, then read it as that kind."""
    if not data:
        raise SourceError("文件为空，没有任何内容；请检查是否选错了文件", 1)
    if data.startswith(b"%PDF-"):
        return _pdf(data, name)
    if data.startswith(b"PK\x03\x04"):
        if _is_docx(data):
            return _docx(data, name, "docx")
        raise SourceError("这是一个压缩包(或其他格式的文档)，不是Word文档；请另存为.docx后再导入")
    if data.startswith(_OLE2):
        return _converted(data, name, "doc")
    if data.startswith(_RTF):  # Word's RTF, often saved under a .doc name
        return _converted(data, name, "rtf")
    return _text(data, name)


# Text ---------------------------------------------------------------------------------------


def _text(data: bytes, name: str) -> Source:
    """A text file in one of the encodings offices save in."""
    for bom, codec, label in _BOMS:
        if data.startswith(bom):
            return Source(_decoded(data[len(bom) :], codec, label), "text", label, name)
    if b"\x00" in data:  # a GBK or UTF-8 file never holds a NUL byte: UTF-16 or binary
        return _utf16_without_bom(data, name)
    try:
        return Source(data.decode("utf-8"), "text", "UTF-8", name)
    except UnicodeDecodeError as error:
        utf8_stop = error.start
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError as error:
        # The encoding that read further is the likelier one: name the line where it stopped.
        raise _undecodable(data, max(utf8_stop, error.start)) from None
    if _plausible(text) < PLAUSIBLE_SHARE:
        raise _undecodable(data, utf8_stop)
    warning = "文件不是UTF-8编码，已按GB18030(GBK)编码读取，请核对文字是否正确"
    return Source(text, "text", "GB18030", name, (warning,))


def _utf16_without_bom(data: bytes, name: str) -> Source:
    """UTF-16 without a BOM: ASCII and most CJK text put their NUL bytes at odd positions
    (little-endian) or even ones (big-endian); anything else holding NUL bytes is binary."""
    at_even, at_odd = data[0::2].count(0), data[1::2].count(0)
    codec, label = ("utf-16-le", "UTF-16LE") if at_odd > at_even else ("utf-16-be", "UTF-16BE")
    if len(data) % 2 == 0 and at_even != at_odd:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            text = ""
        if "\x00" not in text and _plausible(text) >= PLAUSIBLE_SHARE:
            return Source(text, "text", label, name)
    line = data.count(b"\n", 0, data.index(b"\x00")) + 1
    raise SourceError(
        "文件是二进制数据(含NUL字节)，不是文本、Word或PDF文件；请上传.txt、.docx、.doc、.wps或.pdf文件",
        line,
    )


def _decoded(data: bytes, codec: str, label: str) -> str:
    """``data`` decoded strictly in the encoding its BOM names."""
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as error:
        line = data[: error.start].decode(codec, errors="replace").count("\n") + 1
        raise SourceError(
            f"文件标明为{label}编码，但此行无法按此编码解码；请在记事本中另存为UTF-8编码后再导入",
            line,
        ) from error
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise SourceError("文件含有二进制数据(NUL字符)，不是文本文件", line)
    return text


def _undecodable(data: bytes, stop: int) -> SourceError:
    line = data.count(b"\n", 0, stop) + 1
    return SourceError(
        "文件不是UTF-8、GB18030(GBK)或UTF-16编码的文本，此行有无法识别的字节；"
        "请在记事本或WPS中将文件另存为UTF-8编码后再导入",
        line,
    )


def _plausible(text: str) -> float:
    """The share of characters that belong in Chinese or English prose."""
    if not text:
        return 0.0
    return sum(1 for char in text if _usual(char)) / len(text)


def _usual(char: str) -> bool:
    if char.isascii():
        return char.isprintable() or char in "\t\n\r\f"
    return char in _USUAL_SIGNS or any(low <= char <= high for low, high in _USUAL_RANGES)


# Word ---------------------------------------------------------------------------------------


def _is_docx(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "word/document.xml" in archive.namelist()
    except zipfile.BadZipFile:
        return False


def _docx(data: bytes, name: str, kind: str) -> Source:
    """A Word document's body: one line per paragraph, one per table row."""
    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError, SyntaxError, zipfile.BadZipFile) as error:
        raise SourceError("Word文档已损坏，无法打开；请在Word或WPS中另存为.docx后再导入") from error
    text = "\n".join(_body_lines(document))
    if not text.strip():
        raise SourceError("Word文档中没有文字(可能只有图片)；请提供文字版的文档")
    return Source(text, kind, None, name)


def _body_lines(document: WordDocument) -> Iterator[str]:
    """Paragraphs and table rows in the order the body holds them."""
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            yield block.text
        else:
            yield from _table_lines(block)


def _table_lines(table: Table) -> Iterator[str]:
    """Each row as one line, its cells joined by a tab. A cell spanning several columns is
    given once; one spanning several rows is given in its first row, empty below it."""
    above: set[CT_Tc] = set()
    for row in table.rows:
        cells: list[str] = []
        here: set[CT_Tc] = set()
        for cell in row.cells:
            if cell._tc in here:
                continue
            here.add(cell._tc)
            cells.append("" if cell._tc in above else _cell_text(cell))
        above |= here
        yield "\t".join(cells)


def _cell_text(cell: _Cell) -> str:
    """A cell's paragraphs (and tables inside it) on one line, joined by spaces."""
    parts: list[str] = []
    for block in cell.iter_inner_content():
        if isinstance(block, Paragraph):
            parts.append(block.text.strip())
        else:
            parts.extend(line.replace("\t", " ") for line in _table_lines(block))
    return " ".join(part for part in parts if part)


def _converted(data: bytes, name: str, suffix: str) -> Source:
    """A .doc or .wps file (or Word's RTF), converted to .docx by LibreOffice, headless."""
    kind = "wps" if Path(name).suffix.lower() == ".wps" else "doc"
    office = _office(kind)
    with tempfile.TemporaryDirectory(prefix="xuncha-convert-") as folder:
        work = Path(folder)
        (work / f"source.{suffix}").write_bytes(data)
        _run_office(office, work, f"source.{suffix}", kind)
        converted = work / "source.docx"
        if not converted.is_file():
            raise SourceError(f"这个.{kind}文件无法转换(可能设有密码或已损坏)；请{_OLE2_MESSAGE}")
        return _docx(converted.read_bytes(), name, kind)


def _office(kind: str) -> str:
    """LibreOffice's program, or a SourceError saying how to get it."""
    found = office_program(OFFICE_FALLBACK)
    if found:
        return found
    raise SourceError(
        f"读取.{kind}文件需要LibreOffice，本机没有安装(make install 会安装"
        f" libreoffice-writer-nogui)；也可以{_OLE2_MESSAGE}"
    )


def _run_office(office: str, work: Path, file_name: str, kind: str) -> None:
    """Convert ``work/file_name`` to .docx in ``work``, with a profile of its own there (so
    that conversions running at once do not share one) and a time limit."""
    arguments = ["--convert-to", "docx", "--outdir", str(work), str(work / file_name)]
    try:
        office_run(office, work, arguments, timeout=CONVERT_TIMEOUT_SECONDS)
    except OfficeTimeout:
        raise SourceError(
            f"转换.{kind}文件超时({CONVERT_TIMEOUT_SECONDS}秒)；请{_OLE2_MESSAGE}"
        ) from None
    except OfficeFailed:
        raise SourceError(f"LibreOffice无法转换这个.{kind}文件；请{_OLE2_MESSAGE}") from None


# PDF ----------------------------------------------------------------------------------------


def _pdf(data: bytes, name: str) -> Source:
    """A PDF's text layer, page after page; a scan or a garbled layer is refused."""
    pages = _pdf_pages(data)
    if len(_letters("".join(pages))) < SCANNED_CHARACTERS_PER_PAGE * len(pages):
        raise SourceError(
            "这份PDF是扫描件(图片)，没有文字层，无法读取文字；请提供Word文档或文字版PDF"
        )
    text = _KANGXI_RADICALS.sub(
        lambda found: unicodedata.normalize("NFKC", found[0]), "\n".join(pages)
    )
    unreadable = len(_CID.findall(text))
    text = _CID.sub("\ufffd", text)
    unreadable += sum(1 for char in text if char == "\ufffd" or "\ue000" <= char <= "\uf8ff")
    if _plausible(_letters(text)) < PLAUSIBLE_SHARE:
        raise SourceError(
            "这份PDF的文字层是乱码(字体缺少编码表)，无法读取文字；请提供Word文档或文字版"
        )
    return Source(text, "pdf", None, name, _pdf_warnings(pages, unreadable))


def _pdf_pages(data: bytes) -> list[str]:
    """Each page's text; an encrypted, broken or empty PDF is refused."""
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            pages = [_page_text(page) for page in pdf.pages]
    except Exception as error:  # pdfminer raises many kinds on a broken file
        cause = error.args[0] if error.args else error
        if isinstance(cause, PDFPasswordIncorrect | PDFEncryptionError):
            raise SourceError("PDF文件设有密码，无法读取；请提供未加密的文件") from error
        raise SourceError("PDF文件已损坏，无法读取；请重新导出PDF或提供Word文档") from error
    if not pages:
        raise SourceError("PDF文件中没有页面；请重新导出PDF或提供Word文档")
    return pages


def _page_text(page: Page) -> str:
    text = page.extract_text() or ""
    page.close()  # frees the page's parsed objects: a long PDF is read a page at a time
    return unwrapped(text)


# A PDF line this share of the page's longest line or more was wrapped by the layout, unless it
# ends a sentence or a heading.
WRAPPED_LINE_SHARE = 0.85
_ENDS_PARAGRAPH = frozenset("。：:；;！!？?”」）)")


def unwrapped(text: str) -> str:
    """A page's lines with the layout's wraps undone: a paragraph of a PDF comes out as one line
    per printed line, and the readers want a paragraph per line, as in the Word file."""
    lines = text.split("\n")
    longest = max((len(line.strip()) for line in lines), default=0)
    joined: list[str] = []
    wrapped = False
    for line in lines:
        if wrapped and joined:
            joined[-1] += line.strip()
        else:
            joined.append(line)
        stripped = line.strip()
        wrapped = (
            bool(stripped)
            and len(stripped) >= WRAPPED_LINE_SHARE * longest
            and stripped[-1] not in _ENDS_PARAGRAPH
        )
    return "\n".join(joined)


def _letters(text: str) -> str:
    return "".join(text.split())


def _pdf_warnings(pages: list[str], unreadable: int) -> tuple[str, ...]:
    warnings = [
        f"PDF第{number}页几乎没有文字(可能是扫描页)，该页内容未能读入，请核对"
        for number, page in enumerate(pages, start=1)
        if len(_letters(page)) < EMPTY_PAGE_CHARACTERS
    ]
    if unreadable:
        warnings.append(f"PDF中有{unreadable}个字符无法识别(显示为\ufffd)，请核对文字")
    return tuple(warnings)
