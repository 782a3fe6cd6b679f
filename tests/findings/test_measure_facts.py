"""Outcomes, people held to account and rules carry their measure's problem, however made."""

from __future__ import annotations

import pytest

from tests.factories import make_problem
from xuncha.findings.models import Accountability, Measure, Outcome, OutcomeKind, Regulation

pytestmark = pytest.mark.django_db


def test_facts_read_from_a_measures_text_name_its_problem():
    problem = make_problem()
    facts = [
        *Outcome.objects.filter(measure__problem=problem),
        *Regulation.objects.filter(measure__problem=problem),
    ]
    assert len(facts) >= 2
    assert {fact.problem_id for fact in facts} == {problem.pk}


def test_a_fact_made_with_a_measure_id_only_gets_the_measures_problem_in_bulk_and_alone():
    first, second = make_problem(), make_problem(title="公车私用")
    measures = {
        measure.pk: measure.problem_id
        for measure in Measure.objects.filter(problem__in=[first, second])
    }
    made = Accountability.objects.bulk_create(
        Accountability(measure_id=pk, kind="诫勉谈话", source_text="诫勉谈话2人", start=0, end=6)
        for pk in measures
    )
    assert {fact.measure_id: fact.problem_id for fact in made} == measures
    stored = Accountability.objects.filter(pk__in=[fact.pk for fact in made])
    assert dict(stored.values_list("measure_id", "problem_id")) == measures
    pk = next(iter(measures))
    alone = Outcome(
        measure_id=pk, kind=OutcomeKind.COUNT, value="3", source_text="3项", start=0, end=2
    )
    alone.save()
    assert Outcome.objects.get(pk=alone.pk).problem_id == measures[pk]
