"""bench/ledger.py stays honest: its data generator and timed pages, on a few hundred problems.

The 100 ms target itself is checked by running the script, not here.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from xuncha.findings.models import Measure, Problem

BENCH = Path(__file__).resolve().parents[2] / "bench" / "ledger.py"

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_ledger", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being built
    spec.loader.exec_module(module)
    return module


def test_the_generator_writes_the_problems_with_one_to_three_measures_each(
    bench: ModuleType,
) -> None:
    data = bench.generate_ledger_data(300, batch_size=120)
    assert data.problems == Problem.objects.count() == 300
    assert data.measures == Measure.objects.count()
    assert data.assignments == 12
    per_problem = {row.problem_id for row in Measure.objects.all()}
    assert len(per_problem) == 300
    assert 300 <= data.measures <= 900


def test_the_timed_pages_are_the_ledger_pages(bench: ModuleType) -> None:
    data = bench.generate_ledger_data(300)
    first = bench.ledger_page(data.office, 1)
    assert len(first.rows) == 50
    assert (first.count, first.num_pages) == (300, 6)
    assert set(first.progress) == {problem.pk for problem in first.rows}
    for problem in first.rows:
        progress = first.progress[problem.pk]
        assert progress["total"] == problem.measures.count()
        assert progress["done"] == problem.measures.filter(status="done").count()
    seen = []
    for number in range(1, 7):
        seen += [problem.pk for problem in bench.ledger_page(data.office, number).rows]
    assert seen == sorted(Problem.objects.values_list("pk", flat=True))


def test_timing_reports_every_case_with_its_samples(bench: ModuleType) -> None:
    data = bench.generate_ledger_data(300)
    timings = bench.time_ledger(data.office, repetitions=3, warmup=1)
    labels = [timing.label for timing in timings]
    assert labels[:2] == ["page 1 of 6", "page 6 of 6"]
    assert any(label.startswith("round+status page 1 of") for label in labels)
    for timing in timings:
        assert len(timing.samples) == 3
        assert 0 < timing.median <= timing.p95
    assert "-- rows (page 6)" in bench.explain_page(data.office, 6)
