"""A deadline a follow-up verdict set is the office's: the unit asks to extend it.

The verdict 基本到位 sets the problem's new deadline; the liaison cannot move it (service, form,
direct POST); an approved extension moves the problem's deadline and the verdict's clock, a
refused one leaves both.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from tests.followups.conftest import problem_in
from xuncha.clocks.models import Clock
from xuncha.findings.models import ProblemStatus
from xuncha.findings.services import EditRefused
from xuncha.followups.models import Verdict
from xuncha.followups.verdicts import verdict_record
from xuncha.rectification.authority import problem_plan_change
from xuncha.rectification.requests import extension_request, request_transition

SET_BY_VERDICT = dt.date.today() + dt.timedelta(days=45)
ASKED = SET_BY_VERDICT + dt.timedelta(days=60)


@pytest.fixture
def ruled(cast, plan):
    problem = problem_in(cast.assignment, "in_progress", title="公车管理不规范")
    verdict_record(
        actor=cast.member,
        visit=plan.visit,
        problem=problem,
        kind="mostly",
        reason="主体整改完成，长效机制尚未建立",
        new_deadline=SET_BY_VERDICT,
    )
    problem.refresh_from_db()
    assert (problem.status, problem.deadline) == (ProblemStatus.CONTINUING, SET_BY_VERDICT)
    return problem


def verdict_clock(problem):
    verdict = Verdict.objects.get(problem=problem)
    return Clock.objects.get(subject_type="verdict", subject_id=verdict.pk)


def test_the_liaison_cannot_move_a_deadline_a_verdict_set(cast, ruled):
    with pytest.raises(EditRefused):
        problem_plan_change(
            actor=cast.liaison,
            problem=ruled,
            expected_version=ruled.version,
            rectification_kind=ruled.rectification_kind,
            deadline=dt.date(2030, 12, 31),
        )
    client = Client()
    client.force_login(cast.liaison)
    page = client.get(reverse("web:problem", args=[ruled.pk])).content.decode()
    assert reverse("web:problem_plan_edit", args=[ruled.pk]) not in page  # no form to move it
    assert reverse("web:extension_request", args=[ruled.pk]) in page  # but one to ask
    answer = client.post(
        reverse("web:problem_plan_edit", args=[ruled.pk]),
        {"rectification_kind": "by_deadline", "deadline": "2030-12-31", "expected_version": 99},
        follow=True,
    )
    assert "由巡察办确定" in answer.content.decode()
    ruled.refresh_from_db()
    assert ruled.deadline == SET_BY_VERDICT
    assert verdict_clock(ruled).due == SET_BY_VERDICT


def test_an_approved_extension_moves_the_problem_deadline_and_the_verdict_clock(cast, ruled):
    request = extension_request(
        actor=cast.liaison, problem=ruled, new_date=ASKED, reason="长效机制需经党组会审议"
    )
    assert request.old_date == SET_BY_VERDICT
    request_transition(actor=cast.office, request=request, name="approve", reason="同意")
    ruled.refresh_from_db()
    assert ruled.deadline == ASKED
    clock = verdict_clock(ruled)
    assert (clock.start, clock.due, clock.state) == (ASKED, ASKED, "running")
    assert ruled.nearest_due == ASKED


def test_a_refused_extension_leaves_the_verdict_deadline(cast, ruled):
    request = extension_request(
        actor=cast.liaison, problem=ruled, new_date=ASKED, reason="工作量大"
    )
    request_transition(actor=cast.office, request=request, name="refuse", reason="时限合理")
    ruled.refresh_from_db()
    assert ruled.deadline == SET_BY_VERDICT
    assert verdict_clock(ruled).due == SET_BY_VERDICT
