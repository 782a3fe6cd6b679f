"""What the clocks run on in petitions: the time limits of 《信访工作条例》 on each petition.

One subject, "petition", whose rules count from the dates a petition records (its anchors):
received, accepted or otherwise decided (受理或处理决定), assigned to a unit (交办), the written
answer delivered, a 复查 request received, the 复查 answer delivered, a 复核 request received.
Each default rule (migration ``0002_petition_rules``, ``petition-`` codes, each with its
article) is met once the stage it is about is done:

* ``petition-disposal`` (第22条), from receipt: met once the petition is decided
  (``decided_on`` set, or its status past 登记);
* ``petition-notice`` (第23条), from receipt: met once the written notice is recorded
  (``notified_on``); not run where the petitioner cannot be written to (the exception the
  article makes for an unclear name or address): anonymous or unnamed, or with neither an
  address nor an e-mail and not come in online (where the 查询码 page carries the notice);
* ``petition-objection`` (第23条第3款), from 交办: the unit's window to say the matter is not
  its own (``workflow`` move "object"). It runs while the petition is with a unit; the unit's
  answer, or any later stage, ends it; an objection hands the matter back (no unit) and the
  clock goes. It is the unit's option, not a duty, so its rule does not count in warnings.
  It counts from ``assigned_on``, which ``petition_assign`` sets;
* ``petition-handling`` (第34条), from acceptance: only on a 申诉求决 matter handled with a
  信访处理意见书 (第31条第6项) and not declined or transferred; met once answered. Its
  :class:`~xuncha.clocks.models.ExtensionRule` grants the one extension;
* ``petition-review-request`` and ``petition-recheck-request`` (第35条, 第36条): the petitioner's
  windows for asking for 复查 (from the delivery of the answer, on the same 第31条第6项 matters:
  复查 is of a 信访处理意见) and for 复核 (from the delivery of the 复查 answer). They are the
  petitioner's time, not the staff's (their rules do not count in warnings); met once the
  request is received;
* ``petition-review`` and ``petition-recheck`` (第35条, 第36条), from the request: met once the
  复查 or 复核 answer is given. A hearing during 复核 is a pause on its clock
  (``clocks.services.clock_pause``/``clock_resume``): its days are not counted.

A closed petition (办结) runs no clock any more: each is met. A rule the office adds under
another code is met at its anchor's next stage (receipt → decision, acceptance → answer, 交办 →
the unit's answer, delivery → 复查 request, 复查 request → 复查 answer, 复查 answer delivered →
复核 request, 复核 request → 复核 answer).

Every clock bears on its petition, a holder (:class:`~xuncha.clocks.models.ClockHolder`) that
stores its nearest open deadline for the 督办 list, none once it is closed; the holder also
names the history the clock's changes are audited under (``petition:12``). Services call
``clocks_changed(source="petition", ids=…)`` in the transaction that changes any of these dates,
the status, the unit, the kind or route, or the petitioner's particulars.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from xuncha.clocks.models import DeadlineRule
from xuncha.clocks.registry import Holder, Subject, Wanted, register_holder, register_subject, same
from xuncha.petitions.models import (
    AppealRoute,
    Channel,
    Petition,
    PetitionKind,
    PetitionStatus,
)

SUBJECT = "petition"
HOLDER = "petition"

RECEIVED = "received"
DECIDED = "decided"
ASSIGNED = "assigned"
DELIVERED = "delivered"
REVIEW_REQUESTED = "review_requested"
REVIEW_DELIVERED = "review_delivered"
RECHECK_REQUESTED = "recheck_requested"

ANCHOR_FIELDS = {
    RECEIVED: "received_on",
    DECIDED: "decided_on",
    ASSIGNED: "assigned_on",
    DELIVERED: "delivered_on",
    REVIEW_REQUESTED: "review_requested_on",
    REVIEW_DELIVERED: "review_delivered_on",
    RECHECK_REQUESTED: "recheck_requested_on",
}
"""Each anchor and the petition's date it counts from."""

ANCHORS = {
    RECEIVED: _("收到日期"),
    DECIDED: _("受理或处理决定日期"),
    ASSIGNED: _("交办日期"),
    DELIVERED: _("送达日期"),
    REVIEW_REQUESTED: _("收到复查请求日期"),
    REVIEW_DELIVERED: _("复查意见送达日期"),
    RECHECK_REQUESTED: _("收到复核请求日期"),
}

ONLINE = frozenset({Channel.WEB, Channel.MESSAGE_BOARD, Channel.EMAIL})
"""Channels whose petitioner follows the matter online (查询码), where a notice can be read."""

NOT_HANDLED_HERE = frozenset({PetitionStatus.DECLINED, PetitionStatus.TRANSFERRED})
"""Decided, but not accepted for handling here: no 60-day handling limit runs."""

FIELDS = [
    "pk",
    "channel",
    "kind",
    "appeal_route",
    "status",
    "unit_id",
    *dict.fromkeys(ANCHOR_FIELDS.values()),
    "notified_on",
    "answered_on",
    "reviewed_on",
    "rechecked_on",
    "petitioner__anonymous",
    "petitioner__name",
    "petitioner__address",
    "petitioner__email",
]

Row = Mapping[str, Any]


def closed(row: Row) -> bool:
    return bool(row["status"] == PetitionStatus.CLOSED)


def decided(row: Row) -> bool:
    """受理, 不予受理, 转送 or 交办 decided: the date recorded, or the status moved on."""
    return row["decided_on"] is not None or row["status"] != PetitionStatus.REGISTERED


def done_once(field: str) -> Callable[[Row], bool]:
    """Done once ``field`` holds a date, or once the petition is closed."""

    def done(row: Row) -> bool:
        return row[field] is not None or closed(row)

    return done


def always(row: Row) -> bool:
    return True


def opinion_matter(row: Row) -> bool:
    """A 申诉求决 matter answered with a 信访处理意见书 (第31条第6项)."""
    return bool(row["kind"] == PetitionKind.APPEAL and row["appeal_route"] == AppealRoute.OPINION)


def accepted_opinion_matter(row: Row) -> bool:
    return opinion_matter(row) and row["status"] not in NOT_HANDLED_HERE


def reachable(row: Row) -> bool:
    """Whether a written notice can reach the petitioner: known by name, with somewhere to
    send it (第23条 leaves out the petitioner whose name or address is unclear)."""
    if row["petitioner__anonymous"] is None or row["petitioner__anonymous"]:
        return False  # no petitioner recorded, or anonymous
    return bool(
        row["petitioner__name"]
        and (row["petitioner__address"] or row["petitioner__email"] or row["channel"] in ONLINE)
    )


def with_unit(row: Row) -> bool:
    """Assigned (交办) to a unit, which has not handed it back."""
    return row["unit_id"] is not None


def past_assignment(row: Row) -> bool:
    """The unit answered, or the petition moved on from 交办."""
    return bool(row["status"] != PetitionStatus.ASSIGNED)


@dataclass(frozen=True)
class Stage:
    """When a rule's clock runs on a petition (``applies``) and when it is met (``done``)."""

    done: Callable[[Row], bool]
    applies: Callable[[Row], bool] = always


STAGES: Mapping[str, Stage] = {
    "petition-disposal": Stage(decided),
    "petition-notice": Stage(done_once("notified_on"), reachable),
    "petition-objection": Stage(past_assignment, with_unit),
    "petition-handling": Stage(done_once("answered_on"), accepted_opinion_matter),
    "petition-review-request": Stage(done_once("review_requested_on"), opinion_matter),
    "petition-review": Stage(done_once("reviewed_on")),
    "petition-recheck-request": Stage(done_once("recheck_requested_on")),
    "petition-recheck": Stage(done_once("rechecked_on")),
}
"""The default rules by code (``migrations/0002_petition_rules``)."""

NEXT_STAGE: Mapping[str, Stage] = {
    RECEIVED: Stage(decided),
    DECIDED: Stage(done_once("answered_on")),
    ASSIGNED: Stage(past_assignment, with_unit),
    DELIVERED: Stage(done_once("review_requested_on")),
    REVIEW_REQUESTED: Stage(done_once("reviewed_on")),
    REVIEW_DELIVERED: Stage(done_once("recheck_requested_on")),
    RECHECK_REQUESTED: Stage(done_once("rechecked_on")),
}
"""For a rule the office added under another code: met at its anchor's next stage."""


def stage_of(rule: DeadlineRule) -> Stage | None:
    if rule.anchor not in ANCHOR_FIELDS:
        return None
    return STAGES.get(rule.code) or NEXT_STAGE[rule.anchor]


def petition_clocks(rules: Sequence[DeadlineRule], ids: Collection[int] | None) -> Iterable[Wanted]:
    staged = [(rule, stage) for rule in rules if (stage := stage_of(rule)) is not None]
    if not staged:
        return
    petitions = Petition.objects.all()
    if ids is not None:
        petitions = petitions.filter(pk__in=list(ids))
    for row in petitions.order_by().values(*FIELDS).iterator(chunk_size=2000):
        for rule, stage in staged:
            start: dt.date | None = row[ANCHOR_FIELDS[rule.anchor]]
            if start is None or not stage.applies(row):
                continue
            yield Wanted(rule, row["pk"], start, (HOLDER, row["pk"]), met=stage.done(row))


def petition_names(ids: Collection[int]) -> Mapping[int, str]:
    """By the summary, never the 查询码: that code is the petitioner's key to the public page."""
    summaries = Petition.objects.filter(pk__in=list(ids)).values_list("pk", "summary")
    return {pk: _("信访事项“%(summary)s”") % {"summary": text[:30]} for pk, text in summaries}


def open_petitions(ids: Collection[int]) -> set[int]:
    return set(
        Petition.objects.filter(pk__in=list(ids))
        .exclude(status=PetitionStatus.CLOSED)
        .values_list("pk", flat=True)
    )


def no_parents(ids: Collection[int]) -> Mapping[int, Sequence[tuple[str, int]]]:
    """A petition gathers its own clocks only."""
    return {}


def register() -> None:
    """Register the petition's clocks (see the module's docstring)."""
    register_subject(
        Subject(
            name=SUBJECT,
            label=_("信访事项"),
            anchors=ANCHORS,
            wanted=petition_clocks,
            depends_on={"petition": same},
            describe=petition_names,
            on_problems=False,
        )
    )
    register_holder(
        Holder(
            name=HOLDER,
            model=Petition,
            open_ids=open_petitions,
            parents=no_parents,
            depends_on={"petition": same},
        )
    )
