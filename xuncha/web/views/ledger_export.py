"""The ledger (整改台账) as an .xlsx download, with the ledger page's filters."""

from __future__ import annotations

import tempfile

from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from xuncha.ledgers.export import XLSX_CONTENT_TYPE, ledger_filename, ledger_xlsx
from xuncha.web.forms import LedgerFilterForm
from xuncha.web.views.common import AuthenticatedHttpRequest

# Up to this size the workbook stays in memory; a larger one goes to a temporary file.
SPOOL_BYTES = 8 * 1024 * 1024


@login_required
@require_GET
def ledger_export(request: AuthenticatedHttpRequest) -> FileResponse:
    """Every row of the ledger the user may see, filtered and searched (``q``) as the page's
    query string says, in id order whatever its ``sort`` (``repeat=1`` repeats each problem's
    cells on its measures' rows instead of merging them).

    The workbook is written whole to a spooled temporary file, then streamed from it: the
    writer needs to seek in its output, and the response can then say its length.
    """
    form = LedgerFilterForm(request.GET or None, user=request.user)
    today = timezone.localdate()
    out = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 (the response closes it)
    try:
        result = ledger_xlsx(
            request.user,
            filters=form.filters(),
            warning=form.warning_colour(),
            deadline_kind=form.deadline_kind(),
            today=today,
            out=out,
            merge=request.GET.get("repeat") != "1",
        )
    except BaseException:
        out.close()
        raise
    out.seek(0)
    return FileResponse(
        out,
        as_attachment=True,
        filename=ledger_filename(today, result.round_name),
        content_type=XLSX_CONTENT_TYPE,
    )
