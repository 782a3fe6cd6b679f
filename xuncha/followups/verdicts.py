"""A group's verdict (认定) on each problem of the unit it revisits, and what it does to it.

The verdict is a record of its own, kept beside what the unit had declared. What it does to the
problem is a move of the problem workflow (``rectification.workflow.VERDICT_MOVES``),
with its history row: 整改到位 asks for closing (the office closes: four eyes) or confirms a
closed problem; 基本到位 keeps it open as 持续整改; 未到位 sends it back to 整改中 or reopens
it; 问题反弹 reopens a closed one. 基本到位 and 未到位 set a new deadline, and the clocks follow.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.core.files.base import File
from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from xuncha.core.audit import audit_record, snapshot
from xuncha.core.permissions import Actor
from xuncha.core.workflow import TransitionRefused
from xuncha.findings.models import MeasureStatus, Problem, ProblemStatus
from xuncha.findings.services import problem_plan_update, problem_scope
from xuncha.followups.access import (
    FollowUpError,
    lock_visit,
    require_visit_member,
    require_visited,
    user_or_none,
)
from xuncha.followups.models import Verdict, VerdictKind, Visit
from xuncha.followups.services import visit_evidence_add
from xuncha.rectification.transitions import problem_transition
from xuncha.rectification.workflow import VERDICT_MOVES

# The verdicts that leave work to do, and so a date to do it by.
NEEDS_NEW_DEADLINE = frozenset({VerdictKind.MOSTLY, VerdictKind.NOT_DONE})
# What a unit declares done: it asked for closing, was closed, or finished every measure.
DECLARED_DONE_STATUSES = frozenset({ProblemStatus.CLOSING_REQUESTED, ProblemStatus.CLOSED})


@transaction.atomic
def verdict_record(
    *,
    actor: Actor,
    visit: Visit,
    problem: Problem,
    kind: str,
    reason: str,
    new_deadline: dt.date | None = None,
    evidence: Sequence[File[bytes]] = (),
) -> Verdict:
    """Rule on one problem of the visited unit, and move the problem as the verdict says.

    Refused, with a message for the user: anyone but a member of the visit's group; a visit
    not yet recorded; a problem of another unit; no reason; no new deadline (or one not after
    the visit) for 基本到位 and 未到位; a second verdict on the same problem at this visit; and a
    verdict the problem's status does not allow (问题反弹 on a problem never closed).
    ``evidence`` are uploaded files backing the verdict.
    """
    visit = lock_visit(visit)
    # The verdict's moves are open only to the visit's group, which this check proves.
    role = require_visit_member(actor, visit, _("作出整改认定"))
    visited_on = require_visited(visit, _("作出整改认定"))
    if kind not in VerdictKind.values:
        raise FollowUpError(_("认定结果无效，应为整改到位、基本到位、未到位或问题反弹。"))
    label = VerdictKind(kind).label
    problem = (
        Problem.objects.select_for_update(of=("self",))
        .select_related("assignment__unit")
        .get(pk=problem.pk)
    )
    if problem.assignment_id != visit.assignment_id:
        raise FollowUpError(
            _("问题“%(title)s”不属于本次回访的单位（%(unit)s），不能在此认定。")
            % {"title": problem.title, "unit": visit.assignment.unit.name}
        )
    if not reason.strip():
        raise FollowUpError(_("认定“%(kind)s”须写明理由。") % {"kind": label})
    _check_new_deadline(kind, new_deadline, visited_on)
    if Verdict.objects.filter(visit=visit, problem=problem).exists():
        raise FollowUpError(
            _("本次回访已对问题“%(title)s”作出认定，不能重复认定。") % {"title": problem.title}
        )
    transition = VERDICT_MOVES.get((kind, problem.status))
    if transition is None:
        raise TransitionRefused(_impossible_message(kind, problem))
    verdict = Verdict.objects.create(
        visit=visit,
        problem=problem,
        kind=kind,
        reason=reason.strip(),
        new_deadline=new_deadline,
        declared_status=problem.status,
        declared_done=_declared_done(problem),
        ruled_by=user_or_none(actor),
    )
    audit_record(
        actor=actor,
        action="verdict.record",
        instance=verdict,
        before=None,
        after=snapshot(verdict),
        scope=problem_scope(problem),
    )
    # The move's effects bring the clocks up to date: this verdict's new deadline starts, an
    # earlier verdict's ends.
    problem = problem_transition(
        actor=actor, problem=problem, name=transition, reason=verdict.reason, visit=visit
    )
    if new_deadline is not None:
        problem_plan_update(
            actor=actor,
            problem=problem,
            expected_version=None,
            rectification_kind=problem.rectification_kind,
            deadline=new_deadline,
            as_role=role,
        )
    for upload in evidence:
        visit_evidence_add(actor=actor, visit=visit, upload=upload, verdict=verdict)
    return verdict


def _check_new_deadline(kind: str, new_deadline: dt.date | None, visited_on: dt.date) -> None:
    label = VerdictKind(kind).label
    if kind in NEEDS_NEW_DEADLINE and new_deadline is None:
        raise FollowUpError(_("认定“%(kind)s”须确定新的整改时限。") % {"kind": label})
    if kind == VerdictKind.DONE and new_deadline is not None:
        raise FollowUpError(_("认定“整改到位”不需要新的整改时限。"))
    if new_deadline is not None and new_deadline <= visited_on:
        raise FollowUpError(
            _("新的整改时限（%(deadline)s）须晚于回访日期（%(visited)s）。")
            % {"deadline": new_deadline.isoformat(), "visited": visited_on.isoformat()}
        )


def _declared_done(problem: Problem) -> bool:
    """Whether the unit held the problem done: closing asked or granted, or every measure done."""
    if problem.status in DECLARED_DONE_STATUSES:
        return True
    counts = problem.measures.aggregate(
        total=Count("pk"), open=Count("pk", filter=~Q(status=MeasureStatus.DONE))
    )
    return counts["total"] > 0 and counts["open"] == 0


def _impossible_message(kind: str, problem: Problem) -> str:
    values = {
        "title": problem.title,
        "status": problem.get_status_display(),
        "kind": VerdictKind(kind).label,
    }
    if kind == VerdictKind.REBOUND:
        return (
            _(
                "问题“%(title)s”当前为“%(status)s”，尚未销号，不能认定为“问题反弹”；"
                "整改不到位的请认定为“未到位”。"
            )
            % values
        )
    if problem.status == ProblemStatus.PENDING:
        return _("问题“%(title)s”尚未开始整改（待整改），不能认定为“%(kind)s”。") % values
    return _("问题“%(title)s”当前为“%(status)s”，不能认定为“%(kind)s”。") % values


__all__ = ["verdict_record"]
