"""Reminders of what is due soon or overdue, safe to send again (each has a unique key)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from xuncha.clocks.models import Clock
from xuncha.clocks.registry import subject_named
from xuncha.clocks.selectors import open_clocks_due_by, warning_colour, warning_days
from xuncha.findings.models import Problem
from xuncha.notifications.models import Notification, NotificationKind
from xuncha.notifications.services import (
    notification_send,
    notifications_mail,
    office_users,
    unit_liaisons,
)
from xuncha.rounds.models import Assignment, Unit


@dataclass(frozen=True)
class RemindSummary:
    due_soon: int
    overdue: int
    mailed_again: int


def open_deadlines(today: dt.date) -> list[Clock]:
    """The running clocks that are due within the warning days or overdue, nearest first.

    A met clock (a measure done, a plan sent, a problem asking for closing on a verdict's new
    deadline) and a paused one remind nobody.
    """
    return list(open_clocks_due_by(today + dt.timedelta(days=warning_days())))


def _places(clocks: list[Clock]) -> dict[tuple[str, int], tuple[Unit, str]]:
    """For each clock's holder: the unit whose liaisons are told, and the page to link."""
    ids: dict[str, set[int]] = defaultdict(set)
    for clock in clocks:
        ids[clock.holder_type].add(clock.holder_id)
    places: dict[tuple[str, int], tuple[Unit, str]] = {}
    for problem in Problem.objects.filter(pk__in=ids["problem"]).select_related("assignment__unit"):
        link = reverse("web:problem", args=[problem.pk])
        places[("problem", problem.pk)] = (problem.assignment.unit, link)
    for assignment in Assignment.objects.filter(pk__in=ids["assignment"]).select_related("unit"):
        link = reverse("web:assignment", args=[assignment.pk])
        places[("assignment", assignment.pk)] = (assignment.unit, link)
    return places


def _names(clocks: list[Clock]) -> dict[tuple[str, int], str]:
    ids: dict[str, set[int]] = defaultdict(set)
    for clock in clocks:
        ids[clock.subject_type].add(clock.subject_id)
    names: dict[tuple[str, int], str] = {}
    for subject_type, subject_ids in ids.items():
        subject = subject_named(subject_type)
        if subject is not None and subject.describe is not None:
            for pk, name in subject.describe(subject_ids).items():
                names[(subject_type, pk)] = name
    return names


@transaction.atomic
def reminders_send(*, today: dt.date) -> RemindSummary:
    """Remind liaisons of what is due within the warning days, and the office of what is late.

    Each reminder's key names its clock, due date and kind, so a second run the same day (or
    any later run for the same due date) sends nothing new.
    """
    counts = {NotificationKind.DUE_SOON: 0, NotificationKind.OVERDUE: 0}
    clocks = open_deadlines(today)
    places = _places(clocks)
    names = _names(clocks)
    for clock in clocks:
        place = places.get((clock.holder_type, clock.holder_id))
        if place is None or clock.due is None:
            continue
        unit, link = place
        overdue = warning_colour(clock.due, today) == "red"
        kind = NotificationKind.OVERDUE if overdue else NotificationKind.DUE_SOON
        what = names.get((clock.subject_type, clock.subject_id), clock.rule.name)
        values = {"what": what, "unit": unit.name, "due": clock.due}
        message = (
            _("%(unit)s的%(what)s已于%(due)s逾期。")
            if overdue
            else _("%(unit)s的%(what)s将于%(due)s到期。")
        ) % values
        recipients = unit_liaisons(unit)
        if overdue:
            recipients += office_users()
        sent = notification_send(
            recipients=recipients,
            kind=kind,
            message=message,
            link=link,
            key=f"{kind}:clock{clock.pk}:{clock.due.isoformat()}",
        )
        counts[kind] += len(sent)
    unmailed = list(
        Notification.objects.filter(emailed_at=None, recipient__email__gt="").values_list(
            "id", flat=True
        )
    )
    transaction.on_commit(lambda: notifications_mail(unmailed))
    return RemindSummary(
        due_soon=counts[NotificationKind.DUE_SOON],
        overdue=counts[NotificationKind.OVERDUE],
        mailed_again=len(unmailed),
    )
