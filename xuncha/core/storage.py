"""Storing uploaded files: checked by their content, kept under their hash, never overwritten."""

from __future__ import annotations

from django.conf import settings
from django.core.files.base import File

from xuncha.core.files import check_file
from xuncha.core.models import StoredFile
from xuncha.core.permissions import Actor


def stored_file_save(instance: StoredFile, upload: File[bytes], *, actor: Actor) -> None:
    """Check ``upload``, fill the instance's file fields and store the bytes under their hash.

    The model's ``file`` field names its path from the hash, so the same content uploaded
    twice is stored once and shared, and a stored file is never replaced. The caller saves the
    instance (and writes its audit row) in its own transaction.
    """
    name = getattr(upload, "name", "") or "file"
    checked = check_file(name, upload.chunks(), max_bytes=settings.XUNCHA_EVIDENCE_MAX_BYTES)
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
    if instance.file.name != path:
        raise RuntimeError(f"the storage renamed a content-addressed file: {path}")
