"""Checking evidence files by what they contain, not only by their name (no Django).

An office accepts the formats it can open and archive: PDF and OFD documents, Word and Excel
files (old and new), images, plain text and ZIP archives. A name that claims one format while
the bytes are another is refused.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import PurePath

from xuncha.text._i18n import gettext_noop

# extension -> (content type, the magic prefixes the content may start with; () = text)
FORMATS: dict[str, tuple[str, tuple[bytes, ...]]] = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".ofd": ("application/ofd", (b"PK\x03\x04",)),
    ".docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (b"PK\x03\x04",),
    ),
    ".xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        (b"PK\x03\x04",),
    ),
    ".doc": ("application/msword", (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)),
    ".xls": ("application/vnd.ms-excel", (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".zip": ("application/zip", (b"PK\x03\x04",)),
    ".txt": ("text/plain; charset=utf-8", ()),
}


class FileRefused(ValueError):
    """An evidence file of a kind or size that is not accepted; the message says why."""


@dataclass(frozen=True)
class CheckedFile:
    """What an accepted file is: its content type, size and SHA-256."""

    content_type: str
    size: int
    sha256: str


def _same(message: str) -> str:
    return message


def check_file(
    name: str,
    chunks: Iterable[bytes],
    *,
    max_bytes: int,
    translate: Callable[[str], str] = _same,
) -> CheckedFile:
    """Read a file once: check its kind against its name, its size, and hash it.

    A refusal's message is marked for translation; the Django side passes its ``gettext`` as
    ``translate`` (this module stays free of Django), else the message is the Chinese msgid.
    """
    extension = PurePath(name).suffix.lower()
    if extension not in FORMATS:
        separator = translate(gettext_noop("、"))  # a list's separator: ", " in English
        allowed = separator.join(sorted(e.lstrip(".") for e in FORMATS))
        message = translate(gettext_noop("文件“%(name)s”的类型不被接受；可上传：%(allowed)s"))
        raise FileRefused(message % {"name": name, "allowed": allowed})
    content_type, magics = FORMATS[extension]
    digest = hashlib.sha256()
    size = 0
    head = b""
    for chunk in chunks:
        if len(head) < 16:
            head += chunk[: 16 - len(head)]
        size += len(chunk)
        if size > max_bytes:
            message = translate(gettext_noop("文件“%(name)s”超过大小上限（%(limit)s MB）"))
            raise FileRefused(message % {"name": name, "limit": max_bytes // (1024 * 1024)})
        digest.update(chunk)
    if size == 0:
        raise FileRefused(translate(gettext_noop("文件“%(name)s”是空文件")) % {"name": name})
    if magics and not head.startswith(magics):
        message = translate(gettext_noop("文件“%(name)s”的内容与其扩展名%(extension)s不符"))
        raise FileRefused(message % {"name": name, "extension": extension})
    if not magics and b"\x00" in head:
        raise FileRefused(translate(gettext_noop("文件“%(name)s”不是文本文件")) % {"name": name})
    return CheckedFile(content_type=content_type, size=size, sha256=digest.hexdigest())
