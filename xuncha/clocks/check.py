"""Recomputing every clock and nearest deadline from scratch, to compare with what is stored
(``xuncha deadlines-refresh --check``)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from xuncha.clocks.engine import chunks, expected_clocks, stored_clocks, subject_ids, work_calendar
from xuncha.clocks.nearest import SUMMARY_FIELDS, Candidate, summaries_for
from xuncha.clocks.registry import HOLDERS, SUBJECTS


@dataclass(frozen=True)
class Difference:
    """A stored value that differs from the one recomputed from scratch."""

    what: str
    key: str
    stored: str
    expected: str

    def __str__(self) -> str:
        return f"{self.what} {self.key}: stored {self.stored}, recomputed {self.expected}"


def clocks_check() -> list[Difference]:
    """Recompute every clock and nearest deadline from the subjects' data (and the pauses and
    extensions recorded), write nothing, and list what differs from what is stored."""
    calendar = work_calendar()
    differences: list[Difference] = []
    expected_by_holder: dict[str, dict[int, list[Candidate]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for subject in SUBJECTS.values():
        for chunk in chunks(subject_ids(subject)):
            stored = stored_clocks(subject.name, set(chunk))
            expected = expected_clocks(subject, set(chunk), stored, calendar)
            for key, want in expected.items():
                clock = stored.pop(key, None)
                label = f"{subject.name}:{want.subject_id} {want.rule.code}"
                expected_by_holder[want.holder[0]][want.holder[1]].append(
                    want.candidate(clock.pk if clock else 0)
                )
                if clock is None:
                    differences.append(Difference("clock", label, "absent", _show(want.values())))
                    continue
                now = {name: getattr(clock, name) for name in want.values()}
                if now != want.values():
                    differences.append(Difference("clock", label, _show(now), _show(want.values())))
            for clock in stored.values():
                label = f"{subject.name}:{clock.subject_id} {clock.rule.code}"
                differences.append(Difference("clock", label, "present", "absent"))

    def recomputed(holder_type: str, ids: Collection[int]) -> dict[int, list[Candidate]]:
        rows = expected_by_holder.get(holder_type, {})
        return {pk: rows[pk] for pk in ids if pk in rows}

    for holder in HOLDERS.values():
        ids = sorted(holder.model._default_manager.values_list("pk", flat=True))
        for chunk in chunks(ids):
            summaries = summaries_for(holder, chunk, recomputed)
            stored_rows = holder.model._default_manager.filter(pk__in=list(chunk)).values_list(
                "pk", *SUMMARY_FIELDS
            )
            for pk, *values in stored_rows:
                wanted = summaries[pk].fields()
                if list(wanted.values()) != values:
                    differences.append(
                        Difference(
                            "nearest deadline",
                            f"{holder.name}:{pk}",
                            _show(dict(zip(SUMMARY_FIELDS, values, strict=True))),
                            _show(wanted),
                        )
                    )
    return differences


def _show(values: dict[str, Any]) -> str:
    return ", ".join(f"{name}={value}" for name, value in values.items())


__all__ = [
    "Difference",
    "clocks_check",
]
