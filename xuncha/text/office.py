"""LibreOffice in headless mode: running a conversion, and turning a 公文 (.docx) into a PDF.

Every conversion runs with a profile of its own in a temporary folder (so that conversions at
once do not share one, and nothing is left behind) and a time limit that ends LibreOffice's
whole process group. The PDF is made with a fontconfig file that maps the offices' fonts
(方正小标宋简体, 仿宋_GB2312, 楷体_GB2312, 黑体, 宋体), absent from a Debian server, to a free
CJK font (docs/official-documents.md). Pure Python, no Django.
"""

from __future__ import annotations

import io
import math
import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

import docx
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

__all__ = [
    "OfficeError",
    "OfficeFailed",
    "OfficeMissing",
    "OfficeTimeout",
    "libreoffice_layout",
    "office_program",
    "office_run",
    "pdf_from_docx",
]

# Under the worker timeout (120 s): a hung conversion fails its request, not the worker.
PDF_TIMEOUT_SECONDS = 90
OFFICE_FALLBACK = Path("/usr/bin/soffice")


class OfficeError(Exception):
    """A conversion that could not be made; the kind says why (the caller words it for its
    user, in its language), the message gives the detail for the log."""


class OfficeMissing(OfficeError):
    """LibreOffice is not installed on this machine."""


class OfficeTimeout(OfficeError):
    """LibreOffice did not finish within the time limit (and was ended)."""


class OfficeFailed(OfficeError):
    """LibreOffice ended with an error or wrote nothing."""


def office_program(fallback: Path = OFFICE_FALLBACK) -> str | None:
    """LibreOffice's program (soffice) on the PATH or at Debian's place, or None."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found:
        return found
    return str(fallback) if fallback.is_file() else None


def office_run(
    office: str,
    work: Path,
    arguments: Sequence[str],
    *,
    timeout: float,
    environment: dict[str, str] | None = None,
) -> None:
    """Run LibreOffice headless with ``arguments`` and a profile of its own in ``work``.

    Raises :class:`OfficeTimeout` (the process group is killed) or :class:`OfficeFailed` when
    it exits with an error; the messages are the caller's to word for its user.
    """
    command = [
        office,
        f"-env:UserInstallation={(work / 'profile').as_uri()}",
        "--headless",
        "--norestore",
        *arguments,
    ]
    process = subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "HOME": str(work), **(environment or {})},
        start_new_session=True,  # its own process group: a timeout ends soffice.bin too
    )
    try:
        returncode = process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        raise OfficeTimeout(f"LibreOffice did not finish within {timeout} s") from None
    if returncode != 0:
        raise OfficeFailed(f"LibreOffice exited with {returncode}")


def pdf_from_docx(
    data: bytes,
    *,
    fontconfig: Path | None = None,
    timeout: float = PDF_TIMEOUT_SECONDS,
) -> bytes:
    """The PDF of a .docx, made by LibreOffice with its fonts embedded.

    ``fontconfig`` is a fontconfig file (FONTCONFIG_FILE) mapping fonts the machine lacks to
    ones it has. The document is first given the layout LibreOffice needs for the character
    grid (:func:`libreoffice_layout`).
    """
    office = office_program()
    if office is None:
        raise OfficeMissing("LibreOffice (soffice) is not installed")
    environment = {"FONTCONFIG_FILE": str(fontconfig)} if fontconfig else {}
    with tempfile.TemporaryDirectory(prefix="xuncha-pdf-") as folder:
        work = Path(folder)
        (work / "document.docx").write_bytes(libreoffice_layout(data))
        arguments = ["--convert-to", "pdf", "--outdir", str(work), str(work / "document.docx")]
        office_run(office, work, arguments, timeout=timeout, environment=environment)
        made = work / "document.pdf"
        if not made.is_file():
            raise OfficeFailed("LibreOffice wrote no PDF")
        return made.read_bytes()


# The character grid -------------------------------------------------------------------------

# CT_RPr's children after w:spacing (ECMA-376 17.3.2.28): w:spacing goes before the first.
_AFTER_SPACING = (
    "w:w",
    "w:kern",
    "w:position",
    "w:sz",
    "w:szCs",
    "w:highlight",
    "w:u",
    "w:effect",
    "w:bdr",
    "w:shd",
    "w:fitText",
    "w:vertAlign",
    "w:rtl",
    "w:cs",
    "w:em",
    "w:lang",
    "w:eastAsianLayout",
    "w:specVanish",
    "w:oMath",
)


def libreoffice_layout(data: bytes) -> bytes:
    """The .docx with its character grid in a form LibreOffice lays out as Word does.

    Word narrows the pitch of a grid whose cell is smaller than the body's characters (a
    negative w:charSpace: 28 characters of 16 pt in 156 mm); LibreOffice instead gives every
    such character two cells, and a line holds 14. For LibreOffice the grid keeps its lines
    (type "lines", the same linePitch) and the characters are narrowed by the same amount as
    character spacing on the document's default run (rounded down to 1/20 pt, so that as many
    characters fit). A document without such a grid is returned unchanged.
    """
    document = docx.Document(io.BytesIO(data))
    narrowing: int | None = None
    for section in document.sections:
        grid = section._sectPr.find(qn("w:docGrid"))
        if grid is None or grid.get(qn("w:type")) not in {"linesAndChars", "snapToChars"}:
            continue
        char_space = int(grid.get(qn("w:charSpace"), "0"))
        if char_space >= 0:
            continue
        grid.set(qn("w:type"), "lines")
        grid.attrib.pop(qn("w:charSpace"), None)
        # charSpace is in 1/4096 pt, run spacing in 1/20 pt.
        spacing = math.floor(char_space * 20 / 4096)
        narrowing = spacing if narrowing is None else min(narrowing, spacing)
    if narrowing is None:
        return data
    _set_default_spacing(document, narrowing)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _set_default_spacing(document: docx.document.Document, spacing: int) -> None:
    defaults = document.styles.element.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = OxmlElement("w:docDefaults")
        document.styles.element.insert(0, defaults)
    r_pr_default = defaults.find(qn("w:rPrDefault"))
    if r_pr_default is None:
        r_pr_default = OxmlElement("w:rPrDefault")
        defaults.insert(0, r_pr_default)
    r_pr = r_pr_default.find(qn("w:rPr"))
    if r_pr is None:
        r_pr = OxmlElement("w:rPr")
        r_pr_default.append(r_pr)
    for found in r_pr.findall(qn("w:spacing")):
        r_pr.remove(found)
    element = OxmlElement("w:spacing")
    element.set(qn("w:val"), str(spacing))
    later = {qn(tag) for tag in _AFTER_SPACING}
    for index, child in enumerate(r_pr):
        if child.tag in later:
            r_pr.insert(index, element)
            return
    r_pr.append(element)
