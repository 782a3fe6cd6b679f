"""The demo's follow-up (回访督查): a first batch visited and ruled, a second batch planned.

Written in the demo's own words, through the follow-up services, so the verdicts drive the
problems' workflow (持续整改, 再整改, reopened) exactly as a real visit would.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from xuncha.findings.models import ProblemStatus
from xuncha.followups.models import Batch, FollowUp, Rubric, SurveyTemplate, VerdictKind
from xuncha.followups.scoring import score_record
from xuncha.followups.services import (
    batch_create,
    followup_create,
    re_feedback_record,
    rubric_create,
    survey_template_create,
    visit_plan,
    visit_record,
)
from xuncha.followups.surveys import survey_answers_add
from xuncha.followups.verdicts import verdict_record
from xuncha.rounds.models import Assignment, Group, Round

if TYPE_CHECKING:
    from django.contrib.auth.models import User

FOLLOWUP_NAME = "第三轮巡察整改回访督查"
RUBRIC_NAME = "巡察整改验收评分（演示）"
RUBRIC_ITEMS = [
    ["整改责任落实", 20],
    ["问题整改成效", 40],
    ["建章立制与长效机制", 20],
    ["群众满意度", 20],
]
SURVEY_NAME = "巡察整改满意度测评（演示）"
SURVEY_QUESTIONS = [
    "对本单位巡察整改工作的总体评价",
    "对整改措施落实情况的评价",
    "对作风转变情况的评价",
]
SURVEY_SCALE = [["满意", 1], ["基本满意", 0.5], ["不满意", 0]]
ANSWERS = [
    ["满意", "满意", "满意"],
    ["满意", "基本满意", "满意"],
    ["基本满意", "满意", "满意"],
    ["满意", "满意", "不满意"],
]
VISIT_TEXT = {
    "heard": "听取单位党组关于巡察整改工作情况的专题汇报，班子成员逐一说明分管领域整改进展。",
    "seen": "实地查看政务服务窗口和档案室，抽查整改期间新建的工作台账。",
    "checked": "调阅党组会议纪要、财务凭证、干部选任档案和制度汇编。",
    "interviewed": "个别访谈班子成员、中层干部和服务对象代表。",
}
REASONS = {
    VerdictKind.DONE: "整改措施已落实，佐证材料与现场情况一致。",
    VerdictKind.MOSTLY: "主要措施已落实，长效机制尚在试行，需持续巩固。",
    VerdictKind.NOT_DONE: "台账显示已完成，但抽查发现问题仍然存在，属于纸面整改。",
    VerdictKind.REBOUND: "销号后同类问题再次出现，整改成效未能巩固。",
}


def demo_followup_load(
    *, round_: Round, assignments: list[Assignment], group_member: User, today: dt.date
) -> FollowUp:
    """Plan a follow-up of the demo round: a first batch visited and ruled, a second planned.

    The first batch's rulings are made by the system on the visiting groups' behalf; the second
    batch's visit by 市委第一巡察组 is left for the demo's group member to record.
    """
    rubric = Rubric.objects.filter(name=RUBRIC_NAME).first() or rubric_create(
        actor=None, name=RUBRIC_NAME, items=RUBRIC_ITEMS, total=100, passing=90
    )
    survey = SurveyTemplate.objects.filter(name=SURVEY_NAME).first() or survey_template_create(
        actor=None, name=SURVEY_NAME, questions=SURVEY_QUESTIONS, scale=SURVEY_SCALE
    )
    followup = followup_create(
        actor=None,
        round_=round_,
        name=FOLLOWUP_NAME,
        description="对本轮巡察单位整改落实情况分两批开展回访督查。",
        rubric=rubric,
        survey=survey,
    )
    first = batch_create(
        actor=None,
        followup=followup,
        sequence=1,
        name="首批",
        starts_on=today - dt.timedelta(days=20),
        ends_on=today - dt.timedelta(days=5),
    )
    second = batch_create(
        actor=None,
        followup=followup,
        sequence=2,
        name="第二批",
        starts_on=today + dt.timedelta(days=10),
        ends_on=today + dt.timedelta(days=30),
    )
    ruled = [a for a in assignments if a.group_id and a.problems.exclude(status="pending")]
    for number, assignment in enumerate(ruled[:3]):
        _visit_and_rule(first, assignment, number, today)
    member_groups = set(group_member.inspection_groups.values_list("pk", flat=True))
    later = next(
        (a for a in ruled[3:] if a.group_id in member_groups),
        ruled[3] if len(ruled) > 3 else None,
    )
    if later is not None:
        visit_plan(
            actor=None,
            batch=second,
            assignment=later,
            group=_group_of(later),
            planned_on=today + dt.timedelta(days=14),
        )
    return followup


def _group_of(assignment: Assignment) -> Group:
    """The group that inspected the unit, which revisits it (the demo rules only on units
    that had one)."""
    if assignment.group is None:
        raise ValueError(f"{assignment} has no inspection group to revisit it")
    return assignment.group


def _visit_and_rule(batch: Batch, assignment: Assignment, number: int, today: dt.date) -> None:
    visited_on = today - dt.timedelta(days=15 - number * 3)
    visit = visit_plan(
        actor=None,
        batch=batch,
        assignment=assignment,
        group=_group_of(assignment),
        planned_on=visited_on,
    )
    visit = visit_record(
        actor=None,
        visit=visit,
        expected_version=visit.version,
        visited_on=visited_on,
        interview_count=12 + number * 4,
        notes="",
        **VISIT_TEXT,
    )
    survey_answers_add(actor=None, visit=visit, answers=ANSWERS[: 3 + number % 2])
    new_deadline = today + dt.timedelta(days=45)
    for index, problem in enumerate(assignment.problems.order_by("ordinal")):
        kind = _kind_for(problem.status, index + number)
        if kind is None:
            continue
        verdict_record(
            actor=None,
            visit=visit,
            problem=problem,
            kind=kind,
            reason=REASONS[kind],
            new_deadline=new_deadline
            if kind in {VerdictKind.MOSTLY, VerdictKind.NOT_DONE}
            else None,
        )
    score_record(
        actor=None,
        visit=visit,
        item_scores={
            "整改责任落实": 19,
            "问题整改成效": 36 - number * 4,
            "建章立制与长效机制": 18,
            "群众满意度": 18,
        },
    )
    re_feedback_record(
        actor=None,
        visit=visit,
        text="请对认定未到位和基本到位的问题逐项制定补充措施，在新的时限内完成并报送佐证材料。",
        on=visited_on + dt.timedelta(days=3),
    )


def _kind_for(status: str, turn: int) -> VerdictKind | None:
    """A spread of verdicts over the statuses the demo's problems stand in."""
    if status == ProblemStatus.CLOSED:
        return VerdictKind.REBOUND if turn % 4 == 3 else VerdictKind.DONE
    if status == ProblemStatus.CLOSING_REQUESTED:
        return VerdictKind.DONE
    if status == ProblemStatus.IN_PROGRESS:
        return VerdictKind.NOT_DONE if turn % 2 == 0 else VerdictKind.MOSTLY
    return None
