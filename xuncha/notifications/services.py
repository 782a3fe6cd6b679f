"""Sending notifications: a row per recipient in the same transaction, mail after commit."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xuncha.core.models import Role
from xuncha.notifications.models import Notification
from xuncha.rounds.models import Unit

if TYPE_CHECKING:
    from django.contrib.auth.models import User

logger = logging.getLogger(__name__)


def notification_send(
    *,
    recipients: Iterable[User | None],
    kind: str,
    message: str,
    link: str = "",
    key: str = "",
) -> list[Notification]:
    """Put a message in each recipient's inbox; mail it once the transaction commits.

    With a ``key``, a recipient who already has a message with that key gets nothing new:
    reminders can be sent again safely.
    """
    users = {user.pk: user for user in recipients if user is not None}
    if key:
        already = set(
            Notification.objects.filter(recipient_id__in=users, key=key).values_list(
                "recipient_id", flat=True
            )
        )
        users = {pk: user for pk, user in users.items() if pk not in already}
    created = Notification.objects.bulk_create(
        Notification(recipient=user, kind=kind, message=message[:500], link=link, key=key)
        for user in users.values()
    )
    # SQLite (3.35+) and PostgreSQL both return the new ids from bulk_create.
    ids = [notification.pk for notification in created]
    if ids:
        transaction.on_commit(lambda: notifications_mail(ids))
    return created


def notifications_mail(ids: list[int]) -> None:
    """Mail notifications that have not been mailed yet to recipients with an address."""
    pending = Notification.objects.filter(id__in=ids, emailed_at=None).select_related("recipient")
    for notification in pending:
        address = notification.recipient.email
        if not address:
            continue
        link = notification.link
        body = notification.message + (f"\n\n{settings.XUNCHA_SITE_URL}{link}" if link else "")
        try:
            send_mail(
                subject=_("[巡察整改] %(kind)s") % {"kind": notification.get_kind_display()},
                message=body,
                from_email=None,
                recipient_list=[address],
            )
        except OSError:
            # The inbox row stands; the mail is tried again by the next `xuncha remind`.
            logger.exception("mail to %s failed", address)
            continue
        Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())


def office_users() -> list[User]:
    """Everyone in the inspection office (who reviews and closes)."""
    return list(
        get_user_model()
        .objects.filter(role_grants__role=Role.OFFICE, is_active=True)
        .distinct()
        .order_by("pk")
    )


def unit_liaisons(unit: Unit | None) -> list[User]:
    """The liaisons of a unit and of the units above it (who see it in their scope)."""
    users: dict[int, User] = {}
    while unit is not None:
        for user in unit.liaisons.filter(is_active=True):
            users[user.pk] = user
        unit = unit.parent
    return list(users.values())


def notification_mark_read(*, user: User, ids: Iterable[int] | None = None) -> int:
    """Mark the user's notifications (or the given ones) read; returns how many changed."""
    unread = Notification.objects.filter(recipient=user, read_at=None)
    if ids is not None:
        unread = unread.filter(id__in=list(ids))
    return unread.update(read_at=timezone.now())
