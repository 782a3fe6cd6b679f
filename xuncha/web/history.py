"""A record's history as its page shows it: who, when, what, before → after."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from xuncha.core.models import AuditEntry, StatusChange
from xuncha.core.workflow import workflow_named
from xuncha.findings.models import Measure
from xuncha.rectification.models import ChangeRequest, RequestKind

if TYPE_CHECKING:
    from django.contrib.auth.models import User

REQUEST_KINDS = dict(RequestKind.choices)

# Bookkeeping columns that say nothing to a reader of the history (row ids, storage paths,
# computation times); the row's subject already names what they point at.
HIDDEN_KEYS = {
    "id",
    "version",
    "created_at",
    "updated_at",
    "problem_id",
    "assignment_id",
    "measure_id",
    "report_id",
    "rule_id",
    "supersedes_id",
    "uploaded_by_id",
    "author_id",
    "file",
    "computed_at",
    "holder_type",
    "holder_id",
    "clock_id",
    "paused_by_id",
    "approved_by_id",
}


@dataclass(frozen=True)
class Change:
    """One field of one audit row: its label and its value before and after."""

    label: str
    before: str
    after: str


@dataclass(frozen=True)
class HistoryRow:
    at: dt.datetime
    who: str
    what: str
    subject: str
    changes: list[Change] = field(default_factory=list)
    reason: str = ""


def person_name(user: User | None, fallback: str = "") -> str:
    """A user's display name (profile name, full name or username); 系统 when there is none."""
    if user is None:
        return fallback if fallback and fallback != "system" else _("系统")
    profile = getattr(user, "profile", None)
    if profile is not None and profile.display_name:
        return profile.display_name
    return user.get_full_name() or user.get_username()


def action_label(action: str) -> str:
    """The Chinese name of an audit action such as ``measure.update`` or ``problem.start``."""
    fixed = {
        "problem.create": _("新建问题"),
        "problem.plan_update": _("修改整改类型与时限"),
        "measure.create": _("新建整改措施"),
        "measure.update": _("修改整改措施"),
        "measure.delete": _("删除整改措施"),
        "plan.create": _("起草整改方案"),
        "report.create": _("起草整改情况报告"),
        "report.update": _("修改整改情况报告"),
        "report_file.add": _("上传报告附件"),
        "progress.create": _("报告整改进展"),
        "evidence.add": _("上传佐证材料"),
        "comment.add": _("发表意见"),
        "clock.start": _("开始计时"),
        "clock.update": _("重新计算时限"),
        "clock.delete": _("删除时限"),
        "clock.pause": _("暂停计时"),
        "clock.resume": _("恢复计时"),
        "clock.extend": _("延长时限"),
    }
    if action in fixed:
        return fixed[action]
    kind, _dot, name = action.partition(".")
    workflow = workflow_named(kind)
    transition = workflow.table.get(name) if workflow is not None else None
    if transition is None:
        return action
    label = str(transition.label)
    return _("措施：%(label)s") % {"label": label} if kind == "measure" else label


def _model_field(object_type: str, key: str) -> models.Field | None:
    try:
        model = apps.get_model(object_type)
    except (LookupError, ValueError):
        return None
    for candidate in model._meta.concrete_fields:
        if key in (candidate.name, candidate.attname):
            return candidate
    try:
        found = model._meta.get_field(key)
    except FieldDoesNotExist:
        return None
    return found if isinstance(found, models.Field) else None


def _display(model_field: models.Field | None, value: Any) -> str:
    if value is None or value == "":
        return "—"
    if model_field is not None and model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(model_field, models.DateTimeField) and isinstance(value, str):
        # The audit row keeps the instant in UTC (ISO text); the page says it in China's time.
        try:
            moment = dt.datetime.fromisoformat(value)
        except ValueError:
            return value
        if timezone.is_aware(moment):
            moment = timezone.localtime(moment)
        return moment.strftime("%Y-%m-%d %H:%M")
    return str(value)


def _is_empty(value: Any) -> bool:
    return value in (None, "", [], {})


def entry_changes(entry: AuditEntry) -> list[Change]:
    """The fields an audit row changed (for a creation: the values it was created with)."""
    before = entry.before or {}
    after = entry.after or {}
    changes = []
    for key in [*before, *(key for key in after if key not in before)]:
        if key in HIDDEN_KEYS:
            continue
        old, new = before.get(key), after.get(key)
        if old == new or (_is_empty(old) and _is_empty(new)) or (not before and _is_empty(new)):
            continue
        model_field = _model_field(entry.object_type, key)
        label = (
            str(model_field.verbose_name) if model_field else {"reason": _("理由")}.get(key, key)
        )
        changes.append(Change(label, _display(model_field, old), _display(model_field, new)))
    return changes


def audit_rows(
    entries: Iterable[AuditEntry], measure_ordinals: dict[int, int] | None = None
) -> list[HistoryRow]:
    """Audit rows for display; a measure is named by its place (第2项措施) when it still exists."""
    ordinals = measure_ordinals or {}
    rows = []
    for entry in entries:
        subject = entry.object_repr
        if entry.object_type == "findings.measure" and entry.object_id.isdigit():
            ordinal = ordinals.get(int(entry.object_id))
            if ordinal is not None:
                subject = _("第%(n)s项措施") % {"n": ordinal}
        rows.append(
            HistoryRow(
                at=entry.at,
                who=person_name(entry.actor, entry.actor_name),
                what=action_label(entry.action),
                subject=subject,
                changes=entry_changes(entry),
            )
        )
    return rows


def event_rows(changes: Iterable[StatusChange]) -> list[HistoryRow]:
    """Status changes as history rows, whatever their workflow: a measure's change names the
    measure (第2项措施), a plan's the plan."""
    changes = list(changes)
    measure_ids = [c.subject_id for c in changes if c.workflow == "measure"]
    ordinals = dict(Measure.objects.filter(pk__in=measure_ids).values_list("pk", "ordinal"))
    request_ids = [c.subject_id for c in changes if c.workflow == "change_request"]
    request_kinds = {
        pk: str(REQUEST_KINDS.get(kind, kind))
        for pk, kind in ChangeRequest.objects.filter(pk__in=request_ids).values_list("pk", "kind")
    }
    rows = []
    for change in changes:
        workflow = workflow_named(change.workflow)
        if workflow is None:
            what, labels = change.move, {}
        else:
            what = workflow.move_label(change.move)
            labels = {value: str(label) for value, label in workflow.statuses.choices}
        subject = ""
        if change.workflow == "measure":
            ordinal = ordinals.get(change.subject_id)
            subject = _("第%(n)s项措施") % {"n": ordinal} if ordinal else _("已删除的措施")
        elif change.workflow == "plan":
            subject = _("整改方案")
        elif change.workflow == "change_request":
            subject = request_kinds.get(change.subject_id, _("变更申请"))
        elif change.workflow == "report":
            subject = _("整改情况报告")
        rows.append(
            HistoryRow(
                at=change.at,
                who=person_name(change.actor),
                what=what,
                subject=subject,
                changes=[
                    Change(
                        _("状态"),
                        labels.get(change.from_status, change.from_status) or "—",
                        labels.get(change.to_status, change.to_status),
                    )
                ],
                reason=change.reason,
            )
        )
    return rows


def plan_event_rows(changes: Iterable[StatusChange]) -> list[HistoryRow]:
    """A plan's status changes as history rows (the subject is the plan itself)."""
    return event_rows(changes)
