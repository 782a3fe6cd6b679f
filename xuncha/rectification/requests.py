"""The unit asking the office to change what it is judged by, and the office deciding.

Once the plan is the office's (``rectification.authority``), the unit changes a deadline or a
measure only by asking: an extension (延期申请: which deadline, the new date, why, with
attachments) or a plan revision (方案调整申请: each measure it would change, add or remove,
with its old and new values side by side). The office approves or refuses with a reason. An
approval applies the change through the same services as the office's own edit, so the audit,
the problem's version and the clocks follow; the request, the decision and the values before
and after are in the problem's history.

The workflow :data:`REQUEST` is the table of who may make which move.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.files.base import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xuncha.core.audit import audit_record, snapshot
from xuncha.core.models import Role
from xuncha.core.permissions import SYSTEM, Actor
from xuncha.core.storage import removed_if_refused, stored_file_save
from xuncha.core.workflow import Applied, Guard, Transition, Workflow, reached
from xuncha.findings import services as findings
from xuncha.findings.models import Measure, MeasureStatus, Problem, ProblemStatus
from xuncha.findings.models import RectificationKind as Kind
from xuncha.findings.services import EditRefused, problem_scope
from xuncha.rectification.authority import unit_proposes
from xuncha.rectification.models import ChangeRequest, RequestFile, RequestKind, RequestStatus
from xuncha.rounds.access import acting_roles

R = RequestStatus
MEASURE_FIELDS = ("text", "owner", "department", "deadline")
OPEN_PROBLEM = {ProblemStatus.PENDING, ProblemStatus.IN_PROGRESS, ProblemStatus.CONTINUING}


class RequestRefused(ValueError):
    """A request the unit may not make as asked; the message says why."""


# ---------------------------------------------------------------------------------------------
# What a request proposes, as stored in ``ChangeRequest.changes``


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day is not None else None


def _day(value: Any) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def measure_values(measure: Measure) -> dict[str, Any]:
    """A measure's decided fields as a request stores them (dates as ISO text)."""
    return {
        "text": measure.text,
        "owner": measure.owner,
        "department": measure.department,
        "deadline": _iso(measure.deadline),
    }


@dataclass(frozen=True)
class MeasureProposal:
    """One measure as a revision would have it: ``measure`` None is a new one; ``delete``
    removes it."""

    measure: Measure | None
    text: str = ""
    owner: str = ""
    department: str = ""
    deadline: dt.date | None = None
    delete: bool = False

    def values(self) -> dict[str, Any]:
        return {
            "text": self.text.strip(),
            "owner": self.owner.strip(),
            "department": self.department.strip(),
            "deadline": _iso(self.deadline),
        }


def _still_current(request: ChangeRequest) -> str:
    """Why the values the request was made against no longer stand, or ""."""
    problem = request.problem
    if request.kind == RequestKind.EXTENSION:
        if request.measure_ordinal is None:
            current = problem.deadline
        else:
            measure = (
                Measure.objects.filter(pk=request.measure_id).first()
                if request.measure_id is not None
                else None
            )
            if measure is None:
                return _("申请所针对的措施已被删除。")
            current = measure.deadline
        if current != request.old_date:
            return _("时限在申请后已有变动（现为%(now)s），请不予批准并请单位重新申请。") % {
                "now": current or "—"
            }
        return ""
    measures = {m.pk: m for m in problem.measures.all()}
    for item in request.changes:
        if item["action"] == "kind":
            if problem.rectification_kind != item["before"]["rectification_kind"]:
                return _("整改类型在申请后已有变动，请不予批准并请单位重新申请。")
            continue
        if item["action"] == "add":
            continue
        measure = measures.get(item["measure"])
        if measure is None:
            return _("第%(n)s项措施已被删除。") % {"n": item["ordinal"]}
        if measure_values(measure) != item["before"]:
            return _("第%(n)s项措施在申请后已有变动，请不予批准并请单位重新申请。") % {
                "n": item["ordinal"]
            }
    return ""


STILL_CURRENT = Guard(
    "still_current",
    "%(why)s",
    lambda request, situation: not _still_current(request),
    values=lambda request: {"why": _still_current(request)},
)
PROBLEM_OPEN = Guard(
    "problem_open",
    gettext_lazy("问题处于“%(status)s”状态，申请不能再批准。"),
    lambda request, situation: request.problem.status in OPEN_PROBLEM,
    values=lambda request: {"status": request.problem.get_status_display()},
)


def request_roles(
    actor: Actor, request: ChangeRequest, context: Mapping[str, Any]
) -> frozenset[str]:
    return acting_roles(actor, request.problem.assignment)


def lock_request(request: ChangeRequest) -> ChangeRequest:
    """The request locked with its problem, the problem first (as every edit of it locks)."""
    Problem.objects.select_for_update(of=("self",)).filter(pk=request.problem_id).first()
    return (
        ChangeRequest.objects.select_for_update(of=("self",))
        .select_related("problem__assignment__group", "problem__assignment__unit", "measure")
        .get(pk=request.pk)
    )


def _request_decided(applied: Applied) -> None:
    """An approval applies what was asked, in the office's name, through the edit services."""
    if applied.transition.move != "approve":
        return
    request: ChangeRequest = applied.subject
    actor = applied.situation.actor
    if request.kind == RequestKind.EXTENSION:
        _extension_apply(actor, request)
    else:
        _revision_apply(actor, request)


def _extension_apply(actor: Actor, request: ChangeRequest) -> None:
    problem = Problem.objects.get(pk=request.problem_id)
    if request.measure_ordinal is None:
        findings.problem_plan_update(
            actor=actor,
            problem=problem,
            expected_version=None,
            rectification_kind=problem.rectification_kind,
            deadline=request.new_date,
        )
        return
    measure = request.measure  # still there: STILL_CURRENT held
    assert measure is not None
    findings.measure_update(
        actor=actor,
        measure=measure,
        expected_version=problem.version,
        text=measure.text,
        owner=measure.owner,
        department=measure.department,
        deadline=request.new_date,
    )


def _revision_apply(actor: Actor, request: ChangeRequest) -> None:
    for item in request.changes:
        problem = Problem.objects.get(pk=request.problem_id)
        after = item["after"]
        if item["action"] == "kind":
            findings.problem_plan_update(
                actor=actor,
                problem=problem,
                expected_version=None,
                rectification_kind=after["rectification_kind"],
                deadline=problem.deadline,
            )
        elif item["action"] == "add":
            findings.measure_create(
                actor=actor,
                problem=problem,
                expected_version=None,
                text=after["text"],
                owner=after["owner"],
                department=after["department"],
                deadline=_day(after["deadline"]),
            )
        elif item["action"] == "delete":
            measure = Measure.objects.get(pk=item["measure"])
            findings.measure_delete(actor=actor, measure=measure, expected_version=None)
        else:
            measure = Measure.objects.get(pk=item["measure"])
            findings.measure_update(
                actor=actor,
                measure=measure,
                expected_version=problem.version,
                text=after["text"],
                owner=after["owner"],
                department=after["department"],
                deadline=_day(after["deadline"]),
            )


UNIT = reached(Role.UNIT)
OFFICE = reached(Role.OFFICE)

REQUEST = Workflow(
    name="change_request",
    model=ChangeRequest,
    statuses=RequestStatus,
    roles_of=request_roles,
    scope=lambda request: problem_scope(request.problem),
    lock=lock_request,
    after=(_request_decided,),
    transitions=[
        Transition("submit", reached(R.DRAFT), R.PENDING, gettext_lazy("提出申请"), UNIT),
        Transition(
            "approve",
            reached(R.PENDING),
            R.APPROVED,
            gettext_lazy("批准申请"),
            OFFICE,
            guards=(PROBLEM_OPEN, STILL_CURRENT),
            reason_required=True,
        ),
        Transition(
            "refuse",
            reached(R.PENDING),
            R.REFUSED,
            gettext_lazy("不予批准"),
            OFFICE,
            reason_required=True,
        ),
        Transition("withdraw", reached(R.PENDING), R.WITHDRAWN, gettext_lazy("撤回申请"), UNIT),
    ],
)


# ---------------------------------------------------------------------------------------------
# Asking


def _asking_check(actor: Actor, problem: Problem, reason: str) -> None:
    roles = acting_roles(actor, problem.assignment)
    if SYSTEM not in roles and Role.UNIT not in roles:
        raise EditRefused(_("只有被巡察单位可以提出申请；巡察办可直接修改。"))
    if problem.status not in OPEN_PROBLEM:
        raise RequestRefused(
            _("问题处于“%(status)s”状态，不能提出申请。") % {"status": problem.get_status_display()}
        )
    if unit_proposes(problem):
        raise RequestRefused(_("整改方案尚未报送，单位可以直接修改时限和措施，无须申请。"))
    if not reason.strip():
        raise RequestRefused(_("请填写申请理由。"))


def _submit(
    actor: Actor, request: ChangeRequest, reason: str, files: Sequence[File[bytes]]
) -> ChangeRequest:
    request.requested_by = actor if actor is not None and actor.is_authenticated else None
    request.reason = reason.strip()
    request.save()
    audit_record(
        actor=actor,
        action="change_request.create",
        instance=request,
        before=None,
        after=snapshot(request),
        scope=problem_scope(request.problem),
    )
    for upload in files:
        attachment = RequestFile(request=request)
        stored_file_save(attachment, upload, actor=actor)
        attachment.save()
        audit_record(
            actor=actor,
            action="change_request.file_add",
            instance=attachment,
            before=None,
            after=snapshot(attachment),
            scope=problem_scope(request.problem),
        )
    return REQUEST.apply(request, "submit", actor=actor, reason=request.reason)


def _no_pending(problem: Problem, **target: Any) -> None:
    if ChangeRequest.objects.filter(problem=problem, status=R.PENDING, **target).exists():
        raise RequestRefused(_("已有一项同类申请待巡察办审批，请等待审批结果或先撤回。"))


@removed_if_refused
@transaction.atomic
def extension_request(
    *,
    actor: Actor,
    problem: Problem,
    new_date: dt.date,
    reason: str,
    measure: Measure | None = None,
    files: Sequence[File[bytes]] = (),
    today: dt.date | None = None,
) -> ChangeRequest:
    """Ask for a later deadline: the problem's 整改时限, or one measure's 完成时限."""
    locked = (
        Problem.objects.select_for_update(of=("self",))
        .select_related("assignment__unit", "assignment__group")
        .get(pk=problem.pk)
    )
    _asking_check(actor, locked, reason)
    if measure is not None:
        measure = Measure.objects.get(pk=measure.pk)
        if measure.problem_id != locked.pk:
            raise RequestRefused(_("措施不属于该问题。"))
        if measure.status == MeasureStatus.DONE:
            raise RequestRefused(_("措施已完成，无须延期。"))
    current = measure.deadline if measure is not None else locked.deadline
    today = today or timezone.localdate()
    if new_date <= today:
        raise RequestRefused(_("申请延至的日期须晚于今天。"))
    if current is not None and new_date <= current:
        raise RequestRefused(
            _("申请延至的日期须晚于现有时限（%(current)s）。") % {"current": current}
        )
    _no_pending(locked, kind=RequestKind.EXTENSION, measure=measure)
    request = ChangeRequest(
        problem=locked,
        kind=RequestKind.EXTENSION,
        measure=measure,
        measure_ordinal=measure.ordinal if measure is not None else None,
        old_date=current,
        new_date=new_date,
    )
    return _submit(actor, request, reason, files)


@removed_if_refused
@transaction.atomic
def revision_request(
    *,
    actor: Actor,
    problem: Problem,
    proposals: Sequence[MeasureProposal],
    reason: str,
    rectification_kind: str | None = None,
    files: Sequence[File[bytes]] = (),
) -> ChangeRequest:
    """Ask to change the measures (their text, owner, department, deadline), add or remove
    some, or change the rectification kind; only what differs from today is stored."""
    locked = (
        Problem.objects.select_for_update(of=("self",))
        .select_related("assignment__unit", "assignment__group")
        .get(pk=problem.pk)
    )
    _asking_check(actor, locked, reason)
    measures = {m.pk: m for m in locked.measures.order_by("ordinal")}
    changes: list[dict[str, Any]] = []
    if rectification_kind is not None and rectification_kind != locked.rectification_kind:
        if rectification_kind not in Kind.values:
            raise RequestRefused(_("整改类型无效。"))
        changes.append(
            {
                "action": "kind",
                "before": {"rectification_kind": locked.rectification_kind},
                "after": {"rectification_kind": rectification_kind},
            }
        )
    for proposal in proposals:
        if proposal.measure is None:
            if proposal.delete or not proposal.text.strip():
                continue
            changes.append(
                {"action": "add", "measure": None, "before": None, "after": proposal.values()}
            )
            continue
        measure = measures.get(proposal.measure.pk)
        if measure is None:
            raise RequestRefused(_("措施不属于该问题。"))
        before = measure_values(measure)
        base = {"measure": measure.pk, "ordinal": measure.ordinal, "before": before}
        if proposal.delete:
            if measure.status != MeasureStatus.NOT_STARTED:
                raise RequestRefused(
                    _("第%(n)s项措施已开始推进，不能删除。") % {"n": measure.ordinal}
                )
            changes.append({"action": "delete", **base, "after": None})
            continue
        after = proposal.values()
        if not after["text"]:
            raise RequestRefused(_("第%(n)s项措施的内容不能为空。") % {"n": measure.ordinal})
        if after != before:
            changes.append({"action": "update", **base, "after": after})
    if not changes:
        raise RequestRefused(_("调整内容与现有方案相同，没有需要审批的变更。"))
    _no_pending(locked, kind=RequestKind.REVISION)
    request = ChangeRequest(problem=locked, kind=RequestKind.REVISION, changes=changes)
    return _submit(actor, request, reason, files)


def request_transition(
    *, actor: Actor, request: ChangeRequest, name: str, reason: str = ""
) -> ChangeRequest:
    """Approve, refuse or withdraw a request (the table says who may)."""
    return REQUEST.apply(request, name, actor=actor, reason=reason)


# ---------------------------------------------------------------------------------------------
# Reading


@dataclass(frozen=True)
class Side:
    """One line of a request shown side by side: what, before, after."""

    label: str
    before: str
    after: str
    action: str


FIELD_LABELS = {
    "text": gettext_lazy("措施"),
    "owner": gettext_lazy("责任领导"),
    "department": gettext_lazy("责任部门"),
    "deadline": gettext_lazy("完成时限"),
}


def request_sides(request: ChangeRequest) -> list[Side]:
    """What the request changes, each line with its value before and after."""
    if request.kind == RequestKind.EXTENSION:
        what = (
            _("第%(n)s项措施的完成时限") % {"n": request.measure_ordinal}
            if request.measure_ordinal is not None
            else _("问题的整改时限")
        )
        return [Side(what, str(request.old_date or "—"), str(request.new_date), "update")]
    sides = []
    kinds = dict(Kind.choices)
    for item in request.changes:
        action = item["action"]
        if action == "kind":
            sides.append(
                Side(
                    _("整改类型"),
                    str(kinds.get(item["before"]["rectification_kind"], "—")),
                    str(kinds.get(item["after"]["rectification_kind"], "—")),
                    action,
                )
            )
            continue
        name = _("新增措施") if action == "add" else _("第%(n)s项措施") % {"n": item["ordinal"]}
        before = item["before"] or {}
        after = item["after"] or {}
        for key, label in FIELD_LABELS.items():
            old, new = before.get(key) or "", after.get(key) or ""
            if action == "update" and old == new:
                continue
            if action == "delete" and key != "text":
                continue
            sides.append(Side(f"{name} · {label}", old or "—", new or _("（删除）"), action))
    return sides


__all__ = [
    "REQUEST",
    "MeasureProposal",
    "RequestRefused",
    "Side",
    "extension_request",
    "measure_values",
    "request_sides",
    "request_transition",
    "revision_request",
]
