"""Storing uploaded files: checked by their content, kept under their hash, never overwritten."""

from __future__ import annotations

import functools
from collections.abc import Callable
from contextvars import ContextVar
from typing import ParamSpec, TypeVar

from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import Storage
from django.utils.translation import gettext

from xuncha.core.files import check_file
from xuncha.core.models import StoredFile
from xuncha.core.permissions import Actor

_P = ParamSpec("_P")
_R = TypeVar("_R")

# The files a call decorated with ``removed_if_refused`` has written so far.
_WRITTEN: ContextVar[list[tuple[Storage, str]] | None] = ContextVar("xuncha_written", default=None)


def removed_if_refused(service: Callable[_P, _R]) -> Callable[_P, _R]:
    """Put outside a service's ``@transaction.atomic``: when the service raises (a guard
    refuses, an audit write fails), its rows are rolled back and the files it newly stored are
    deleted again, so a refused upload leaves no orphan in the evidence store."""

    @functools.wraps(service)
    def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        if _WRITTEN.get() is not None:  # called by another such service: it cleans up
            return service(*args, **kwargs)
        written: list[tuple[Storage, str]] = []
        token = _WRITTEN.set(written)
        try:
            return service(*args, **kwargs)
        except BaseException:
            for storage, path in written:
                storage.delete(path)
            raise
        finally:
            _WRITTEN.reset(token)

    return wrapper


def stored_file_save(instance: StoredFile, upload: File[bytes], *, actor: Actor) -> None:
    """Check ``upload``, fill the instance's file fields and store the bytes under their hash.

    The model's ``file`` field names its path from the hash, so the same content uploaded
    twice is stored once and shared, and a stored file is never replaced. The caller saves the
    instance (and writes its audit row) in its own transaction.
    """
    name = getattr(upload, "name", "") or "file"
    checked = check_file(
        name, upload.chunks(), max_bytes=settings.XUNCHA_EVIDENCE_MAX_BYTES, translate=gettext
    )
    upload.seek(0)
    instance.original_name = name.rsplit("/", 1)[-1][:255]
    instance.content_type = checked.content_type
    instance.size = checked.size
    instance.sha256 = checked.sha256
    instance.uploaded_by = actor if getattr(actor, "is_authenticated", False) else None
    field = instance.file.field
    path = field.generate_filename(instance, name)
    if field.storage.exists(path):
        instance.file.name = path  # the same content is stored already: share it
        return
    instance.file.save(name, File(upload), save=False)
    written = _WRITTEN.get()
    if written is not None and instance.file.name:
        written.append((field.storage, instance.file.name))
    if instance.file.name != path:
        raise RuntimeError(f"the storage renamed a content-addressed file: {path}")
