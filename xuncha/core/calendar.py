"""Counting days on the official Chinese calendar (pure Python, no Django).

Working days follow the State Council's schedule: weekends and public holidays are off, and some
weekends are swapped into working days. The ``chinese_calendar`` package carries the schedules
it knows (the years already announced); for a later year the office enters the schedule itself
(passed in as :class:`YearSchedule`). Until then that year's working days are counted as Monday
to Friday and every result says the holidays were not yet known, instead of failing.
"""

from __future__ import annotations

import calendar as gregorian
import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cache

import chinese_calendar


@dataclass(frozen=True)
class YearSchedule:
    """One year's official schedule as published: days off and swapped working days."""

    year: int
    holidays: frozenset[dt.date]
    workdays: frozenset[dt.date]
    source: str = ""


@cache
def package_years() -> frozenset[int]:
    """The years whose schedule the installed ``chinese_calendar`` package knows."""
    return frozenset(day.year for day in chinese_calendar.holidays)


class CountUnit(StrEnum):
    """How a deadline rule counts."""

    CALENDAR_DAYS = "calendar_days"
    CALENDAR_MONTHS = "calendar_months"
    WORKING_DAYS = "working_days"


@dataclass(frozen=True)
class Rule:
    """A time limit: N days or months after a start, and whether a day off moves it on."""

    amount: int
    unit: CountUnit
    roll_to_workday: bool = False


@dataclass(frozen=True)
class Due:
    """A computed deadline, and the years whose holidays were not yet known when counting."""

    date: dt.date
    unknown_years: tuple[int, ...] = ()

    @property
    def holidays_known(self) -> bool:
        return not self.unknown_years


class WorkCalendar:
    """The official calendar: the package's years, the office's entered years, else Mon–Fri."""

    def __init__(self, entered: Iterable[YearSchedule] = ()) -> None:
        self._entered: Mapping[int, YearSchedule] = {s.year: s for s in entered}

    def knows(self, year: int) -> bool:
        """Whether the year's holidays are known (in the package or entered by the office)."""
        return year in self._entered or year in package_years()

    def is_workday(self, day: dt.date) -> bool:
        schedule = self._entered.get(day.year)
        if schedule is not None:
            if day in schedule.workdays:
                return True
            if day in schedule.holidays:
                return False
            return day.weekday() < 5
        if day.year in package_years():
            return bool(chinese_calendar.is_workday(day))
        return day.weekday() < 5

    def next_workday(self, day: dt.date) -> dt.date:
        """The day itself when it is a working day, else the first working day after it."""
        while not self.is_workday(day):
            day += dt.timedelta(days=1)
        return day

    def add_working_days(self, start: dt.date, count: int) -> dt.date:
        """The ``count``-th working day after ``start`` (the start day itself is not counted)."""
        day = start
        remaining = count
        while remaining > 0:
            day += dt.timedelta(days=1)
            if self.is_workday(day):
                remaining -= 1
        return day

    def unknown_years_between(self, start: dt.date, end: dt.date) -> tuple[int, ...]:
        return tuple(y for y in range(start.year, end.year + 1) if not self.knows(y))


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` calendar months later, or that month's last day if it is shorter."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    last = gregorian.monthrange(year, month)[1]
    return dt.date(year, month, min(day.day, last))


@dataclass(frozen=True)
class Pause:
    """Days a clock does not count: from ``start`` (counted no more) to ``end`` (counted again).

    A clock paused on the 5th and resumed on the 9th does not count the 5th to the 8th.
    """

    start: dt.date
    end: dt.date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("a pause ends before it starts")

    def covers(self, day: dt.date) -> bool:
        return self.start <= day < self.end


@dataclass(frozen=True)
class Extension:
    """More time granted to a clock: ``amount`` days, months or working days."""

    amount: int
    unit: CountUnit


def _paused(day: dt.date, pauses: tuple[Pause, ...]) -> bool:
    return any(pause.covers(day) for pause in pauses)


def _advance(
    day: dt.date, amount: int, unit: CountUnit, calendar: WorkCalendar, pauses: tuple[Pause, ...]
) -> dt.date:
    """The day ``amount`` units after ``day``, counting from the next day and skipping paused
    days (for working days, only working days that are not paused count)."""
    if unit is CountUnit.WORKING_DAYS:
        remaining = amount
        while remaining > 0:
            day += dt.timedelta(days=1)
            if calendar.is_workday(day) and not _paused(day, pauses):
                remaining -= 1
        return day
    if unit is CountUnit.CALENDAR_MONTHS:
        due = add_months(day, amount)
    else:
        due = day + dt.timedelta(days=amount)
    # Each pause that begins inside the period so far pushes its end on by its length.
    first_counted = day + dt.timedelta(days=1)
    for pause in sorted(pauses, key=lambda p: p.start):
        begins = max(pause.start, first_counted)
        if pause.end > begins and begins <= due:
            due += pause.end - begins
    return due


def compute_due(
    start: dt.date,
    rule: Rule,
    calendar: WorkCalendar,
    *,
    pauses: tuple[Pause, ...] = (),
    extensions: tuple[Extension, ...] = (),
) -> Due:
    """The deadline ``rule`` sets from ``start``; days are counted from the day after ``start``.

    Paused days are not counted (a working-day rule skips the working days paused; a day or
    month rule moves on by the days paused). Each extension runs on from the end of the period
    before it, the paused days skipped again. A rule that rolls off a day off does so once, on
    the last day of all: a period ending on a Saturday ends on the next working day.
    """
    due = _advance(start, rule.amount, rule.unit, calendar, pauses)
    for extension in extensions:
        due = _advance(due, extension.amount, extension.unit, calendar, pauses)
    if not rule.roll_to_workday:
        return Due(
            due,
            calendar.unknown_years_between(start, due)
            if _counts_workdays(rule, extensions)
            else (),
        )
    rolled = due
    while not calendar.is_workday(rolled) or _paused(rolled, pauses):
        rolled += dt.timedelta(days=1)
    unknown = calendar.unknown_years_between(
        start if _counts_workdays(rule, extensions) else due, rolled
    )
    return Due(rolled, unknown)


def _counts_workdays(rule: Rule, extensions: tuple[Extension, ...]) -> bool:
    return rule.unit is CountUnit.WORKING_DAYS or any(
        extension.unit is CountUnit.WORKING_DAYS for extension in extensions
    )
