"""What a warning is about: the deadline a problem's warning comes from (整改措施 and which one,
整改情况报告, 问题整改时限 …) and its date, for the ledger's rows and the problem page.

A problem stores its nearest deadline's rule, kind and date (``ClockHolder``); which measure it
is comes from the problem's own clocks, read for a whole page of problems in one query. The
colours use the same boundaries as the ledger's SQL (``clocks.selectors``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from xuncha.clocks.models import ClockState
from xuncha.clocks.registry import kind_label
from xuncha.clocks.selectors import (
    ClockReport,
    clock_report,
    clocks_bearing_on,
    gives_nearest,
    nearest_subjects,
    warning_colour,
)
from xuncha.findings.models import Measure, Problem

MEASURE = "measure"
STATE_ORDER = {ClockState.RUNNING: 0, ClockState.PAUSED: 1, ClockState.MET: 2}


def deadline_name(kind: str, measure_ordinals: Sequence[int] = ()) -> str:
    """The deadline as people name it: its kind's label, and for measures which ones
    (整改措施（第2、3项）)."""
    label = kind_label(kind)
    if not measure_ordinals:
        return label
    which = _("第%(ordinals)s项") % {"ordinals": "、".join(str(n) for n in measure_ordinals)}
    return _("%(kind)s（%(which)s）") % {"kind": label, "which": which}


def measure_ordinals(ids: Collection[int]) -> dict[int, int]:
    """Each measure's ordinal within its problem (1 for 一是 …), by measure id."""
    if not ids:
        return {}
    return dict(Measure.objects.filter(pk__in=list(ids)).values_list("pk", "ordinal"))


@dataclass(frozen=True)
class WarningNote:
    """A problem's warning as the ledger shows it: which deadline it is about, its date and
    its colour today (none while paused)."""

    kind: str
    name: str
    due: dt.date | None
    holidays_known: bool
    paused: bool
    colour: str | None


def warning_notes(problems: Sequence[Problem], today: dt.date) -> dict[int, WarningNote]:
    """The warning note of each problem that has an open deadline, by problem id: two short
    queries at most, whatever the number of problems."""
    subjects = nearest_subjects("problem", [p for p in problems if p.nearest_kind == MEASURE])
    ordinals = measure_ordinals({pk for ids in subjects.values() for pk in ids})
    notes: dict[int, WarningNote] = {}
    for problem in problems:
        if not problem.nearest_kind:
            continue
        numbers = sorted(ordinals[pk] for pk in subjects.get(problem.pk, ()) if pk in ordinals)
        notes[problem.pk] = WarningNote(
            kind=problem.nearest_kind,
            name=deadline_name(problem.nearest_kind, numbers),
            due=problem.nearest_due,
            holidays_known=problem.nearest_holidays_known,
            paused=problem.nearest_paused,
            colour=warning_colour(problem.nearest_due, today, paused=problem.nearest_paused),
        )
    return notes


@dataclass(frozen=True)
class ProblemDeadline:
    """One clock bearing on a problem, as the problem page lists it: what it is about, where it
    stands today, and whether the problem's warning comes from it (``nearest``)."""

    report: ClockReport
    name: str
    nearest: bool

    @property
    def counts_in_warnings(self) -> bool:
        return self.report.clock.rule.counts_in_warnings

    @property
    def days_text(self) -> str:
        """剩余5天 / 今日到期 / 逾期3天 for a running clock, else an empty string."""
        days = self.report.days_left
        if days is None:
            return ""
        if days < 0:
            return ngettext("逾期%(days)s天", "逾期%(days)s天", -days) % {"days": -days}
        if days == 0:
            return _("今日到期")
        return ngettext("剩余%(days)s天", "剩余%(days)s天", days) % {"days": days}


def problem_deadlines(problem: Problem, today: dt.date) -> list[ProblemDeadline]:
    """Every clock bearing on ``problem`` (its own, its measures', its verdicts', its unit's
    plan and report), the one its warning comes from first, then running ones by date, paused
    ones, met ones. ``problem`` was reached through an access-checked selector."""
    clocks = clocks_bearing_on("problem", problem.pk)
    ordinals = measure_ordinals({c.subject_id for c in clocks if c.subject_type == MEASURE})
    rows = []
    for clock in clocks:
        ordinal = ordinals.get(clock.subject_id) if clock.subject_type == MEASURE else None
        numbers = [ordinal] if ordinal is not None else []
        rows.append(
            ProblemDeadline(
                report=clock_report(clock, today),
                name=deadline_name(clock.subject_type, numbers),
                nearest=gives_nearest(clock, problem),
            )
        )
    rows.sort(
        key=lambda row: (
            not row.nearest,
            STATE_ORDER.get(ClockState(row.report.clock.state), 3),
            row.report.clock.due or dt.date.max,
            row.report.clock.rule.code,
            row.report.clock.pk,
        )
    )
    return rows


__all__ = [
    "ProblemDeadline",
    "WarningNote",
    "deadline_name",
    "measure_ordinals",
    "problem_deadlines",
    "warning_notes",
]
