"""Who hears of which workflow move: the problem's, the plan's, the rectification report's …,
told by the workflow engine."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xuncha.core.models import StatusChange
from xuncha.core.permissions import Actor
from xuncha.core.workflow import status_changed
from xuncha.findings.models import Problem
from xuncha.notifications.models import NotificationKind
from xuncha.notifications.services import notification_send, office_users, unit_liaisons
from xuncha.rectification.models import ChangeRequest, RectificationPlan, RectificationReport

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


@receiver(status_changed)
def step_notify(
    sender: Any,
    workflow: str,
    subject: Any,
    move: str,
    actor: Actor,
    change: StatusChange,
    **kwargs: Any,
) -> None:
    """Tell those concerned of a problem's or a plan's move (others tell nobody)."""
    if workflow == "problem":
        problem_step_notify(subject, move, actor, change.reason)
    elif workflow == "plan":
        plan_step_notify(subject, move, actor, change.reason)
    elif workflow == "report":
        report_step_notify(subject, move, actor, change.reason)
    elif workflow == "change_request":
        request_step_notify(subject, move, actor, change.reason)


def problem_step_notify(problem: Problem, transition: str, actor: Actor, reason: str) -> None:
    if transition not in PROBLEM_MESSAGES:
        return
    kind, template, audience = PROBLEM_MESSAGES[transition]
    unit = problem.assignment.unit
    message = str(template) % {"title": problem.title, "unit": unit.name, "reason": reason}
    recipients = unit_liaisons(unit) if audience == "unit" else office_users()
    notification_send(
        recipients=[u for u in recipients if actor is None or u.pk != getattr(actor, "pk", None)],
        kind=kind,
        message=message,
        link=reverse("web:problem", args=[problem.pk]),
    )


def plan_step_notify(plan: RectificationPlan, transition: str, actor: Actor, reason: str) -> None:
    unit = plan.assignment.unit
    if transition == "submit":
        recipients, message = (
            office_users(),
            _("%(unit)s报送了整改方案，请审核。") % {"unit": unit.name},
        )
    elif transition == "approve":
        recipients, message = unit_liaisons(unit), _("整改方案已批准，请按方案推进整改。")
    elif transition == "return" and plan.due_date is not None:
        recipients = unit_liaisons(unit)
        message = _("整改方案被退回：%(reason)s。请于%(due)s前重新报送。") % {
            "reason": reason,
            "due": plan.due_date.isoformat(),
        }
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


REQUEST_MESSAGES = {
    "submit": (gettext_lazy("%(unit)s对问题“%(title)s”提出%(kind)s，请审批：%(reason)s"), "office"),
    "approve": (gettext_lazy("问题“%(title)s”的%(kind)s已批准：%(reason)s"), "unit"),
    "refuse": (gettext_lazy("问题“%(title)s”的%(kind)s未获批准：%(reason)s"), "unit"),
    "withdraw": (gettext_lazy("%(unit)s撤回了问题“%(title)s”的%(kind)s。"), "office"),
}


def request_step_notify(request: ChangeRequest, transition: str, actor: Actor, reason: str) -> None:
    """The office hears of a request made or withdrawn; the unit of the decision."""
    if transition not in REQUEST_MESSAGES:
        return
    template, audience = REQUEST_MESSAGES[transition]
    problem = request.problem
    unit = problem.assignment.unit
    message = str(template) % {
        "unit": unit.name,
        "title": problem.title,
        "kind": request.get_kind_display(),
        "reason": reason,
    }
    recipients = {u.pk: u for u in (unit_liaisons(unit) if audience == "unit" else office_users())}
    if audience == "unit" and request.requested_by is not None:
        recipients.setdefault(request.requested_by.pk, request.requested_by)
    notification_send(
        recipients=[u for pk, u in recipients.items() if pk != getattr(actor, "pk", None)],
        kind=NotificationKind.REQUEST,
        message=message,
        link=reverse("web:problem", args=[problem.pk]) + f"#request-{request.pk}",
    )


def report_step_notify(
    report: RectificationReport, transition: str, actor: Actor, reason: str
) -> None:
    """报送 tells the office; 接收 and 退回 (with the reason and the new due date) the unit."""
    unit = report.assignment.unit
    if transition == "submit":
        recipients = office_users()
        message = _("%(unit)s报送了整改情况报告，请审阅。") % {"unit": unit.name}
    elif transition == "receive":
        recipients = unit_liaisons(unit)
        message = _("整改情况报告已被巡察办接收。")
    elif transition == "return":
        recipients = unit_liaisons(unit)
        due = report.due_date.isoformat() if report.due_date else ""
        message = _("整改情况报告被退回：%(reason)s。请于%(due)s前重新报送。") % {
            "reason": reason,
            "due": due,
        }
    else:
        return
    notification_send(
        recipients=[u for u in recipients if actor is None or u.pk != getattr(actor, "pk", None)],
        kind=NotificationKind.REPORT,
        message=message,
        link=reverse("web:report", args=[report.assignment_id]),
    )
