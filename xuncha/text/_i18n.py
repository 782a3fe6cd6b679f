"""Marking messages for translation in the pure text package, which never imports Django.

``makemessages`` reads calls of :func:`gettext_noop` by name; the Django side translates the
marked messages when it shows them (``gettext(message)``).
"""

from __future__ import annotations


def gettext_noop(message: str) -> str:
    """Mark a message for translation; it is translated where it is shown."""
    return message
