"""A petition's clocks under 《信访工作条例》, each deadline counted by hand.

The day a limit counts from is not counted: N days from the 3rd end on the (3+N)th. The dates
are set on the petition directly, not through the workflow (whose guards are tested with it),
and the clocks brought up to date as its services do, with ``clocks_changed(source="petition")``.

2025 National Day and Mid-Autumn (国务院办公厅的2025年节假日安排): 1–8 Oct off; Sunday 28 Sep and
Saturday 11 Oct are working days. 2025 is in the calendar package, which is authoritative for
the years it covers (an entered schedule for such a year is refused), so it is not entered here;
the first test checks the package carries those days.
"""

from __future__ import annotations

import datetime as dt
import importlib
import itertools
from typing import Any

import pytest
from django.apps import apps as django_apps

from tests.factories import make_unit, make_user
from xuncha.clocks.check import clocks_check
from xuncha.clocks.engine import work_calendar
from xuncha.clocks.models import Clock, ClockState, DeadlineRule, ExtensionRule
from xuncha.clocks.registry import subject_named
from xuncha.clocks.rules import deadline_rule_set
from xuncha.clocks.services import (
    ClockError,
    clock_extend,
    clock_pause,
    clock_resume,
    clocks_changed,
)
from xuncha.core.calendar import package_years
from xuncha.core.models import AuditEntry, Role
from xuncha.petitions.models import (
    AppealRoute,
    Channel,
    ExtensionApproval,
    Petition,
    Petitioner,
    PetitionKind,
    PetitionStatus,
)

pytestmark = pytest.mark.django_db

D = dt.date
_codes = itertools.count(1)
DEFAULTS = importlib.import_module("xuncha.petitions.migrations.0002_petition_rules")


@pytest.fixture(autouse=True)
def petition_rules(db: Any) -> None:
    """The rules the migration wrote, put back when a transactional test before this one
    flushed them (tests/factories.py restores only the clocks app's own)."""
    if not DeadlineRule.objects.filter(subject="petition").exists():
        DEFAULTS.create_petition_rules(django_apps, None)


def refresh(petition: Petition) -> None:
    """Bring the petition's clocks up to date, as a petition service does."""
    clocks_changed(actor=None, source="petition", ids=[petition.pk])


def make_petition(*, petitioner: bool = True, **fields: Any) -> Petition:
    """A petition as registered (登记), by default a 申诉求决 matter to be answered with a
    信访处理意见书 (第31条第6项), from a petitioner with a name and an address."""
    values: dict[str, Any] = {
        "code": f"XF{next(_codes):08d}",
        "channel": Channel.LETTER,
        "kind": PetitionKind.APPEAL,
        "appeal_route": AppealRoute.OPINION,
        "summary": "反映征收补偿款未足额发放",
        "content": "信访人反映其房屋征收补偿款至今未足额发放，请求依规处理。",
        **fields,
    }
    petition = Petition.objects.create(**values)
    if petitioner:
        Petitioner.objects.create(petition=petition, name="张某", address="某市某区某路1号")
    refresh(petition)
    return petition


def update(petition: Petition, **fields: Any) -> Petition:
    """Record the dates (and status) a stage reached, then bring the clocks up to date."""
    Petition.objects.filter(pk=petition.pk).update(**fields)
    refresh(petition)
    petition.refresh_from_db()
    return petition


def clock(petition: Petition, code: str) -> Clock:
    return Clock.objects.select_related("rule").get(
        subject_type="petition", subject_id=petition.pk, rule__code=code
    )


def codes(petition: Petition) -> set[str]:
    return set(
        Clock.objects.filter(subject_type="petition", subject_id=petition.pk).values_list(
            "rule__code", flat=True
        )
    )


def head_approval(staff: Any, petition: Petition, days: int) -> ExtensionApproval:
    """The unit head's approval of more time (第34条), as the staff record it."""
    return ExtensionApproval.objects.create(
        petition=petition,
        approved_by="某局局长 李某",
        reason="涉及多个部门，需补充调查核实",
        days=days,
        petitioner_told_on=D(2025, 5, 5),
        recorded_by=staff,
    )


def test_the_2025_national_day_holidays_are_the_calendar_packages():
    assert 2025 in package_years()
    calendar = work_calendar()
    assert [day for day in range(1, 9) if calendar.is_workday(D(2025, 10, day))] == []
    assert calendar.is_workday(D(2025, 9, 28))  # Sunday worked
    assert calendar.is_workday(D(2025, 10, 11))  # Saturday worked
    assert not calendar.is_workday(D(2025, 10, 12))


def test_the_default_petition_rules_name_their_articles():
    rules = {rule.code: rule for rule in DeadlineRule.objects.filter(subject="petition")}
    found = {
        code: (rule.anchor, rule.amount, rule.count_unit, rule.counts_in_warnings)
        for code, rule in rules.items()
    }
    assert found == {
        "petition-disposal": ("received", 15, "calendar_days", True),
        "petition-notice": ("received", 15, "calendar_days", True),
        "petition-objection": ("assigned", 5, "working_days", False),
        "petition-handling": ("decided", 60, "calendar_days", True),
        "petition-review-request": ("delivered", 30, "calendar_days", False),
        "petition-review": ("review_requested", 30, "calendar_days", True),
        "petition-recheck-request": ("review_delivered", 30, "calendar_days", False),
        "petition-recheck": ("recheck_requested", 30, "calendar_days", True),
    }
    articles = {
        "petition-disposal": "第22条",
        "petition-notice": "第23条",
        "petition-objection": "第23条第3款",
        "petition-handling": "第34条",
        "petition-review-request": "第35条",
        "petition-review": "第35条",
        "petition-recheck-request": "第36条",
        "petition-recheck": "第36条",
    }
    for code, article in articles.items():
        assert f"《信访工作条例》{article}" in rules[code].source, code
    assert not any(rule.roll_to_workday or rule.supersedes for rule in rules.values())
    assert all(rule.active for rule in rules.values())
    calendar_days = [rule for rule in rules.values() if rule.count_unit == "calendar_days"]
    assert all("不顺延" in rule.source for rule in calendar_days)
    extension = ExtensionRule.objects.get(code="petition-handling-extension")
    assert (extension.rule.code, extension.amount, extension.count_unit, extension.times) == (
        "petition-handling",
        30,
        "calendar_days",
        1,
    )
    assert "《信访工作条例》第34条" in extension.source


def test_disposal_and_written_notice_within_15_days_of_receipt_art_22_23():
    petition = make_petition(received_on=D(2025, 6, 3))
    # Received Tue 3 Jun: 4 Jun is day 1 … 18 Jun is day 15.
    disposal, notice = clock(petition, "petition-disposal"), clock(petition, "petition-notice")
    assert (disposal.start, disposal.due, disposal.state) == (
        D(2025, 6, 3),
        D(2025, 6, 18),
        ClockState.RUNNING,
    ), "第22条"
    assert (notice.due, notice.state) == (D(2025, 6, 18), ClockState.RUNNING), "第23条"
    # Nothing is counted yet from a date not reached.
    assert codes(petition) == {"petition-disposal", "petition-notice"}
    petition.refresh_from_db()
    assert (petition.nearest_due, petition.nearest_rule_id) == (D(2025, 6, 18), disposal.rule_id)

    # Accepted (受理) on 10 Jun: the disposal limit is met, the notice runs on.
    petition = update(petition, decided_on=D(2025, 6, 10), status=PetitionStatus.ACCEPTED)
    disposal = clock(petition, "petition-disposal")
    assert (disposal.due, disposal.state) == (D(2025, 6, 18), ClockState.MET)  # kept, in time
    assert clock(petition, "petition-notice").state == ClockState.RUNNING
    # 60 days from acceptance (第34条): 11–30 Jun are days 1–20, July 21–51, 1–9 Aug 52–60.
    assert clock(petition, "petition-handling").due == D(2025, 8, 9)
    assert (petition.nearest_due, petition.nearest_rule_id) == (D(2025, 6, 18), notice.rule_id)

    petition = update(petition, notified_on=D(2025, 6, 12))
    notice = clock(petition, "petition-notice")
    assert (notice.due, notice.state) == (D(2025, 6, 18), ClockState.MET), "第23条"
    assert petition.nearest_due == D(2025, 8, 9)  # the handling limit is now the nearest
    assert clocks_check() == []


def test_the_disposal_limit_is_met_once_the_status_moves_past_registration_art_22():
    petition = make_petition(received_on=D(2025, 6, 3))
    petition = update(petition, status=PetitionStatus.TRANSFERRED, transferred_to="某区人民政府")
    assert clock(petition, "petition-disposal").state == ClockState.MET
    assert "petition-handling" not in codes(petition)  # transferred, not handled here


def test_no_written_notice_is_counted_for_an_anonymous_petition_art_23():
    anonymous = make_petition(received_on=D(2025, 6, 3), petitioner=False)
    Petitioner.objects.create(petition=anonymous, anonymous=True)
    refresh(anonymous)
    assert codes(anonymous) == {"petition-disposal"}
    # Named, but with nowhere to send a written notice: the same.
    nowhere = make_petition(received_on=D(2025, 6, 3), petitioner=False)
    Petitioner.objects.create(petition=nowhere, name="李某", phone="13800000000")
    refresh(nowhere)
    assert "petition-notice" not in codes(nowhere)
    # An e-mail address will do.
    by_mail = make_petition(received_on=D(2025, 6, 3), petitioner=False)
    Petitioner.objects.create(petition=by_mail, name="王某", email="wang@example.cn")
    refresh(by_mail)
    assert clock(by_mail, "petition-notice").due == D(2025, 6, 18)
    # Or a petition made online, whose petitioner reads the notice with the 查询码.
    online = make_petition(received_on=D(2025, 6, 3), petitioner=False, channel=Channel.WEB)
    Petitioner.objects.create(petition=online, name="赵某", phone="13900000000")
    refresh(online)
    assert clock(online, "petition-notice").due == D(2025, 6, 18)


def test_handling_within_60_days_of_acceptance_art_34():
    petition = make_petition(received_on=D(2025, 3, 3))
    petition = update(petition, decided_on=D(2025, 3, 7), status=PetitionStatus.ACCEPTED)
    handling = clock(petition, "petition-handling")
    # Accepted Fri 7 Mar: 8–31 Mar are days 1–24, April days 25–54, 1–6 May days 55–60.
    # Tue 6 May is a working day after the Labour Day holidays (1–5 May); nothing rolls anyway.
    assert (handling.start, handling.due, handling.state) == (
        D(2025, 3, 7),
        D(2025, 5, 6),
        ClockState.RUNNING,
    ), "第34条"
    petition = update(petition, answered_on=D(2025, 4, 28), status=PetitionStatus.ANSWERED)
    handling = clock(petition, "petition-handling")
    assert (handling.due, handling.state) == (D(2025, 5, 6), ClockState.MET), "第34条"


def test_the_60_days_run_only_on_a_matter_answered_with_a_handling_opinion_art_31_34():
    accepted = {"decided_on": D(2025, 3, 7), "status": PetitionStatus.ACCEPTED}
    duty = make_petition(received_on=D(2025, 3, 3), appeal_route=AppealRoute.DUTY)
    suggestion = make_petition(
        received_on=D(2025, 3, 3), kind=PetitionKind.SUGGESTION, appeal_route=""
    )
    for petition in (duty, suggestion):
        update(petition, **accepted)
        assert "petition-handling" not in codes(petition), petition.kind


def test_handling_extended_by_30_days_with_the_heads_approval_art_34():
    staff = make_user("petition-staff", Role.PETITION_STAFF)
    petition = make_petition(received_on=D(2025, 3, 3))
    petition = update(petition, decided_on=D(2025, 3, 7), status=PetitionStatus.ACCEPTED)
    handling = clock(petition, "petition-handling")
    grant = ExtensionRule.objects.get(code="petition-handling-extension")
    approval = head_approval(staff, petition, 30)
    with pytest.raises(ClockError, match="1至30"):
        clock_extend(
            actor=staff,
            clock=handling,
            rule=grant,
            amount=31,
            reason="情况复杂",
            approval=approval,
        )
    handling = clock_extend(
        actor=staff,
        clock=handling,
        rule=grant,
        amount=30,
        reason="涉及多个部门，需补充调查核实",
        approval=approval,
    )
    # 30 more days from Tue 6 May: 7–31 May are days 1–25, 1–5 Jun days 26–30.
    assert handling.due == D(2025, 6, 5), "第34条：延长不超过30日"
    extension = handling.extensions.get()
    assert (extension.amount, extension.reason, extension.approved_by) == (
        30,
        "涉及多个部门，需补充调查核实",
        staff,
    )
    assert (extension.approval_type, extension.approval_id) == (
        "petitions.extensionapproval",
        str(approval.pk),
    )
    with pytest.raises(ClockError, match="最多延长1次"):
        clock_extend(
            actor=staff, clock=handling, rule=grant, amount=1, reason="再延", approval=approval
        )
    # A later change to the petition keeps the extension.
    petition = update(petition, notified_on=D(2025, 3, 10))
    assert clock(petition, "petition-handling").due == D(2025, 6, 5)
    actions = list(
        AuditEntry.objects.filter(
            scope=f"petition:{petition.pk}", action__in=["clock.start", "clock.extend"]
        ).values_list("action", flat=True)
    )
    assert "clock.extend" in actions and "clock.start" in actions
    assert clocks_check() == []


def test_review_counted_from_the_delivery_of_the_answer_art_35():
    petition = make_petition(received_on=D(2025, 3, 3))
    petition = update(
        petition,
        decided_on=D(2025, 3, 7),
        notified_on=D(2025, 3, 10),
        answered_on=D(2025, 5, 15),
        delivered_on=D(2025, 5, 20),
        status=PetitionStatus.DELIVERED,
    )
    window = clock(petition, "petition-review-request")
    # Delivered Tue 20 May: 21–31 May are days 1–11, 1–19 Jun days 12–30.
    assert (window.start, window.due, window.state) == (
        D(2025, 5, 20),
        D(2025, 6, 19),
        ClockState.RUNNING,
    ), "第35条：请求复查"
    assert not window.rule.counts_in_warnings  # the petitioner's time
    assert petition.nearest_due is None  # nothing of the staff's runs

    petition = update(
        petition, review_requested_on=D(2025, 6, 16), status=PetitionStatus.REVIEW_REQUESTED
    )
    assert clock(petition, "petition-review-request").state == ClockState.MET
    review = clock(petition, "petition-review")
    # Request received Mon 16 Jun: 17–30 Jun are days 1–14, 1–16 Jul days 15–30.
    assert (review.start, review.due, review.state) == (
        D(2025, 6, 16),
        D(2025, 7, 16),
        ClockState.RUNNING,
    ), "第35条：复查意见"
    assert review.rule.counts_in_warnings
    assert petition.nearest_due == D(2025, 7, 16)

    petition = update(petition, reviewed_on=D(2025, 7, 14), status=PetitionStatus.REVIEWED)
    assert clock(petition, "petition-review").state == ClockState.MET
    assert clocks_check() == []


def test_recheck_counted_from_the_delivery_of_the_review_with_a_hearing_not_counted_art_36():
    staff = make_user("petition-recheck-staff", Role.PETITION_STAFF)
    petition = make_petition(received_on=D(2025, 3, 3))
    petition = update(
        petition,
        decided_on=D(2025, 3, 7),
        notified_on=D(2025, 3, 10),
        answered_on=D(2025, 5, 15),
        delivered_on=D(2025, 5, 20),
        review_requested_on=D(2025, 6, 16),
        reviewed_on=D(2025, 7, 14),
        review_delivered_on=D(2025, 7, 21),
        status=PetitionStatus.REVIEWED,
    )
    window = clock(petition, "petition-recheck-request")
    # 复查意见 delivered Mon 21 Jul: 22–31 Jul are days 1–10, 1–20 Aug days 11–30.
    assert (window.due, window.state) == (D(2025, 8, 20), ClockState.RUNNING), "第36条：请求复核"
    assert not window.rule.counts_in_warnings

    petition = update(
        petition, recheck_requested_on=D(2025, 8, 11), status=PetitionStatus.RECHECK_REQUESTED
    )
    assert clock(petition, "petition-recheck-request").state == ClockState.MET
    recheck = clock(petition, "petition-recheck")
    # Request received Mon 11 Aug: 12–31 Aug are days 1–20, 1–10 Sep days 21–30.
    assert (recheck.start, recheck.due) == (D(2025, 8, 11), D(2025, 9, 10)), "第36条：复核意见"

    recheck = clock_pause(actor=staff, clock=recheck, on=D(2025, 8, 25), reason="举行听证")
    assert (recheck.state, recheck.due) == (ClockState.PAUSED, None)
    petition.refresh_from_db()
    assert (petition.nearest_due, petition.nearest_paused) == (None, True)
    # The hearing ran from 25 Aug; counting resumes on Tue 2 Sep. 12–24 Aug counted (days
    # 1–13), 25 Aug – 1 Sep not counted (8 days), 2–18 Sep are days 14–30: 10 Sep + 8 days.
    recheck = clock_resume(actor=staff, clock=recheck, on=D(2025, 9, 2))
    assert (recheck.state, recheck.due) == (
        ClockState.RUNNING,
        D(2025, 9, 18),
    ), "第36条第2款：听证所需时间不计入"
    petition = update(petition, rechecked_on=D(2025, 9, 15), status=PetitionStatus.RECHECKED)
    recheck = clock(petition, "petition-recheck")
    assert (recheck.due, recheck.state) == (D(2025, 9, 18), ClockState.MET)
    assert clocks_check() == []


def test_a_closed_petition_ends_the_petitioners_window_art_35():
    petition = make_petition(received_on=D(2025, 3, 3))
    petition = update(
        petition,
        decided_on=D(2025, 3, 7),
        notified_on=D(2025, 3, 10),
        answered_on=D(2025, 5, 15),
        delivered_on=D(2025, 5, 20),
        status=PetitionStatus.DELIVERED,
    )
    assert clock(petition, "petition-review-request").state == ClockState.RUNNING
    petition = update(petition, status=PetitionStatus.CLOSED, closed_on=D(2025, 6, 25))
    states = Clock.objects.filter(subject_type="petition", subject_id=petition.pk)
    assert set(states.values_list("state", flat=True)) == {ClockState.MET}
    assert (petition.nearest_due, petition.nearest_rule_id) == (None, None)


def assign(petition: Petition, on: dt.date) -> Petition:
    """交办 straight from 登记 on ``on`` (the 交办 date, and the decision's)."""
    return update(
        petition, decided_on=on, assigned_on=on, unit=make_unit(), status=PetitionStatus.ASSIGNED
    )


@pytest.mark.parametrize(
    ("assigned", "due"),
    [
        # Fri 26 Sep: Sun 28 Sep (worked), Mon 29, Tue 30 Sep, (1–8 Oct off), Thu 9, Fri 10 Oct.
        pytest.param(D(2025, 9, 26), D(2025, 10, 10), id="第23条第3款-调休周日"),
        # Tue 30 Sep: (1–8 Oct off) Thu 9, Fri 10, Sat 11 (worked), Mon 13, Tue 14 Oct.
        pytest.param(D(2025, 9, 30), D(2025, 10, 14), id="第23条第3款-调休周六"),
    ],
)
def test_the_objection_window_counts_5_working_days_across_national_day_art_23(assigned, due):
    petition = assign(make_petition(received_on=D(2025, 9, 24)), assigned)
    objection = clock(petition, "petition-objection")
    assert (objection.start, objection.due) == (assigned, due), "第23条第3款：5个工作日"
    assert objection.holidays_known and objection.state == ClockState.RUNNING
    assert not objection.rule.counts_in_warnings  # the unit's option, not a duty


def test_the_objection_window_ends_with_the_units_answer_or_goes_with_the_objection_art_23():
    assert "petition-objection" not in codes(make_petition(received_on=D(2025, 9, 24)))
    answered = assign(make_petition(received_on=D(2025, 9, 24)), D(2025, 9, 26))
    answered = update(answered, answered_on=D(2025, 10, 9), status=PetitionStatus.ANSWERED)
    objection = clock(answered, "petition-objection")
    assert (objection.due, objection.state) == (D(2025, 10, 10), ClockState.MET)
    # The unit objects: the matter goes back to the staff, with no unit, and the window with it.
    objected = assign(make_petition(received_on=D(2025, 9, 24)), D(2025, 9, 26))
    objected = update(objected, unit=None, status=PetitionStatus.REGISTERED)
    assert "petition-objection" not in codes(objected)
    assert clock(objected, "petition-disposal").state == ClockState.MET  # decided already


def test_a_15_day_limit_ending_in_the_national_day_holidays_does_not_roll_art_22():
    petition = make_petition(received_on=D(2025, 9, 17))
    # Received Wed 17 Sep: 18–30 Sep are days 1–13, 1 Oct day 14, Thu 2 Oct day 15, a holiday.
    # The regulation's 日 are calendar days and it moves no last day off a holiday: 2 Oct.
    assert clock(petition, "petition-disposal").due == D(2025, 10, 2), "第22条：15日，不顺延"
    assert clock(petition, "petition-notice").due == D(2025, 10, 2), "第23条：15日，不顺延"

    # Rolling is configuration: an office whose local rules roll it gets Thu 9 Oct, the first
    # working day after 1–8 Oct; the other rule is left as it was.
    rule = DeadlineRule.objects.get(code="petition-disposal")
    deadline_rule_set(
        actor=None,
        code=rule.code,
        name=rule.name,
        subject=rule.subject,
        anchor=rule.anchor,
        amount=rule.amount,
        count_unit=rule.count_unit,
        roll_to_workday=True,
        counts_in_warnings=rule.counts_in_warnings,
        source=rule.source,
    )
    assert clock(petition, "petition-disposal").due == D(2025, 10, 9)
    assert clock(petition, "petition-notice").due == D(2025, 10, 2)


def test_reminders_name_a_petition_by_its_summary_never_its_query_code():
    petition = make_petition(received_on=D(2025, 6, 3))
    subject = subject_named("petition")
    assert subject is not None and subject.describe is not None
    names = subject.describe([petition.pk])
    assert names == {petition.pk: "信访事项“反映征收补偿款未足额发放”"}
    assert petition.code not in names[petition.pk]
