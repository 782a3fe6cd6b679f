"""The 发文字号 register: each published publication gets the next number of its year, once.

The number is given when the publication is published (``services.publication_publish``), or
at its first export if it was published before the register existed. A number given out is
never given again: the rows are never deleted, and the next number is one past the highest
ever given for the prefix and the year.
"""

from __future__ import annotations

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from xuncha.core.audit import audit_record, snapshot
from xuncha.core.permissions import Actor
from xuncha.reports.models import DocumentNumber, Publication
from xuncha.reports.workflow import publication_scope

# Writers that lose the race for a number try the next one; after this many, give up.
ATTEMPTS = 10
AUDITED_FIELDS = ["prefix", "year", "number", "publication", "assigned_by"]


class NumberingRefused(ValueError):
    """A number that cannot be given; the message says why."""


def document_prefix() -> str:
    """The office's 发文机关代字 ("×巡办"), from ``XUNCHA_DOCUMENT_PREFIX``."""
    return str(settings.XUNCHA_DOCUMENT_PREFIX).strip()


@transaction.atomic
def document_number_assign(*, actor: Actor, publication: Publication) -> DocumentNumber:
    """Give a published publication the next 发文字号 of the year it was published in, or
    return the one it already has.

    A draft gets none (numbers are never taken back, and a draft may never be issued). Two
    writers at once, on SQLite or PostgreSQL: the number is unique per prefix and year, and
    the one whose insert collides takes the next number, in a savepoint of its own.
    """
    locked = Publication.objects.select_for_update().get(pk=publication.pk)
    existing = DocumentNumber.objects.filter(publication=locked).first()
    if existing is not None:
        return existing
    if not locked.is_published or locked.published_at is None:
        raise NumberingRefused(_("“%(title)s”尚未发布，没有发文字号。") % {"title": locked.title})
    prefix = document_prefix()
    year = timezone.localdate(locked.published_at).year
    user = actor if getattr(actor, "is_authenticated", False) else None
    for _attempt in range(ATTEMPTS):
        next_number = _highest(prefix, year) + 1
        try:
            with transaction.atomic():
                number = DocumentNumber.objects.create(
                    prefix=prefix,
                    year=year,
                    number=next_number,
                    publication=locked,
                    assigned_by=user,
                )
        except IntegrityError:
            continue  # another writer took this number meanwhile: take the next
        audit_record(
            actor=actor,
            action="document_number.assign",
            instance=number,
            before=None,
            after=snapshot(number, AUDITED_FIELDS),
            scope=publication_scope(locked),
        )
        return number
    raise NumberingRefused(_("发文字号正被他人同时编号，请稍后重试。"))


def _highest(prefix: str, year: int) -> int:
    """The highest number ever given for the prefix and the year (0 before the first)."""
    found = DocumentNumber.objects.filter(prefix=prefix, year=year).aggregate(
        highest=Max("number")
    )["highest"]
    return int(found or 0)


def document_number_text(publication: Publication) -> str:
    """The publication's 发文字号 as printed, or "" while it has none."""
    number = DocumentNumber.objects.filter(publication=publication).first()
    return number.text if number is not None else ""


__all__ = [
    "NumberingRefused",
    "document_number_assign",
    "document_number_text",
    "document_prefix",
]
