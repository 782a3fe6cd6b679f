"""Posting the group's findings on a visit: verdicts, the satisfaction survey, the score.

Each view reaches the visit through ``get_visit_for_user`` (404 outside the user's scope),
calls one service of ``xuncha.followups`` and reports the outcome. A step that is not the
user's comes back as a message; what was typed wrong comes back in its form.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xuncha.followups.models import VerdictKind, Visit
from xuncha.followups.scoring import score_record
from xuncha.followups.selectors import get_visit_for_user, visit_problems
from xuncha.followups.surveys import satisfaction_rate, survey_answers_add, survey_import_xlsx
from xuncha.followups.verdicts import verdict_record
from xuncha.web.followup_forms import (
    ScoreForm,
    SurveyAnswersForm,
    SurveyImportForm,
    VerdictForm,
    VerdictProblemForm,
)
from xuncha.web.views.common import (
    INPUT_REFUSALS,
    STEP_REFUSALS,
    AuthenticatedHttpRequest,
    done,
    error_status,
    refused,
)
from xuncha.web.views.visits import render_visit, visit_url


@login_required
@require_POST
def verdict_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """整改认定 on one problem of the visited unit (verdict_record), which moves the problem."""
    visit = get_visit_for_user(request.user, pk)
    which = VerdictProblemForm(request.POST)
    problem = None
    if which.is_valid():
        problem = visit_problems(visit).filter(pk=which.cleaned_data["problem"]).first()
    if problem is None:
        message = _("请求无效：该问题不属于本次回访的单位，请刷新页面后重试。")
        return refused(request, visit_url(visit, "verdicts"), ValueError(message))
    anchor = f"problem-{problem.pk}"
    form = VerdictForm(request.POST, request.FILES, problem_id=problem.pk)
    if form.is_valid():
        data = form.cleaned_data
        try:
            verdict = verdict_record(
                actor=request.user,
                visit=visit,
                problem=problem,
                kind=data["kind"],
                reason=data["reason"],
                new_deadline=data["new_deadline"],
                evidence=data["files"],
            )
        except STEP_REFUSALS as error:
            return refused(request, visit_url(visit, anchor), error)
        except INPUT_REFUSALS as error:
            form.add_error(None, str(error))
        else:
            values = {"title": problem.title, "kind": VerdictKind(verdict.kind).label}
            message = _("已对问题“%(title)s”作出认定：%(kind)s。") % values
            if verdict.new_deadline:
                message += _("新的整改时限：%(date)s。") % {
                    "date": verdict.new_deadline.isoformat()
                }
            return done(request, visit_url(visit, anchor), message)
    return render_visit(request, visit, status=error_status(request), verdicts={problem.pk: form})


def _rate_message(visit: Visit, added: int) -> str:
    rate = satisfaction_rate(visit)
    values = {"n": added, "rate": f"{rate}%" if rate is not None else "—"}
    return _("已录入%(n)s份答卷，当前满意度%(rate)s。") % values


@login_required
@require_POST
def survey_answers(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """满意度测评 typed in by hand: one row per respondent (survey_answers_add)."""
    visit = get_visit_for_user(request.user, pk)
    template = visit.batch.followup.survey
    if template is None:
        message = _("本次回访督查没有设置满意度测评问卷，请巡察办先设置。")
        return refused(request, visit_url(visit, "survey"), ValueError(message))
    labels = [str(label) for label, _score in template.scale]
    form = SurveyAnswersForm(request.POST, questions=template.questions, labels=labels)
    if form.is_valid():
        try:
            responses = survey_answers_add(
                actor=request.user,
                visit=visit,
                answers=form.cleaned_data["answers"],
                source=form.cleaned_data["source"],
            )
        except STEP_REFUSALS as error:
            return refused(request, visit_url(visit, "survey"), error)
        except INPUT_REFUSALS as error:
            form.add_error(None, str(error))
        else:
            return done(request, visit_url(visit, "survey"), _rate_message(visit, len(responses)))
    return render_visit(request, visit, status=error_status(request), answers=form)


@login_required
@require_POST
def survey_import(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """满意度测评 imported from an .xlsx sheet, all or nothing (survey_import_xlsx)."""
    visit = get_visit_for_user(request.user, pk)
    form = SurveyImportForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            responses = survey_import_xlsx(
                actor=request.user, visit=visit, file=form.cleaned_data["file"]
            )
        except STEP_REFUSALS as error:
            return refused(request, visit_url(visit, "survey"), error)
        except INPUT_REFUSALS as error:
            form.add_error("file", str(error))
        else:
            return done(request, visit_url(visit, "survey"), _rate_message(visit, len(responses)))
    return render_visit(request, visit, status=error_status(request), **{"import": form})


@login_required
@require_POST
def score_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """整改评分 item by item against the follow-up's rubric (score_record)."""
    visit = get_visit_for_user(request.user, pk)
    rubric = visit.batch.followup.rubric
    if rubric is None:
        message = _("本次回访督查没有设置评分标准，请巡察办先设置。")
        return refused(request, visit_url(visit, "score"), ValueError(message))
    form = ScoreForm(request.POST, items=rubric.items)
    if form.is_valid():
        try:
            score = score_record(actor=request.user, visit=visit, item_scores=form.item_scores())
        except STEP_REFUSALS as error:
            return refused(request, visit_url(visit, "score"), error)
        except INPUT_REFUSALS as error:
            form.add_error(None, str(error))
        else:
            values = {
                "total": score.total,
                "result": _("合格") if score.passed else _("不合格"),
                "passing": rubric.passing,
            }
            message = _("评分已保存：总分%(total)s，%(result)s（合格分%(passing)s）。") % values
            return done(request, visit_url(visit, "score"), message)
    return render_visit(request, visit, status=error_status(request), score=form)
