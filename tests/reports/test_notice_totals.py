"""Acceptance 3: a notice's totals against counts written here in raw SQL, on 1,200 problems.

The SQL below is the test's own: explicit joins from the problem to its unit-in-round, and the
scope's condition, never the notice's query. Run on SQLite and on PostgreSQL
(``DATABASE_URL=postgres://…``).
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

import pytest
from django.db import connection

from tests.reports.dataset import MONEY_SUBJECTS, Dataset, build_dataset
from xuncha.findings.models import Problem
from xuncha.reports.selectors import Scope, notice_totals, scope_problems
from xuncha.text.notice import NoticeTotals

pytestmark = pytest.mark.django_db

CENT = Decimal("0.01")

# FROM and WHERE of every count: the problems of one scope. %(scope)s is one of SCOPES.
PROBLEMS = """
    FROM findings_problem p
    JOIN rounds_assignment a ON a.id = p.assignment_id
    {join}
    WHERE a.round_id = %s {where}
"""
SCOPES = {
    "round": ("", ""),
    "batch": ("JOIN followups_visit vi ON vi.assignment_id = a.id AND vi.batch_id = %s", ""),
    "group": ("", "AND a.group_id = %s"),
    "unit": ("", "AND a.unit_id = %s"),
}
LATEST_VERDICT = """
    (SELECT v.kind FROM followups_verdict v WHERE v.problem_id = p.id
     ORDER BY v.ruled_at DESC, v.id DESC LIMIT 1)
"""
BASICALLY_DONE = f"(p.status = 'continuing' OR {LATEST_VERDICT} = 'mostly')"


@pytest.fixture
def dataset() -> Dataset:
    return build_dataset()


def scopes(data: Dataset) -> dict[str, tuple[Scope, list[int]]]:
    """Each scope with the parameters of its SQL (the batch's parameter comes in the join)."""
    return {
        "round": (Scope(data.round), [data.round.pk]),
        "batch": (
            Scope(data.round, batch=data.second_batch),
            [data.second_batch.pk, data.round.pk],
        ),
        "group": (Scope(data.round, group=data.groups[1]), [data.round.pk, data.groups[1].pk]),
        "unit": (Scope(data.round, unit=data.units[4]), [data.round.pk, data.units[4].pk]),
    }


def sql(name: str, select: str, tail: str = "") -> str:
    join, where = SCOPES[name]
    return f"SELECT {select} {PROBLEMS.format(join=join, where=where)} {tail}"


def fetch(query: str, params: list[int]) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchall()


def money(value: object) -> Decimal:
    """A SUM as the database returns it (SQLite: a float) in yuan to the cent."""
    return Decimal(str(value or 0)).quantize(CENT)


def expected_totals(name: str, params: list[int]) -> dict[str, object]:
    [(fed_back, closed, units)] = fetch(
        sql(
            name,
            "COUNT(*), SUM(CASE WHEN p.status = 'closed' THEN 1 ELSE 0 END), "
            "COUNT(DISTINCT a.unit_id)",
        ),
        params,
    )
    [(basically_done,)] = fetch(
        sql(
            name,
            "COUNT(*)",
            f"AND p.status <> 'closed' AND {BASICALLY_DONE}",
        ),
        params,
    )
    unit_rows = fetch(
        sql(
            name,
            "u.name, COUNT(*), SUM(CASE WHEN p.status = 'closed' THEN 1 ELSE 0 END), "
            f"SUM(CASE WHEN p.status <> 'closed' AND {BASICALLY_DONE} THEN 1 ELSE 0 END)",
            "GROUP BY u.name, a.position ORDER BY a.position",
        ).replace("WHERE", "JOIN rounds_unit u ON u.id = a.unit_id WHERE"),
        params,
    )
    money_rows = fetch(
        sql(
            name,
            "o.subject, SUM(o.amount), COUNT(*)",
            "AND o.kind = 'money' GROUP BY o.subject",
        ).replace(
            "WHERE",
            "JOIN findings_measure m ON m.problem_id = p.id "
            "JOIN findings_outcome o ON o.measure_id = m.id WHERE",
        ),
        params,
    )
    by_category: dict[str, list] = defaultdict(lambda: [Decimal(0), 0])
    for subject, amount, count in money_rows:
        by_category[MONEY_SUBJECTS[subject]][0] += money(amount)
        by_category[MONEY_SUBJECTS[subject]][1] += count
    people_join = (
        "JOIN findings_measure m ON m.problem_id = p.id "
        "JOIN findings_accountability ac ON ac.measure_id = m.id "
        "LEFT JOIN findings_accountability whole ON whole.id = ac.part_of_id WHERE"
    )
    people_rows = fetch(
        sql(
            name,
            "ac.kind, whole.kind, SUM(ac.people), "
            "SUM(CASE WHEN ac.people IS NULL THEN 1 ELSE 0 END)",
            "GROUP BY ac.kind, whole.kind",
        ).replace("WHERE", people_join),
        params,
    )
    # Held to account: the rows that are no part of another, less the talks beside them.
    [(held,)] = fetch(
        sql(
            name,
            "SUM(ac.people)",
            "AND ac.part_of_id IS NULL AND ac.kind NOT IN ('约谈', '提醒谈话')",
        ).replace("WHERE", people_join),
        params,
    )
    regulation_join = (
        "JOIN findings_measure m ON m.problem_id = p.id "
        "JOIN findings_regulation r ON r.measure_id = m.id WHERE"
    )
    [(regulations,)] = fetch(sql(name, "SUM(r.count)").replace("WHERE", regulation_join), params)
    titles = fetch(
        sql(name, "DISTINCT r.title", "AND r.title <> ''").replace("WHERE", regulation_join),
        params,
    )
    return {
        "fed_back": fed_back,
        "closed": closed or 0,
        "basically_done": basically_done,
        "not_done": fed_back - (closed or 0) - basically_done,
        "units": units,
        "money": {category: (total, count) for category, (total, count) in by_category.items()},
        "people": {
            (kind, whole): (people or 0, unnumbered)
            for kind, whole, people, unnumbered in people_rows
        },
        "held": held or 0,
        "regulations": regulations or 0,
        "titles": {title for (title,) in titles},
        "by_unit": [(u, n, c, b, n - c - b) for u, n, c, b in unit_rows],
    }


def actual_totals(totals: NoticeTotals) -> dict[str, object]:
    return {
        "fed_back": totals.fed_back,
        "closed": totals.closed,
        "basically_done": totals.basically_done,
        "not_done": totals.not_done,
        "units": totals.units,
        "money": {m.category: (m.amount.quantize(CENT), m.outcomes) for m in totals.money},
        "people": {
            (a.kind, "、".join(a.within) or None): (a.people, a.unnumbered)
            for a in totals.accountability
        },
        "held": totals.people_held_to_account,
        "regulations": totals.regulations,
        "titles": set(totals.regulation_titles),
        "by_unit": [
            (u.name, u.fed_back, u.closed, u.basically_done, u.not_done) for u in totals.by_unit
        ],
    }


@pytest.mark.parametrize("name", ["round", "batch", "group", "unit"])
def test_the_notice_totals_equal_raw_sql_counts(dataset, name, django_assert_max_num_queries):
    scope, params = scopes(dataset)[name]
    # counts per unit, the units' names, 基本到位 verdicts, money, people, rules
    with django_assert_max_num_queries(6):
        totals = notice_totals(scope_problems(Problem.objects.all(), scope))
    expected = expected_totals(name, params)
    assert actual_totals(totals) == expected
    assert totals.fed_back > 0 and totals.basically_done > 0 and totals.not_done > 0


def test_the_dataset_is_large_and_varied(dataset):
    totals = notice_totals(scope_problems(Problem.objects.all(), Scope(dataset.round)))
    assert totals.fed_back == dataset.problem_count >= 1000
    assert {m.category for m in totals.money} == set(MONEY_SUBJECTS.values())
    assert all(a.people > 0 for a in totals.accountability)
    assert any(a.unnumbered for a in totals.accountability)
    # parts (其中…) and talks beside the total are there, and are not counted in it
    assert any(a.within for a in totals.accountability)
    assert totals.beside_accountability
    every_count = sum(a.people for a in totals.accountability)
    assert 0 < totals.people_held_to_account < every_count
    assert totals.regulations > len(totals.regulation_titles) > 0


def test_the_round_does_not_count_the_other_rounds_problems(dataset):
    round_total = notice_totals(scope_problems(Problem.objects.all(), Scope(dataset.round)))
    other = notice_totals(scope_problems(Problem.objects.all(), Scope(dataset.other_round)))
    assert Problem.objects.count() == round_total.fed_back + other.fed_back
    assert other.fed_back == 15 and other.units == 3


def test_a_later_verdict_overrides_an_earlier_one(dataset):
    # Units 4 and 5 were visited in both batches: their problems' second verdict decides.
    [(both, disagree)] = fetch(
        """
        SELECT COUNT(*), SUM(CASE WHEN v1.kind <> v2.kind THEN 1 ELSE 0 END)
        FROM followups_verdict v1
        JOIN followups_visit a1 ON a1.id = v1.visit_id
        JOIN followups_verdict v2 ON v2.problem_id = v1.problem_id
        JOIN followups_visit a2 ON a2.id = v2.visit_id
        WHERE a1.batch_id = %s AND a2.batch_id = %s
        """,
        [dataset.first_batch.pk, dataset.second_batch.pk],
    )
    assert both > 20 and disagree > 10
