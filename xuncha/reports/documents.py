"""The office's 公文: its name and templates from the settings, and PDFs through LibreOffice.

The templates are the office's own when ``XUNCHA_DOCX_TEMPLATES`` names a folder holding one
of that name (notice.docx, digest.docx, rectification_report.docx), else those shipped in
``templates/docx/`` (written by ``scripts/make-docx-templates``). The PDF is made with the
fontconfig file of the same folder (``fonts.conf``), which puts the free CJK font in place of
the office fonts a Debian server lacks (docs/official-documents.md).
"""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
import zipfile
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from xuncha.text.office import OfficeError as _OfficeError
from xuncha.text.office import OfficeMissing, OfficeTimeout, pdf_from_docx

SHIPPED_TEMPLATES = Path(__file__).resolve().parent / "templates" / "docx"
FONTCONFIG_NAME = "fonts.conf"


class PdfUnavailable(Exception):
    """No PDF can be made here now; ``message`` says why and what to do instead."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def office_name() -> str:
    """The issuing office (发文机关), from ``XUNCHA_OFFICE_NAME``."""
    return str(settings.XUNCHA_OFFICE_NAME).strip()


def _office_folder() -> Path | None:
    folder = str(getattr(settings, "XUNCHA_DOCX_TEMPLATES", "") or "").strip()
    return Path(folder) if folder else None


def template_path(name: str) -> Path:
    """The template ``name`` (notice, digest, rectification_report) a document is written
    with: the office's own if its folder holds one, else the shipped one."""
    folder = _office_folder()
    if folder is not None and (folder / f"{name}.docx").is_file():
        return folder / f"{name}.docx"
    return SHIPPED_TEMPLATES / f"{name}.docx"


def template_for(name: str) -> bytes:
    """The bytes of :func:`template_path`."""
    return template_path(name).read_bytes()


def fontconfig_path() -> Path:
    """The fontconfig file of the PDF conversion: the office's own, else the shipped one."""
    folder = _office_folder()
    if folder is not None and (folder / FONTCONFIG_NAME).is_file():
        return folder / FONTCONFIG_NAME
    return SHIPPED_TEMPLATES / FONTCONFIG_NAME


def _content_key(docx: bytes, fontconfig: Path) -> str:
    """What the PDF depends on: every part of the .docx but its core properties (which carry
    the time it was written) and the fontconfig file."""
    digest = hashlib.sha256(fontconfig.read_bytes())
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        for name in sorted(archive.namelist()):
            if name != "docProps/core.xml":
                digest.update(name.encode() + b"\0" + archive.read(name))
    return digest.hexdigest()


def pdf_of(docx: bytes) -> bytes:
    """The PDF of a 公文 .docx, or :class:`PdfUnavailable` saying why there is none.

    LibreOffice takes seconds; the PDF of a document already converted is read back from
    ``$XUNCHA_DATA_DIR/cache/pdf`` (keyed by the document's content), so a second download of
    an unchanged notice is immediate."""
    fontconfig = fontconfig_path()
    cache = Path(settings.DATA_DIR) / "cache" / "pdf"
    cached = cache / f"{_content_key(docx, fontconfig)}.pdf"
    if cached.is_file():
        return cached.read_bytes()
    pdf = _converted(docx, fontconfig)
    cache.mkdir(parents=True, exist_ok=True)
    # Written beside and renamed, so that a concurrent reader never sees half a file.
    handle, partial = tempfile.mkstemp(dir=cache, suffix=".part")
    with os.fdopen(handle, "wb") as out:
        out.write(pdf)
    os.replace(partial, cached)
    return pdf


def _converted(docx: bytes, fontconfig: Path) -> bytes:
    try:
        return pdf_from_docx(docx, fontconfig=fontconfig)
    except OfficeMissing:
        raise PdfUnavailable(
            _(
                "服务器上没有安装 LibreOffice（libreoffice-writer-nogui 与字体 fonts-wqy-zenhei，"
                "见部署说明），暂不能生成 PDF；请下载 Word 文档（.docx）。"
            )
        ) from None
    except OfficeTimeout:
        raise PdfUnavailable(
            _("生成 PDF 超时，请稍后重试；也可以下载 Word 文档（.docx）。")
        ) from None
    except _OfficeError:
        raise PdfUnavailable(_("LibreOffice 未能生成 PDF；请下载 Word 文档（.docx）。")) from None


__all__ = [
    "PdfUnavailable",
    "fontconfig_path",
    "office_name",
    "pdf_of",
    "template_for",
    "template_path",
]
