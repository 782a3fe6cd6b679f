"""Importing a digest in three steps: upload, preview exactly what will be created, confirm.

Nothing is stored before the confirmation: the previewed file travels back in the confirm
form (base64, with its SHA-256, verified) and the import service reads it again.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from xuncha.core.models import Role
from xuncha.core.permissions import has_role
from xuncha.digests.claims_check import (
    CHECKS_SHOWN,
    check_rows,
    document_checks,
    verdict_counts,
)
from xuncha.digests.services import DigestError, digest_import, file_read, importable
from xuncha.rounds.models import Assignment, Round
from xuncha.rounds.selectors import rounds_for_user, top_units
from xuncha.text.plan import plan_json
from xuncha.text.quantities import find_outcomes
from xuncha.web.forms import DigestConfirmForm, DigestUploadForm
from xuncha.web.marking import mark_outcomes
from xuncha.web.views.common import AuthenticatedHttpRequest


@login_required
@require_http_methods(["GET", "POST"])
def import_digest(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The import page; only the inspection office reaches it (everyone else gets 404)."""
    if not has_role(request.user, Role.OFFICE):
        raise Http404
    action = request.POST.get("action")
    if request.method == "POST" and action == "preview":
        return preview(request)
    if request.method == "POST" and action == "confirm":
        return confirm(request)
    return upload_page(request, DigestUploadForm())


def upload_page(
    request: AuthenticatedHttpRequest, form: DigestUploadForm, *, error: str = "", status: int = 200
) -> HttpResponse:
    context = {
        "form": form,
        "error": error,
        "round_names": rounds_for_user(request.user).order_by("-id").values_list("name", flat=True),
    }
    return render(request, "web/import.html", context, status=status)


def preview(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Step 2: parse the upload and show what the import would create; store nothing."""
    form = DigestUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return upload_page(request, form, status=400)
    data, file_name = form.content()
    try:
        read = file_read(data, file_name=file_name)
        parsed = importable(read)
    except DigestError as error:
        return upload_page(request, form, error=str(error), status=400)
    round_name = form.cleaned_data["round_name"].strip() or (parsed.facts.round_title or "")
    if not round_name:
        form.add_error("round_name", _("摘编导语中没有轮次名称，请填写要导入到的轮次。"))
        return upload_page(request, form, status=400)
    plan = plan_json(parsed, round_name=round_name)
    confirm_form = DigestConfirmForm(
        initial=DigestConfirmForm.initial_for(data, file_name=file_name, round_name=round_name)
    )
    checks = document_checks(read.document)
    context = preview_context(plan) | {
        "confirm_form": confirm_form,
        "file_name": file_name,
        "document": read.document,
        "claims": read.document.claims,
        "totals": read.document.totals,
        "checks": check_rows(checks[:CHECKS_SHOWN]),
        "checks_more": max(0, len(checks) - CHECKS_SHOWN),
        "check_counts": verdict_counts(checks),
    }
    return render(request, "web/import_preview.html", context)


def preview_context(plan: dict[str, Any]) -> dict[str, Any]:
    """The plan, annotated with what already exists and where the warnings point."""
    round_ = Round.objects.filter(name=plan["round"]["name"]).first()
    names = [unit["name"] for unit in plan["units"]]
    committee = round_.committee if round_ is not None else plan["round"].get("committee") or ""
    existing_units = set(top_units(committee).filter(name__in=names).values_list("name", flat=True))
    held: dict[str, int] = {}
    if round_ is not None:
        held = dict(
            Assignment.objects.filter(round=round_, unit__name__in=names)
            .annotate(n=Count("problems"))
            .filter(n__gt=0)
            .values_list("unit__name", "n")
        )
    warnings = [
        # The page shows each warning's line beside it; the parser's own "第N行" would repeat it.
        warning | {"message": warning["message"].removeprefix(f"第{warning['line']}行")}
        for warning in plan["warnings"]
    ]
    by_line: dict[int, list[str]] = {}
    for warning in warnings:
        by_line.setdefault(warning["line"], []).append(warning["message"])
    units = [
        unit
        | {
            "problems": [_problem_preview(problem, by_line) for problem in unit["problems"]],
            "exists": unit["name"] in existing_units,
            "held": held.get(unit["name"], 0),
            "warnings": by_line.get(unit["line"], []),
        }
        for unit in plan["units"]
    ]
    problems = [problem for unit in units for problem in unit["problems"]]
    lines = {unit["line"] for unit in units} | {problem["line"] for problem in problems}
    lines |= {measure["line"] for problem in problems for measure in problem["measures"]}
    return {
        "plan": plan,
        "round_obj": round_,
        "units": units,
        "warnings": [w | {"anchored": w["line"] in lines} for w in warnings],
        "refused": [unit for unit in units if unit["held"]],
        "problem_count": len(problems),
        "measure_count": sum(len(problem["measures"]) for problem in problems),
        "outcome_count": sum(len(problem["outcomes"]) for problem in problems),
    }


def _problem_preview(problem: dict[str, Any], by_line: dict[int, list[str]]) -> dict[str, Any]:
    """A planned problem with each measure's text marked, its outcomes and its warnings.

    Measures numbered 一是, 二是 … share their paragraph's line: all of them are flagged, but
    the line's warnings are told once, at the first of them.
    """
    measures = []
    told: set[int] = set()
    for index, measure in enumerate(problem["measures"]):
        line = measure["line"]
        measures.append(
            measure
            | {
                # The finder the import runs, so the marks are the figures that will be stored.
                "html": mark_outcomes(measure["text"], find_outcomes(measure["text"]).quantities),
                "outcomes": [item for item in problem["outcomes"] if item["measure"] == index],
                "flagged": line in by_line,
                "warnings": [] if line in told else by_line.get(line, []),
            }
        )
        told.add(line)
    return problem | {"measures": measures, "warnings": by_line.get(problem["line"], [])}


def confirm(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Step 3: verify the carried file and import it; on any refusal nothing is stored."""
    form = DigestConfirmForm(request.POST)
    if not form.is_valid():
        errors = " ".join(str(error) for error in form.non_field_errors())
        error = errors or _("确认信息不完整，请重新上传文件。")
        return upload_page(request, DigestUploadForm(), error=error, status=400)
    data = form.cleaned_data
    try:
        record = digest_import(
            actor=request.user,
            data=data["data"],
            file_name=data["file_name"],
            round_name=data["round_name"],
        )
    except DigestError as error:
        initial = {"round_name": data["round_name"]}
        return upload_page(request, DigestUploadForm(initial=initial), error=str(error), status=400)
    messages.success(
        request,
        _("已导入“%(file)s”：%(units)s个单位、%(problems)s个问题。")
        % {"file": record.file_name, "units": record.unit_count, "problems": record.problem_count},
    )
    return redirect("web:round", pk=record.round_id)
