"""Reads of a person's inbox: only their own notifications, ever."""

from __future__ import annotations

from django.db.models import QuerySet

from xuncha.core.permissions import Viewer
from xuncha.notifications.models import Notification


def notifications_for_user(user: Viewer) -> QuerySet[Notification]:
    """The user's notifications, newest first (none for an anonymous visitor)."""
    if not user.is_authenticated:
        return Notification.objects.none()
    return Notification.objects.filter(recipient=user).order_by("-created_at", "-id")


def unread_count(user: Viewer) -> int:
    """How many of the user's notifications are unread."""
    return notifications_for_user(user).filter(read_at=None).count()
