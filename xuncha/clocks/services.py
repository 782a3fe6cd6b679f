"""Writes to clocks: computing deadlines, entering holiday schedules, setting rules.

Other parts of xuncha call :func:`deadlines_refresh_for_assignment` whenever something a
deadline counts from changes (a feedback date, a measure's deadline, an approved plan). It is
idempotent: calling it when nothing changed writes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from xuncha.clocks.models import (
    Deadline,
    DeadlineAnchor,
    DeadlineRule,
    HolidayDate,
    HolidayKind,
    HolidaySchedule,
    year_covered_message,
)
from xuncha.core.audit import audit_record, snapshot
from xuncha.core.calendar import WorkCalendar, YearSchedule, compute_due, package_years
from xuncha.findings.models import Measure
from xuncha.followups.models import Verdict
from xuncha.rounds.models import Assignment

DEADLINE_FIELDS = ["start", "due", "holidays_known"]


def work_calendar() -> WorkCalendar:
    """The official calendar: the package's years plus the schedules the office entered.

    A stored schedule for a year the package has since come to cover is ignored: the package
    is authoritative wherever it speaks.
    """
    covered = package_years()
    entered = []
    for schedule in HolidaySchedule.objects.prefetch_related("dates"):
        if schedule.year in covered:
            continue
        dates = list(schedule.dates.all())
        entered.append(
            YearSchedule(
                year=schedule.year,
                holidays=frozenset(d.date for d in dates if d.kind == HolidayKind.HOLIDAY),
                workdays=frozenset(d.date for d in dates if d.kind == HolidayKind.WORKDAY),
                source=schedule.source,
            )
        )
    return WorkCalendar(entered)


def deadline_scope(deadline: Deadline) -> str:
    """The audit scope: a measure's deadline belongs to its problem's history."""
    if deadline.problem_id:
        return f"problem:{deadline.problem_id}"
    return f"assignment:{deadline.assignment_id}"


@dataclass(frozen=True)
class _Wanted:
    """A deadline that should exist, before its date is computed."""

    rule: DeadlineRule
    start: dt.date
    problem_id: int | None = None
    measure_id: int | None = None


@transaction.atomic
def deadlines_refresh_for_assignment(
    *, actor: Any, assignment: Assignment, calendar: WorkCalendar | None = None
) -> list[Deadline]:
    """(Re)compute every deadline of an assignment and return them, nearest first.

    Feedback-anchored rules count from the assignment's feedback date; without one they give
    no deadline (未设定: nothing is invented). Measure-anchored rules give one deadline per
    measure that has a deadline of its own; verdict-anchored rules one per problem whose latest
    follow-up verdict (基本到位 / 未到位) set a new deadline. Deadlines that no longer apply
    (feedback date or measure deadline cleared, rule switched off) are removed. Changes are
    updated in place and audited; an unchanged deadline is not written at all. ``calendar``
    lets a caller refreshing many assignments build it once.
    """
    deadlines, _changed = _refresh(actor, assignment, calendar or work_calendar())
    return deadlines


def _refresh(
    actor: Any, assignment: Assignment, calendar: WorkCalendar
) -> tuple[list[Deadline], int]:
    # The lock serialises two refreshes of one assignment, which would otherwise both insert.
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    existing = {
        (deadline.rule_id, deadline.problem_id, deadline.measure_id): deadline
        for deadline in Deadline.objects.filter(assignment=assignment).select_related("rule")
    }
    kept: list[Deadline] = []
    changed = 0
    for wanted in _wanted_deadlines(assignment):
        key = (wanted.rule.pk, wanted.problem_id, wanted.measure_id)
        deadline = existing.pop(key, None)
        deadline, was_changed = _apply(actor, assignment, wanted, deadline, calendar)
        kept.append(deadline)
        changed += was_changed
    for deadline in existing.values():
        audit_record(
            actor=actor,
            action="deadline.delete",
            instance=deadline,
            before=snapshot(deadline),
            after=None,
            scope=deadline_scope(deadline),
        )
        deadline.delete()
        changed += 1
    kept.sort(key=lambda d: (d.due, d.rule.code, d.measure_id or 0))
    return kept, changed


def _wanted_deadlines(assignment: Assignment) -> Iterable[_Wanted]:
    rules = list(DeadlineRule.objects.filter(active=True).order_by("code"))
    if assignment.feedback_date is not None:
        for rule in rules:
            if rule.anchor == DeadlineAnchor.FEEDBACK:
                yield _Wanted(rule, assignment.feedback_date)
    measure_rules = [rule for rule in rules if rule.anchor == DeadlineAnchor.MEASURE]
    if measure_rules:
        measures = Measure.objects.filter(
            problem__assignment=assignment, deadline__isnull=False
        ).values_list("pk", "problem_id", "deadline")
        for measure_id, problem_id, deadline in measures:
            for rule in measure_rules:
                yield _Wanted(rule, deadline, problem_id, measure_id)
    verdict_rules = [rule for rule in rules if rule.anchor == DeadlineAnchor.VERDICT]
    if verdict_rules:
        for problem_id, deadline in _verdict_deadlines(assignment):
            for rule in verdict_rules:
                yield _Wanted(rule, deadline, problem_id)


def _verdict_deadlines(assignment: Assignment) -> list[tuple[int, dt.date]]:
    """(problem id, new deadline) for each problem whose latest verdict set one.

    Only the latest verdict counts: a later 整改到位 (no new deadline) ends the earlier one.
    """
    latest: dict[int, dt.date | None] = {}
    verdicts = (
        Verdict.objects.filter(problem__assignment=assignment)
        .order_by("problem_id", "-visit__visited_on", "-ruled_at", "-id")
        .values_list("problem_id", "new_deadline")
    )
    for problem_id, deadline in verdicts:
        latest.setdefault(problem_id, deadline)
    return [(pk, deadline) for pk, deadline in latest.items() if deadline is not None]


def _apply(
    actor: Any,
    assignment: Assignment,
    wanted: _Wanted,
    deadline: Deadline | None,
    calendar: WorkCalendar,
) -> tuple[Deadline, bool]:
    due = compute_due(wanted.start, wanted.rule.calendar_rule(), calendar)
    values = {"start": wanted.start, "due": due.date, "holidays_known": due.holidays_known}
    if deadline is None:
        deadline = Deadline.objects.create(
            rule=wanted.rule,
            assignment=assignment,
            problem_id=wanted.problem_id,
            measure_id=wanted.measure_id,
            computed_at=timezone.now(),
            **values,
        )
        audit_record(
            actor=actor,
            action="deadline.create",
            instance=deadline,
            before=None,
            after=snapshot(deadline),
            scope=deadline_scope(deadline),
        )
        return deadline, True
    if all(getattr(deadline, name) == value for name, value in values.items()):
        return deadline, False
    before = snapshot(deadline, DEADLINE_FIELDS)
    for name, value in values.items():
        setattr(deadline, name, value)
    deadline.computed_at = timezone.now()
    deadline.save(update_fields=[*DEADLINE_FIELDS, "computed_at"])
    audit_record(
        actor=actor,
        action="deadline.update",
        instance=deadline,
        before=before,
        after=snapshot(deadline, DEADLINE_FIELDS),
        scope=deadline_scope(deadline),
    )
    return deadline, True


@transaction.atomic
def deadlines_refresh_for_year(*, actor: Any, year: int) -> int:
    """Recompute every deadline whose count ran through ``year``; return how many changed.

    Called whenever that year's holiday schedule is entered, edited or removed. Deadlines that
    were counted Monday–Friday for want of the schedule lose their mark; those counted with an
    edited schedule follow the correction.
    """
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    assignment_ids = (
        Deadline.objects.filter(start__lte=last, due__gte=first, assignment__isnull=False)
        .order_by()
        .values_list("assignment_id", flat=True)
        .distinct()
    )
    return _refresh_many(actor, Assignment.objects.filter(pk__in=list(assignment_ids)))


@transaction.atomic
def deadlines_refresh_all(*, actor: Any) -> int:
    """Recompute the deadlines of every assignment; return how many changed.

    For a changed rule, and after upgrading the calendar package (a year it now covers becomes
    authoritative). Safe to run at any time: unchanged deadlines are not written.
    """
    assignments = Assignment.objects.filter(
        Q(feedback_date__isnull=False)
        | Q(problems__measures__deadline__isnull=False)
        | Q(deadlines__isnull=False)
    ).distinct()
    return _refresh_many(actor, assignments)


def _refresh_many(actor: Any, assignments: Iterable[Assignment]) -> int:
    calendar = work_calendar()
    changed = 0
    for assignment in assignments:
        changed += _refresh(actor, assignment, calendar)[1]
    return changed


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
    actor: Any,
    year: int,
    source: str,
    dates: Sequence[HolidayInput | tuple[dt.date, str, str]],
) -> HolidaySchedule:
    """Enter (or replace) the holiday schedule of a year the calendar package does not cover.

    Every day is checked (it belongs to ``year``, a swapped working day falls on a weekend,
    no day twice) and every deadline that ran through the year is recomputed in the same
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
    schedule.entered_by = actor if getattr(actor, "is_authenticated", False) else None
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
    deadlines_refresh_for_year(actor=actor, year=year)
    return schedule


def _check_no_repeats(days: Sequence[HolidayInput]) -> None:
    seen: set[dt.date] = set()
    for day in days:
        if day.date in seen:
            raise ValidationError(
                {"dates": _("%(date)s 重复录入。") % {"date": day.date.isoformat()}}
            )
        seen.add(day.date)


@transaction.atomic
def deadline_rule_set(
    *,
    actor: Any,
    code: str,
    name: str,
    anchor: str,
    amount: int,
    count_unit: str,
    roll_to_workday: bool = False,
    problem_warning: bool = True,
    source: str = "",
    active: bool = True,
) -> DeadlineRule:
    """Create the rule ``code`` or change it, then recompute the deadlines it affects."""
    rule = DeadlineRule.objects.select_for_update().filter(code=code).first()
    before = snapshot(rule) if rule else None
    if rule is None:
        rule = DeadlineRule(code=code)
    values = {
        "name": name,
        "anchor": anchor,
        "amount": amount,
        "count_unit": count_unit,
        "roll_to_workday": roll_to_workday,
        "problem_warning": problem_warning,
        "source": source,
        "active": active,
    }
    for field, value in values.items():
        setattr(rule, field, value)
    rule.full_clean(validate_unique=before is None)
    if before is not None and before == snapshot(rule):
        return rule
    rule.save()
    audit_record(
        actor=actor,
        action="deadline_rule.update" if before else "deadline_rule.create",
        instance=rule,
        before=before,
        after=snapshot(rule),
    )
    deadlines_refresh_all(actor=actor)
    return rule
