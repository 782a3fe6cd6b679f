"""Data for the follow-up tests, built through the real services."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from tests.factories import make_evidence, measure_complete
from xuncha.findings.models import Problem, RectificationKind
from xuncha.findings.services import MeasureInput, problem_create
from xuncha.followups.models import Batch, FollowUp, Visit
from xuncha.followups.services import (
    batch_create,
    followup_create,
    rubric_create,
    survey_template_create,
    visit_plan,
    visit_record,
)
from xuncha.rectification.transitions import problem_transition

D = dt.date
VISITED_ON = D(2025, 9, 10)
QUESTIONS = ["对本单位巡察整改工作的总体评价", "对整改成效的评价", "对长效机制建设的评价"]
SCALE = [["满意", 1], ["基本满意", 0.5], ["不满意", 0]]
RUBRIC_ITEMS = [["整改责任落实", 30], ["问题整改成效", 40], ["长效机制建设", 30]]


def problem_in(assignment: Any, status: str, *, title: str, measures_done: bool = False) -> Problem:
    """A problem with one measure, brought to ``status`` by the system through the workflow.

    ``measures_done`` finishes the measure of an 整改中 problem: the unit declares it done
    without having asked for closing yet.
    """
    problem = problem_create(
        actor=None,
        assignment=assignment,
        title=title,
        rectification_kind=RectificationKind.BY_DEADLINE,
        deadline=D(2025, 6, 30),
        measures=[
            MeasureInput(
                text="修订完善相关制度2项。",
                owner="党组书记",
                department="办公室",
                deadline=D(2025, 6, 30),
            )
        ],
    )
    if status == "pending":
        return problem
    problem = problem_transition(actor=None, problem=problem, name="start")
    if status == "in_progress":
        if measures_done:
            for measure in problem.measures.all():
                measure_complete(measure, actor=None)
        return problem
    for measure in problem.measures.all():
        measure_complete(measure, actor=None)
    make_evidence(problem)
    problem = problem_transition(actor=None, problem=problem, name="request_closing")
    problem = problem_transition(actor=None, problem=problem, name="close")
    assert status == "closed"
    return problem


def record(visit: Visit, actor: Any, *, on: dt.date = VISITED_ON) -> Visit:
    """Record a visit with all four methods (听看查访)."""
    return visit_record(
        actor=actor,
        visit=visit,
        expected_version=visit.version,
        visited_on=on,
        heard="听取党组书记关于巡察整改工作情况的汇报",
        seen="实地查看政务服务大厅窗口整改情况",
        checked="查阅党组会议记录、整改台账和财务凭证",
        interviewed="个别访谈干部职工和服务对象",
        interview_count=12,
        notes="",
    )


def survey_sheet(rows: list[list[Any]], *, header: list[str] | None = None) -> Any:
    """An .xlsx upload built with openpyxl: a header row of questions, one row per respondent."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "测评"
    sheet.append(["序号", *(header if header is not None else QUESTIONS)])
    for number, row in enumerate(rows, start=1):
        sheet.append([number, *row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("满意度测评.xlsx", buffer.getvalue())


@dataclass
class Plan:
    """A follow-up with one batch; the cast's unit visited (and recorded) by its group."""

    followup: FollowUp
    batch: Batch
    visit: Visit
    other_visit: Visit


@pytest.fixture
def plan(cast) -> Plan:
    rubric = rubric_create(actor=cast.office, name="整改验收评分", items=RUBRIC_ITEMS)
    survey = survey_template_create(
        actor=cast.office, name="整改满意度测评", questions=QUESTIONS, scale=SCALE
    )
    followup = followup_create(
        actor=cast.office,
        round_=cast.assignment.round,
        name="巡察整改回访督查",
        kind="supervision",
        rubric=rubric,
        survey=survey,
    )
    batch = batch_create(
        actor=cast.office, followup=followup, sequence=1, name="首批", starts_on=D(2025, 9, 1)
    )
    visit = visit_plan(
        actor=cast.office,
        batch=batch,
        assignment=cast.assignment,
        group=cast.assignment.group,
        planned_on=VISITED_ON,
    )
    other_visit = visit_plan(
        actor=cast.office,
        batch=batch,
        assignment=cast.other_assignment,
        group=cast.other_assignment.group,
        planned_on=VISITED_ON,
    )
    return Plan(followup, batch, record(visit, cast.member), other_visit)
