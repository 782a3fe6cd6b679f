"""Reads of the audit log, for those who may browse it (the office and the supervisors)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils import timezone

from xuncha.core.models import AuditEntry
from xuncha.core.permissions import Viewer, may_read_audit


def audit_entries_for_user(user: Viewer) -> QuerySet[AuditEntry]:
    """Every audit row for the office and supervisors; nothing for anyone else."""
    if not may_read_audit(user):
        return AuditEntry.objects.none()
    return AuditEntry.objects.select_related("actor__profile")


def audit_entries_filtered(
    user: Viewer,
    *,
    actor: str = "",
    action: str = "",
    object_type: str = "",
    scope: str = "",
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> QuerySet[AuditEntry]:
    """The audit rows the user may read, filtered, newest first.

    ``actor`` matches a username or a display name exactly; ``start`` and ``end`` are whole
    days in the site's time zone, both included.
    """
    entries = audit_entries_for_user(user)
    if actor:
        entries = entries.filter(Q(actor_name=actor) | Q(actor__profile__display_name=actor))
    if action:
        entries = entries.filter(action=action)
    if object_type:
        entries = entries.filter(object_type=object_type)
    if scope:
        entries = entries.filter(scope=scope)
    if start:
        entries = entries.filter(at__gte=_day_start(start))
    if end:
        entries = entries.filter(at__lt=_day_start(end + dt.timedelta(days=1)))
    return entries.order_by("-id")


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def audit_choices(user: Viewer) -> tuple[list[str], list[str]]:
    """The actions and object types present in the log, for the filter's choices."""
    entries = audit_entries_for_user(user).order_by()
    actions = sorted(set(entries.values_list("action", flat=True).distinct()))
    object_types = sorted(set(entries.values_list("object_type", flat=True).distinct()))
    return actions, object_types
