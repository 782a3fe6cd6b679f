"""Reminders of what is due soon or overdue, safe to send again (each has a unique key)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from xuncha.clocks.models import Deadline
from xuncha.clocks.selectors import with_warning
from xuncha.findings.models import ProblemStatus
from xuncha.notifications.models import Notification, NotificationKind
from xuncha.notifications.services import (
    notification_send,
    notifications_mail,
    office_users,
    unit_liaisons,
)
from xuncha.rectification.models import PlanStatus


@dataclass(frozen=True)
class RemindSummary:
    due_soon: int
    overdue: int
    mailed_again: int


def open_deadlines(today: dt.date):  # type: ignore[no-untyped-def]
    """Deadlines that still bind: unfinished measures, plans not yet sent for problems still
    waiting for one, reports still owed, and new deadlines set by a follow-up verdict."""
    open_statuses = [ProblemStatus.PENDING, ProblemStatus.IN_PROGRESS, ProblemStatus.CONTINUING]
    deadlines = Deadline.objects.select_related(
        "rule", "assignment__unit", "problem", "measure"
    ).filter(
        Q(measure__isnull=False)
        | Q(rule__code="plan_due")
        & Q(assignment__problems__status=ProblemStatus.PENDING)
        & ~Q(assignment__plan__status__in=[PlanStatus.SUBMITTED, PlanStatus.APPROVED])
        | Q(rule__code="report_due") & Q(assignment__problems__status__in=open_statuses)
        | Q(rule__anchor="verdict")
        & Q(problem__status__in=[ProblemStatus.IN_PROGRESS, ProblemStatus.CONTINUING])
    )
    return with_warning(deadlines, today).filter(warning__in=["yellow", "red"]).distinct()


@transaction.atomic
def reminders_send(*, today: dt.date) -> RemindSummary:
    """Remind liaisons of what is due within the warning days, and the office of what is late.

    Each reminder's key names its deadline, due date and kind, so a second run the same day
    (or any later run for the same due date) sends nothing new.
    """
    counts = {NotificationKind.DUE_SOON: 0, NotificationKind.OVERDUE: 0}
    for deadline in open_deadlines(today):
        overdue = deadline.warning == "red"
        kind = NotificationKind.OVERDUE if overdue else NotificationKind.DUE_SOON
        what = (
            _("措施“%(text)s”") % {"text": deadline.measure.text[:30]}
            if deadline.measure_id
            else deadline.rule.name
        )
        values = {"what": what, "unit": deadline.assignment.unit.name, "due": deadline.due}
        message = (
            _("%(unit)s的%(what)s已于%(due)s逾期。")
            if overdue
            else _("%(unit)s的%(what)s将于%(due)s到期。")
        ) % values
        recipients = unit_liaisons(deadline.assignment.unit)
        if overdue:
            recipients += office_users()
        link = (
            reverse("web:problem", args=[deadline.problem_id])
            if deadline.problem_id
            else reverse("web:assignment", args=[deadline.assignment_id])
        )
        sent = notification_send(
            recipients=recipients,
            kind=kind,
            message=message,
            link=link,
            key=f"{kind}:{deadline.pk}:{deadline.due.isoformat()}",
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
