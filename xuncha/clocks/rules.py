"""The office's configuration of the clocks: holiday schedules for years past the calendar
package, deadline rules and extension rules; each change audited and the clocks recomputed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xuncha.clocks.models import (
    DeadlineRule,
    ExtensionRule,
    HolidayDate,
    HolidaySchedule,
    year_covered_message,
)
from xuncha.clocks.registry import SUBJECTS
from xuncha.clocks.services import clocks_refresh_all, clocks_refresh_for_year
from xuncha.core.audit import audit_record, snapshot
from xuncha.core.calendar import package_years
from xuncha.core.permissions import Actor


@dataclass(frozen=True)
class HolidayInput:
    """One day of a schedule as published: its date, holiday or workday, and the festival."""

    date: dt.date
    kind: str
    name: str = ""


def schedule_snapshot(schedule: HolidaySchedule) -> dict[str, Any]:
    """A schedule with its days, for the audit log."""
    data = snapshot(schedule)
    data["dates"] = [
        [day.date.isoformat(), day.kind, day.name] for day in schedule.dates.order_by("date")
    ]
    return data


@transaction.atomic
def holiday_schedule_enter(
    *,
    actor: Actor,
    year: int,
    source: str,
    dates: Sequence[HolidayInput | tuple[dt.date, str, str]],
) -> HolidaySchedule:
    """Enter (or replace) the holiday schedule of a year the calendar package does not cover.

    Every day is checked (it belongs to ``year``, a swapped working day falls on a weekend,
    no day twice) and every clock that ran through the year is recomputed in the same
    transaction. A year the package covers is refused: the package is authoritative there.
    """
    days = [day if isinstance(day, HolidayInput) else HolidayInput(*day) for day in dates]
    if year in package_years():
        raise ValidationError({"year": year_covered_message(year)})
    if not source.strip():
        raise ValidationError({"source": _("请填写文件依据（如国办发明电〔2026〕N号）。")})
    _check_no_repeats(days)
    schedule = HolidaySchedule.objects.select_for_update().filter(year=year).first()
    before = schedule_snapshot(schedule) if schedule else None
    if schedule is None:
        schedule = HolidaySchedule(year=year)
    schedule.source = source.strip()
    schedule.entered_by = actor if actor is not None and actor.is_authenticated else None
    schedule.entered_at = timezone.now()
    schedule.full_clean()
    schedule.save()
    schedule.dates.all().delete()
    rows = [HolidayDate(schedule=schedule, date=d.date, kind=d.kind, name=d.name) for d in days]
    for row in rows:
        # Uniqueness holds already: the days are distinct and all belong to this year's schedule.
        row.full_clean(validate_unique=False)
    HolidayDate.objects.bulk_create(rows)
    audit_record(
        actor=actor,
        action="holiday_schedule.update" if before else "holiday_schedule.create",
        instance=schedule,
        before=before,
        after=schedule_snapshot(schedule),
    )
    clocks_refresh_for_year(actor=actor, year=year)
    return schedule


def _check_no_repeats(days: Sequence[HolidayInput]) -> None:
    seen: set[dt.date] = set()
    for day in days:
        if day.date in seen:
            raise ValidationError(
                {"dates": _("%(date)s 重复录入。") % {"date": day.date.isoformat()}}
            )
        seen.add(day.date)


def rule_problems(rule: DeadlineRule) -> dict[str, str]:
    """What is wrong with a rule's subject and anchor, by field (empty when both are known)."""
    subject = SUBJECTS.get(rule.subject)
    if subject is None:
        return {"subject": _("未知的适用对象“%(name)s”。") % {"name": rule.subject}}
    if rule.anchor not in subject.anchors:
        return {
            "anchor": _("“%(subject)s”没有起算依据“%(anchor)s”。")
            % {"subject": subject.label, "anchor": rule.anchor}
        }
    return {}


ConfiguredT = TypeVar("ConfiguredT", DeadlineRule, ExtensionRule)


def _configure(
    actor: Actor,
    model: type[ConfiguredT],
    code: str,
    values: dict[str, Any],
    action: str,
    check: Callable[[ConfiguredT], dict[str, str]] | None = None,
) -> tuple[ConfiguredT, bool]:
    """Create the configuration row ``code`` or change it to ``values``, validated and audited
    (``<action>.create`` / ``<action>.update``); returns it and whether anything changed."""
    found = model._default_manager.select_for_update().filter(code=code).first()
    before = snapshot(found) if found is not None else None
    configured = found if found is not None else model(code=code)
    for field_name, value in values.items():
        setattr(configured, field_name, value)
    configured.full_clean(validate_unique=before is None)
    if check is not None and (problems := check(configured)):
        raise ValidationError(problems)
    if before is not None and before == snapshot(configured):
        return configured, False
    configured.save()
    audit_record(
        actor=actor,
        action=f"{action}.update" if before else f"{action}.create",
        instance=configured,
        before=before,
        after=snapshot(configured),
    )
    return configured, True


@transaction.atomic
def deadline_rule_set(
    *,
    actor: Actor,
    code: str,
    name: str,
    subject: str,
    anchor: str,
    amount: int,
    count_unit: str,
    roll_to_workday: bool = False,
    counts_in_warnings: bool = True,
    supersedes: bool = False,
    source: str = "",
    active: bool = True,
) -> DeadlineRule:
    """Create the rule ``code`` or change it, then recompute every clock."""
    values = {
        "name": name,
        "subject": subject,
        "anchor": anchor,
        "amount": amount,
        "count_unit": count_unit,
        "roll_to_workday": roll_to_workday,
        "counts_in_warnings": counts_in_warnings,
        "supersedes": supersedes,
        "source": source,
        "active": active,
    }
    rule, changed = _configure(actor, DeadlineRule, code, values, "deadline_rule", rule_problems)
    if changed:
        clocks_refresh_all(actor=actor)
    return rule


@transaction.atomic
def extension_rule_set(
    *,
    actor: Actor,
    code: str,
    name: str,
    rule: DeadlineRule,
    amount: int,
    count_unit: str,
    times: int = 1,
    source: str = "",
    active: bool = True,
) -> ExtensionRule:
    """Create or change what clocks of ``rule`` may be extended by (with its legal source).
    The clocks already extended keep what was granted."""
    values = {
        "name": name,
        "rule": rule,
        "amount": amount,
        "count_unit": count_unit,
        "times": times,
        "source": source,
        "active": active,
    }
    extension, _changed = _configure(actor, ExtensionRule, code, values, "extension_rule")
    return extension


__all__ = [
    "HolidayInput",
    "deadline_rule_set",
    "extension_rule_set",
    "holiday_schedule_enter",
    "rule_problems",
    "schedule_snapshot",
]
