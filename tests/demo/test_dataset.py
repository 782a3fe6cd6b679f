"""The demo dataset as loaded: its size and variety, its history, logins and audit trail."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from tests.factories import migrations_rows_restore
from xuncha.core.audit import audit_verify
from xuncha.core.models import AuditEntry, Role, StatusChange
from xuncha.demo.load import (
    DEMO_LOGINS,
    DEMO_PASSWORD,
    DemoSummary,
    demo_load,
)
from xuncha.findings.models import (
    Accountability,
    Measure,
    Outcome,
    Problem,
    ProblemStatus,
    Regulation,
)
from xuncha.rectification.models import (
    Comment,
    Evidence,
    PlanStatus,
    ProgressReport,
    RectificationPlan,
    RectificationReport,
    ReportStatus,
)
from xuncha.rounds.models import Assignment, Group, GroupMembership, Round, RoundKind, Unit

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def loaded(
    django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: Any
) -> Iterator[tuple[DemoSummary, Path]]:
    """The demo, loaded once for these tests that only read it, as Django's ``setUpTestData``:
    in a transaction kept open for the module (each test runs in a savepoint inside it) and
    rolled back at the end. Evidence files go to a temporary folder, never to var/."""
    media = tmp_path_factory.mktemp("media")
    with django_db_blocker.unblock():
        migrations_rows_restore()
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media), transaction.atomic():
        yield demo_load(), media
        transaction.set_rollback(True)


@pytest.fixture
def summary(loaded: tuple[DemoSummary, Path], db: Any) -> DemoSummary:
    return loaded[0]


@pytest.fixture
def media_root(loaded: tuple[DemoSummary, Path], settings: Any) -> Path:
    settings.MEDIA_ROOT = loaded[1]
    return loaded[1]


def test_the_demo_round_is_a_regular_round_of_the_fourteenth_term(summary: DemoSummary) -> None:
    round_ = Round.objects.get(name="十四届市委第三轮巡察")
    assert round_.kind == RoundKind.REGULAR
    assert (round_.committee, round_.term, round_.sequence) == ("市委", "十四届", 3)
    assert round_.start_date < round_.end_date


def test_the_demo_meets_the_counts(summary: DemoSummary) -> None:
    assert summary.groups >= 3
    assert summary.units >= 12
    assert summary.problems >= 40
    assert Group.objects.exclude(leader_name="").count() == summary.groups
    assert Unit.objects.filter(parent__isnull=False).count() >= 2
    assert Measure.objects.values("problem").distinct().count() == summary.problems
    for problem in Problem.objects.all():
        assert 1 <= problem.measures.count() <= 4
        assert problem.title and problem.text and problem.category and problem.rectification_kind
    assert Measure.objects.filter(owner="").count() == 0
    assert Measure.objects.filter(department="").count() == 0


def test_measures_state_outcomes_of_every_kind(summary: DemoSummary) -> None:
    kinds = set(Outcome.objects.values_list("kind", flat=True))
    assert {"money", "count", "percent", "date"} <= kinds
    assert Accountability.objects.exists()
    assert Regulation.objects.exclude(title="").exists()
    assert Regulation.objects.filter(title="").exists()  # counted only: 修订完善制度9项


def test_deadlines_lie_before_and_after_today(summary: DemoSummary) -> None:
    today = timezone.localdate()
    assert Problem.objects.filter(deadline__lt=today).exists()
    assert Problem.objects.filter(deadline__gt=today).exists()
    assert Measure.objects.filter(deadline__lt=today).exists()
    assert Measure.objects.filter(deadline__gt=today).exists()


def test_feedback_dates_lie_in_past_months_and_one_is_not_set(summary: DemoSummary) -> None:
    today = timezone.localdate()
    assert Assignment.objects.filter(feedback_date__isnull=True).count() == 1
    assert not Assignment.objects.filter(feedback_date__gte=today).exists()


def test_problems_stand_in_several_statuses(summary: DemoSummary) -> None:
    present = {status for status, count in summary.status_counts.items() if count}
    # 持续整改 comes from the demo follow-up's 基本到位 verdicts.
    assert present == set(ProblemStatus.values)
    assert summary.status_counts[ProblemStatus.IN_PROGRESS] == max(summary.status_counts.values())


def test_a_returned_problem_keeps_the_reason_it_was_sent_back(summary: DemoSummary) -> None:
    event = StatusChange.objects.get(workflow="problem", move="return")
    assert event.reason
    assert Problem.objects.get(pk=event.subject_id).status == ProblemStatus.IN_PROGRESS


def test_problems_asked_to_be_closed_are_backed_by_evidence_files(
    summary: DemoSummary, media_root: Path
) -> None:
    asked = Problem.objects.filter(
        pk__in=StatusChange.objects.filter(workflow="problem", move="request_closing").values(
            "subject_id"
        )
    )
    assert asked.count() >= summary.status_counts[ProblemStatus.CLOSED] > 0
    for problem in asked:
        assert problem.evidence.exists()
    assert summary.evidence == Evidence.objects.count()
    for evidence in Evidence.objects.all():
        assert (media_root / evidence.file.name).is_file()
    assert Comment.objects.filter(recommends_closing=True, author__username="group1").exists()


def test_plans_follow_the_problems(summary: DemoSummary) -> None:
    statuses = set(RectificationPlan.objects.values_list("status", flat=True))
    assert statuses == {PlanStatus.APPROVED, PlanStatus.SUBMITTED}
    unfed = Assignment.objects.get(feedback_date__isnull=True)
    assert not RectificationPlan.objects.filter(assignment=unfed).exists()
    for plan in RectificationPlan.objects.filter(status=PlanStatus.SUBMITTED):
        assert set(plan.assignment.problems.values_list("status", flat=True)) == {"pending"}


def test_units_far_along_have_their_report_received_and_one_was_returned(
    summary: DemoSummary,
) -> None:
    from xuncha.clocks.models import Clock, ClockState

    reports = {r.assignment.unit.name: r for r in RectificationReport.objects.all()}
    statuses = {report.status for report in reports.values()}
    assert statuses == {ReportStatus.RECEIVED, ReportStatus.RETURNED}
    returned = [r for r in reports.values() if r.status == ReportStatus.RETURNED]
    assert len(returned) == 1 and returned[0].due_date > timezone.localdate()
    # The liaison submitted the reports of their units; the others' by the system.
    submitted = StatusChange.objects.filter(workflow="report", move="submit")
    assert {"unit1", None} == set(submitted.values_list("actor__username", flat=True))
    clocks = Clock.objects.filter(subject_type="report")
    for clock in clocks.filter(subject_id__in=[r.assignment_id for r in reports.values()]):
        is_returned = clock.subject_id == returned[0].assignment_id
        expected = ClockState.RUNNING if is_returned else ClockState.MET
        assert clock.state == expected
    assert clocks.filter(due=returned[0].due_date, state=ClockState.RUNNING).count() == 1
    # Units not yet reporting: some honestly overdue.
    overdue = clocks.exclude(subject_id__in=[r.assignment_id for r in reports.values()])
    assert overdue.filter(state=ClockState.RUNNING, due__lt=timezone.localdate()).exists()


def test_the_demo_logins_authenticate_with_their_roles(summary: DemoSummary) -> None:
    roles = {}
    for login in DEMO_LOGINS:
        user = authenticate(username=login.username, password=DEMO_PASSWORD)
        assert user is not None, login.username
        roles[login.username] = set(user.role_grants.values_list("role", flat=True))
    assert roles == {
        "office": {Role.OFFICE},
        "group1": {Role.GROUP},
        # The demo liaison also handles the unit's petitions: roles in two functions.
        "unit1": {Role.UNIT, Role.PETITION_HANDLER},
        "supervisor": {Role.SUPERVISOR},
    }
    office = authenticate(username="office", password=DEMO_PASSWORD)
    assert office.is_staff and office.is_superuser
    membership = GroupMembership.objects.get(user__username="group1")
    assert membership.group.name == "市委第一巡察组"
    liaison_unit = Unit.objects.get(liaisons__username="unit1")
    assert liaison_unit.children.count() >= 2


def test_every_demo_write_left_audit_rows(summary: DemoSummary) -> None:
    audited = set(AuditEntry.objects.values_list("object_type", "object_id"))
    models = (Round, Group, Unit, Assignment, Problem, Measure, GroupMembership)
    models += (RectificationPlan, RectificationReport, ProgressReport, Evidence, Comment)
    for model in models:
        for pk in model.objects.values_list("pk", flat=True):
            assert (model._meta.label_lower, str(pk)) in audited, (model, pk)
    models_of = {"problem": "findings.problem", "measure": "findings.measure"}
    models_of |= {"plan": "rectification.rectificationplan", "visit": "followups.visit"}
    models_of |= {"report": "rectification.rectificationreport"}
    for event in StatusChange.objects.all():
        assert AuditEntry.objects.filter(
            object_type=models_of[event.workflow],
            object_id=str(event.subject_id),
            action=f"{event.workflow}.{event.move}",
        ).exists(), event
    for user in get_user_model().objects.all():
        assert not AuditEntry.objects.filter(canonical__contains=user.password).exists()
    assert audit_verify() is None


def test_the_demo_follow_up_rules_a_first_batch_and_plans_a_second(summary: DemoSummary) -> None:
    from xuncha.followups.models import Batch, Verdict, Visit

    batches = Batch.objects.filter(followup__round__name=summary.round_name).order_by("sequence")
    assert [batch.name for batch in batches] == ["首批", "第二批"]
    assert Visit.objects.filter(batch=batches[0], status="done").count() == 3
    assert Visit.objects.filter(batch=batches[1], status="planned").count() == 1
    kinds = set(Verdict.objects.values_list("kind", flat=True))
    assert {"done", "mostly", "not_done"} <= kinds
