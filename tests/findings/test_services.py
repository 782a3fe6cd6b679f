from __future__ import annotations

from decimal import Decimal

import pytest

from tests.factories import (
    make_assignment,
    make_evidence,
    make_office_user,
    make_problem,
    measure_complete,
    status_changes,
)
from xuncha.core.models import AuditEntry
from xuncha.core.workflow import TransitionRefused
from xuncha.findings.models import MeasureStatus, ProblemStatus
from xuncha.findings.services import (
    EditConflict,
    measure_update,
)
from xuncha.rectification.transitions import measure_transition, problem_transition

pytestmark = pytest.mark.django_db


def test_a_new_problem_reads_outcomes_from_its_measures():
    problem = make_problem(measures=("清退违规资金共计3.5万元，对4名相关责任人进行追责问责。",))
    measure = problem.measures.get()
    money = measure.outcomes.get(kind="money")
    assert money.value == "35000"
    assert money.amount == 35000
    assert measure.text[money.start : money.end] == money.source_text
    assert measure.accountabilities.get().people == 4


def test_ranges_scores_fractions_and_inferred_dates_are_stored_with_their_fields():
    problem = make_problem(
        measures=(
            "2024年6月起开展检查3至5次，9月22日前向42家建设单位清退，满意度90分，三分之二整改到位。",
        )
    )
    stored = {o.source_text: o for o in problem.measures.get().outcomes.all()}
    assert (stored["3至5次"].value, stored["3至5次"].upper) == ("3", "5")
    date = stored["9月22日前"]
    assert (date.kind, date.value, date.inferred, date.qualifier) == (
        "date", "2024-09-22", True, "before"
    )  # fmt: skip
    assert stored["42家"].counts == "建设单位"
    assert (stored["90分"].kind, stored["90分"].amount) == ("score", 90)
    fraction = stored["三分之二"]
    assert (fraction.kind, fraction.value, round(fraction.amount, 4)) == (
        "fraction",
        "2/3",
        Decimal("0.6667"),
    )


def test_problems_are_numbered_within_their_unit():
    assignment = make_assignment()
    first = make_problem(assignment)
    second = make_problem(assignment)
    assert (first.ordinal, second.ordinal) == (1, 2)


def test_a_started_problem_is_in_progress_with_a_history_row():
    problem = make_problem(start=True)
    assert problem.status == ProblemStatus.IN_PROGRESS
    event = status_changes(problem).get()
    assert (event.from_status, event.to_status) == (ProblemStatus.PENDING, "in_progress")


def test_editing_a_measure_refreshes_its_outcomes_and_leaves_an_audit_row():
    user = make_office_user()
    problem = make_problem(measures=("开展培训3期。",))
    measure = problem.measures.get()
    measure_update(
        actor=user,
        measure=measure,
        expected_version=problem.version,
        text="开展培训5期，覆盖近2000人次。",
    )
    measure.refresh_from_db()
    assert sorted(o.value for o in measure.outcomes.all()) == ["2000", "5"]
    entry = AuditEntry.objects.filter(action="measure.update").get()
    assert entry.before["text"] == "开展培训3期。"
    assert entry.after["text"] == "开展培训5期，覆盖近2000人次。"
    assert entry.actor == user
    assert entry.scope == f"problem:{problem.pk}"


def test_a_second_edit_from_a_stale_version_is_refused_and_writes_nothing():
    problem = make_problem(measures=("开展培训3期。",))
    measure = problem.measures.get()
    stale = problem.version
    measure_update(actor=None, measure=measure, expected_version=stale, text="开展培训4期。")
    with pytest.raises(EditConflict):
        measure_update(actor=None, measure=measure, expected_version=stale, text="开展培训9期。")
    measure.refresh_from_db()
    assert measure.text == "开展培训4期。"
    assert AuditEntry.objects.filter(action="measure.update").count() == 1


def test_an_empty_measure_text_is_refused():
    problem = make_problem()
    measure = problem.measures.first()
    with pytest.raises(ValueError):
        measure_update(actor=None, measure=measure, expected_version=problem.version, text="  ")


def test_asking_for_closing_with_an_unfinished_measure_is_refused():
    problem = make_problem()
    with pytest.raises(TransitionRefused, match="未完成"):
        problem_transition(actor=None, problem=problem, name="request_closing")


def test_the_closing_path_runs_through_the_workflow(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    problem = make_problem()
    for measure in problem.measures.all():
        measure_complete(measure, actor=None)
    with pytest.raises(TransitionRefused, match="佐证"):
        problem_transition(actor=None, problem=problem, name="request_closing")
    make_evidence(problem)
    problem = problem_transition(actor=None, problem=problem, name="request_closing")
    assert problem.status == ProblemStatus.CLOSING_REQUESTED
    with pytest.raises(TransitionRefused, match="理由"):
        problem_transition(actor=None, problem=problem, name="return")
    problem = problem_transition(actor=None, problem=problem, name="return", reason="佐证不足")
    assert problem.status == ProblemStatus.IN_PROGRESS
    problem = problem_transition(actor=None, problem=problem, name="request_closing")
    problem = problem_transition(actor=None, problem=problem, name="close")
    assert problem.status == ProblemStatus.CLOSED
    steps = list(status_changes(problem).values_list("move", flat=True))
    assert steps == ["start", "request_closing", "return", "request_closing", "close"]


def test_closing_a_problem_that_did_not_ask_for_it_is_refused():
    problem = make_problem()
    with pytest.raises(TransitionRefused, match="整改中"):
        problem_transition(actor=None, problem=problem, name="close")
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.IN_PROGRESS


def test_an_unknown_transition_is_refused():
    problem = make_problem()
    with pytest.raises(TransitionRefused):
        problem_transition(actor=None, problem=problem, name="approve_everything")


def test_a_done_measure_reopens_only_with_a_reason():
    problem = make_problem()
    measure = problem.measures.first()
    measure = measure_complete(measure, actor=None)
    assert measure.status == MeasureStatus.DONE
    with pytest.raises(TransitionRefused):
        measure_transition(actor=None, measure=measure, name="reopen")
    measure = measure_transition(actor=None, measure=measure, name="reopen", reason="数据有误")
    assert measure.status == MeasureStatus.IN_PROGRESS
