"""Who hears of which workflow step."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xuncha.findings.signals import problem_transitioned
from xuncha.notifications.models import NotificationKind
from xuncha.notifications.services import notification_send, office_users, unit_liaisons
from xuncha.rectification.signals import plan_transitioned

PROBLEM_MESSAGES = {
    "start": (
        NotificationKind.ASSIGNED,
        gettext_lazy("问题“%(title)s”已进入整改，请按方案推进。"),
        "unit",
    ),
    "request_closing": (
        NotificationKind.CLOSING_REQUESTED,
        gettext_lazy("%(unit)s申请对问题“%(title)s”销号，请审核。"),
        "office",
    ),
    "return": (
        NotificationKind.RETURNED,
        gettext_lazy("问题“%(title)s”的销号申请被退回：%(reason)s"),
        "unit",
    ),
    "close": (NotificationKind.CLOSED, gettext_lazy("问题“%(title)s”已销号。"), "unit"),
    "reopen": (
        NotificationKind.REOPENED,
        gettext_lazy("问题“%(title)s”被重新打开：%(reason)s"),
        "unit",
    ),
    # Follow-up verdicts (回访认定); confirming a closed problem tells nobody anything new.
    "rule_done": (
        NotificationKind.CLOSING_REQUESTED,
        gettext_lazy("回访督查认定%(unit)s问题“%(title)s”整改到位，请审核销号。"),
        "office",
    ),
    "rule_mostly": (
        NotificationKind.FOLLOWUP,
        gettext_lazy("回访督查认定问题“%(title)s”基本到位，转为持续整改：%(reason)s"),
        "unit",
    ),
    "rule_not_done": (
        NotificationKind.FOLLOWUP,
        gettext_lazy("回访督查认定问题“%(title)s”整改未到位，请再整改：%(reason)s"),
        "unit",
    ),
    "rule_not_done_reopen": (
        NotificationKind.FOLLOWUP,
        gettext_lazy("回访督查认定问题“%(title)s”整改未到位，已重新打开：%(reason)s"),
        "unit",
    ),
    "rule_rebound": (
        NotificationKind.FOLLOWUP,
        gettext_lazy("回访督查认定问题“%(title)s”出现反弹，已重新打开：%(reason)s"),
        "unit",
    ),
}


@receiver(problem_transitioned)
def problem_step_notify(
    sender: Any, problem: Any, transition: str, actor: Any, **kwargs: Any
) -> None:
    if transition not in PROBLEM_MESSAGES:
        return
    kind, template, audience = PROBLEM_MESSAGES[transition]
    unit = problem.assignment.unit
    last = problem.events.order_by("-id").first()
    message = str(template) % {
        "title": problem.title,
        "unit": unit.name,
        "reason": last.reason if last else "",
    }
    recipients = unit_liaisons(unit) if audience == "unit" else office_users()
    notification_send(
        recipients=[u for u in recipients if actor is None or u.pk != getattr(actor, "pk", None)],
        kind=kind,
        message=message,
        link=reverse("web:problem", args=[problem.pk]),
    )


@receiver(plan_transitioned)
def plan_step_notify(sender: Any, plan: Any, transition: str, actor: Any, **kwargs: Any) -> None:
    unit = plan.assignment.unit
    last = plan.events.order_by("-id").first()
    reason = last.reason if last else ""
    if transition == "submit":
        recipients, message = (
            office_users(),
            _("%(unit)s报送了整改方案，请审核。") % {"unit": unit.name},
        )
    elif transition == "approve":
        recipients, message = unit_liaisons(unit), _("整改方案已批准，请按方案推进整改。")
    elif transition == "return":
        recipients = unit_liaisons(unit)
        message = _("整改方案被退回：%(reason)s") % {"reason": reason}
    else:
        return
    notification_send(
        recipients=[u for u in recipients if actor is None or u.pk != getattr(actor, "pk", None)],
        kind=NotificationKind.PLAN,
        message=message,
        link=reverse("web:plan", args=[plan.assignment_id]),
    )
