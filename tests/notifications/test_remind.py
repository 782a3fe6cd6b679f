from __future__ import annotations

import datetime as dt
import io

from django.core import mail
from django.core.management import call_command

from tests.factories import measure_complete
from tests.rectification.conftest import problem_at
from xuncha.findings.models import Measure
from xuncha.notifications.models import Notification

# The cast's feedback was on 2025-03-03: its report is due 2025-05-06, weeks after this day.
TODAY = dt.date(2025, 4, 10)


def remind(capture) -> str:
    out = io.StringIO()
    with capture(execute=True):
        call_command("remind", "--today", TODAY.isoformat(), stdout=out)
    return out.getvalue()


def set_measure_deadline(problem, due):
    from xuncha.findings.services import measure_update

    measure = problem.measures.get()
    problem.refresh_from_db()
    measure_update(
        actor=None,
        measure=measure,
        expected_version=problem.version,
        text=measure.text,
        owner=measure.owner,
        department=measure.department,
        deadline=due,
    )


def test_remind_tells_the_liaison_of_a_deadline_due_soon_and_is_safe_to_run_twice(
    cast, django_capture_on_commit_callbacks
):
    cast.liaison.email = "liaison@example.org"
    cast.liaison.save()
    problem = problem_at(cast.assignment, "in_progress")
    set_measure_deadline(problem, TODAY + dt.timedelta(days=3))
    Notification.objects.all().delete()
    first = remind(django_capture_on_commit_callbacks)
    notes = Notification.objects.filter(recipient=cast.liaison, kind="due_soon")
    assert notes.count() == 1
    assert "将于2025-04-13到期" in notes.get().message
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["liaison@example.org"]
    assert "即将到期提醒 1 条" in first
    second = remind(django_capture_on_commit_callbacks)
    assert Notification.objects.filter(recipient=cast.liaison, kind="due_soon").count() == 1
    assert len(mail.outbox) == 1
    assert "即将到期提醒 0 条" in second
    assert not Notification.objects.filter(recipient=cast.other_liaison).exists()


def test_an_overdue_measure_is_told_to_the_liaison_and_the_office(
    cast, django_capture_on_commit_callbacks
):
    problem = problem_at(cast.assignment, "in_progress")
    set_measure_deadline(problem, TODAY - dt.timedelta(days=1))
    remind(django_capture_on_commit_callbacks)
    overdue = Notification.objects.filter(kind="overdue")
    assert {n.recipient for n in overdue} >= {cast.liaison, cast.office}


def test_a_done_measure_or_a_far_deadline_sends_nothing(cast, django_capture_on_commit_callbacks):

    problem = problem_at(cast.assignment, "in_progress")
    set_measure_deadline(problem, TODAY + dt.timedelta(days=30))
    other = problem_at(cast.assignment, "in_progress")
    set_measure_deadline(other, TODAY + dt.timedelta(days=2))
    measure_complete(Measure.objects.get(problem=other), actor=None)
    Notification.objects.all().delete()
    remind(django_capture_on_commit_callbacks)
    assert (
        not Notification.objects.filter(kind__in=["due_soon", "overdue"])
        .exclude(message__contains="报告")
        .exists()
    )


def test_a_plan_not_sent_for_pending_problems_is_overdue_until_it_is_submitted(
    cast, django_capture_on_commit_callbacks
):
    from tests.rectification.conftest import planned_problem
    from xuncha.rectification.services import plan_get_or_create, plan_transition

    planned_problem(cast.assignment)
    remind(django_capture_on_commit_callbacks)
    late = Notification.objects.filter(recipient=cast.liaison, kind="overdue")
    assert [n.message for n in late] == ["市测试局的整改方案报送时限已于2025-03-24逾期。"]
    Notification.objects.all().delete()
    plan = plan_get_or_create(actor=cast.liaison, assignment=cast.assignment)
    plan_transition(actor=cast.liaison, plan=plan, name="submit")
    Notification.objects.all().delete()
    remind(django_capture_on_commit_callbacks)
    assert not Notification.objects.filter(kind="overdue", message__contains="方案").exists()
