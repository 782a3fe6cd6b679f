"""Writes on petitions: registering one (with its petitioner apart), each stage through the
workflow, the handling extended (第34条) and a hearing during 复核 (第36条).

Every function is one transaction and audited; a refused move raises
:class:`~xuncha.core.workflow.TransitionRefused` with its message and changes nothing. The
dates are those the stage happened on, as the staff record them (a letter received on Friday
is registered on Monday with Friday's date), never after today.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xuncha.clocks.models import Clock, ExtensionRule
from xuncha.clocks.services import clock_extend, clock_pause, clock_resume, clocks_changed
from xuncha.core.audit import audit_record, snapshot
from xuncha.core.models import Role
from xuncha.core.permissions import Actor, has_role
from xuncha.core.workflow import TransitionRefused
from xuncha.petitions.models import (
    GROUP_CHANNELS,
    AppealRoute,
    Channel,
    ExtensionApproval,
    Petition,
    Petitioner,
    PetitionKind,
    Rating,
)
from xuncha.petitions.workflow import PETITION, petition_scope
from xuncha.rounds.access import is_group_member
from xuncha.rounds.models import Group, Unit

# The 查询码's letters: no 0/O, 1/I/L, so that a code read over the phone is not misheard.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 12
PETITIONER_FIELDS = ("name", "id_number", "phone", "address", "email")
ONLINE_CHANNELS = frozenset({Channel.WEB, Channel.MESSAGE_BOARD, Channel.EMAIL})


class PetitionError(ValueError):
    """A petition that cannot be recorded as given, with the message naming the field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def new_code() -> str:
    """A 查询码 nobody can guess: 12 letters of 31, about 59 bits."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def _not_future(field: str, day: dt.date) -> dt.date:
    if day > timezone.localdate():
        raise PetitionError(field, _("日期不能晚于今天。"))
    return day


def _not_before(field: str, day: dt.date, earlier: dt.date | None, label: str) -> None:
    if earlier is not None and day < earlier:
        raise PetitionError(
            field, _("日期不能早于%(label)s（%(day)s）。") % {"label": label, "day": earlier}
        )


@transaction.atomic
def petition_register(
    *,
    actor: Actor,
    channel: str,
    kind: str,
    summary: str,
    content: str,
    received_on: dt.date,
    petitioner: Mapping[str, str] | None,
    appeal_route: str = "",
    accused_unit: Unit | None = None,
    accused_person: str = "",
    group: Group | None = None,
) -> Petition:
    """Register a petition (登记) with its petitioner (``None``: anonymous).

    Petition staff register from every channel; a member of an inspection group registers
    what came in through the group's own mailbox or telephone during its round, and nothing
    else. The public web form goes through :func:`petition_submit_online`.
    """
    if channel in GROUP_CHANNELS:
        if group is None:
            raise PetitionError("group", _("巡察组信箱、电话收到的信访须写明巡察组。"))
        if not (has_role(actor, Role.PETITION_STAFF) or is_group_member(actor, group)):
            raise TransitionRefused(_("只有信访工作人员或该巡察组成员可以登记。"))
    elif not has_role(actor, Role.PETITION_STAFF):
        raise TransitionRefused(_("只有信访工作人员可以登记信访事项。"))
    return _register(
        actor=actor,
        channel=channel,
        kind=kind,
        summary=summary,
        content=content,
        received_on=received_on,
        petitioner=petitioner,
        appeal_route=appeal_route,
        accused_unit=accused_unit,
        accused_person=accused_person,
        group=group,
    )


@transaction.atomic
def petition_submit_online(
    *,
    channel: str,
    kind: str,
    summary: str,
    content: str,
    petitioner: Mapping[str, str] | None,
) -> Petition:
    """A petition the public submits on the web form (网上信访, no log-in): registered with
    today's date; its 查询码 is all the petitioner holds to follow it."""
    if channel not in ONLINE_CHANNELS:
        raise PetitionError("channel", _("网上只能通过网上信访、留言板或电子邮件提出。"))
    return _register(
        actor=None,
        channel=channel,
        kind=kind,
        summary=summary,
        content=content,
        received_on=timezone.localdate(),
        petitioner=petitioner,
    )


def _register(
    *,
    actor: Actor,
    channel: str,
    kind: str,
    summary: str,
    content: str,
    received_on: dt.date,
    petitioner: Mapping[str, str] | None,
    appeal_route: str = "",
    accused_unit: Unit | None = None,
    accused_person: str = "",
    group: Group | None = None,
) -> Petition:
    if channel not in Channel.values:
        raise PetitionError("channel", _("未知的来源渠道。"))
    if kind not in PetitionKind.values:
        raise PetitionError("kind", _("请选择信访事项的类别。"))
    if appeal_route and (kind != PetitionKind.APPEAL or appeal_route not in AppealRoute.values):
        raise PetitionError("appeal_route", _("办理途径只适用于申诉求决类事项。"))
    if (accused_unit is not None or accused_person.strip()) and kind != PetitionKind.ACCUSATION:
        raise PetitionError("accused_unit", _("被检举控告的单位或人员只适用于检举控告类事项。"))
    if not summary.strip():
        raise PetitionError("summary", _("请填写事项摘要。"))
    if not content.strip():
        raise PetitionError("content", _("请填写信访内容。"))
    _not_future("received_on", received_on)
    petition = Petition(
        channel=channel,
        kind=kind,
        appeal_route=appeal_route,
        summary=summary.strip()[:200],
        content=content.strip(),
        received_on=received_on,
        accused_unit=accused_unit,
        accused_person=accused_person.strip()[:64],
        group=group,
        round_id=group.round_id if group is not None else None,
        registered_by=actor if actor is not None and actor.is_authenticated else None,
    )
    for _attempt in range(5):
        petition.code = new_code()
        try:
            with transaction.atomic():
                petition.save()
            break
        except IntegrityError:  # the same code drawn twice: draw again
            petition.pk = None
    else:  # pragma: no cover - 31**12 codes
        raise PetitionError("code", _("未能生成查询码，请重试。"))
    details = {name: (petitioner or {}).get(name, "").strip() for name in PETITIONER_FIELDS}
    Petitioner.objects.create(petition=petition, anonymous=not any(details.values()), **details)
    # The audit row holds the petition, not who petitioned: the chain is read by auditors
    # who need not know the petitioner.
    audit_record(
        actor=actor,
        action="petition.register",
        instance=petition,
        before=None,
        after=snapshot(petition),
        scope=petition_scope(petition),
    )
    clocks_changed(actor=actor, source="petition", ids=[petition.pk])
    return petition


def _move(
    petition: Petition,
    move: str,
    *,
    actor: Actor,
    reason: str = "",
    changes: Mapping[str, Any] | None = None,
    context: Mapping[str, Any] | None = None,
) -> Petition:
    return PETITION.apply(
        petition, move, actor=actor, reason=reason, changes=changes, context=context
    )


def petition_accept(
    *, actor: Actor, petition: Petition, on: dt.date, notified_on: dt.date | None = None
) -> Petition:
    """受理 (第22条): the decision date, and the written notice if given the same day."""
    _not_future("on", on)
    _not_before("on", on, petition.received_on, _("收到日期"))
    changes: dict[str, Any] = {"decided_on": on}
    if notified_on is not None:
        changes["notified_on"] = _not_future("notified_on", notified_on)
    return _move(petition, "accept", actor=actor, changes=changes)


def petition_decline(*, actor: Actor, petition: Petition, on: dt.date, reason: str) -> Petition:
    """不予受理, with the reason the petitioner is told."""
    _not_future("on", on)
    _not_before("on", on, petition.received_on, _("收到日期"))
    return _move(petition, "decline", actor=actor, reason=reason, changes={"decided_on": on})


def petition_transfer(*, actor: Actor, petition: Petition, on: dt.date, to: str) -> Petition:
    """转送 to an organ outside the system that has the power to handle it (第22条)."""
    if not to.strip():
        raise PetitionError("transferred_to", _("请填写转送的机关、单位。"))
    _not_future("on", on)
    _not_before("on", on, petition.received_on, _("收到日期"))
    return _move(
        petition,
        "transfer",
        actor=actor,
        changes={"decided_on": on, "transferred_to": to.strip()[:100]},
    )


def petition_assign(*, actor: Actor, petition: Petition, unit: Unit, on: dt.date) -> Petition:
    """交办 to a unit in the system, whose handler works it; never to the unit a 检举控告
    accuses (第30条)."""
    _not_future("on", on)
    _not_before("on", on, petition.received_on, _("收到日期"))
    changes: dict[str, Any] = {"unit": unit, "assigned_on": on}
    if petition.decided_on is None:
        changes["decided_on"] = on
    return _move(petition, "assign", actor=actor, changes=changes, context={"unit_id": unit.pk})


def petition_object(*, actor: Actor, petition: Petition, reason: str) -> Petition:
    """The unit's handler says the matter is not their unit's (异议, 第23条): back to the staff."""
    return _move(
        petition, "object", actor=actor, reason=reason, changes={"unit": None, "assigned_on": None}
    )


def petition_notify(*, actor: Actor, petition: Petition, on: dt.date) -> Petition:
    """The petitioner told in writing how the matter will be handled (书面告知, 第23条)."""
    if not has_role(actor, Role.PETITION_STAFF):
        raise TransitionRefused(_("只有信访工作人员可以记录书面告知。"))
    _not_future("on", on)
    _not_before("on", on, petition.received_on, _("收到日期"))
    with transaction.atomic():
        locked = PETITION.lock(petition)
        before = snapshot(locked, ["notified_on"])
        locked.notified_on = on
        locked.version += 1
        locked.save(update_fields=["notified_on", "version"])
        audit_record(
            actor=actor,
            action="petition.notify",
            instance=locked,
            before=before,
            after=snapshot(locked, ["notified_on"]),
            scope=petition_scope(locked),
        )
        clocks_changed(actor=actor, source="petition", ids=[locked.pk])
    return locked


def petition_answer(*, actor: Actor, petition: Petition, on: dt.date, text: str) -> Petition:
    """答复: the handling opinion (信访处理意见书 for a 第31条第6项 matter)."""
    _not_future("on", on)
    _not_before("on", on, petition.decided_on, _("受理日期"))
    if not text.strip():
        raise PetitionError("answer", _("请填写答复意见。"))
    return _move(
        petition, "answer", actor=actor, changes={"answered_on": on, "answer": text.strip()}
    )


def petition_deliver(*, actor: Actor, petition: Petition, on: dt.date) -> Petition:
    """送达: the day the petitioner received the written answer, from which 复查 is counted."""
    _not_future("on", on)
    _not_before("on", on, petition.answered_on, _("答复日期"))
    return _move(petition, "deliver", actor=actor, changes={"delivered_on": on})


def petition_rate(*, actor: Actor, petition: Petition, rating: str, on: dt.date) -> Petition:
    """评价: 满意, 基本满意 or 不满意, as the petitioner gave it."""
    if rating not in Rating.values:
        raise PetitionError("rating", _("请选择评价结果。"))
    _not_future("on", on)
    _not_before("on", on, petition.delivered_on, _("送达日期"))
    return _move(petition, "rate", actor=actor, changes={"rating": rating, "rated_on": on})


def petition_request_review(*, actor: Actor, petition: Petition, on: dt.date) -> Petition:
    """复查请求 received (第35条), which starts the 30 days of the review."""
    _not_future("on", on)
    _not_before("on", on, petition.delivered_on, _("送达日期"))
    return _move(petition, "request_review", actor=actor, changes={"review_requested_on": on})


def petition_review(
    *, actor: Actor, petition: Petition, on: dt.date, delivered_on: dt.date | None = None
) -> Petition:
    """复查意见 given, and the day it reached the petitioner (from which 复核 is counted)."""
    _not_future("on", on)
    _not_before("on", on, petition.review_requested_on, _("收到复查请求日期"))
    changes: dict[str, Any] = {"reviewed_on": on}
    if delivered_on is not None:
        _not_future("delivered_on", delivered_on)
        _not_before("delivered_on", delivered_on, on, _("复查答复日期"))
        changes["review_delivered_on"] = delivered_on
    return _move(petition, "review", actor=actor, changes=changes)


def petition_request_recheck(*, actor: Actor, petition: Petition, on: dt.date) -> Petition:
    """复核请求 received (第36条)."""
    _not_future("on", on)
    _not_before(
        "on", on, petition.review_delivered_on or petition.reviewed_on, _("复查意见送达日期")
    )
    return _move(petition, "request_recheck", actor=actor, changes={"recheck_requested_on": on})


def petition_recheck(*, actor: Actor, petition: Petition, on: dt.date) -> Petition:
    """复核意见 given: the last word on the same facts and reasons (第36条)."""
    _not_future("on", on)
    _not_before("on", on, petition.recheck_requested_on, _("收到复核请求日期"))
    return _move(petition, "recheck", actor=actor, changes={"rechecked_on": on})


def petition_close(*, actor: Actor, petition: Petition, on: dt.date) -> Petition:
    """办结."""
    _not_future("on", on)
    _not_before("on", on, petition.delivered_on, _("送达日期"))
    return _move(petition, "close", actor=actor, changes={"closed_on": on})


# The rules a handling extension (第34条) and a hearing (第36条) apply to, by code.
HANDLING_RULE = "petition-handling"
RECHECK_RULE = "petition-recheck"


def petition_clock(petition: Petition, rule_code: str) -> Clock:
    """The petition's clock of the rule ``rule_code``."""
    clock = (
        Clock.objects.filter(subject_type="petition", subject_id=petition.pk, rule__code=rule_code)
        .select_related("rule")
        .first()
    )
    if clock is None:
        raise PetitionError("clock", _("该信访事项没有这一时限。"))
    return clock


@transaction.atomic
def petition_extend(
    *,
    actor: Actor,
    petition: Petition,
    days: int,
    approved_by: str,
    reason: str,
    petitioner_told_on: dt.date,
) -> ExtensionApproval:
    """Extend the handling (第34条): the approving head named, the reason, and the day the
    petitioner was told; the clock's own rule says by how much and how often."""
    if not has_role(actor, Role.PETITION_STAFF):
        raise TransitionRefused(_("只有信访工作人员可以记录延期审批。"))
    if not approved_by.strip():
        raise PetitionError("approved_by", _("请填写批准延期的负责人。"))
    _not_future("petitioner_told_on", petitioner_told_on)
    clock = petition_clock(petition, HANDLING_RULE)
    rule = ExtensionRule.objects.filter(rule=clock.rule, active=True).first()
    if rule is None:
        raise PetitionError("days", _("该时限不能延长。"))
    approval = ExtensionApproval.objects.create(
        petition=petition,
        approved_by=approved_by.strip()[:64],
        reason=reason.strip(),
        days=days,
        petitioner_told_on=petitioner_told_on,
        recorded_by=actor if actor is not None and actor.is_authenticated else None,
    )
    clock_extend(actor=actor, clock=clock, rule=rule, amount=days, reason=reason, approval=approval)
    return approval


@transaction.atomic
def petition_hearing(
    *, actor: Actor, petition: Petition, start: dt.date, end: dt.date | None
) -> Clock:
    """A hearing (听证) during 复核: its days are not counted (第36条)."""
    if not has_role(actor, Role.PETITION_STAFF):
        raise TransitionRefused(_("只有信访工作人员可以记录听证。"))
    clock = petition_clock(petition, RECHECK_RULE)
    clock = clock_pause(actor=actor, clock=clock, on=start, reason=_("举行听证"))
    if end is not None:
        clock = clock_resume(actor=actor, clock=clock, on=end)
    return clock


__all__ = [
    "PetitionError",
    "new_code",
    "petition_accept",
    "petition_answer",
    "petition_assign",
    "petition_clock",
    "petition_close",
    "petition_decline",
    "petition_deliver",
    "petition_extend",
    "petition_hearing",
    "petition_notify",
    "petition_object",
    "petition_rate",
    "petition_recheck",
    "petition_register",
    "petition_request_recheck",
    "petition_request_review",
    "petition_review",
    "petition_submit_online",
    "petition_transfer",
]
