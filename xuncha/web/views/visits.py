"""The visit page: what the group heard, saw, checked and asked, its files, the survey, the
score, the re-feedback, and a verdict on every problem of the unit.

Only the members of the visit's group write (the services check again); the office, the
supervisors and the other groups read; a unit's liaison reads their own units' visits, without
the interviews and the group's notes (who talked to the inspectors is not the unit's to know).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from xuncha.findings.models import Problem
from xuncha.findings.selectors import measure_progress
from xuncha.followups.access import is_visit_member
from xuncha.followups.models import Rubric, Score, Verdict, Visit, VisitStatus
from xuncha.followups.selectors import (
    get_visit_evidence_for_user,
    get_visit_for_user,
    survey_tally,
    verdicts_for_visit,
    visit_problems,
)
from xuncha.followups.services import re_feedback_record, visit_evidence_add, visit_record
from xuncha.followups.surveys import satisfaction_rate
from xuncha.followups.verdicts import DECLARED_DONE_STATUSES
from xuncha.rounds.access import sees_every_unit
from xuncha.web.followup_forms import (
    ReFeedbackForm,
    ScoreForm,
    SurveyAnswersForm,
    SurveyImportForm,
    VerdictForm,
    VisitEvidenceForm,
    VisitRecordForm,
)
from xuncha.web.views.common import (
    INPUT_REFUSALS,
    STEP_REFUSALS,
    AuthenticatedHttpRequest,
    done,
    error_status,
    refused,
)


@dataclass
class VerdictRow:
    """One problem of the visited unit: where it stands, what was ruled here, the form."""

    problem: Problem
    verdict: Verdict | None
    measures_total: int
    measures_done: int
    form: VerdictForm | None

    @property
    def declares_done(self) -> bool:
        """What the unit holds now (before a verdict): closing asked or granted, or every
        measure done; the verdict keeps what it held when ruled."""
        if self.verdict is not None:
            return self.verdict.declared_done
        return self.problem.status in DECLARED_DONE_STATUSES or (
            self.measures_total > 0 and self.measures_done == self.measures_total
        )


# The keys of posted forms (see ``visit_context``) and the names the template shows them by.
BOUND_NAMES = {
    "record": "record_form",
    "evidence": "evidence_form",
    "answers": "answers_form",
    "import": "import_form",
    "score": "score_form",
    "re_feedback": "re_feedback_form",
}


def visit_url(visit: Visit | int, anchor: str = "") -> str:
    pk = visit if isinstance(visit, int) else visit.pk
    url = reverse("web:visit", args=[pk])
    return f"{url}#{anchor}" if anchor else url


def verdict_rows(
    visit: Visit, *, may_rule: bool, bound: dict[int, VerdictForm]
) -> list[VerdictRow]:
    problems = list(visit_problems(visit))
    verdicts = {verdict.problem_id: verdict for verdict in verdicts_for_visit(visit)}
    counts = measure_progress([problem.pk for problem in problems])
    rows = []
    for problem in problems:
        verdict = verdicts.get(problem.pk)
        # A posted form comes back whatever the state, so that its error is seen.
        form = bound.get(problem.pk)
        if form is None and may_rule and verdict is None:
            form = VerdictForm(problem_id=problem.pk)
        count = counts.get(problem.pk, {"total": 0, "done": 0})
        rows.append(VerdictRow(problem, verdict, count["total"], count["done"], form))
    return rows


def visit_context(
    request: AuthenticatedHttpRequest, visit: Visit, *, bound: dict[str, Any] | None = None
) -> dict[str, Any]:
    """What the visit page shows this user; ``bound`` carries a posted form with its errors
    ("record", "evidence", "answers", "import", "score", "re_feedback", and "verdicts" as
    {problem id: form})."""
    user = request.user
    bound = bound or {}
    member = is_visit_member(user, visit)
    visited = visit.status == VisitStatus.DONE and visit.visited_on is not None
    followup = visit.batch.followup
    template, rubric = followup.survey, followup.rubric
    score = Score.objects.filter(visit=visit).first()
    context: dict[str, Any] = {
        "visit": visit,
        "followup": followup,
        "assignment": visit.assignment,
        "member": member,
        "visited": visited,
        # A liaison (who is not also of the office or a group) does not read the interviews.
        "private": not sees_every_unit(user),
        "rows": verdict_rows(visit, may_rule=member and visited, bound=bound.get("verdicts", {})),
        "evidence": list(
            visit.evidence.select_related("verdict__problem", "uploaded_by__profile").order_by(
                "uploaded_at", "id"
            )
        ),
        "template": template,
        "respondents": visit.survey_responses.count(),
        "rate": satisfaction_rate(visit),
        "tally": survey_tally(visit, template) if template is not None else [],
        "scale_labels": [str(label) for label, _score in template.scale] if template else [],
        "rubric": rubric,
        "score": score,
        "score_rows": score_rows(rubric, score),
    }
    # A form posted back with its error is shown even where it would not be offered (the
    # visit not yet recorded, say): the error says what to do first.
    for key, name in BOUND_NAMES.items():
        if key in bound:
            context[name] = bound[key]
    if member:
        context["record_form"] = context.get("record_form") or VisitRecordForm(
            initial={
                "visited_on": visit.visited_on or timezone.localdate(),
                "heard": visit.heard,
                "seen": visit.seen,
                "checked": visit.checked,
                "interviewed": visit.interviewed,
                "interview_count": visit.interview_count,
                "notes": visit.notes,
                "expected_version": visit.version,
            }
        )
        context["evidence_form"] = context.get("evidence_form") or VisitEvidenceForm()
    if member and visited:
        if template is not None:
            context["answers_form"] = context.get("answers_form") or SurveyAnswersForm(
                questions=template.questions, labels=context["scale_labels"]
            )
            context["import_form"] = context.get("import_form") or SurveyImportForm()
        if rubric is not None:
            initial = score.item_scores if score is not None else {}
            form = context.get("score_form") or ScoreForm(
                items=rubric.items,
                initial={
                    f"item_{n}": initial.get(str(name).strip())
                    for n, (name, _maximum) in enumerate(rubric.items)
                },
            )
            context["score_form"] = form
        context["re_feedback_form"] = context.get("re_feedback_form") or ReFeedbackForm(
            initial={
                "text": visit.re_feedback,
                "on": visit.re_feedback_on or timezone.localdate(),
                "expected_version": visit.version,
            }
        )
    return context


def score_rows(rubric: Rubric | None, score: Score | None) -> list[tuple[str, Any, Any]]:
    """(item, maximum, points given) for the rubric's items; points None until scored."""
    if rubric is None:
        return []
    given = score.item_scores if score is not None else {}
    return [
        (str(name).strip(), maximum, given.get(str(name).strip())) for name, maximum in rubric.items
    ]


@login_required
@require_GET
def visit_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    visit = get_visit_for_user(request.user, pk)
    return render(request, "web/visit.html", visit_context(request, visit))


def render_visit(
    request: AuthenticatedHttpRequest, visit: Visit, *, status: int, **bound: Any
) -> HttpResponse:
    """The visit page again with a posted form and its errors (a refusal or a conflict)."""
    visit = get_visit_for_user(request.user, visit.pk)
    context = visit_context(request, visit, bound=bound)
    return render(request, "web/visit.html", context, status=status)


@login_required
@require_POST
def visit_record_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """记录回访情况: the date and 听看查访 (visit_record, with the version it was opened at)."""
    visit = get_visit_for_user(request.user, pk)
    form = VisitRecordForm(request.POST)
    status = error_status(request)
    if form.is_valid():
        data = form.cleaned_data
        try:
            visit_record(
                actor=request.user,
                visit=visit,
                expected_version=data["expected_version"],
                visited_on=data["visited_on"],
                heard=data["heard"],
                seen=data["seen"],
                checked=data["checked"],
                interviewed=data["interviewed"],
                interview_count=data["interview_count"],
                notes=data["notes"],
            )
        except STEP_REFUSALS as error:
            return refused(request, visit_url(visit, "record"), error)
        except INPUT_REFUSALS as error:
            form.add_error(None, str(error))
            status = error_status(request, error)
        else:
            return done(request, visit_url(visit, "record"), _("回访情况已保存。"))
    return render_visit(request, visit, status=status, record=form)


@login_required
@require_POST
def visit_evidence_upload(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A file gathered on the visit (visit_evidence_add)."""
    visit = get_visit_for_user(request.user, pk)
    form = VisitEvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            evidence = visit_evidence_add(
                actor=request.user, visit=visit, upload=form.cleaned_data["file"]
            )
        except STEP_REFUSALS as error:
            return refused(request, visit_url(visit, "evidence"), error)
        except INPUT_REFUSALS as error:
            form.add_error("file", str(error))
        else:
            message = _("已上传回访材料“%(name)s”。") % {"name": evidence.original_name}
            return done(request, visit_url(visit, "evidence"), message)
    return render_visit(request, visit, status=error_status(request), evidence=form)


@login_required
@require_GET
def visit_evidence_download(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    """A visit's file, to whoever may see the visit (404 for anyone else, whatever the id)."""
    evidence = get_visit_evidence_for_user(request.user, pk)
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("文件已不在存储中。")) from None
    return FileResponse(
        handle,
        as_attachment=True,
        filename=evidence.original_name,
        content_type=evidence.content_type or "application/octet-stream",
    )


@login_required
@require_POST
def re_feedback_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """再反馈: the group's written re-feedback to the unit (re_feedback_record).

    The form carries the visit's version: a re-feedback written over another member's newer
    one is refused with 409 and the text typed is kept.
    """
    visit = get_visit_for_user(request.user, pk)
    form = ReFeedbackForm(request.POST)
    status = error_status(request)
    if form.is_valid():
        data = form.cleaned_data
        try:
            re_feedback_record(
                actor=request.user,
                visit=visit,
                text=data["text"],
                on=data["on"],
                expected_version=data["expected_version"],
            )
        except STEP_REFUSALS as error:
            return refused(request, visit_url(visit, "re-feedback"), error)
        except INPUT_REFUSALS as error:
            form.add_error(None, str(error))
            status = error_status(request, error)
        else:
            message = _("再反馈意见已送达%(unit)s。") % {"unit": visit.assignment.unit.name}
            return done(request, visit_url(visit, "re-feedback"), message)
    return render_visit(request, visit, status=status, re_feedback=form)
