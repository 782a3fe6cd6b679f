"""Holiday schedules the office enters for years past the calendar package, and what they do
to the deadlines already computed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from tests.clocks.builders import (
    assignment_with_feedback,
    deadline_of,
    problem_with_measures,
    refresh,
)
from tests.factories import make_user
from xuncha.clocks.engine import work_calendar
from xuncha.clocks.models import Clock, DeadlineRule, HolidaySchedule
from xuncha.clocks.rules import HolidayInput, holiday_schedule_enter
from xuncha.core.models import AuditEntry, Role

pytestmark = pytest.mark.django_db

D = dt.date
MARK = "（节假日安排未公布，按周一至周五计）"
SOURCE_2027 = "国务院办公厅关于2027年部分节假日安排的通知（测试用）"
# A schedule in the published form (invented for the test: 2027's is not out yet).
DAYS_2027 = [
    (D(2027, 1, 1), "holiday", "元旦"),
    (D(2027, 1, 2), "holiday", "元旦"),
    (D(2027, 1, 3), "holiday", "元旦"),
    *[(D(2027, 2, day), "holiday", "春节") for day in range(6, 14)],
    (D(2027, 2, 20), "workday", "春节"),
]


def enter_2027(actor=None) -> HolidaySchedule:
    return holiday_schedule_enter(actor=actor, year=2027, source=SOURCE_2027, dates=DAYS_2027)


def test_a_2027_working_day_deadline_counts_weekdays_until_its_holidays_are_entered():
    # 15 working days from Fri 25 Dec 2026: 28–31 Dec, then 2027 counted Monday–Friday.
    assignment = assignment_with_feedback(D(2026, 12, 25))
    refresh(assignment)
    before = deadline_of(assignment, "plan_due")
    assert (before.due, before.holidays_known) == (D(2027, 1, 15), False)
    assert before.label == f"2027-01-15{MARK}"
    assert MARK in str(before)

    enter_2027()

    # Recomputed without being asked: 1 Jan is now a holiday, so the count ends on Mon 18 Jan.
    after = deadline_of(assignment, "plan_due")
    assert (after.pk, after.due, after.holidays_known) == (before.pk, D(2027, 1, 18), True)
    assert after.label == "2027-01-18"


def test_a_2027_calendar_deadline_rolls_past_the_holidays_once_they_are_entered():
    # 2 calendar months from 1 Nov 2026 is Fri 1 Jan 2027: a weekday until 元旦 is known.
    assignment = assignment_with_feedback(D(2026, 11, 1))
    refresh(assignment)
    before = deadline_of(assignment, "report_due")
    assert (before.due, before.holidays_known) == (D(2027, 1, 1), False)
    assert before.label.endswith(MARK)

    enter_2027()

    after = deadline_of(assignment, "report_due")
    assert (after.due, after.holidays_known, after.label) == (D(2027, 1, 4), True, "2027-01-04")


def test_entering_a_year_leaves_an_audit_row_for_the_schedule_and_each_recomputed_deadline():
    office = make_user("office-clock", Role.OFFICE)
    assignment = assignment_with_feedback(D(2026, 11, 1))
    refresh(assignment)
    schedule = enter_2027(actor=office)
    assert (schedule.entered_by, schedule.source) == (office, SOURCE_2027)
    created = AuditEntry.objects.get(action="holiday_schedule.create")
    assert created.actor == office
    assert ["2027-02-20", "workday", "春节"] in created.after["dates"]
    # The report deadline ran into 2027; the plan's, due in November 2026, is left alone.
    update = AuditEntry.objects.get(action="clock.update")
    assert (update.actor, update.scope) == (office, f"assignment:{assignment.pk}")
    assert (update.before["due"], update.after["due"]) == ("2027-01-01", "2027-01-04")
    assert (update.before["holidays_known"], update.after["holidays_known"]) == (False, True)


def test_an_entered_swapped_saturday_counts_as_a_working_day():
    calendar = work_calendar()
    assert not calendar.is_workday(D(2027, 2, 20))
    enter_2027()
    calendar = work_calendar()
    assert calendar.is_workday(D(2027, 2, 20))
    assert not calendar.is_workday(D(2027, 2, 8))


def test_a_deadline_of_another_unknown_year_keeps_its_mark():
    assignment = assignment_with_feedback(D(2027, 12, 24))
    refresh(assignment)
    enter_2027()
    plan = deadline_of(assignment, "plan_due")
    assert plan.due.year == 2028
    assert not plan.holidays_known


def test_a_measure_deadline_in_an_unknown_year_needs_no_holidays():
    assignment = assignment_with_feedback(None)
    problem_with_measures(assignment, D(2027, 1, 1))
    deadline = deadline_of(assignment, "measure_due")
    assert (deadline.due, deadline.holidays_known) == (D(2027, 1, 1), True)
    enter_2027()
    assert deadline_of(assignment, "measure_due").due == D(2027, 1, 1)


def test_re_entering_a_year_replaces_its_days_and_recomputes_again():
    assignment = assignment_with_feedback(D(2026, 11, 1))
    refresh(assignment)
    enter_2027()
    holiday_schedule_enter(
        actor=None,
        year=2027,
        source=SOURCE_2027 + "（更正）",
        dates=[
            HolidayInput(D(2027, 1, 1), "holiday", "元旦"),
            HolidayInput(D(2027, 1, 4), "holiday", "元旦"),
        ],
    )
    schedule = HolidaySchedule.objects.get(year=2027)
    assert schedule.dates.count() == 2
    assert AuditEntry.objects.filter(action="holiday_schedule.update").count() == 1
    # Fri 1 Jan and Mon 4 Jan off, an ordinary weekend between: Tuesday is the first working day.
    assert deadline_of(assignment, "report_due").due == D(2027, 1, 5)


def test_nothing_crashes_for_2031_and_every_count_through_it_is_marked():
    assignment = assignment_with_feedback(D(2031, 5, 1))
    problem_with_measures(assignment, D(2031, 6, 30))
    deadlines = refresh(assignment)
    by_code = {d.rule.code: d for d in deadlines}
    assert (by_code["plan_due"].due, by_code["plan_due"].holidays_known) == (
        D(2031, 5, 22),
        False,
    )
    assert (by_code["report_due"].due, by_code["report_due"].holidays_known) == (
        D(2031, 7, 1),
        False,
    )
    assert by_code["measure_due"].holidays_known
    assert all(MARK in d.label for d in deadlines if not d.holidays_known)


def test_a_year_the_package_covers_is_refused_with_a_clear_message():
    with pytest.raises(ValidationError) as refused:
        holiday_schedule_enter(actor=None, year=2025, source="国办发明电〔2024〕12号", dates=[])
    message = " ".join(refused.value.messages)
    assert "2025年" in message
    assert "chinese_calendar" in message
    assert not HolidaySchedule.objects.exists()


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        pytest.param((D(2028, 1, 1), "holiday", "元旦"), "不属于 2027 年", id="wrong-year"),
        pytest.param((D(2027, 3, 3), "workday", ""), "无需标为调休上班", id="weekday-workday"),
        pytest.param((D(2027, 1, 1), "vacation", "元旦"), "", id="unknown-kind"),
    ],
)
def test_a_day_that_does_not_fit_the_schedule_is_refused_and_nothing_is_saved(day, expected):
    with pytest.raises(ValidationError) as refused:
        holiday_schedule_enter(actor=None, year=2027, source=SOURCE_2027, dates=[day])
    assert expected in " ".join(refused.value.messages)
    assert not HolidaySchedule.objects.exists()


def test_a_day_entered_twice_is_refused():
    with pytest.raises(ValidationError, match="重复"):
        holiday_schedule_enter(
            actor=None,
            year=2027,
            source=SOURCE_2027,
            dates=[(D(2027, 1, 1), "holiday", "元旦"), (D(2027, 1, 1), "holiday", "元旦")],
        )


def test_a_schedule_without_a_source_is_refused():
    with pytest.raises(ValidationError, match="文件依据"):
        holiday_schedule_enter(actor=None, year=2027, source=" ", dates=DAYS_2027)


def inline_post(year: int, source: str, days: list[tuple[dt.date, str, str]]) -> dict[str, str]:
    data = {
        "year": str(year),
        "source": source,
        "dates-TOTAL_FORMS": str(len(days)),
        "dates-INITIAL_FORMS": "0",
        "dates-MIN_NUM_FORMS": "0",
        "dates-MAX_NUM_FORMS": "1000",
        "_save": "保存",
    }
    for index, (day, kind, name) in enumerate(days):
        data[f"dates-{index}-date"] = day.isoformat()
        data[f"dates-{index}-kind"] = kind
        data[f"dates-{index}-name"] = name
    return data


@pytest.fixture
def admin_client_office(client):
    user = make_user("admin-office", Role.OFFICE, is_staff=True, is_superuser=True)
    client.force_login(user)
    return client, user


def test_a_schedule_entered_in_the_admin_recomputes_deadlines_and_is_audited(
    admin_client_office,
):
    client, user = admin_client_office
    assignment = assignment_with_feedback(D(2026, 12, 25))
    refresh(assignment)
    assert not deadline_of(assignment, "plan_due").holidays_known

    response = client.post(
        "/admin/clocks/holidayschedule/add/", inline_post(2027, SOURCE_2027, DAYS_2027[:3])
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    schedule = HolidaySchedule.objects.get(year=2027)
    assert (schedule.entered_by, schedule.dates.count()) == (user, 3)
    plan = deadline_of(assignment, "plan_due")
    assert (plan.due, plan.holidays_known) == (D(2027, 1, 18), True)
    actions = set(AuditEntry.objects.filter(actor=user).values_list("action", flat=True))
    assert {
        "holidayschedule.create.admin",
        "holidaydate.create.admin",
        "clock.update",
    } <= actions


def test_the_admin_refuses_a_year_the_package_covers_and_says_why(admin_client_office):
    client, _user = admin_client_office
    response = client.post(
        "/admin/clocks/holidayschedule/add/",
        inline_post(2026, "国办发明电〔2025〕7号", [(D(2026, 1, 1), "holiday", "元旦")]),
    )
    assert response.status_code == 200
    assert "chinese_calendar" in response.content.decode()
    assert not HolidaySchedule.objects.exists()


def test_the_admin_refuses_a_day_of_another_year(admin_client_office):
    client, _user = admin_client_office
    response = client.post(
        "/admin/clocks/holidayschedule/add/",
        inline_post(2027, SOURCE_2027, [(D(2028, 1, 1), "holiday", "元旦")]),
    )
    assert response.status_code == 200
    assert "不属于 2027 年" in response.content.decode()
    assert not HolidaySchedule.objects.exists()


def test_deleting_a_schedule_in_the_admin_brings_the_mark_back(admin_client_office):
    client, user = admin_client_office
    assignment = assignment_with_feedback(D(2026, 11, 1))
    refresh(assignment)
    schedule = enter_2027()
    assert deadline_of(assignment, "report_due").holidays_known

    response = client.post(f"/admin/clocks/holidayschedule/{schedule.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    report = deadline_of(assignment, "report_due")
    assert (report.due, report.holidays_known) == (D(2027, 1, 1), False)
    assert AuditEntry.objects.filter(actor=user, action="holidayschedule.delete.admin").exists()


def test_the_computed_deadlines_are_read_only_in_the_admin(admin_client_office):
    client, _user = admin_client_office
    assignment = assignment_with_feedback(D(2026, 12, 25))
    refresh(assignment)
    listing = client.get("/admin/clocks/clock/")
    assert listing.status_code == 200
    assert MARK in listing.content.decode()
    deadline = Clock.objects.first()
    response = client.post(f"/admin/clocks/clock/{deadline.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403


def test_a_rule_edited_in_the_admin_recomputes_deadlines_and_is_audited(admin_client_office):
    client, user = admin_client_office
    assignment = assignment_with_feedback(D(2025, 1, 20))
    refresh(assignment)
    rule = DeadlineRule.objects.get(code="plan_due")
    form = {
        "name": rule.name,
        "subject": rule.subject,
        "anchor": rule.anchor,
        "amount": "20",
        "count_unit": rule.count_unit,
        "source": rule.source,
        "counts_in_warnings": "",
        "active": "on",
        "_save": "保存",
    }
    response = client.post(f"/admin/clocks/deadlinerule/{rule.pk}/change/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert deadline_of(assignment, "plan_due").due == D(2025, 2, 21)
    entry = AuditEntry.objects.get(action="deadlinerule.update.admin")
    assert (entry.actor, entry.before["amount"], entry.after["amount"]) == (user, 15, 20)
    assert AuditEntry.objects.filter(action="clock.update", actor=user).count() == 1
