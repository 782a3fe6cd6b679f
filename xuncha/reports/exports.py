"""A publication as text and as a Word document.

Callers reach the publication through ``selectors.get_publication_for_user`` (or compose a
notice through ``selectors.notice_compose`` with the user), so an export holds nothing its
reader may not see.
"""

from __future__ import annotations

from xuncha.reports.models import Publication
from xuncha.text.document import document_bytes


def publication_text(publication: Publication) -> str:
    """The text as published (or the current draft while it is not), without the title."""
    return publication.text


def publication_docx(publication: Publication) -> bytes:
    """The title and the text of :func:`publication_text` as a .docx document.

    A published one closes with the audit chain's head as it stood when it was published.
    """
    return document_bytes(
        title=publication.title,
        text=publication_text(publication),
        footer=publication.audit_head if publication.is_published else "",
    )


__all__ = ["publication_docx", "publication_text"]
