"""The satisfaction survey (满意度测评) of a visit: answers typed in or imported, and the rate.

The survey is the follow-up's template: its questions and its scale of labels with scores
(e.g. 满意 1, 基本满意 0.5, 不满意 0). The satisfaction rate is the mean score of all answers
given, as a percentage to two places; blank answers do not count.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.files.base import File
from django.db import transaction
from django.utils.translation import gettext as _

from xuncha.core.audit import audit_record
from xuncha.core.files import check_file
from xuncha.core.permissions import Actor
from xuncha.followups.access import (
    FollowUpError,
    lock_visit,
    require_visit_member,
    require_visited,
    visit_scope,
)
from xuncha.followups.models import Batch, FollowUp, SurveyResponse, SurveyTemplate, Visit
from xuncha.followups.scales import answers_problems, normalise_answer, percentage, scale_scores
from xuncha.followups.services import visit_evidence_add
from xuncha.followups.sheets import SheetError, SheetRow, read_survey_sheet


def _template_of(visit: Visit) -> SurveyTemplate:
    template = visit.batch.followup.survey
    if template is None:
        raise FollowUpError(_("本次回访督查没有设置满意度测评问卷，请巡察办先设置。"))
    return template


@transaction.atomic
def survey_answers_add(
    *, actor: Actor, visit: Visit, answers: Sequence[Sequence[Any]], source: str = ""
) -> list[SurveyResponse]:
    """Add respondents' answers typed in by hand, one list of labels per respondent.

    Every answer is checked against the scale first; one bad answer refuses them all, with a
    message naming the respondent and the question.
    """
    visit = lock_visit(visit)
    require_visit_member(actor, visit, _("录入满意度测评"))
    require_visited(visit, _("录入满意度测评"))
    template = _template_of(visit)
    scores = scale_scores(template.scale)
    if not answers:
        raise FollowUpError(_("没有可录入的答卷。"))
    problems: list[str] = []
    for number, row in enumerate(answers, start=1):
        problems += answers_problems(
            list(row), template.questions, scores, _("第%(n)s份答卷") % {"n": number}, _
        )
    if problems:
        raise FollowUpError(_("测评未录入：%(problems)s。") % {"problems": _("；").join(problems)})
    rows = [[normalise_answer(answer) for answer in row] for row in answers]
    return _responses_create(actor, visit, rows, [source or _("手工录入")] * len(rows))


def survey_import_xlsx(*, actor: Actor, visit: Visit, file: File[bytes]) -> list[SurveyResponse]:
    """Import respondents from an .xlsx sheet (header row = the questions), all or nothing.

    A bad cell refuses the whole sheet, with every bad cell named by sheet, row and column.
    The sheet itself is kept with the visit's evidence, so each answer can be traced to it.
    The sheet is read before the write transaction begins (a large workbook takes a while);
    it is read again inside only if the visit's questionnaire changed meanwhile.
    """
    require_visit_member(actor, visit, _("导入满意度测评"))
    name = (getattr(file, "name", "") or "测评表.xlsx").rsplit("/", 1)[-1]
    if not name.lower().endswith(".xlsx"):
        raise FollowUpError(_("请上传 .xlsx 格式的测评表（文件“%(name)s”）。") % {"name": name})
    check_file(name, file.chunks(), max_bytes=settings.XUNCHA_EVIDENCE_MAX_BYTES, translate=_)
    template = _template_of(visit)
    rows = _sheet_rows(file, template, name)
    return _survey_store(actor, visit, file, name, template, rows)


@transaction.atomic
def _survey_store(
    actor: Actor,
    visit: Visit,
    file: File[bytes],
    name: str,
    read_with: SurveyTemplate,
    rows: list[SheetRow],
) -> list[SurveyResponse]:
    visit = lock_visit(visit)
    require_visit_member(actor, visit, _("导入满意度测评"))
    require_visited(visit, _("导入满意度测评"))
    template = _template_of(visit)
    if (template.questions, template.scale) != (read_with.questions, read_with.scale):
        rows = _sheet_rows(file, template, name)
    responses = _responses_create(
        actor,
        visit,
        [list(row.answers) for row in rows],
        [_("%(name)s第%(row)s行") % {"name": name, "row": row.row} for row in rows],
    )
    visit_evidence_add(actor=actor, visit=visit, upload=file)
    return responses


def _sheet_rows(file: File[bytes], template: SurveyTemplate, name: str) -> list[SheetRow]:
    file.seek(0)
    try:
        rows = read_survey_sheet(
            file,
            questions=template.questions,
            scores=scale_scores(template.scale),
            name=name,
            translate=_,
        )
    except SheetError as error:
        raise FollowUpError(str(error)) from error
    file.seek(0)
    return list(rows)


def _responses_create(
    actor: Actor, visit: Visit, rows: list[list[str]], sources: list[str]
) -> list[SurveyResponse]:
    responses = SurveyResponse.objects.bulk_create(
        SurveyResponse(visit=visit, answers=row, source=source[:200])
        for row, source in zip(rows, sources, strict=True)
    )
    # One audit row for the lot: who entered how many answers, from where, and the rate.
    audit_record(
        actor=actor,
        action="survey.answers_add",
        instance=visit,
        before=None,
        after={
            "respondents": len(rows),
            "sources": sorted(set(sources)),
            "rate": satisfaction_rate(visit),
        },
        scope=visit_scope(visit),
    )
    return responses


def _scores_of(answers: list[list[str]], scale: list[list[Any]]) -> list[Decimal]:
    scores = scale_scores(scale)
    return [scores[answer] for row in answers for answer in row if answer in scores]


def satisfaction_rate(visit: Visit) -> Decimal | None:
    """The visit's satisfaction rate in percent (mean score × 100, two places), or None."""
    template = visit.batch.followup.survey
    if template is None:
        return None
    answers = list(visit.survey_responses.values_list("answers", flat=True))
    return percentage(_scores_of(answers, template.scale))


@dataclass(frozen=True)
class UnitSatisfaction:
    """A unit's survey result over the visits of a follow-up or a batch."""

    unit_id: int
    unit_name: str
    respondents: int
    rate: Decimal | None


def satisfaction_by_unit(target: FollowUp | Batch) -> list[UnitSatisfaction]:
    """The satisfaction rate per unit visited (over all its visits in ``target``), by name."""
    followup = target if isinstance(target, FollowUp) else target.followup
    lookup = "visit__batch__followup" if isinstance(target, FollowUp) else "visit__batch"
    responses = SurveyResponse.objects.filter(**{lookup: target}).values_list(
        "visit__assignment__unit_id", "visit__assignment__unit__name", "answers"
    )
    by_unit: dict[tuple[int, str], list[list[str]]] = {}
    for unit_id, unit_name, answers in responses:
        by_unit.setdefault((unit_id, unit_name), []).append(answers)
    scale = followup.survey.scale if followup.survey is not None else []
    return [
        UnitSatisfaction(
            unit_id=unit_id,
            unit_name=unit_name,
            respondents=len(rows),
            rate=percentage(_scores_of(rows, scale)),
        )
        for (unit_id, unit_name), rows in sorted(by_unit.items(), key=lambda item: item[0][1])
    ]


__all__ = [
    "UnitSatisfaction",
    "satisfaction_by_unit",
    "satisfaction_rate",
    "survey_answers_add",
    "survey_import_xlsx",
]
