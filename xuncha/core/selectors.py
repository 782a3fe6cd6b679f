"""Reads of the audit log, for those who may browse it (the office and the supervisors)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import connections
from django.db.models import BooleanField, Q, QuerySet
from django.db.models.expressions import RawSQL
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


# The JSON columns' scalar values (strings, numbers, booleans, at any depth), never their keys:
# SQLite's json_tree decodes the stored text (\u escapes included); PostgreSQL walks the jsonb.
_JSON_VALUE_MATCHES = {
    "sqlite": (
        "EXISTS (SELECT 1 FROM json_tree({column}) WHERE atom IS NOT NULL"
        " AND CAST(atom AS TEXT) LIKE %s ESCAPE '\\')"
    ),
    "postgresql": (
        "EXISTS (SELECT 1 FROM jsonb_path_query({column}, 'strict $.**') AS item"
        " WHERE jsonb_typeof(item) NOT IN ('object', 'array', 'null')"
        " AND item #>> '{{}}' LIKE %s ESCAPE '\\')"
    ),
}


def audit_entries_searched(
    entries: QuerySet[AuditEntry], terms: Sequence[str]
) -> QuerySet[AuditEntry]:
    """The rows where every term occurs in what the page shows of a row: who (username or
    display name), the action, the object, or a value before or after the change.

    JSON keys (``before``, ``status``…), timestamps and hashes are not searched: the row's
    canonical text, which holds them all, only narrows the rows cheaply (a LIKE scan of the
    rows the other filters left) before their values are read.
    """
    vendor = connections[entries.db].vendor
    for term in terms:
        pattern = "%" + _like_escaped(term) + "%"
        shown = (
            Q(actor_name__contains=term)
            | Q(actor__profile__display_name__contains=term)
            | Q(action__contains=term)
            | Q(object_repr__contains=term)
        )
        template = _JSON_VALUE_MATCHES.get(vendor)
        if template:
            table = AuditEntry._meta.db_table
            for column in ("before", "after"):
                sql = template.format(column=f'"{table}"."{column}"')
                shown |= Q(RawSQL(sql, [pattern], output_field=BooleanField()))
        else:  # another database: the canonical text, keys and all
            shown = Q(canonical__contains=term)
        entries = entries.filter(Q(canonical__contains=term) & shown)
    return entries


def _like_escaped(term: str) -> str:
    """``term`` with LIKE's wildcards (and its escape character) taken literally."""
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
