"""Reads of clocks and the warning colours computed from them and today.

The colour is never stored: green, yellow (due within ``XUNCHA_WARNING_DAYS`` days, today
included), red (overdue), none (met, closed, paused or no deadline). A holder's nearest
deadline *is* stored (``ClockHolder``), so filtering a ledger by colour is a range on an
indexed date, and counting colours per unit is one aggregate over that column.
:func:`warning_colour` and the SQL of :func:`warning_annotation` / :func:`colour_filter` apply
the same boundaries, so a page can filter in SQL and a template can show one record alike.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.conf import settings
from django.db.models import Case, CharField, Count, Q, QuerySet, Value, When

from xuncha.clocks.models import Clock, ClockHolder, ClockState, WarningColour
from xuncha.clocks.registry import HOLDERS, kind_label

DEFAULT_WARNING_DAYS = 7
COLOURS = [WarningColour.GREEN.value, WarningColour.YELLOW.value, WarningColour.RED.value]
PAUSED = "paused"
"""The key under which paused holders are counted beside the colours (暂停, no colour)."""

Q_ = TypeVar("Q_", bound=QuerySet[Any])


def warning_days() -> int:
    """How many days before the due date a deadline turns yellow (setting XUNCHA_WARNING_DAYS)."""
    return int(getattr(settings, "XUNCHA_WARNING_DAYS", DEFAULT_WARNING_DAYS))


def warning_colour(
    due: dt.date | None,
    today: dt.date,
    *,
    done: bool = False,
    paused: bool = False,
    days: int | None = None,
) -> str | None:
    """The warning a deadline gives on ``today``: "green", "yellow", "red", or None."""
    if done or paused or due is None:
        return None
    if due < today:
        return WarningColour.RED.value
    if (due - today).days <= (warning_days() if days is None else days):
        return WarningColour.YELLOW.value
    return WarningColour.GREEN.value


def _horizon(today: dt.date, days: int | None) -> dt.date:
    return today + dt.timedelta(days=warning_days() if days is None else days)


def colour_filter(
    colour: str, today: dt.date, *, days: int | None = None, field: str = "nearest_due"
) -> Q:
    """The records whose deadline ``field`` gives ``colour`` today: a range on the date (an
    index walk), or the paused ones for :data:`PAUSED`."""
    horizon = _horizon(today, days)
    if colour == WarningColour.RED:
        return Q(**{f"{field}__lt": today})
    if colour == WarningColour.YELLOW:
        return Q(**{f"{field}__gte": today, f"{field}__lte": horizon})
    if colour == WarningColour.GREEN:
        return Q(**{f"{field}__gt": horizon})
    if colour == PAUSED:
        return Q(**{field.replace("_due", "_paused"): True})
    raise ValueError(f"unknown warning colour {colour!r}")


def kind_filter(kind: str, *, field: str = "nearest_kind") -> Q:
    """The records whose nearest deadline comes from a clock of subject ``kind`` ("measure",
    "report" …), whatever its colour."""
    return Q(**{field: kind})


def warning_annotation(
    today: dt.date, *, days: int | None = None, field: str = "nearest_due"
) -> Case:
    """The SQL twin of :func:`warning_colour` over the date column ``field``."""
    horizon = _horizon(today, days)
    return Case(
        When(**{f"{field}__isnull": True}, then=Value(None, output_field=CharField())),
        When(**{f"{field}__lt": today}, then=Value(WarningColour.RED.value)),
        When(**{f"{field}__lte": horizon}, then=Value(WarningColour.YELLOW.value)),
        default=Value(WarningColour.GREEN.value),
        output_field=CharField(),
    )


def with_warning(records: Q_, today: dt.date, *, days: int | None = None) -> Q_:
    """Holders (problems …) annotated with ``warning``, the colour of their nearest deadline."""
    return records.annotate(warning=warning_annotation(today, days=days))


def warning_counts(
    records: QuerySet[Any], key: str, today: dt.date, *, days: int | None = None
) -> dict[Any, dict[str, int]]:
    """{key value: {"green": n, "yellow": n, "red": n, "paused": n}} in one aggregate over the
    stored nearest deadlines (``key`` e.g. ``assignment__unit_id``)."""
    counts = {
        colour: Count("pk", filter=colour_filter(colour, today, days=days))
        for colour in [*COLOURS, PAUSED]
    }
    rows = records.order_by().values(key).annotate(**counts)
    return {row[key]: {colour: row[colour] for colour in [*COLOURS, PAUSED]} for row in rows}


@dataclass(frozen=True)
class ClockReport:
    """A clock as a page reports it: what runs on what, since when, until when, where it
    stands today, with its pauses and extensions."""

    clock: Clock
    kind: str
    colour: str | None
    days_left: int | None
    paused_days: int
    extensions: int

    @property
    def state_label(self) -> str:
        return str(ClockState(self.clock.state).label)


def clock_report(clock: Clock, today: dt.date) -> ClockReport:
    """Where ``clock`` stands on ``today``: its colour and the days left (negative: overdue)."""
    open_ = clock.state == ClockState.RUNNING
    pauses = list(clock.pauses.all())
    paused_days = sum(((pause.end or today) - pause.start).days for pause in pauses)
    return ClockReport(
        clock=clock,
        kind=kind_label(clock.subject_type),
        colour=warning_colour(clock.due, today, done=not open_),
        days_left=(clock.due - today).days if open_ and clock.due is not None else None,
        paused_days=paused_days,
        extensions=len(clock.extensions.all()),
    )


def clocks_bearing_on(holder_type: str, pk: int) -> list[Clock]:
    """Every clock that bears on one holder: its own and its parents', met ones included,
    nearest first. The caller has reached the holder through an access-checked selector."""
    holder = HOLDERS.get(holder_type)
    parents: Sequence[tuple[str, int]] = holder.parents({pk}).get(pk, ()) if holder else ()
    condition = Q(holder_type=holder_type, holder_id=pk)
    for parent_type, parent_id in parents:
        condition |= Q(holder_type=parent_type, holder_id=parent_id)
    return list(
        Clock.objects.filter(condition)
        .select_related("rule")
        .prefetch_related("pauses", "extensions__rule")
        .order_by("state", "due", "rule__code", "id")
    )


def gives_nearest(clock: Clock, holder: ClockHolder) -> bool:
    """Whether ``holder``'s stored nearest deadline comes from ``clock`` (or from a clock tied
    with it: the same rule, state and date). ``clock`` bears on ``holder``."""
    if holder.nearest_rule_id is None or clock.rule_id != holder.nearest_rule_id:
        return False
    if holder.nearest_paused:
        return clock.state == ClockState.PAUSED
    return clock.state == ClockState.RUNNING and clock.due == holder.nearest_due


def nearest_subjects(holder_type: str, holders: Sequence[ClockHolder]) -> dict[int, list[int]]:
    """For each holder, the subjects of its own clocks its stored nearest deadline comes from
    (several when they tie: two measures due the same day), in one query. A deadline that comes
    from a parent's clock (a unit's report) finds nothing here: its subject is the parent."""
    wanted = {holder.pk: holder for holder in holders if holder.nearest_rule_id is not None}
    found: dict[int, list[int]] = {}
    if not wanted:
        return found
    rules = {holder.nearest_rule_id for holder in wanted.values()}
    clocks = (
        Clock.objects.filter(
            holder_type=holder_type,
            holder_id__in=list(wanted),
            rule_id__in=rules,
            state__in=[ClockState.RUNNING, ClockState.PAUSED],
        )
        .order_by("subject_id")
        .only("holder_id", "subject_id", "rule_id", "state", "due")
    )
    for clock in clocks:
        if gives_nearest(clock, wanted[clock.holder_id]):
            found.setdefault(clock.holder_id, []).append(clock.subject_id)
    return found


def clocks_of(subject_type: str, subject_ids: Sequence[int]) -> dict[int, list[Clock]]:
    """The clocks of the given records of one subject type, by record id."""
    found: dict[int, list[Clock]] = {}
    clocks = Clock.objects.filter(subject_type=subject_type, subject_id__in=list(subject_ids))
    for clock in clocks.select_related("rule").order_by("due", "id"):
        found.setdefault(clock.subject_id, []).append(clock)
    return found


def open_clocks_due_by(day: dt.date) -> QuerySet[Clock]:
    """Running clocks due on or before ``day`` (reminders), nearest first."""
    return (
        Clock.objects.filter(state=ClockState.RUNNING, due__lte=day)
        .select_related("rule")
        .order_by("due", "id")
    )


__all__ = [
    "COLOURS",
    "PAUSED",
    "ClockReport",
    "clock_report",
    "clocks_bearing_on",
    "clocks_of",
    "colour_filter",
    "gives_nearest",
    "kind_filter",
    "nearest_subjects",
    "open_clocks_due_by",
    "warning_annotation",
    "warning_colour",
    "warning_counts",
    "warning_days",
    "with_warning",
]
