"""Deadlines across official holidays and swapped working weekends (no database)."""

from __future__ import annotations

import datetime as dt

import pytest

from xuncha.core.calendar import (
    CountUnit,
    Extension,
    Pause,
    Rule,
    WorkCalendar,
    YearSchedule,
    add_months,
    compute_due,
)

D = dt.date
WORKING = CountUnit.WORKING_DAYS
DAYS = CountUnit.CALENDAR_DAYS
MONTHS = CountUnit.CALENDAR_MONTHS


@pytest.mark.parametrize(
    ("start", "rule", "due"),
    [
        # 2024 Spring Festival: 10–17 Feb off; Sunday 4 Feb and Sunday 18 Feb are working days.
        (D(2024, 2, 8), Rule(3, WORKING), D(2024, 2, 19)),
        (D(2024, 2, 2), Rule(1, WORKING), D(2024, 2, 4)),
        (D(2024, 2, 5), Rule(10, DAYS), D(2024, 2, 15)),
        (D(2024, 2, 5), Rule(10, DAYS, roll_to_workday=True), D(2024, 2, 18)),
        # 2024 National Day: 1–7 Oct off; Sunday 29 Sep and Saturday 12 Oct are working days.
        (D(2024, 9, 27), Rule(2, WORKING), D(2024, 9, 30)),
        (D(2024, 9, 30), Rule(1, WORKING), D(2024, 10, 8)),
        (D(2024, 10, 10), Rule(2, WORKING), D(2024, 10, 12)),
        (D(2024, 8, 3), Rule(2, MONTHS), D(2024, 10, 3)),
        (D(2024, 8, 3), Rule(2, MONTHS, roll_to_workday=True), D(2024, 10, 8)),
        # 2025 Spring Festival: 28 Jan – 4 Feb off; Sunday 26 Jan and Saturday 8 Feb work.
        (D(2025, 1, 24), Rule(5, WORKING), D(2025, 2, 7)),
        (D(2025, 2, 6), Rule(2, WORKING), D(2025, 2, 8)),
        (D(2025, 1, 20), Rule(15, WORKING), D(2025, 2, 14)),
        (D(2024, 11, 28), Rule(2, MONTHS, roll_to_workday=True), D(2025, 2, 5)),
        # 2025 National Day and Mid-Autumn: 1–8 Oct off; Sunday 28 Sep and Saturday 11 Oct work.
        (D(2025, 9, 30), Rule(1, WORKING), D(2025, 10, 9)),
        (D(2025, 9, 26), Rule(1, WORKING), D(2025, 9, 28)),
        (D(2025, 9, 20), Rule(15, DAYS), D(2025, 10, 5)),
        (D(2025, 9, 20), Rule(15, DAYS, roll_to_workday=True), D(2025, 10, 9)),
        (D(2025, 8, 5), Rule(2, MONTHS, roll_to_workday=True), D(2025, 10, 9)),
        (D(2025, 10, 10), Rule(1, WORKING), D(2025, 10, 11)),
    ],
)
def test_deadlines_follow_the_official_calendar(start, rule, due):
    result = compute_due(start, rule, WorkCalendar())
    assert result.date == due
    assert result.holidays_known


def test_calendar_months_end_on_the_last_day_of_a_shorter_month():
    assert add_months(D(2024, 12, 31), 2) == D(2025, 2, 28)
    assert add_months(D(2023, 12, 31), 2) == D(2024, 2, 29)
    assert add_months(D(2025, 11, 15), 2) == D(2026, 1, 15)


def test_a_2027_deadline_before_its_holidays_are_entered_counts_weekdays_and_says_so():
    calendar = WorkCalendar()
    result = compute_due(D(2026, 12, 25), Rule(5, WORKING), calendar)
    # 28–31 Dec 2026 are known working days; 1 Jan 2027 is a Friday counted as a weekday.
    assert result.date == D(2027, 1, 1)
    assert not result.holidays_known
    assert result.unknown_years == (2027,)


def test_a_2027_deadline_after_its_holidays_are_entered_skips_them():
    schedule = YearSchedule(
        year=2027,
        holidays=frozenset({D(2027, 1, 1), D(2027, 1, 2), D(2027, 1, 3)}),
        workdays=frozenset({D(2027, 1, 9)}),
        source="国务院办公厅关于2027年部分节假日安排的通知（测试用）",
    )
    calendar = WorkCalendar([schedule])
    result = compute_due(D(2026, 12, 25), Rule(5, WORKING), calendar)
    assert result.date == D(2027, 1, 4)
    assert result.holidays_known
    # The swapped Saturday counts as a working day once entered.
    assert compute_due(D(2027, 1, 8), Rule(1, WORKING), calendar).date == D(2027, 1, 9)


def test_a_date_far_past_the_package_does_not_crash():
    result = compute_due(D(2031, 5, 1), Rule(30, WORKING), WorkCalendar())
    assert result.date > D(2031, 5, 1)
    assert result.unknown_years == (2031,)


def test_a_calendar_day_rule_without_rolling_never_needs_the_holidays():
    result = compute_due(D(2027, 3, 1), Rule(10, DAYS), WorkCalendar())
    assert result == compute_due(D(2027, 3, 1), Rule(10, DAYS), WorkCalendar())
    assert result.date == D(2027, 3, 11)
    assert result.holidays_known


# Pauses and extensions, counted by hand on the 2025 calendar. Spring Festival 2025: 28 Jan to
# 4 Feb off; Sunday 26 Jan and Saturday 8 Feb are working days.
def test_a_working_day_count_skips_the_working_days_of_a_pause_across_the_festival():
    rule = Rule(10, WORKING)
    calendar = WorkCalendar()
    # Unpaused, from Mon 20 Jan: 21, 22, 23, 24, Sun 26, 27, (festival), 5, 6, 7, Sat 8 Feb.
    assert compute_due(D(2025, 1, 20), rule, calendar).date == D(2025, 2, 8)
    # Paused on Fri 24 Jan, resumed Mon 10 Feb: 21, 22, 23 count; 24 Jan to 9 Feb do not;
    # then 10, 11, 12, 13, 14, 17, 18 Feb.
    pause = Pause(D(2025, 1, 24), D(2025, 2, 10))
    assert compute_due(D(2025, 1, 20), rule, calendar, pauses=(pause,)).date == D(2025, 2, 18)
    # Extended by 5 working days from there: 19, 20, 21, 24, 25 Feb.
    extended = compute_due(
        D(2025, 1, 20),
        rule,
        calendar,
        pauses=(pause,),
        extensions=(Extension(5, WORKING),),
    )
    assert extended.date == D(2025, 2, 25)


def test_a_calendar_day_count_moves_on_by_the_days_paused_and_rolls_off_a_day_off():
    rule = Rule(15, DAYS, roll_to_workday=True)
    calendar = WorkCalendar()
    # Unpaused, from Wed 15 Jan: day 15 is Thu 30 Jan, a festival day: it rolls to Wed 5 Feb.
    assert compute_due(D(2025, 1, 15), rule, calendar).date == D(2025, 2, 5)
    # Paused Mon 27 Jan, resumed Wed 5 Feb: 16–26 Jan are days 1–11, then 5, 6, 7, 8 Feb:
    # Sat 8 Feb is a swapped working day, so nothing rolls.
    pause = Pause(D(2025, 1, 27), D(2025, 2, 5))
    assert compute_due(D(2025, 1, 15), rule, calendar, pauses=(pause,)).date == D(2025, 2, 8)
    # Extended by 7 days from 8 Feb: Sat 15 Feb, a day off, rolls to Mon 17 Feb.
    extended = compute_due(
        D(2025, 1, 15), rule, calendar, pauses=(pause,), extensions=(Extension(7, DAYS),)
    )
    assert extended.date == D(2025, 2, 17)


def test_a_pause_before_the_count_or_after_the_due_date_changes_nothing():
    rule = Rule(10, DAYS)
    calendar = WorkCalendar()
    assert compute_due(D(2025, 3, 1), rule, calendar).date == D(2025, 3, 11)
    after = Pause(D(2025, 3, 12), D(2025, 3, 20))
    assert compute_due(D(2025, 3, 1), rule, calendar, pauses=(after,)).date == D(2025, 3, 11)
    # Two pauses of 3 and 2 days inside the period: 5 days later.
    twice = (Pause(D(2025, 3, 3), D(2025, 3, 6)), Pause(D(2025, 3, 8), D(2025, 3, 10)))
    assert compute_due(D(2025, 3, 1), rule, calendar, pauses=twice).date == D(2025, 3, 16)


def test_a_pause_cannot_end_before_it_starts():
    with pytest.raises(ValueError):
        Pause(D(2025, 3, 5), D(2025, 3, 4))
