"""Reading a 公文 .docx in tests: its title paragraph, whatever stands above it (the mark, the
number) in the 版头."""

from __future__ import annotations

from typing import Any


def title_of(document: Any) -> str:
    """The text of the document's title paragraph (style 公文标题, the first with text)."""
    return next(p.text for p in document.paragraphs if p.style.name == "公文标题" and p.text)
