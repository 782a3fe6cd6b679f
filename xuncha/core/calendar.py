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


def compute_due(start: dt.date, rule: Rule, calendar: WorkCalendar) -> Due:
    """The deadline ``rule`` sets from ``start``; days are counted from the day after ``start``."""
    if rule.unit is CountUnit.WORKING_DAYS:
        due = calendar.add_working_days(start, rule.amount)
        return Due(due, calendar.unknown_years_between(start, due))
    if rule.unit is CountUnit.CALENDAR_MONTHS:
        due = add_months(start, rule.amount)
    else:
        due = start + dt.timedelta(days=rule.amount)
    if not rule.roll_to_workday:
        return Due(due)
    rolled = calendar.next_workday(due)
    return Due(rolled, calendar.unknown_years_between(due, rolled))
