"""Importing an Excel ledger (整改台账) in three steps: upload, preview, confirm.

The preview shows how each header was read (the user corrects it and previews again), every
error by sheet, row and column, and what the sheet would change: new rows, changed cells field
by field with what each becomes for this user (a direct edit, an extension request, a plan
revision, a progress report, a workflow move, or a refusal with its reason), the unchanged and
the missing. Nothing is stored before the confirmation; the file travels back in the form
(base64, with its SHA-256) and the import reads it again, refusing if the plan it reads is not
the one the user saw.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from xuncha.core.models import Role
from xuncha.core.permissions import has_role
from xuncha.ledgers.columns import COLUMNS
from xuncha.ledgers.importing import (
    LedgerImportRefused,
    ledger_import_apply,
    ledger_import_preview,
)
from xuncha.ledgers.preview import BECOMES_LABELS, LedgerPreview
from xuncha.ledgers.reading import LedgerFileError
from xuncha.rounds.models import Round
from xuncha.rounds.selectors import get_round_for_user
from xuncha.web.forms import LedgerCarryForm, LedgerUploadForm
from xuncha.web.views.common import AuthenticatedHttpRequest

IGNORE = "-"
"""The mapping choice that leaves a column of the sheet out."""


@login_required
@require_http_methods(["GET", "POST"])
def ledger_import(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The import page: the office and units' liaisons (their own units) reach it."""
    if not has_role(request.user, Role.OFFICE, Role.UNIT):
        raise Http404
    action = request.POST.get("action")
    if request.method == "POST" and action == "preview":
        return _preview_upload(request)
    if request.method == "POST" and action == "remap":
        return _preview_carried(request)
    if request.method == "POST" and action == "confirm":
        return _confirm(request)
    return _upload_page(request, LedgerUploadForm(user=request.user))


def _upload_page(
    request: AuthenticatedHttpRequest,
    form: LedgerUploadForm,
    *,
    errors: list[Any] | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    context = {"form": form, "error": error, "errors": errors or []}
    return render(request, "web/ledger_import.html", context, status=status)


def _preview_upload(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = LedgerUploadForm(request.POST, request.FILES, user=request.user)
    if not form.is_valid():
        return _upload_page(request, form, status=400)
    upload = form.cleaned_data["file"]
    return _preview(request, form.cleaned_data["round"], upload.read(), upload.name or "", {})


def _preview_carried(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The same file previewed again with the mapping the user corrected."""
    carried, round_ = _carried(request)
    if carried is None or round_ is None:
        return _refused_carry(request, carried)
    data = carried.cleaned_data
    return _preview(request, round_, data["data"], data["file_name"], _mapping(request))


def _mapping(request: AuthenticatedHttpRequest) -> dict[str, str | None]:
    """The headers the user mapped on the preview (header text → column, None to ignore)."""
    known = {column.name for column in COLUMNS}
    mapping: dict[str, str | None] = {}
    for header, column in zip(
        request.POST.getlist("map_header"), request.POST.getlist("map_column"), strict=False
    ):
        if column == IGNORE:
            mapping[header] = None
        elif column in known:
            mapping[header] = column
    return mapping


def _preview(
    request: AuthenticatedHttpRequest,
    round_: Round,
    data: bytes,
    file_name: str,
    mapping: dict[str, str | None],
) -> HttpResponse:
    try:
        preview = ledger_import_preview(
            actor=request.user, round_=round_, data=data, file_name=file_name, mapping=mapping
        )
    except LedgerFileError as error:
        form = LedgerUploadForm(user=request.user, initial={"round": round_.pk})
        return _upload_page(request, form, error=str(error), status=400)
    carry = LedgerCarryForm(
        initial=LedgerCarryForm.initial_for(
            data, file_name=file_name, round_id=round_.pk, fingerprint=preview.fingerprint
        )
    )
    return render(
        request,
        "web/ledger_import_preview.html",
        _preview_context(preview, mapping) | {"carry": carry, "round": round_},
        status=200 if preview.ok else 400,
    )


def _preview_context(preview: LedgerPreview, mapping: dict[str, str | None]) -> dict[str, Any]:
    confirm_rows = {(m.sheet, m.row): m for m in preview.matches if m.needs_confirmation}
    changed = [
        {
            "record": record,
            "confirm": (record.sheet, record.row) in confirm_rows,
            "changes": [
                {"change": change, "becomes": BECOMES_LABELS.get(change.becomes, "")}
                for change in record.changes
            ],
        }
        for record in preview.changed
    ]
    return {
        "preview": preview,
        "mapping": preview.mapping,
        "columns": COLUMNS,
        "ignore": IGNORE,
        "remapped": mapping,
        "changed": changed,
        "confirm_rows": sorted(confirm_rows.values(), key=lambda m: (m.sheet, m.row)),
        "becomes_labels": BECOMES_LABELS,
    }


def _carried(request: AuthenticatedHttpRequest) -> tuple[LedgerCarryForm | None, Round | None]:
    carried = LedgerCarryForm(request.POST)
    if not carried.is_valid():
        return carried, None
    try:
        return carried, get_round_for_user(request.user, carried.cleaned_data["round"])
    except Http404:
        return carried, None


def _refused_carry(
    request: AuthenticatedHttpRequest, carried: LedgerCarryForm | None
) -> HttpResponse:
    errors = " ".join(str(e) for e in carried.non_field_errors()) if carried else ""
    error = errors or _("确认信息不完整，请重新上传文件。")
    return _upload_page(request, LedgerUploadForm(user=request.user), error=error, status=400)


def _confirmations(request: AuthenticatedHttpRequest) -> list[tuple[str, int]]:
    """The rows matched without a key that the user ticked ("sheet|row")."""
    rows = []
    for value in request.POST.getlist("confirm"):
        sheet, _sep, row = value.rpartition("|")
        if row.isdigit():
            rows.append((sheet, int(row)))
    return rows


def _confirm(request: AuthenticatedHttpRequest) -> HttpResponse:
    carried, round_ = _carried(request)
    if carried is None or round_ is None:
        return _refused_carry(request, carried)
    data = carried.cleaned_data
    mapping = _mapping(request)
    try:
        result = ledger_import_apply(
            actor=request.user,
            round_=round_,
            data=data["data"],
            file_name=data["file_name"],
            mapping=mapping,
            confirmed=_confirmations(request),
            fingerprint=data["fingerprint"] or None,
        )
    except LedgerImportRefused as refused:
        form = LedgerUploadForm(user=request.user, initial={"round": round_.pk})
        return _upload_page(request, form, error=refused.message, errors=refused.errors, status=400)
    messages.success(
        request,
        _(
            "已导入“%(file)s”：修改 %(made)s 处，提出申请 %(requests)s 项，"
            "未予修改 %(refused)s 处，未确认而未导入 %(unconfirmed)s 行。"
        )
        % {
            "file": data["file_name"],
            "made": result.made,
            "requests": result.requests,
            "refused": result.refused,
            "unconfirmed": len(result.unconfirmed),
        },
    )
    return redirect(f"{reverse('web:ledger')}?round={round_.pk}")
