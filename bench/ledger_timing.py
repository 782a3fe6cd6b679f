"""The ledger benchmark's timings in this process: the counts over all problems, one round's
counts and the ledger's query functions, with their medians, 95th percentiles and targets."""

from __future__ import annotations

import datetime as dt
import math
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ledger_data import TARGET_MS

# ---------------------------------------------------------------- timing


@dataclass
class Timing:
    """Wall-clock times of repeated runs, in milliseconds, and the responses that were wrong;
    ``target`` when the 50 ms target applies (else shown for scale)."""

    label: str
    samples: list[float]
    target: bool = True
    errors: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def p95(self) -> float:
        ordered = sorted(self.samples)
        return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]

    @property
    def within_target(self) -> bool:
        return self.errors == 0 and self.p95 < TARGET_MS

    def line(self, database: str) -> str:
        if not self.target:
            verdict = "(shown beside, no target)"
        else:
            verdict = f"{'under' if self.p95 < TARGET_MS else 'OVER'} {TARGET_MS:.0f} ms"
        errors = f"   {self.errors} ERRORS" if self.errors else ""
        return (
            f"{database}: {self.label:<46} median {self.median:7.1f} ms   "
            f"p95 {self.p95:7.1f} ms   {verdict}{errors}"
        )


def time_call(
    label: str,
    call: Callable[[], Any],
    *,
    repetitions: int = 20,
    warmup: int = 3,
    target: bool = True,
) -> Timing:
    """Run ``call`` ``warmup`` times untimed, then ``repetitions`` times timed."""
    for _ in range(warmup):
        call()
    samples = []
    for _ in range(repetitions):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return Timing(label, samples, target)


def middle_round_id() -> int:
    """A round in the middle of the table (its rows do not start at the first index entries)."""
    from xuncha.rounds.models import Round

    ids = list(Round.objects.order_by("id").values_list("id", flat=True))
    return ids[len(ids) // 2]


def counts_per_unit(today: dt.date) -> dict[Any, dict[str, int]]:
    """The warning counts per unit over every problem, as the selectors run them."""
    from xuncha.clocks.selectors import warning_counts
    from xuncha.findings.models import Problem

    return warning_counts(Problem.objects.all(), "assignment__unit_id", today)


def counts_per_group(today: dt.date) -> dict[Any, dict[str, int]]:
    """The warning counts per group over every problem, as the selectors run them."""
    from xuncha.clocks.selectors import warning_counts
    from xuncha.findings.models import Problem

    return warning_counts(Problem.objects.all(), "assignment__group_id", today)


def round_counts(round_id: int, today: dt.date) -> tuple[dict[Any, Any], dict[Any, Any]]:
    """The counts per unit and per group of one round, as its page runs them (one aggregate
    per assignment, summed per group)."""
    from xuncha.findings.models import Problem
    from xuncha.findings.selectors import counts_by_assignment, counts_summed
    from xuncha.rounds.models import Assignment

    counts = counts_by_assignment(Problem.objects.filter(assignment__round_id=round_id), today)
    group_of = dict(Assignment.objects.filter(round_id=round_id).values_list("pk", "group_id"))
    return counts, counts_summed(counts, group_of)


def red_ledger(user: Any, today: dt.date, page_number: int = 1) -> Any:
    """The ledger filtered by red, with the very function the web page calls."""
    from xuncha.findings.ledger import ledger_page

    return ledger_page(user, filters={}, warning="red", page_number=page_number, today=today)


def plain_ledger(user: Any, today: dt.date) -> Any:
    """The ledger's plain first page, with the very function the web page calls."""
    from xuncha.findings.ledger import ledger_page

    return ledger_page(user, filters={}, warning=None, page_number=1, today=today)


def time_queries(
    user: Any, today: dt.date, round_id: int, *, repetitions: int = 20, warmup: int = 3
) -> list[Timing]:
    """Time, in this process, the counts over all problems (the targets) and, beside them, the
    counts of one round as its page runs them and the ledger's functions."""
    cases: list[tuple[str, Callable[[], Any], bool]] = [
        ("counts per unit, all problems (query)", lambda: counts_per_unit(today), True),
        ("counts per group, all problems (query)", lambda: counts_per_group(today), True),
        (
            f"counts per unit + group, round {round_id} (1 aggregate)",
            lambda: round_counts(round_id, today),
            False,
        ),
        ("ledger_page(warning=red) (function)", lambda: red_ledger(user, today), False),
        ("ledger_page() first page (function)", lambda: plain_ledger(user, today), False),
    ]
    return [
        time_call(label, call, repetitions=repetitions, warmup=warmup, target=target)
        for label, call, target in cases
    ]


def explain(call: Callable[[], Any]) -> str:
    """The database's plans (PostgreSQL: with actual times) of the queries ``call`` runs."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        call()
    prefix = "EXPLAIN ANALYZE " if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN "
    lines = []
    for query in captured.captured_queries:
        sql = query["sql"]
        if not sql.lstrip().upper().startswith("SELECT"):
            continue
        lines.append(f"-- {query['time']} s: {sql[:300]}{' …' if len(sql) > 300 else ''}")
        with connection.cursor() as cursor:
            cursor.execute(prefix + sql)
            lines += ["   " + " ".join(str(cell) for cell in row) for row in cursor.fetchall()]
    return "\n".join(lines)
