"""The clock engine: which clocks the subjects want now, and bringing the stored ones to match.

``clocks.services`` calls it; it computes each clock's due date on the official calendar (the
pauses left out, the extensions added) from what its subject registered (``clocks.registry``),
creates, updates, stops or removes the stored clock with an audit row under its holder's
history, and rewrites the nearest deadline of every holder it touched (``clocks.nearest``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from xuncha.clocks.models import (
    Clock,
    ClockExtension,
    ClockPause,
    ClockState,
    DeadlineRule,
    HolidayKind,
    HolidaySchedule,
)
from xuncha.clocks.nearest import Candidate, stored_candidates, summaries_for, write_summaries
from xuncha.clocks.registry import HOLDERS, Subject, Wanted
from xuncha.core.audit import audit_record, snapshot
from xuncha.core.calendar import WorkCalendar, YearSchedule, compute_due, package_years
from xuncha.core.permissions import Actor

CLOCK_FIELDS = ["holder_type", "holder_id", "start", "due", "state", "holidays_known"]
CHUNK = 2000

Key = tuple[int, int]  # (rule id, subject id) within one subject type
HolderKey = tuple[str, int]


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


# ---------------------------------------------------------------------------------------------
# What a clock should be


@dataclass(frozen=True)
class Expected:
    """A clock as recomputed from its subject's data, its pauses and its extensions."""

    rule: DeadlineRule
    subject_type: str
    subject_id: int
    holder: HolderKey
    start: dt.date
    state: str
    due: dt.date | None
    holidays_known: bool

    @property
    def key(self) -> Key:
        return (self.rule.pk, self.subject_id)

    def values(self) -> dict[str, Any]:
        return {
            "holder_type": self.holder[0],
            "holder_id": self.holder[1],
            "start": self.start,
            "due": self.due,
            "state": self.state,
            "holidays_known": self.holidays_known,
        }

    def candidate(self, clock_id: int = 0) -> Candidate:
        return Candidate(
            clock_id,
            self.rule.pk,
            self.rule.supersedes,
            self.rule.counts_in_warnings,
            self.subject_type,
            self.state,
            self.due,
            self.holidays_known,
        )


def expected_clock(
    subject: str,
    wanted: Wanted,
    pauses: Sequence[ClockPause],
    extensions: Sequence[ClockExtension],
    calendar: WorkCalendar,
) -> Expected:
    """The clock ``wanted`` asks for, with the pauses and extensions recorded on it.

    A clock still paused (a pause without its end) has no due date until it runs again; a met
    clock keeps the date it was due by, so that its history can say whether it was met in time.
    """
    closed = tuple(p for pause in pauses if (p := pause.as_calendar()) is not None)
    still_paused = any(pause.end is None for pause in pauses)
    if still_paused and not wanted.met:
        return Expected(
            wanted.rule,
            subject,
            wanted.subject_id,
            wanted.holder,
            wanted.start,
            ClockState.PAUSED,
            None,
            True,
        )
    if wanted.due is not None:
        return Expected(
            wanted.rule,
            subject,
            wanted.subject_id,
            wanted.holder,
            wanted.start,
            ClockState.MET if wanted.met else ClockState.RUNNING,
            wanted.due,
            True,
        )
    due = compute_due(
        wanted.start,
        wanted.rule.calendar_rule(),
        calendar,
        pauses=closed,
        extensions=tuple(extension.as_calendar() for extension in extensions),
    )
    return Expected(
        wanted.rule,
        subject,
        wanted.subject_id,
        wanted.holder,
        wanted.start,
        ClockState.MET if wanted.met else ClockState.RUNNING,
        due.date,
        due.holidays_known,
    )


def subject_rules(subject: Subject) -> list[DeadlineRule]:
    return list(DeadlineRule.objects.filter(subject=subject.name, active=True).order_by("code"))


def stored_clocks(subject: str, ids: Collection[int] | None) -> dict[Key, Clock]:
    clocks = Clock.objects.filter(subject_type=subject).select_related("rule")
    if ids is not None:
        clocks = clocks.filter(subject_id__in=list(ids))
    clocks = clocks.prefetch_related("pauses", "extensions__rule")
    return {(clock.rule_id, clock.subject_id): clock for clock in clocks}


def expected_clocks(
    subject: Subject,
    ids: Collection[int] | None,
    stored: dict[Key, Clock],
    calendar: WorkCalendar,
) -> dict[Key, Expected]:
    rules = subject_rules(subject)
    if not rules:
        return {}
    found: dict[Key, Expected] = {}
    for wanted in subject.wanted(rules, ids):
        key = (wanted.rule.pk, wanted.subject_id)
        clock = stored.get(key)
        pauses = list(clock.pauses.all()) if clock is not None else []
        extensions = list(clock.extensions.all()) if clock is not None else []
        found[key] = expected_clock(subject.name, wanted, pauses, extensions, calendar)
    return found


@dataclass
class Synced:
    """What bringing some clocks up to date did: the holders whose clocks changed (before and
    after the change) and how many clocks were created, changed or removed."""

    touched: set[HolderKey]
    changed: int = 0


def sync(
    actor: Actor, subject: Subject, ids: Collection[int] | None, calendar: WorkCalendar
) -> Synced:
    """Make the stored clocks of ``subject`` on ``ids`` what they should be."""
    stored = stored_clocks(subject.name, ids)
    expected = expected_clocks(subject, ids, stored, calendar)
    touched: set[HolderKey] = set()
    changed = 0
    for key, want in expected.items():
        clock = stored.pop(key, None)
        if clock is None:
            clock = Clock.objects.create(
                rule=want.rule,
                subject_type=subject.name,
                subject_id=want.subject_id,
                computed_at=timezone.now(),
                **want.values(),
            )
            audit_clock(actor, "clock.start", clock, None, snapshot(clock, CLOCK_FIELDS))
            touched.add(want.holder)
            changed += 1
            continue
        if all(getattr(clock, name) == value for name, value in want.values().items()):
            continue
        before = snapshot(clock, CLOCK_FIELDS)
        touched.add((clock.holder_type, clock.holder_id))
        for name, value in want.values().items():
            setattr(clock, name, value)
        clock.computed_at = timezone.now()
        clock.save(update_fields=[*CLOCK_FIELDS, "computed_at"])
        audit_clock(actor, "clock.update", clock, before, snapshot(clock, CLOCK_FIELDS))
        touched.add(want.holder)
        changed += 1
    for clock in stored.values():
        touched.add((clock.holder_type, clock.holder_id))
        audit_clock(actor, "clock.delete", clock, snapshot(clock, CLOCK_FIELDS), None)
        clock.delete()
        changed += 1
    return Synced(touched, changed)


def audit_clock(
    actor: Actor,
    action: str,
    clock: Clock,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> None:
    audit_record(
        actor=actor,
        action=action,
        instance=clock,
        before=before,
        after=after,
        scope=clock.holder_scope,
    )


def holders_refresh(touched: dict[str, set[int]]) -> None:
    """Rewrite the nearest deadline of the touched holders, and of the holders under touched
    parents (a unit's report clock bears on each of its problems)."""
    for holder in HOLDERS.values():
        for parent, mapper in holder.children.items():
            if touched.get(parent):
                touched.setdefault(holder.name, set()).update(mapper(touched[parent]))
    for name, ids in touched.items():
        touched_holder = HOLDERS.get(name)
        if touched_holder is None or not ids:
            continue
        for chunk in chunks(sorted(ids)):
            summaries = summaries_for(touched_holder, chunk, stored_candidates)
            write_summaries(touched_holder, summaries)


def chunks(ids: Sequence[int], size: int = CHUNK) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def subject_ids(subject: Subject) -> list[int]:
    """Every record of ``subject`` that has, or should have, a clock."""
    rules = subject_rules(subject)
    wanted = {w.subject_id for w in subject.wanted(rules, None)} if rules else set()
    stored = set(
        Clock.objects.filter(subject_type=subject.name).values_list("subject_id", flat=True)
    )
    return sorted(wanted | stored)


__all__ = [
    "CHUNK",
    "CLOCK_FIELDS",
    "Expected",
    "Synced",
    "audit_clock",
    "chunks",
    "expected_clock",
    "expected_clocks",
    "holders_refresh",
    "stored_clocks",
    "subject_ids",
    "subject_rules",
    "sync",
    "work_calendar",
]
