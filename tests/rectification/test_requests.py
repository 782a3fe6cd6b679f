"""Who decides what: the unit proposes its plan, then only asks; the office decides.

After the plan is approved the liaison can no longer change a deadline, the kind or a measure
(through the service, the form or a direct POST); it asks for an extension or a revision, the
office approves or refuses with a reason, and the record, the history, the notifications and
the clock follow the decision.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_assignment, make_round, make_unit, make_upload, make_user
from tests.rectification.conftest import planned_problem
from xuncha.clocks.models import Clock
from xuncha.core.audit import audit_verify
from xuncha.core.models import AuditEntry, Role, StatusChange
from xuncha.core.workflow import TransitionRefused
from xuncha.findings.models import Measure, Problem, ProblemStatus
from xuncha.findings.services import EditRefused
from xuncha.notifications.models import Notification
from xuncha.rectification.authority import (
    measure_add,
    measure_change,
    measure_remove,
    problem_plan_change,
)
from xuncha.rectification.models import ChangeRequest, RequestStatus
from xuncha.rectification.requests import (
    MeasureProposal,
    RequestRefused,
    extension_request,
    request_sides,
    request_transition,
    revision_request,
)
from xuncha.rectification.services import plan_get_or_create
from xuncha.rectification.transitions import plan_transition


def today() -> dt.date:
    """Today in the site's time zone, asked each time: a run may cross midnight."""
    return timezone.localdate()


LATER = today() + dt.timedelta(days=75)
MUCH_LATER = today() + dt.timedelta(days=400)


@pytest.fixture
def world(db, settings, tmp_path):
    """A unit with a liaison, the office, and one problem whose plan the office approved. The
    unit has no feedback date, so the measure's clock is the only one on the problem."""
    settings.MEDIA_ROOT = tmp_path / "media"
    unit = make_unit("市审计测试局")
    assignment = make_assignment(make_round("权限测试轮"), unit)
    liaison = make_user("liaison_a", Role.UNIT)
    unit.liaisons.add(liaison)
    office = make_user("office_a", Role.OFFICE)
    problem = planned_problem(assignment)
    plan = plan_get_or_create(actor=liaison, assignment=assignment)
    plan = plan_transition(actor=liaison, plan=plan, name="submit")
    plan_transition(actor=office, plan=plan, name="approve")
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.IN_PROGRESS
    return {"liaison": liaison, "office": office, "problem": problem, "unit": unit}


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def measure_of(problem: Problem) -> Measure:
    return problem.measures.get()


# ---------------------------------------------------------------------------------------------
# The unit cannot change what it is judged by


def test_liaison_edits_the_plan_while_proposing_it(cast):
    problem = planned_problem(cast.assignment)
    measure = measure_of(problem)
    measure_change(
        actor=cast.liaison,
        measure=measure,
        expected_version=problem.version,
        text=measure.text,
        owner=measure.owner,
        department=measure.department,
        deadline=dt.date(2025, 7, 31),
    )
    measure.refresh_from_db()
    assert measure.deadline == dt.date(2025, 7, 31)


def test_liaison_cannot_edit_while_the_plan_awaits_the_office(cast):
    problem = planned_problem(cast.assignment)
    plan = plan_get_or_create(actor=cast.liaison, assignment=cast.assignment)
    plan_transition(actor=cast.liaison, plan=plan, name="submit")
    problem.refresh_from_db()
    with pytest.raises(EditRefused, match="延期申请"):
        problem_plan_change(
            actor=cast.liaison,
            problem=problem,
            expected_version=problem.version,
            rectification_kind=problem.rectification_kind,
            deadline=MUCH_LATER,
        )


def test_after_approval_every_decided_field_is_refused_to_the_liaison(world):
    liaison, problem = world["liaison"], world["problem"]
    measure = measure_of(problem)
    before = (problem.deadline, problem.rectification_kind, measure.deadline, measure.text)
    attempts = [
        lambda: problem_plan_change(
            actor=liaison,
            problem=problem,
            expected_version=problem.version,
            rectification_kind=problem.rectification_kind,
            deadline=MUCH_LATER,
        ),
        lambda: problem_plan_change(
            actor=liaison,
            problem=problem,
            expected_version=problem.version,
            rectification_kind="long_term",
            deadline=problem.deadline,
        ),
        lambda: measure_change(
            actor=liaison,
            measure=measure,
            expected_version=problem.version,
            text=measure.text,
            owner=measure.owner,
            department=measure.department,
            deadline=MUCH_LATER,
        ),
        lambda: measure_change(
            actor=liaison,
            measure=measure,
            expected_version=problem.version,
            text="改写后的措施",
            owner="别人",
            department=measure.department,
            deadline=measure.deadline,
        ),
        lambda: measure_add(
            actor=liaison, problem=problem, expected_version=problem.version, text="新措施"
        ),
        lambda: measure_remove(actor=liaison, measure=measure, expected_version=problem.version),
    ]
    for attempt in attempts:
        with pytest.raises(EditRefused):
            attempt()
    problem.refresh_from_db()
    measure = Measure.objects.get(pk=measure.pk)
    assert (problem.deadline, problem.rectification_kind, measure.deadline, measure.text) == before
    assert problem.measures.count() == 1


def test_the_office_still_changes_the_plan_directly(world):
    office, problem = world["office"], world["problem"]
    measure = measure_of(problem)
    measure_change(
        actor=office,
        measure=measure,
        expected_version=problem.version,
        text=measure.text,
        owner=measure.owner,
        department=measure.department,
        deadline=LATER,
    )
    assert Measure.objects.get(pk=measure.pk).deadline == LATER


def test_form_and_direct_post_are_refused_to_the_liaison(world):
    liaison, problem = world["liaison"], world["problem"]
    measure = measure_of(problem)
    client = logged_in(liaison)
    page = client.get(reverse("web:problem", args=[problem.pk]))
    assert page.status_code == 200
    # The page offers no edit form, but the request forms.
    assert reverse("web:problem_plan_edit", args=[problem.pk]).encode() not in page.content
    assert reverse("web:measure_edit", args=[measure.pk]).encode() not in page.content
    assert reverse("web:extension_request", args=[problem.pk]).encode() in page.content
    form = client.get(reverse("web:measure_edit", args=[measure.pk]), follow=True)
    assert "由巡察办确定" in form.content.decode()
    posts = [
        (
            reverse("web:measure_edit", args=[measure.pk]),
            {
                "text": measure.text,
                "owner": measure.owner,
                "department": measure.department,
                "deadline": "2031-01-01",
                "expected_version": problem.version,
            },
        ),
        (
            reverse("web:problem_plan_edit", args=[problem.pk]),
            {
                "rectification_kind": "by_deadline",
                "deadline": "2030-12-31",
                "expected_version": problem.version,
            },
        ),
        (
            reverse("web:measure_add", args=[problem.pk]),
            {"text": "再加一项", "expected_version": problem.version},
        ),
        (
            reverse("web:measure_delete", args=[measure.pk]),
            {"expected_version": problem.version},
        ),
    ]
    for url, data in posts:
        answer = client.post(url, data, follow=True)
        assert "由巡察办确定" in answer.content.decode(), url
    problem.refresh_from_db()
    assert problem.deadline is None
    assert Measure.objects.get(pk=measure.pk).deadline == dt.date(2025, 6, 30)
    assert problem.measures.count() == 1
    assert not AuditEntry.objects.filter(
        action__in=["measure.update", "problem.plan_update", "measure.create", "measure.delete"],
        actor=liaison,
    ).exists()


# ---------------------------------------------------------------------------------------------
# Extension requests


def test_an_approved_extension_moves_the_measure_deadline_and_its_clock(world):
    liaison, office, problem = world["liaison"], world["office"], world["problem"]
    measure = measure_of(problem)
    request = extension_request(
        actor=liaison,
        problem=problem,
        measure=measure,
        new_date=LATER,
        reason="需等待上级批复后才能完成",
        files=[make_upload("批复请示.pdf")],
    )
    assert request.status == RequestStatus.PENDING
    assert request.old_date == dt.date(2025, 6, 30)
    assert request.files.count() == 1
    assert Notification.objects.filter(recipient=office, kind="request").count() == 1
    # Nothing changes before the office decides.
    assert Measure.objects.get(pk=measure.pk).deadline == dt.date(2025, 6, 30)

    request_transition(actor=office, request=request, name="approve", reason="同意延期")
    request.refresh_from_db()
    assert request.status == RequestStatus.APPROVED
    assert Measure.objects.get(pk=measure.pk).deadline == LATER
    clock = Clock.objects.get(subject_type="measure", subject_id=measure.pk)
    assert (clock.start, clock.due, clock.state) == (LATER, LATER, "running")
    problem.refresh_from_db()
    assert problem.nearest_due == LATER
    assert Notification.objects.filter(recipient=liaison, kind="request").count() == 1
    moves = list(
        StatusChange.objects.filter(workflow="change_request", subject_id=request.pk)
        .order_by("id")
        .values_list("move", "reason", "actor__username")
    )
    assert moves == [
        ("submit", "需等待上级批复后才能完成", "liaison_a"),
        ("approve", "同意延期", "office_a"),
    ]
    update = AuditEntry.objects.filter(action="measure.update", scope=f"problem:{problem.pk}").get()
    assert (update.before["deadline"], update.after["deadline"]) == (
        "2025-06-30",
        LATER.isoformat(),
    )
    assert update.actor == office
    assert audit_verify() is None

    ledger = logged_in(office).get(reverse("web:ledger"))
    assert LATER.isoformat() in ledger.content.decode()


def test_a_refused_extension_leaves_the_old_deadline(world):
    liaison, office, problem = world["liaison"], world["office"], world["problem"]
    measure = measure_of(problem)
    clock_before = Clock.objects.get(subject_type="measure", subject_id=measure.pk).due
    request = extension_request(
        actor=liaison, problem=problem, measure=measure, new_date=LATER, reason="人手不足"
    )
    with pytest.raises(TransitionRefused, match="理由"):
        request_transition(actor=office, request=request, name="refuse", reason="")
    request_transition(actor=office, request=request, name="refuse", reason="理由不充分")
    request.refresh_from_db()
    assert request.status == RequestStatus.REFUSED
    assert Measure.objects.get(pk=measure.pk).deadline == dt.date(2025, 6, 30)
    assert Clock.objects.get(subject_type="measure", subject_id=measure.pk).due == clock_before
    note = Notification.objects.get(recipient=liaison, kind="request")
    assert "理由不充分" in note.message


def test_only_the_office_decides_and_only_the_unit_asks(world, cast):
    liaison, office, problem = world["liaison"], world["office"], world["problem"]
    with pytest.raises(EditRefused):
        extension_request(actor=office, problem=problem, new_date=LATER, reason="代为申请")
    with pytest.raises(EditRefused):
        extension_request(actor=cast.other_liaison, problem=problem, new_date=LATER, reason="x")
    request = extension_request(actor=liaison, problem=problem, new_date=LATER, reason="需要时间")
    for actor in (liaison, cast.member, cast.other_liaison):
        with pytest.raises(TransitionRefused):
            request_transition(actor=actor, request=request, name="approve", reason="自己批")
    with pytest.raises(TransitionRefused):
        request_transition(actor=office, request=request, name="withdraw")
    request_transition(actor=liaison, request=request, name="withdraw")
    assert ChangeRequest.objects.get(pk=request.pk).status == RequestStatus.WITHDRAWN


@pytest.mark.parametrize(
    ("new_date", "message"),
    [(today(), "晚于今天"), (dt.date(2025, 6, 1), "晚于")],
)
def test_an_extension_must_be_later(world, new_date, message):
    measure = measure_of(world["problem"])
    with pytest.raises(RequestRefused, match=message):
        extension_request(
            actor=world["liaison"],
            problem=world["problem"],
            measure=measure,
            new_date=new_date,
            reason="理由",
        )


def test_one_pending_request_per_deadline_and_none_while_proposing(world, cast):
    liaison, problem = world["liaison"], world["problem"]
    extension_request(actor=liaison, problem=problem, new_date=LATER, reason="一")
    with pytest.raises(RequestRefused, match="待巡察办审批"):
        extension_request(actor=liaison, problem=problem, new_date=MUCH_LATER, reason="二")
    proposing = planned_problem(cast.assignment)
    with pytest.raises(RequestRefused, match="直接修改"):
        extension_request(actor=cast.liaison, problem=proposing, new_date=LATER, reason="三")


def test_an_approval_is_refused_once_the_deadline_moved_meanwhile(world):
    liaison, office, problem = world["liaison"], world["office"], world["problem"]
    measure = measure_of(problem)
    request = extension_request(
        actor=liaison, problem=problem, measure=measure, new_date=MUCH_LATER, reason="需要时间"
    )
    problem.refresh_from_db()
    measure_change(
        actor=office,
        measure=measure,
        expected_version=problem.version,
        text=measure.text,
        owner=measure.owner,
        department=measure.department,
        deadline=LATER,
    )
    with pytest.raises(TransitionRefused, match="已有变动"):
        request_transition(actor=office, request=request, name="approve", reason="同意")
    assert Measure.objects.get(pk=measure.pk).deadline == LATER


# ---------------------------------------------------------------------------------------------
# Plan revisions


def test_a_revision_shows_side_by_side_and_applies_on_approval(world):
    liaison, office, problem = world["liaison"], world["office"], world["problem"]
    measure = measure_of(problem)
    request = revision_request(
        actor=liaison,
        problem=problem,
        proposals=[
            MeasureProposal(
                measure=measure,
                text="修订完善财务报销制度5项。",
                owner=measure.owner,
                department="财务科",
                deadline=measure.deadline,
            ),
            MeasureProposal(
                measure=None,
                text="开展财务制度专题培训2次。",
                owner="副局长 李某",
                department="人事科",
                deadline=LATER,
            ),
        ],
        reason="整改中发现制度需一并修订",
        rectification_kind="long_term",
    )
    sides = [(side.label, side.before, side.after) for side in request_sides(request)]
    assert ("整改类型", "限期整改", "长期坚持") in sides
    assert ("第1项措施 · 措施", "修订完善财务报销制度3项。", "修订完善财务报销制度5项。") in sides
    assert ("第1项措施 · 责任部门", "办公室", "财务科") in sides
    assert ("新增措施 · 措施", "—", "开展财务制度专题培训2次。") in sides
    assert not any(label == "第1项措施 · 责任领导" for label, _b, _a in sides)  # unchanged
    page = logged_in(office).get(reverse("web:problem", args=[problem.pk])).content.decode()
    assert "修订完善财务报销制度5项。" in page and "批准申请" in page

    request_transition(actor=office, request=request, name="approve", reason="同意调整")
    problem.refresh_from_db()
    assert problem.rectification_kind == "long_term"
    texts = list(problem.measures.order_by("ordinal").values_list("text", "department"))
    assert texts == [
        ("修订完善财务报销制度5项。", "财务科"),
        ("开展财务制度专题培训2次。", "人事科"),
    ]
    # The new measure's outcomes are read from its text, and its deadline has a clock.
    added = problem.measures.get(ordinal=2)
    assert added.outcomes.filter(amount=2).exists()
    assert Clock.objects.filter(subject_type="measure", subject_id=added.pk, due=LATER).exists()


def test_a_revision_that_changes_nothing_is_refused(world):
    measure = measure_of(world["problem"])
    with pytest.raises(RequestRefused, match="相同"):
        revision_request(
            actor=world["liaison"],
            problem=world["problem"],
            proposals=[
                MeasureProposal(
                    measure=measure,
                    text=measure.text,
                    owner=measure.owner,
                    department=measure.department,
                    deadline=measure.deadline,
                )
            ],
            reason="无",
        )
    assert not ChangeRequest.objects.exists()


def test_the_revision_form_posts_the_changed_measures(world):
    liaison, problem = world["liaison"], world["problem"]
    measure = measure_of(problem)
    client = logged_in(liaison)
    url = reverse("web:revision_request", args=[problem.pk])
    assert client.get(url).status_code == 200
    data = {
        "m-TOTAL_FORMS": "2",
        "m-INITIAL_FORMS": "1",
        "m-MIN_NUM_FORMS": "0",
        "m-MAX_NUM_FORMS": "200",
        "m-0-measure": str(measure.pk),
        "m-0-text": measure.text,
        "m-0-owner": measure.owner,
        "m-0-department": measure.department,
        "m-0-deadline": LATER.isoformat(),
        "m-1-text": "",
        "rectification_kind": problem.rectification_kind,
        "reason": "调整时限",
    }
    answer = client.post(url, data)
    assert answer.status_code == 302
    request = ChangeRequest.objects.get()
    assert [item["action"] for item in request.changes] == ["update"]
    assert request.changes[0]["after"]["deadline"] == LATER.isoformat()
    assert Measure.objects.get(pk=measure.pk).deadline == dt.date(2025, 6, 30)


def test_the_extension_form_on_the_problem_page(world):
    liaison, problem = world["liaison"], world["problem"]
    measure = measure_of(problem)
    client = logged_in(liaison)
    answer = client.post(
        reverse("web:extension_request", args=[problem.pk]),
        {"target": str(measure.pk), "new_date": LATER.isoformat(), "reason": "等待批复"},
        follow=True,
    )
    assert "延期申请已提交" in answer.content.decode()
    request = ChangeRequest.objects.get()
    assert (request.measure, request.new_date) == (measure, LATER)
    office = logged_in(world["office"])
    office.post(
        reverse("web:request_step", args=[request.pk]),
        {"name": "approve", "reason": "同意"},
    )
    assert Measure.objects.get(pk=measure.pk).deadline == LATER
