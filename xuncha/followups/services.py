"""Writes of follow-up supervision: the office's plan, and the visit as the group records it.

Verdicts, surveys and scores have modules of their own (``verdicts``, ``surveys``,
``scoring``). Each service is one transaction with its audit rows, and checks who may act
(see ``access``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.files.base import File
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from xuncha.core.audit import audit_record, snapshot
from xuncha.core.permissions import Actor
from xuncha.core.storage import removed_if_refused, stored_file_save
from xuncha.findings.services import problem_scope
from xuncha.followups.access import (
    FollowUpError,
    check_version,
    followup_scope,
    lock_visit,
    require_office,
    require_visit_member,
    require_visited,
)
from xuncha.followups.models import (
    Batch,
    FollowUp,
    FollowUpKind,
    Rubric,
    SurveyTemplate,
    Verdict,
    Visit,
    VisitEvidence,
    VisitStatus,
)
from xuncha.followups.scales import questions_problems, rubric_problems, scale_problems
from xuncha.followups.workflow import VISIT, visit_scope
from xuncha.notifications.models import NotificationKind
from xuncha.notifications.services import notification_send, unit_liaisons
from xuncha.rounds.models import Assignment, Group, Round


@transaction.atomic
def rubric_create(
    *, actor: Actor, name: str, items: Sequence[Sequence[Any]], total: int = 100, passing: int = 90
) -> Rubric:
    """A scoring rubric (验收评分标准): items with their maximum points, and the pass mark."""
    require_office(actor, _("设置评分标准"))
    items = [[str(item_name).strip(), points] for item_name, points in items]
    problems = rubric_problems(items, total, passing, _)
    if not name.strip():
        problems.insert(0, _("请填写评分标准名称"))
    elif Rubric.objects.filter(name=name.strip()).exists():
        problems.insert(0, _("已有名为“%(name)s”的评分标准") % {"name": name.strip()})
    if problems:
        raise FollowUpError(_("%(problems)s。") % {"problems": _("；").join(problems)})
    rubric = Rubric.objects.create(name=name.strip(), items=items, total=total, passing=passing)
    audit_record(
        actor=actor, action="rubric.create", instance=rubric, before=None, after=snapshot(rubric)
    )
    return rubric


@transaction.atomic
def survey_template_create(
    *, actor: Actor, name: str, questions: Sequence[str], scale: Sequence[Sequence[Any]]
) -> SurveyTemplate:
    """A satisfaction survey: its questions and its scale of [label, score] from best to worst."""
    require_office(actor, _("设置满意度测评问卷"))
    questions = [str(question).strip() for question in questions]
    scale = [[str(label).strip(), score] for label, score in scale]
    problems = questions_problems(questions, _) + scale_problems(scale, _)
    if not name.strip():
        problems.insert(0, _("请填写问卷名称"))
    elif SurveyTemplate.objects.filter(name=name.strip()).exists():
        problems.insert(0, _("已有名为“%(name)s”的问卷") % {"name": name.strip()})
    if problems:
        raise FollowUpError(_("%(problems)s。") % {"problems": _("；").join(problems)})
    template = SurveyTemplate.objects.create(name=name.strip(), questions=questions, scale=scale)
    audit_record(
        actor=actor,
        action="survey_template.create",
        instance=template,
        before=None,
        after=snapshot(template),
    )
    return template


@transaction.atomic
def followup_create(
    *,
    actor: Actor,
    round_: Round,
    name: str,
    kind: str = FollowUpKind.SUPERVISION,
    description: str = "",
    rubric: Rubric | None = None,
    survey: SurveyTemplate | None = None,
) -> FollowUp:
    """Plan a follow-up (回访督查 / 巡察“回头看”) of a round; batches and visits come next."""
    require_office(actor, _("安排回访督查"))
    name = name.strip()
    if not name:
        raise FollowUpError(_("请填写回访督查的名称。"))
    if kind not in FollowUpKind.values:
        raise FollowUpError(_("回访督查类型无效。"))
    if FollowUp.objects.filter(round=round_, name=name).exists():
        raise FollowUpError(_("本轮次已有名为“%(name)s”的回访督查。") % {"name": name})
    followup = FollowUp.objects.create(
        round=round_, name=name, kind=kind, description=description, rubric=rubric, survey=survey
    )
    audit_record(
        actor=actor,
        action="followup.create",
        instance=followup,
        before=None,
        after=snapshot(followup),
        scope=followup_scope(followup),
    )
    return followup


@transaction.atomic
def batch_create(
    *,
    actor: Actor,
    followup: FollowUp,
    sequence: int,
    name: str,
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
) -> Batch:
    """Add a batch (首批, 第二批 …) to a follow-up: the units visited and published together."""
    require_office(actor, _("安排回访批次"))
    name = name.strip()
    if not name:
        raise FollowUpError(_("请填写批次名称（如“首批”）。"))
    if sequence < 1:
        raise FollowUpError(_("批次序号应从1开始。"))
    if starts_on and ends_on and ends_on < starts_on:
        raise FollowUpError(_("批次结束日期早于开始日期。"))
    if followup.batches.filter(sequence=sequence).exists():
        raise FollowUpError(_("已有第%(n)s批，请换一个序号。") % {"n": sequence})
    batch = Batch.objects.create(
        followup=followup, sequence=sequence, name=name, starts_on=starts_on, ends_on=ends_on
    )
    audit_record(
        actor=actor,
        action="batch.create",
        instance=batch,
        before=None,
        after=snapshot(batch),
        scope=followup_scope(followup),
    )
    return batch


@transaction.atomic
def visit_plan(
    *,
    actor: Actor,
    batch: Batch,
    assignment: Assignment,
    group: Group,
    planned_on: dt.date | None = None,
) -> Visit:
    """Put a unit in a batch: which group revisits it, and when.

    The unit must have been inspected in the follow-up's round, and is visited at most once per
    batch (a later batch may revisit it).
    """
    require_office(actor, _("安排回访"))
    followup = batch.followup
    if assignment.round_id != followup.round_id:
        raise FollowUpError(
            _("%(unit)s不是%(round)s的巡察对象，不能列入本次回访。")
            % {"unit": assignment.unit.name, "round": followup.round.name}
        )
    if Visit.objects.filter(batch=batch, assignment=assignment).exists():
        raise FollowUpError(
            _("%(unit)s已列入%(batch)s，同一批次只回访一次。")
            % {"unit": assignment.unit.name, "batch": batch.name}
        )
    visit = Visit.objects.create(
        batch=batch, assignment=assignment, group=group, planned_on=planned_on
    )
    audit_record(
        actor=actor,
        action="visit.plan",
        instance=visit,
        before=None,
        after=snapshot(visit),
        scope=followup_scope(followup),
    )
    return visit


VISIT_RECORD_FIELDS = [
    "visited_on",
    "status",
    "heard",
    "seen",
    "checked",
    "interviewed",
    "interview_count",
    "notes",
]


@transaction.atomic
def visit_record(
    *,
    actor: Actor,
    visit: Visit,
    expected_version: int,
    visited_on: dt.date,
    heard: str = "",
    seen: str = "",
    checked: str = "",
    interviewed: str = "",
    interview_count: int = 0,
    notes: str = "",
) -> Visit:
    """Record what the group did on the visit: 听 heard, 看 seen, 查 checked, 访 interviewed.

    The first record moves the visit to 已回访 (its workflow's "record"); a later one corrects
    what was recorded. ``expected_version`` is the visit's version when the form was shown: an
    edit that raced another gets :class:`EditConflict` and writes nothing.
    """
    visit = lock_visit(visit)
    require_visit_member(actor, visit, _("记录回访情况"))
    check_version(visit, expected_version)
    if visited_on is None:
        raise FollowUpError(_("请填写回访日期。"))
    if visited_on > timezone.localdate():
        raise FollowUpError(_("回访日期不能晚于今天。"))
    if interview_count < 0:
        raise FollowUpError(_("访谈人数不能为负数。"))
    if not any(text.strip() for text in (heard, seen, checked, interviewed)):
        raise FollowUpError(_("请至少填写听、看、查、访中的一项。"))
    values = {
        "visited_on": visited_on,
        "heard": heard.strip(),
        "seen": seen.strip(),
        "checked": checked.strip(),
        "interviewed": interviewed.strip(),
        "interview_count": interview_count,
        "notes": notes.strip(),
    }
    if visit.status == VisitStatus.PLANNED:
        # The first record is the visit's move from 已安排 to 已回访.
        return VISIT.apply(visit, "record", actor=actor, changes=values)
    before = snapshot(visit, VISIT_RECORD_FIELDS)
    for name, value in values.items():
        setattr(visit, name, value)
    visit.version += 1
    visit.save(update_fields=[*values, "version"])
    audit_record(
        actor=actor,
        action="visit.record",
        instance=visit,
        before=before,
        after=snapshot(visit, VISIT_RECORD_FIELDS),
        scope=visit_scope(visit),
    )
    return visit


@removed_if_refused
@transaction.atomic
def visit_evidence_add(
    *, actor: Actor, visit: Visit, upload: File[bytes], verdict: Verdict | None = None
) -> VisitEvidence:
    """Keep a file gathered on the visit (photos, ledgers checked), or backing one verdict.

    The file is checked by its content like rectification evidence and stored under its hash,
    never overwriting another.
    """
    visit = lock_visit(visit)
    require_visit_member(actor, visit, _("上传回访材料"))
    if verdict is not None and verdict.visit_id != visit.pk:
        raise FollowUpError(_("该认定不属于本次回访。"))
    evidence = VisitEvidence(visit=visit, verdict=verdict)
    stored_file_save(evidence, upload, actor=actor)
    evidence.save()
    audit_record(
        actor=actor,
        action="visit_evidence.add",
        instance=evidence,
        before=None,
        after=snapshot(evidence),
        scope=problem_scope(verdict.problem) if verdict is not None else visit_scope(visit),
    )
    return evidence


@transaction.atomic
def re_feedback_record(
    *, actor: Actor, visit: Visit, text: str, on: dt.date, expected_version: int | None = None
) -> Visit:
    """The group's written re-feedback (再反馈) to the unit: what is still to be rectified.

    The unit's liaisons are told in their inbox (and by mail once the transaction commits).
    """
    visit = lock_visit(visit)
    require_visit_member(actor, visit, _("再反馈"))
    visited_on = require_visited(visit, _("再反馈"))
    if expected_version is not None:
        check_version(visit, expected_version)
    if not text.strip():
        raise FollowUpError(_("请填写再反馈意见。"))
    if on is None or on < visited_on:
        raise FollowUpError(_("再反馈日期不能早于回访日期（%(d)s）。") % {"d": visited_on})
    before = snapshot(visit, ["re_feedback", "re_feedback_on"])
    visit.re_feedback, visit.re_feedback_on = text.strip(), on
    visit.version += 1
    visit.save(update_fields=["re_feedback", "re_feedback_on", "version"])
    audit_record(
        actor=actor,
        action="visit.re_feedback",
        instance=visit,
        before=before,
        after=snapshot(visit, ["re_feedback", "re_feedback_on"]),
        scope=visit_scope(visit),
    )
    unit = visit.assignment.unit
    notification_send(
        recipients=unit_liaisons(unit),
        kind=NotificationKind.FOLLOWUP,
        message=_("%(group)s对%(unit)s的整改提出再反馈意见，请认真落实再整改：%(text)s")
        % {"group": visit.group.name, "unit": unit.name, "text": visit.re_feedback},
        link=reverse("web:visit", args=[visit.pk]),
    )
    return visit


__all__ = [
    "batch_create",
    "followup_create",
    "re_feedback_record",
    "rubric_create",
    "survey_template_create",
    "visit_evidence_add",
    "visit_plan",
    "visit_record",
]
