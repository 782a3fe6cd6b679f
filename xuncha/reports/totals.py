"""A notice's totals (反馈, 完成, 基本完成, money, people held to account, rules) over a set of
problems, counted by the database in a constant handful of queries.

The dashboard draws its charts from these same totals (:mod:`xuncha.reports.dashboard`), so a
chart and the notice of the same scope always agree; it hands its own counts per assignment in
(:func:`counts_per_assignment` with what else it counts) so that the problems are read once.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db.models import (
    Aggregate,
    Case,
    CharField,
    Count,
    F,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.fields.related import ForeignObjectRel, OneToOneRel

from xuncha.findings.models import (
    Accountability,
    Outcome,
    OutcomeKind,
    Problem,
    ProblemStatus,
    Regulation,
)
from xuncha.findings.selectors import problem_count
from xuncha.followups.models import Verdict, VerdictKind
from xuncha.rounds.models import Assignment
from xuncha.text.notice import (
    ESTIMATE_QUALIFIERS,
    LOWER_BOUND_QUALIFIERS,
    MONEY_OTHER,
    AccountabilityTotal,
    MoneyTotal,
    NoticeTotals,
    UnitTotal,
)

# Up to how many assignments the units' names are read by id, past which all are read.
NAMED_BY_ID = 1_000


def money_category() -> Case:
    """The category of a money outcome in SQL: the one read from its clause when the outcome
    was stored (``Outcome.money_category``), 其他 when none was."""
    return Case(
        When(money_category="", then=Value(MONEY_OTHER)),
        default=F("money_category"),
        output_field=CharField(),
    )


def counts_per_assignment(
    problems: QuerySet[Problem], **extra: Aggregate
) -> dict[int, dict[str, int]]:
    """Per assignment (a unit in a round): its problems in all, 已销号 and 持续整改 (what the
    notice counts of each unit) and each ``extra`` aggregate, in one aggregate over the
    problems' own columns: no join to the unit, so a walk of the (assignment, …) index that
    covers them, and each problem counted once whatever the scope's joins."""
    keys = ("total", "closed", "continuing", *extra)
    rows = (
        _each_problem_once(problems)
        .values("assignment_id")
        .annotate(
            total=problem_count(),
            closed=problem_count(Q(status=ProblemStatus.CLOSED)),
            continuing=problem_count(Q(status=ProblemStatus.CONTINUING)),
            **extra,
        )
        .values_list("assignment_id", *keys)
    )
    return {row[0]: dict(zip(keys, row[1:], strict=True)) for row in rows}


def notice_totals(
    problems: QuerySet[Problem], *, per_assignment: Mapping[int, Mapping[str, int]] | None = None
) -> NoticeTotals:
    """The totals of a notice over ``problems`` (already narrowed to what the reader may see);
    ``per_assignment``, when given, is :func:`counts_per_assignment` of the same problems.

    Fed back: every problem. Closed: 已销号. Basically done: see :func:`basically_done_q`.
    Not done: the rest. Money: the sum of ``amount`` of money outcomes by category. People:
    the sum of ``Accountability.people`` by kind and by the count a row is a part of (其中…),
    and the facts without a number; :class:`NoticeTotals` adds up only the rows that stand on
    their own. Rules: the sum of ``Regulation.count`` and the distinct named titles in the
    order first recorded.

    Six queries whatever the scope's size, none of them per problem: the counts per unit from
    the problems' own rows (none when ``per_assignment`` is given) and the units' names apart
    (joining each of 100,000 problems to its unit costs more than the counting); the 基本到位
    verdicts apart (one grouped query over the verdicts alone, which are few, instead of a
    latest-verdict lookup for every problem); money, people and rules each one aggregate over
    its own table, tied to the scope's problems by a semi-join on their ids, or by nothing at
    all when they are every problem (never ``problem_id IN (every id)``, which SQLite answers
    by building an index of 100,000 ids each time and PostgreSQL by hashing them).
    """
    by_unit = _unit_totals(
        problems, counts_per_assignment(problems) if per_assignment is None else per_assignment
    )
    money = (
        _of_problems(Outcome.objects.filter(kind=OutcomeKind.MONEY), problems, "problem")
        .annotate(category=money_category())
        .values("category")
        .annotate(
            total=Sum("amount"),
            outcomes=Count("id"),
            lower_bounds=Count("id", filter=Q(qualifier__in=LOWER_BOUND_QUALIFIERS)),
            estimates=Count("id", filter=Q(qualifier__in=ESTIMATE_QUALIFIERS)),
        )
        .order_by("category")
    )
    # By kind and by the count a part belongs to (其中…): the notice adds up only what stands
    # on its own, so nobody is counted twice.
    accountability = (
        _of_problems(Accountability.objects.all(), problems, "problem")
        .values("kind", "kinds", "part_of__kind", "part_of__kinds")
        .annotate(
            people_total=Sum("people"),
            unnumbered=Count("id", filter=Q(people__isnull=True)),
            first=Min("id"),
        )
        .order_by("first")
    )
    # The total, the titles and the split by action in one pass: per title (the untitled in
    # one row) and action, its count and where it was first recorded.
    regulations = list(
        _of_problems(Regulation.objects.all(), problems, "problem")
        .values("title", "action")
        .annotate(total=Sum("count"), first=Min("id"))
        .order_by("first")
        .values_list("title", "action", "total")
    )
    by_action: dict[str, int] = {}
    for _title, action, total in regulations:
        by_action[action] = by_action.get(action, 0) + (total or 0)
    # The scope's counts are the sums of its units' (a few hundred rows at most).
    return NoticeTotals(
        units=len(by_unit),
        fed_back=sum(unit.fed_back for unit in by_unit),
        closed=sum(unit.closed for unit in by_unit),
        basically_done=sum(unit.basically_done for unit in by_unit),
        not_done=sum(unit.not_done for unit in by_unit),
        money=tuple(
            MoneyTotal(
                category=row["category"],
                amount=row["total"] or Decimal(0),
                outcomes=row["outcomes"],
                lower_bounds=row["lower_bounds"],
                estimates=row["estimates"],
            )
            for row in money
        ),
        accountability=tuple(
            AccountabilityTotal(
                kind=row["kind"],
                people=row["people_total"] or 0,
                unnumbered=row["unnumbered"],
                kinds=tuple(row["kinds"] or (row["kind"],)),
                within=_part_of(row["part_of__kind"], row["part_of__kinds"]),
            )
            for row in accountability
        ),
        regulations=sum(by_action.values()),
        regulation_titles=tuple(dict.fromkeys(title for title, _a, _t in regulations if title)),
        regulations_by_action=tuple(by_action.items()),
        by_unit=tuple(by_unit),
    )


def _unit_totals(
    problems: QuerySet[Problem], per_assignment: Mapping[int, Mapping[str, int]]
) -> list[UnitTotal]:
    """Fed back, closed, basically done and not done per unit-in-round, in the round's order.

    基本完成 is 持续整改 (a plain count) plus the problems neither closed nor 持续整改 whose
    latest verdict is 基本到位: those are found from the verdicts of that kind that are their
    problem's latest, so the latest verdict is looked up per 基本到位 verdict, not per problem.
    """
    # The names of the scope's assignments, or of every one when the scope is that wide (an
    # id list of thousands would cost more than reading the few thousand rows).
    assignments = Assignment.objects.order_by("position", "pk")
    if not _every_problem(problems) and len(per_assignment) <= NAMED_BY_ID:
        assignments = assignments.filter(pk__in=list(per_assignment))
    named = assignments.values_list("pk", "unit__name")
    latest = Verdict.objects.filter(problem_id=OuterRef("problem_id")).order_by("-ruled_at", "-id")
    mostly = dict(
        _of_problems(
            Verdict.objects.filter(kind=VerdictKind.MOSTLY).exclude(
                problem__status__in=(ProblemStatus.CLOSED, ProblemStatus.CONTINUING)
            ),
            problems,
            "problem",
        )
        .filter(pk=Subquery(latest.values("pk")[:1]))
        .order_by()
        .values("problem__assignment_id")
        .annotate(problems=Count("problem_id"))
        .values_list("problem__assignment_id", "problems")
    )
    totals = []
    for pk, name in named:
        row = per_assignment.get(pk)
        if row is None:  # an assignment without problems in the scope
            continue
        basically_done = row["continuing"] + mostly.get(pk, 0)
        totals.append(
            UnitTotal(
                name=name,
                fed_back=row["total"],
                closed=row["closed"],
                basically_done=basically_done,
                not_done=row["total"] - row["closed"] - basically_done,
            )
        )
    return totals


def _every_problem(problems: QuerySet[Problem]) -> bool:
    """Whether ``problems`` is the whole table, unfiltered (the office over every round)."""
    query = problems.query
    return not query.where and not query.is_sliced and not query.combinator


def _each_problem_once(problems: QuerySet[Problem]) -> QuerySet[Problem]:
    """``problems`` to count rows of: itself when its joins cannot repeat a problem (the
    scopes' filters follow foreign keys only), else the problems whose id is among them."""
    query = problems.query
    repeats = query.is_sliced or query.combinator or query.distinct
    for join in query.alias_map.values():
        field = getattr(join, "join_field", None)
        if isinstance(field, ForeignObjectRel) and not isinstance(field, OneToOneRel):
            repeats = True
    if not repeats:
        return problems.order_by()
    return Problem.objects.filter(pk__in=problems.order_by().values("pk"))


def _of_problems(rows: QuerySet[Any], problems: QuerySet[Problem], path: str) -> QuerySet[Any]:
    """``rows`` (of a table below the problem, reached by ``path``) of the ``problems`` only.

    Every problem needs no test: problems are never deleted, so every row belongs to one. A
    narrower scope is a semi-join on its ids, which both databases drive from the scope's
    problems through the indexes on ``problem_id`` (a round of 10,000 problems, a liaison's few
    hundred): measured at 100,000 problems, faster than a correlated EXISTS, which reads every
    row of the table below and asks for each whether its problem is in the scope.
    """
    if _every_problem(problems):
        return rows
    return rows.filter(**{f"{path}_id__in": problems.order_by().values("pk")})


def _part_of(kind: str | None, kinds: list[str] | None) -> tuple[str, ...]:
    """The kinds of the count a row is a part of; () when the row stands on its own."""
    if kind is None:
        return ()
    return tuple(kinds or (kind,))
