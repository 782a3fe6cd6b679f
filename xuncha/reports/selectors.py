"""Reads for publications: the problems of a scope, a notice's totals, who may read what.

Every read starts from :func:`xuncha.findings.selectors.problems_for_user`, so a figure never
counts a problem its reader may not see: a liaison's notice for a round covers their units
only. The totals (:mod:`xuncha.reports.totals`) are aggregates computed by the database, a
handful of queries whatever the size of the scope.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from xuncha.core.models import Function, Role
from xuncha.core.permissions import Viewer, has_role, roles_of
from xuncha.findings.models import Problem, ProblemStatus
from xuncha.findings.selectors import problems_for_user
from xuncha.findings.themes import common_themes
from xuncha.followups.models import Batch, FollowUp, Verdict, VerdictKind, Visit
from xuncha.reports.models import Publication, PublicationStatus
from xuncha.reports.totals import notice_totals
from xuncha.rounds.access import unit_ids_for_user
from xuncha.rounds.models import Group, Round, Unit
from xuncha.text.notice import NoticeTotals, render_notice


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
    "notice_compose",
    "notice_title",
    "notice_totals",
    "problems_in_scope",
    "publications_for_user",
    "round_label",
    "scope_problems",
    "visible_problems",
]
