"""A measure is 已完成 only with a progress report; a round may ask every measure for its own
evidence before closing is asked for; only the office sets that."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import make_upload
from xuncha.core.models import AuditEntry
from xuncha.core.workflow import TransitionRefused
from xuncha.findings.models import MeasureStatus, ProblemStatus
from xuncha.findings.services import MeasureInput, problem_create
from xuncha.rectification.services import evidence_add, progress_report_create
from xuncha.rectification.transitions import measure_transition, problem_transition
from xuncha.rounds.services import round_settings_update


def two_measure_problem(assignment):
    problem = problem_create(
        actor=None,
        assignment=assignment,
        title="采购管理不规范",
        measures=[
            MeasureInput(text="修订采购制度2项。"),
            MeasureInput(text="开展采购专项检查1次。"),
        ],
    )
    return problem_transition(actor=None, problem=problem, name="start")


def test_a_measure_without_a_report_cannot_be_completed(cast):
    problem = two_measure_problem(cast.assignment)
    measure = problem.measures.get(ordinal=1)
    with pytest.raises(TransitionRefused, match="尚无整改进展报告"):
        measure_transition(actor=cast.liaison, measure=measure, name="complete")
    with pytest.raises(TransitionRefused, match="尚无整改进展报告"):
        measure_transition(actor=None, measure=measure, name="complete")  # the system too
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.NOT_STARTED
    progress_report_create(actor=cast.liaison, measure=measure, text="已修订采购制度2项。")
    measure.refresh_from_db()
    done = measure_transition(actor=cast.liaison, measure=measure, name="complete")
    assert done.status == MeasureStatus.DONE


def test_the_page_says_why_a_measure_cannot_be_completed_yet(cast):
    problem = two_measure_problem(cast.assignment)
    client = Client()
    client.force_login(cast.liaison)
    page = client.get(reverse("web:problem", args=[problem.pk])).content.decode()
    assert page.count("才能将该措施标记为已完成") == 2
    assert 'value="complete"' not in page
    progress_report_create(
        actor=cast.liaison, measure=problem.measures.get(ordinal=1), text="已修订采购制度2项。"
    )
    page = client.get(reverse("web:problem", args=[problem.pk])).content.decode()
    assert page.count("才能将该措施标记为已完成") == 1
    assert page.count('value="complete"') == 1


def finish(problem, actor, *, files_for=()):
    for measure in problem.measures.order_by("ordinal"):
        files = [make_upload(f"措施{measure.ordinal}.pdf")] if measure.ordinal in files_for else []
        progress_report_create(actor=actor, measure=measure, text="已完成。", files=files)
        measure.refresh_from_db()
        measure_transition(actor=actor, measure=measure, name="complete")


def test_evidence_per_measure_when_the_round_asks_for_it(cast, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    round_settings_update(
        actor=cast.office, round_=cast.assignment.round, evidence_per_measure=True
    )
    problem = two_measure_problem(cast.assignment)
    finish(problem, cast.liaison, files_for={1})
    with pytest.raises(TransitionRefused, match="第2项措施尚无佐证材料"):
        problem_transition(actor=cast.liaison, problem=problem, name="request_closing")
    evidence_add(
        actor=cast.liaison,
        problem=problem,
        measure=problem.measures.get(ordinal=2),
        upload=make_upload("检查报告.pdf"),
    )
    moved = problem_transition(actor=cast.liaison, problem=problem, name="request_closing")
    assert moved.status == ProblemStatus.CLOSING_REQUESTED


def test_one_file_for_the_problem_suffices_when_the_round_does_not_ask(cast, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    problem = two_measure_problem(cast.assignment)
    finish(problem, cast.liaison, files_for={1})
    moved = problem_transition(actor=cast.liaison, problem=problem, name="request_closing")
    assert moved.status == ProblemStatus.CLOSING_REQUESTED


def test_only_the_office_sets_the_round_setting(cast):
    round_ = cast.assignment.round
    liaison = Client()
    liaison.force_login(cast.liaison)
    liaison.post(reverse("web:round_settings", args=[round_.pk]), {"evidence_per_measure": "on"})
    round_.refresh_from_db()
    assert round_.evidence_per_measure is False
    office = Client()
    office.force_login(cast.office)
    page = office.get(reverse("web:round", args=[round_.pk])).content.decode()
    assert 'id="round-settings"' in page
    office.post(reverse("web:round_settings", args=[round_.pk]), {"evidence_per_measure": "on"})
    round_.refresh_from_db()
    assert round_.evidence_per_measure is True
    entry = AuditEntry.objects.get(action="round.settings")
    assert (entry.before, entry.after) == (
        {"evidence_per_measure": False},
        {"evidence_per_measure": True},
    )
