"""Reads for publications: the problems of a scope, a notice's totals, who may read what.

Every read starts from :func:`xuncha.findings.selectors.problems_for_user`, so a figure never
counts a problem its reader may not see: a liaison's notice for a round covers their units
only. The totals are aggregates computed by the database, a handful of queries whatever the
size of the scope.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import (
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
from django.http import Http404
from django.utils import timezone

from xuncha.core.models import Function, Role
from xuncha.core.permissions import Viewer, has_role, roles_of
from xuncha.findings.models import (
    Accountability,
    Outcome,
    OutcomeKind,
    Problem,
    ProblemStatus,
    Regulation,
)
from xuncha.findings.selectors import problems_for_user
from xuncha.findings.themes import common_themes
from xuncha.followups.models import Batch, FollowUp, Verdict, VerdictKind, Visit
from xuncha.reports.models import Publication, PublicationStatus
from xuncha.rounds.access import unit_ids_for_user
from xuncha.rounds.models import Group, Round, Unit
from xuncha.text.notice import (
    ESTIMATE_QUALIFIERS,
    LOWER_BOUND_QUALIFIERS,
    MONEY_OTHER,
    AccountabilityTotal,
    MoneyTotal,
    NoticeTotals,
    UnitTotal,
    render_notice,
)


class ScopeMismatch(ValueError):
    """A batch, group or unit that does not belong to the round of the scope."""


@dataclass(frozen=True)
class Scope:
    """What a publication covers: a round, narrowed by a batch, a group and a unit when set.

    A batch covers the units visited in it, a group the units assigned to it in the round.
    """

    round: Round
    batch: Batch | None = None
    group: Group | None = None
    unit: Unit | None = None

    def __post_init__(self) -> None:
        if self.batch is not None and self.batch.followup.round_id != self.round.pk:
            raise ScopeMismatch(f"batch {self.batch} is not of round {self.round}")
        if self.group is not None and self.group.round_id != self.round.pk:
            raise ScopeMismatch(f"group {self.group} is not of round {self.round}")

    @classmethod
    def of(cls, publication: Publication) -> Scope:
        return cls(publication.round, publication.batch, publication.group, publication.unit)

    @property
    def label(self) -> str:
        """How a notice names the scope: "十三届市委第八轮巡察回访督查首批市委第一巡察组"."""
        parts = [round_label(self.round)]
        if self.batch is not None:
            parts = [followup_label(self.batch.followup), self.batch.name]
        if self.group is not None:
            parts.append(self.group.name)
        if self.unit is not None:
            parts.append(self.unit.name)
        return "".join(parts)


def followup_label(followup: FollowUp) -> str:
    """A follow-up named with its round, without saying 巡察 twice: a follow-up named
    "巡察整改回访督查" of round "第八轮" reads "第八轮巡察整改回访督查"."""
    name = followup.name.strip()
    label = round_label(followup.round)
    if name.startswith(label) or name.startswith(followup.round.name):
        return name
    if label.endswith("巡察") and name.startswith("巡察"):
        return label + name.removeprefix("巡察")
    return label + name


def round_label(round_: Round) -> str:
    """The round's name as the subject of a sentence: "第八轮" → "第八轮巡察"."""
    name = round_.name.strip()
    return name if name.endswith(("巡察", "巡视", "回头看")) else f"{name}巡察"


def visible_problems(user: Viewer | None) -> QuerySet[Problem]:
    """The problems ``user`` may see; ``None`` is the system itself (commands), which sees all."""
    return Problem.objects.all() if user is None else problems_for_user(user)


def scope_problems(problems: QuerySet[Problem], scope: Scope) -> QuerySet[Problem]:
    """``problems`` narrowed to the scope's round, batch, group and unit."""
    problems = problems.filter(assignment__round=scope.round)
    if scope.batch is not None:
        visited = Visit.objects.filter(batch=scope.batch).values("assignment_id")
        problems = problems.filter(assignment_id__in=visited)
    if scope.group is not None:
        problems = problems.filter(assignment__group=scope.group)
    if scope.unit is not None:
        problems = problems.filter(assignment__unit=scope.unit)
    return problems


def problems_in_scope(user: Viewer | None, scope: Scope) -> QuerySet[Problem]:
    """The problems of ``scope`` that ``user`` may see."""
    return scope_problems(visible_problems(user), scope)


def latest_verdict_kind() -> Subquery:
    """A problem's latest verdict (the last one ruled), for annotating a problem queryset."""
    latest = Verdict.objects.filter(problem_id=OuterRef("pk")).order_by("-ruled_at", "-id")
    return Subquery(latest.values("kind")[:1])


def basically_done_q() -> Q:
    """基本完成: open (not 已销号) and either 持续整改 or last ruled 基本到位 on a follow-up.

    Needs the ``latest_verdict`` annotation. A 基本到位 verdict moves the problem to 持续整改
    through the workflow; the verdict also counts when the problem has moved on since (asked
    for closing again, say) without being closed. A closed problem is counted closed, whatever
    its last verdict. Everything else that is open is 未完成.
    """
    return ~Q(status=ProblemStatus.CLOSED) & (
        Q(status=ProblemStatus.CONTINUING) | Q(latest_verdict=VerdictKind.MOSTLY)
    )


def money_category() -> Case:
    """The category of a money outcome in SQL: the one read from its clause when the outcome
    was stored (``Outcome.money_category``), 其他 when none was."""
    return Case(
        When(money_category="", then=Value(MONEY_OTHER)),
        default=F("money_category"),
        output_field=CharField(),
    )


def notice_totals(problems: QuerySet[Problem]) -> NoticeTotals:
    """The totals of a notice over ``problems`` (already narrowed to what the reader may see).

    Fed back: every problem. Closed: 已销号. Basically done: see :func:`basically_done_q`.
    Not done: the rest. Money: the sum of ``amount`` of money outcomes by category. People:
    the sum of ``Accountability.people`` by kind and by the count a row is a part of (其中…),
    and the facts without a number; :class:`NoticeTotals` adds up only the rows that stand on
    their own. Rules: the sum of ``Regulation.count`` and the distinct named titles in the
    order first recorded.

    Five queries whatever the scope's size, none of them per problem: the counts per unit
    from the problems' own rows; the 基本到位 verdicts apart (one grouped query over the
    verdicts alone, which are few, instead of a latest-verdict lookup for every problem);
    money, people and rules each one aggregate over its own table, tied to the scope's problems
    by a semi-join on their ids, or by nothing at all when they are every problem (never
    ``problem_id IN (every id)``, which SQLite answers by building an index of 100,000 ids
    each time and PostgreSQL by hashing them).
    """
    by_unit = _unit_totals(problems)
    money = (
        _of_problems(Outcome.objects.filter(kind=OutcomeKind.MONEY), problems, "measure__problem")
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
        _of_problems(Accountability.objects.all(), problems, "measure__problem")
        .values("kind", "kinds", "part_of__kind", "part_of__kinds")
        .annotate(
            people_total=Sum("people"),
            unnumbered=Count("id", filter=Q(people__isnull=True)),
            first=Min("id"),
        )
        .order_by("first")
    )
    # The total and the titles in one pass: per title (the untitled in one row), its count
    # and where it was first recorded.
    regulations = list(
        _of_problems(Regulation.objects.all(), problems, "measure__problem")
        .values("title")
        .annotate(total=Sum("count"), first=Min("id"))
        .order_by("first")
        .values_list("title", "total")
    )
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
        regulations=sum(total or 0 for _title, total in regulations),
        regulation_titles=tuple(title for title, _total in regulations if title),
        by_unit=tuple(by_unit),
    )


def _unit_totals(problems: QuerySet[Problem]) -> list[UnitTotal]:
    """Fed back, closed, basically done and not done per unit-in-round, in the round's order.

    基本完成 is 持续整改 (a plain count) plus the problems neither closed nor 持续整改 whose
    latest verdict is 基本到位: those are found from the verdicts of that kind that are their
    problem's latest, so the latest verdict is looked up per 基本到位 verdict, not per problem.
    """
    rows = _each_problem_once(problems)
    counts = list(
        rows.values("assignment_id", "assignment__unit__name", "assignment__position")
        .annotate(
            fed_back=Count("id"),
            closed=Count("id", filter=Q(status=ProblemStatus.CLOSED)),
            continuing=Count("id", filter=Q(status=ProblemStatus.CONTINUING)),
        )
        .order_by("assignment__position", "assignment_id")
    )
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
    for row in counts:
        basically_done = row["continuing"] + mostly.get(row["assignment_id"], 0)
        totals.append(
            UnitTotal(
                name=row["assignment__unit__name"],
                fed_back=row["fed_back"],
                closed=row["closed"],
                basically_done=basically_done,
                not_done=row["fed_back"] - row["closed"] - basically_done,
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


@dataclass(frozen=True)
class ComposedNotice:
    """A notice written from the data now: its title, text and the totals behind them."""

    title: str
    text: str
    totals: NoticeTotals
    as_of: dt.date
    # the common problems (共性问题) in the text: theme code, label and unit count of each
    common: tuple[dict[str, Any], ...] = ()


def notice_title(scope: Scope) -> str:
    return f"关于{scope.label}整改情况的通报"


def notice_compose(
    user: Viewer | None, scope: Scope, *, as_of: dt.date | None = None
) -> ComposedNotice:
    """The notice of ``scope`` as ``user`` may see it, written now; nothing is stored."""
    as_of = as_of or timezone.localdate()
    problems = problems_in_scope(user, scope)
    totals = notice_totals(problems)
    common = tuple(common_themes(problems))
    text = render_notice(
        totals,
        scope=scope.label,
        as_of=as_of,
        common=[(item["label"], item["units"]) for item in common],
    )
    return ComposedNotice(
        title=notice_title(scope), text=text, totals=totals, as_of=as_of, common=common
    )


def publications_for_user(user: Viewer) -> QuerySet[Publication]:
    """The office reads every publication, drafts included; others read what is published
    and covers no unit outside their scope (a round's notice is not a liaison's to read
    unless every unit of the round is theirs)."""
    publications = Publication.objects.select_related("round", "batch__followup", "group", "unit")
    if has_role(user, Role.OFFICE):
        return publications
    if not roles_of(user, Function.RECTIFICATION):
        return publications.none()
    publications = publications.filter(status=PublicationStatus.PUBLISHED)
    scope = unit_ids_for_user(user)
    if scope is None:
        return publications
    # Few publications exist (a handful per round); one small query each is cheap.
    readable = [
        publication.pk for publication in publications if _scope_units(publication) <= scope
    ]
    return publications.filter(pk__in=readable)


def _scope_units(publication: Publication) -> set[int]:
    """The units a publication's scope names, problems or not (a unit without problems still
    belongs to a round's notice)."""
    scope = Scope.of(publication)
    assignments = scope.round.assignments.all()
    if scope.batch is not None:
        assignments = assignments.filter(visits__batch=scope.batch)
    if scope.group is not None:
        assignments = assignments.filter(group=scope.group)
    if scope.unit is not None:
        assignments = assignments.filter(unit=scope.unit)
    return set(assignments.values_list("unit_id", flat=True))


def get_publication_for_user(user: Viewer, pk: int) -> Publication:
    """The publication, or 404 when ``user`` may not read it."""
    try:
        return publications_for_user(user).get(pk=pk)
    except Publication.DoesNotExist:
        raise Http404 from None


__all__ = [
    "ComposedNotice",
    "Scope",
    "ScopeMismatch",
    "basically_done_q",
    "get_publication_for_user",
    "latest_verdict_kind",
    "money_category",
    "notice_compose",
    "notice_title",
    "notice_totals",
    "problems_in_scope",
    "publications_for_user",
    "round_label",
    "scope_problems",
    "visible_problems",
]
