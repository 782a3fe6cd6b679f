"""Writes of the unit's rectification report (整改情况报告): its draft, text and attachments,
and its moves (报送; 接收, or 退回 with a reason and a new due date).

Only the unit's liaison and the office write it (the system too: imports and the demo), and
only while it is a draft or was returned. The moves are the ``REPORT`` workflow's
(``rectification.workflow``), whose effect brings the report's clock up to date: submitting
stops it, a return starts it again on the date the office set.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.core.files.base import File
from django.db import transaction
from django.utils.translation import gettext as _

from xuncha.core.audit import audit_record, snapshot
from xuncha.core.models import Role
from xuncha.core.permissions import SYSTEM, Actor
from xuncha.core.storage import removed_if_refused, stored_file_save
from xuncha.core.workflow import TransitionRefused
from xuncha.findings.services import EditConflict, EditRefused
from xuncha.rectification.models import RectificationReport, ReportFile, ReportStatus
from xuncha.rectification.transitions import return_changes
from xuncha.rectification.workflow import REPORT
from xuncha.rounds.access import acting_roles
from xuncha.rounds.models import Assignment

WRITERS = {Role.UNIT, Role.OFFICE}
EDITABLE = {ReportStatus.DRAFT, ReportStatus.RETURNED}


def report_scope(report: RectificationReport) -> str:
    """The history a report's changes are gathered under: its unit in the round's."""
    return f"assignment:{report.assignment_id}"


def _require_writer(actor: Actor, assignment: Assignment, what: str) -> None:
    played = acting_roles(actor, assignment)
    if SYSTEM not in played and played.isdisjoint(WRITERS):
        raise EditRefused(_("您没有权限%(what)s。") % {"what": what})


@transaction.atomic
def report_get_or_create(*, actor: Actor, assignment: Assignment) -> RectificationReport:
    """The unit's report for the round, started as an empty draft when there is none yet.

    The unit's liaison and the office only: whoever else asks is refused even when the report
    exists, since they would only ask in order to write it.
    """
    _require_writer(actor, assignment, _("起草整改情况报告"))
    report, created = RectificationReport.objects.get_or_create(assignment=assignment)
    if created:
        audit_record(
            actor=actor,
            action="report.create",
            instance=report,
            before=None,
            after=snapshot(report),
            scope=report_scope(report),
        )
    return report


def _editable(
    actor: Actor, report: RectificationReport, expected_version: int | None
) -> RectificationReport:
    """The report locked, once it is established that ``actor`` may change it now."""
    locked = REPORT.lock(report)
    _require_writer(actor, locked.assignment, _("修改整改情况报告"))
    if locked.status not in EDITABLE:
        raise TransitionRefused(
            _("报告处于“%(status)s”状态，不能修改。") % {"status": locked.get_status_display()}
        )
    if expected_version is not None and locked.version != expected_version:
        raise EditConflict(_("整改情况报告已被他人修改，请刷新后重试。"))
    return locked


def _file_store(actor: Actor, report: RectificationReport, upload: File[bytes]) -> ReportFile:
    attachment = ReportFile(report=report)
    stored_file_save(attachment, upload, actor=actor)
    attachment.save()
    audit_record(
        actor=actor,
        action="report_file.add",
        instance=attachment,
        before=None,
        after=snapshot(attachment),
        scope=report_scope(report),
    )
    return attachment


def _bump(report: RectificationReport, *fields: str) -> None:
    report.version += 1
    report.save(update_fields=[*fields, "version", "updated_at"])


@removed_if_refused
@transaction.atomic
def report_save(
    *,
    actor: Actor,
    report: RectificationReport,
    text: str,
    files: Sequence[File[bytes]] = (),
    expected_version: int | None = None,
) -> RectificationReport:
    """Save the report's text and add attachments, while it is a draft or was returned.

    ``expected_version`` is the version the page showed: saving over someone else's change
    meanwhile gets :class:`EditConflict`. Returns the report as it now stands.
    """
    locked = _editable(actor, report, expected_version)
    text = text.strip()
    fields = []
    if text != locked.text:
        before = snapshot(locked, ["text"])
        locked.text = text
        fields.append("text")
        audit_record(
            actor=actor,
            action="report.update",
            instance=locked,
            before=before,
            after=snapshot(locked, ["text"]),
            scope=report_scope(locked),
        )
    for upload in files:
        _file_store(actor, locked, upload)
    if fields or files:
        _bump(locked, *fields)
    return locked


@removed_if_refused
@transaction.atomic
def report_file_add(
    *,
    actor: Actor,
    report: RectificationReport,
    upload: File[bytes],
    expected_version: int | None = None,
) -> ReportFile:
    """Attach a file (the signed report, an annex) to a draft or returned report; the file is
    stored under its hash, so the same content is kept once."""
    locked = _editable(actor, report, expected_version)
    attachment = _file_store(actor, locked, upload)
    _bump(locked)
    return attachment


@transaction.atomic
def report_transition(
    *,
    actor: Actor,
    report: RectificationReport,
    name: str,
    reason: str = "",
    due_date: dt.date | None = None,
    expected_version: int | None = None,
) -> RectificationReport:
    """Submit (报送), receive (接收) or return (退回) the report.

    Returning needs a reason and the new due date (after today), which the report's clock then
    runs to. ``expected_version`` as for :func:`report_save`.
    """
    locked = REPORT.lock(report)
    if expected_version is not None and locked.version != expected_version:
        raise EditConflict(_("整改情况报告已被他人修改，请刷新后重试。"))
    refusal = REPORT.refusal(locked, name, actor, reason=reason)
    changes = return_changes(refusal, name, due_date, required=True)
    return REPORT.apply(locked, name, actor=actor, reason=reason, changes=changes)


__all__ = [
    "report_file_add",
    "report_get_or_create",
    "report_save",
    "report_scope",
    "report_transition",
]
