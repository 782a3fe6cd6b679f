"""A holder's nearest open deadline: which of the clocks bearing on it wins, and writing it.

A problem gathers its own clocks (its measures', its verdicts') and those of its unit in the
round (the plan's, the report's); the nearest running date wins, a superseding rule (a verdict's
new deadline) leaves only its own clocks, and with nothing running a paused clock makes the
holder 暂停. The result is stored on the holder (``ClockHolder``) for the ledger to filter by.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from typing import Any

from xuncha.clocks.models import (
    Clock,
    ClockState,
)
from xuncha.clocks.registry import Holder

SUMMARY_FIELDS = [
    "nearest_due",
    "nearest_holidays_known",
    "nearest_rule_id",
    "nearest_kind",
    "nearest_paused",
]
OPEN_STATES = (ClockState.RUNNING, ClockState.PAUSED)


@dataclass(frozen=True)
class Candidate:
    """A clock as a holder's nearest deadline weighs it."""

    clock_id: int
    rule_id: int
    supersedes: bool
    counts: bool
    kind: str
    state: str
    due: dt.date | None
    holidays_known: bool


@dataclass(frozen=True)
class Summary:
    """A holder's nearest open deadline: its date, the rule and kind of record it comes from,
    and whether the clock it comes from is paused (暂停, no date and no colour)."""

    due: dt.date | None = None
    holidays_known: bool = True
    rule_id: int | None = None
    kind: str = ""
    paused: bool = False

    def fields(self) -> dict[str, Any]:
        return {
            "nearest_due": self.due,
            "nearest_holidays_known": self.holidays_known,
            "nearest_rule_id": self.rule_id,
            "nearest_kind": self.kind,
            "nearest_paused": self.paused,
        }


NO_DEADLINE = Summary()


def nearest(candidates: Iterable[Candidate]) -> Summary:
    """The nearest open deadline among a holder's clocks.

    Only clocks whose rule counts in warnings, and that are running or paused. A running clock
    whose rule supersedes the others (a follow-up verdict's new deadline) leaves only the
    superseding ones. The nearest running date wins (on a tie, the one counted without known
    holidays, so the mark shows); with none running, a paused clock makes the holder 暂停.
    """
    weighed = [c for c in candidates if c.counts and c.state in OPEN_STATES]
    superseding = [c for c in weighed if c.supersedes]
    if superseding:
        weighed = superseding
    running = [c for c in weighed if c.state == ClockState.RUNNING and c.due is not None]
    if running:
        best = min(running, key=lambda c: (c.due, c.holidays_known, c.clock_id))
        return Summary(best.due, best.holidays_known, best.rule_id, best.kind, False)
    paused = [c for c in weighed if c.state == ClockState.PAUSED]
    if paused:
        best = min(paused, key=lambda c: c.clock_id)
        return Summary(None, True, best.rule_id, best.kind, True)
    return NO_DEADLINE


CandidateSource = Callable[[str, Collection[int]], dict[int, list[Candidate]]]


def stored_candidates(holder_type: str, ids: Collection[int]) -> dict[int, list[Candidate]]:
    """The open clocks stored on the given holders, by holder id."""
    rows = (
        Clock.objects.filter(
            holder_type=holder_type, holder_id__in=list(ids), state__in=OPEN_STATES
        )
        .order_by()
        .values_list(
            "holder_id",
            "id",
            "rule_id",
            "rule__supersedes",
            "rule__counts_in_warnings",
            "subject_type",
            "state",
            "due",
            "holidays_known",
        )
    )
    found: dict[int, list[Candidate]] = defaultdict(list)
    for holder_id, clock_id, rule_id, supersedes, counts, kind, state, due, known in rows:
        candidate = Candidate(clock_id, rule_id, supersedes, counts, kind, state, due, known)
        found[holder_id].append(candidate)
    return found


def summaries_for(
    holder: Holder, ids: Collection[int], candidates: CandidateSource
) -> dict[int, Summary]:
    """The nearest deadline of each of ``ids``: its own clocks and its parents', none when
    the record is closed."""
    open_ids = holder.open_ids(ids)
    own = candidates(holder.name, open_ids)
    parents = holder.parents(open_ids)
    by_type: dict[str, set[int]] = defaultdict(set)
    for refs in parents.values():
        for parent_type, parent_id in refs:
            by_type[parent_type].add(parent_id)
    parent_rows = {name: candidates(name, parent_ids) for name, parent_ids in by_type.items()}
    result: dict[int, Summary] = {}
    for pk in ids:
        if pk not in open_ids:
            result[pk] = NO_DEADLINE
            continue
        gathered = list(own.get(pk, []))
        for parent_type, parent_id in parents.get(pk, ()):
            gathered += parent_rows[parent_type].get(parent_id, [])
        result[pk] = nearest(gathered)
    return result


def write_summaries(holder: Holder, summaries: dict[int, Summary]) -> int:
    stored = holder.model._default_manager.filter(pk__in=list(summaries)).values_list(
        "pk", *SUMMARY_FIELDS
    )
    changed = []
    for pk, *values in stored:
        wanted = summaries[pk].fields()
        if list(wanted.values()) != values:
            summary = holder.model(**wanted)
            summary.pk = pk
            changed.append(summary)
    if changed:
        holder.model._default_manager.bulk_update(
            changed, [name.removesuffix("_id") for name in SUMMARY_FIELDS], batch_size=500
        )
    return len(changed)


__all__ = [
    "NO_DEADLINE",
    "OPEN_STATES",
    "SUMMARY_FIELDS",
    "Candidate",
    "CandidateSource",
    "Summary",
    "nearest",
    "stored_candidates",
    "summaries_for",
    "write_summaries",
]
