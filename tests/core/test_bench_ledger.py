"""bench/ledger.py stays honest: its data, its clocks, and what it times, on a few hundred problems.

The 50 ms targets themselves are checked by running the script, not here.
"""

from __future__ import annotations

import datetime as dt
import importlib
import sys
from collections import Counter, defaultdict
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.db.models import Count, Max, Min

from tests.factories import default_rules_replay
from xuncha.clocks.check import clocks_check
from xuncha.clocks.models import Clock
from xuncha.clocks.selectors import warning_colour
from xuncha.clocks.services import clocks_refresh_all
from xuncha.findings.models import Measure, Problem
from xuncha.followups.models import Verdict, Visit
from xuncha.rectification.models import RectificationPlan
from xuncha.rounds.models import Assignment

BENCH = Path(__file__).resolve().parents[2] / "bench"
PROBLEMS = 400  # 16 assignments in 4 rounds: every status and every colour, whatever the day


@pytest.fixture(scope="module")
def bench() -> SimpleNamespace:
    """The benchmark's parts (its data, its timings, its HTTP client), as the script imports
    them from its own folder."""
    sys.path.insert(0, str(BENCH))
    try:
        parts = [importlib.import_module(f"ledger_{name}") for name in ("data", "timing", "http")]
    finally:
        sys.path.remove(str(BENCH))
    return SimpleNamespace(
        **{name: value for part in parts for name, value in vars(part).items() if name[0] != "_"}
    )


@pytest.fixture
def data(bench: SimpleNamespace, db: Any) -> Any:
    """The benchmark's data at a small size, written in several batches."""
    return bench.generate_ledger_data(PROBLEMS, batch_size=150)


def colour_of(problem: Problem, today: dt.date) -> str:
    """A problem's warning as a template shows it (the Python twin of the SQL filters)."""
    if problem.nearest_paused:
        return "paused"
    return warning_colour(problem.nearest_due, today) or "none"


# ---------------------------------------------------------------- the generator


def test_the_generator_writes_the_rows_it_reports(data: Any) -> None:
    assert data.problems == Problem.objects.count() == PROBLEMS
    assert data.assignments == Assignment.objects.count() == 16
    assert (data.rounds, data.groups, data.units) == (4, 28, 4)
    assert data.measures == Measure.objects.count()
    per_problem = Problem.objects.annotate(n=Count("measures")).aggregate(
        low=Min("n"), high=Max("n")
    )
    assert (per_problem["low"], per_problem["high"]) == (1, 3)
    assert 0 < data.plans == RectificationPlan.objects.count() <= data.assignments
    assert set(RectificationPlan.objects.values_list("status", flat=True)) >= {
        "approved",
        "submitted",
    }
    assert data.visits == Visit.objects.count() > 0
    assert 0 < data.verdicts == Verdict.objects.count()
    assert data.clocks == Clock.objects.count()
    assert data.office.role_grants.filter(role="office").exists()
    assert data.office.check_password(data.password)


def test_the_dates_spread_over_the_past_year_and_around_today(data: Any) -> None:
    today = data.today
    feedback = [day for day in Assignment.objects.values_list("feedback_date", flat=True) if day]
    assert len(feedback) == 16
    assert all(today - dt.timedelta(days=380) <= day < today for day in feedback)
    assert max(feedback) - min(feedback) > dt.timedelta(days=300)
    deadlines = Measure.objects.aggregate(first=Min("deadline"), last=Max("deadline"))
    assert deadlines["first"] <= today - dt.timedelta(days=60)
    assert deadlines["last"] >= today + dt.timedelta(days=90)


def test_statuses_agree_with_plans_measures_and_verdicts(data: Any) -> None:
    statuses = Counter(Problem.objects.values_list("status", flat=True))
    assert set(statuses) == {"pending", "in_progress", "closing_requested", "closed", "continuing"}
    approved = set(
        RectificationPlan.objects.filter(status="approved").values_list("assignment_id", flat=True)
    )
    for assignment_id, status in Problem.objects.values_list("assignment_id", "status"):
        # Rectification starts when the office approves the unit's plan.
        assert (status == "pending") == (assignment_id not in approved)
    measure_statuses: dict[str, set[str]] = defaultdict(set)
    for problem_status, status in Measure.objects.values_list("problem__status", "status"):
        measure_statuses[problem_status].add(status)
    assert measure_statuses["pending"] == {"not_started"}
    assert measure_statuses["closing_requested"] == measure_statuses["closed"] == {"done"}
    assert measure_statuses["in_progress"] == {"not_started", "in_progress", "done"}
    verdicts = {verdict.problem_id: verdict for verdict in Verdict.objects.select_related("visit")}
    assert {verdict.kind for verdict in verdicts.values()} == {
        "done",
        "mostly",
        "not_done",
        "rebound",
    }
    for problem in Problem.objects.prefetch_related("measures"):
        verdict = verdicts.get(problem.pk)
        if problem.status == "continuing":  # only 基本到位 leads there
            assert verdict is not None and verdict.kind == "mostly"
        if verdict is None:
            assert problem.deadline == max(m.deadline for m in problem.measures.all() if m.deadline)
            continue
        assert verdict.visit.assignment_id == problem.assignment_id
        assert verdict.visit.visited_on is not None and verdict.visit.visited_on < data.today
        if verdict.kind in {"mostly", "not_done"}:
            assert verdict.new_deadline is not None and verdict.visit.visited_on is not None
            assert verdict.new_deadline > verdict.visit.visited_on
            assert problem.deadline == verdict.new_deadline
        else:
            assert verdict.new_deadline is None
        if verdict.kind == "rebound":
            assert (verdict.declared_status, problem.status) == ("closed", "in_progress")


def test_the_bulk_clocks_are_exactly_what_the_engine_stores(data: Any) -> None:
    assert clocks_check() == []
    assert clocks_refresh_all(actor=None) == 0  # nothing to create, change or remove
    assert set(Clock.objects.values_list("subject_type", flat=True)) == {
        "measure",
        "problem",
        "plan",
        "report",
        "verdict",
    }
    assert data.nearest_written == Problem.objects.filter(nearest_due__isnull=False).count()


def test_the_bulk_clocks_fail_the_check_when_one_is_wrong(data: Any) -> None:
    clock = Clock.objects.filter(subject_type="measure", state="running").first()
    assert clock is not None and clock.due is not None
    Clock.objects.filter(pk=clock.pk).update(due=clock.due + dt.timedelta(days=1))
    differences = clocks_check()
    assert [(d.what, d.key) for d in differences] == [
        ("clock", f"measure:{clock.subject_id} {clock.rule.code}")
    ]


def test_the_mix_counts_every_status_and_colour(bench: SimpleNamespace, data: Any) -> None:
    mix = bench.ledger_mix(data.today)
    colours = Counter(colour_of(problem, data.today) for problem in Problem.objects.all())
    assert mix.colours == {colour: colours[colour] for colour in mix.colours}
    assert list(mix.colours) == ["red", "yellow", "green", "none", "paused"]
    assert all(mix.colours[colour] > 0 for colour in ("red", "yellow", "green", "none"))
    assert mix.colours["paused"] == 0  # the generator pauses no clock
    assert mix.statuses == dict(Counter(Problem.objects.values_list("status", flat=True)))
    assert sum(sum(states.values()) for states in mix.clocks.values()) == Clock.objects.count()
    lines = bench.describe_mix("sqlite", mix)
    assert lines[1].startswith(f"sqlite: problems by warning: red {mix.colours['red']:,} (")


# ---------------------------------------------------------------- what is timed


def test_the_red_ledger_is_the_overdue_problems_in_order(bench: SimpleNamespace, data: Any) -> None:
    today = data.today
    overdue = sorted(p.pk for p in Problem.objects.all() if colour_of(p, today) == "red")
    page = bench.red_ledger(data.office, today)
    assert page.page.paginator.count == len(overdue) > 50
    assert [problem.pk for problem in page.problems] == overdue[:50]
    assert all(problem.nearest_due < today for problem in page.problems)
    assert all(problem.warning == "red" for problem in page.problems)
    assert set(page.progress) == set(overdue[:50])
    plain = bench.plain_ledger(data.office, today)
    assert plain.page.paginator.count == PROBLEMS
    assert [p.pk for p in plain.problems] == sorted(Problem.objects.values_list("pk", flat=True))[
        :50
    ]


def test_a_rounds_counts_are_those_of_its_problems_only(bench: SimpleNamespace, data: Any) -> None:
    round_id = bench.middle_round_id()
    by_unit, by_group = bench.round_counts(round_id, data.today)
    problems = list(Problem.objects.filter(assignment__round_id=round_id))
    assert 0 < len(problems) < PROBLEMS
    totals = Counter(colour_of(problem, data.today) for problem in problems)
    for counts in (by_unit, by_group):
        for colour in ("green", "yellow", "red", "paused"):
            assert sum(found[colour] for found in counts.values()) == totals[colour]
    assert set(by_group) == set(
        Assignment.objects.filter(round_id=round_id).values_list("group_id", flat=True)
    )


@pytest.mark.parametrize("key", ["unit", "group"])
def test_the_counts_over_all_problems_are_the_colours_per_unit_and_group(
    bench: SimpleNamespace, data: Any, key: str
) -> None:
    today = data.today
    counts = (bench.counts_per_unit if key == "unit" else bench.counts_per_group)(today)
    expected: dict[int, Counter[str]] = defaultdict(Counter)
    for problem in Problem.objects.select_related("assignment"):
        expected[getattr(problem.assignment, f"{key}_id")][colour_of(problem, today)] += 1
    assert set(counts) == set(expected)
    for owner, found in counts.items():
        assert found == {c: expected[owner][c] for c in ("green", "yellow", "red", "paused")}
    assert sum(found["red"] for found in counts.values()) > 0


def test_timing_the_queries_reports_each_case(bench: SimpleNamespace, data: Any) -> None:
    round_id = bench.middle_round_id()
    timings = bench.time_queries(data.office, data.today, round_id, repetitions=3, warmup=1)
    assert [t.label.split(",")[0] for t in timings] == [
        "counts per unit",
        "counts per group",
        "counts per unit + group",
        "ledger_page(warning=red) (function)",
        "ledger_page() first page (function)",
    ]
    assert [t.target for t in timings] == [True, True, False, False, False]
    for timing in timings:
        assert len(timing.samples) == 3
        assert 0 < timing.median <= timing.p95
    assert "findings_problem" in bench.explain(lambda: bench.counts_per_unit(data.today))


def test_a_timing_misses_its_target_on_a_slow_p95_or_any_error(bench: SimpleNamespace) -> None:
    fast = bench.Timing("page", [10.0] * 19 + [80.0])  # one slow run in 20 is the 5% allowed
    assert (fast.median, fast.p95, fast.within_target) == (10.0, 10.0, True)
    assert "under 50 ms" in fast.line("sqlite")
    slow = bench.Timing("page", [10.0] * 18 + [80.0, 80.0])
    assert (slow.p95, slow.within_target) == (80.0, False)
    assert "OVER 50 ms" in slow.line("sqlite")
    broken = bench.Timing("page", [10.0] * 20, errors=1)
    assert not broken.within_target
    assert "1 ERRORS" in broken.line("sqlite")
    assert "no target" in bench.Timing("page", [80.0] * 20, target=False).line("sqlite")


# ---------------------------------------------------------------- over HTTP


def test_a_response_is_the_page_only_with_200_and_every_marker(bench: SimpleNamespace) -> None:
    markers = ('id="ledger-results"', "ledger-table")
    page = '<section id="ledger-results"><table class="table ledger-table">'
    assert bench.response_problem(200, page, markers) is None
    assert bench.response_problem(302, page, markers) == "HTTP 302"
    assert bench.response_problem(200, '<section id="ledger-results">', markers) == (
        "missing ledger-table"
    )


def test_the_server_runs_with_production_settings_on_the_bench_database(
    bench: SimpleNamespace, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XUNCHA_DEBUG", "1")
    monkeypatch.setenv("XUNCHA_TESTING", "1")
    environment = bench.server_environment("sqlite:////tmp/bench.sqlite3", "/tmp/bench")
    assert "XUNCHA_DEBUG" not in environment and "XUNCHA_TESTING" not in environment
    assert environment["DATABASE_URL"] == "sqlite:////tmp/bench.sqlite3"
    assert environment["XUNCHA_DATA_DIR"] == "/tmp/bench"
    assert environment["DJANGO_SETTINGS_MODULE"] == "config.settings"
    assert environment["XUNCHA_INSECURE_COOKIES"] == "1"


def test_the_pages_are_timed_over_http_once_logged_in(
    bench: SimpleNamespace, live_server: Any, transactional_db: Any
) -> None:
    default_rules_replay()
    data = bench.generate_ledger_data(200, rounds=4)
    cases = bench.pages(bench.middle_round_id())
    assert [case.target for case in cases] == [False, True, False, True]

    visitor = bench.Browser(live_server.url)  # not logged in: every answer is the login page
    refused = bench.time_pages(visitor, cases[:1], repetitions=2, warmup=1, workers=1)
    assert (refused[0].errors, refused[0].notes) == (3, ["HTTP 302"])
    with pytest.raises(RuntimeError, match="logging in"):
        visitor.log_in(bench.OFFICE_USERNAME, "wrong password")

    browser = bench.Browser(live_server.url)
    browser.log_in(bench.OFFICE_USERNAME, data.password)
    timings = bench.time_pages(browser, cases, repetitions=2, warmup=1, workers=2)
    assert [(t.label, t.errors, t.notes, len(t.samples)) for t in timings] == [
        (case.label, 0, [], 2) for case in cases
    ]
    assert all(sample > 0 for t in timings for sample in t.samples)
    status, _headers, body = browser.request("GET", cases[2].path, extra=cases[2].headers)
    assert status == 200 and "<html" not in body  # the HTMX answer is the results alone
    wrong = bench.Page("round", cases[3].path, ("no such marker",))
    assert bench.time_pages(browser, [wrong], repetitions=1, warmup=0)[0].errors == 1
