"""Reads of follow-ups: what a user may see, the plan table, progress and the gap list.

A liaison sees only the visits to their units (and the follow-ups that have one); the office,
supervisors and inspection groups see all. Counts are aggregate queries, never loops over rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils.translation import gettext as _

from xuncha.core.permissions import Viewer
from xuncha.findings.models import Problem
from xuncha.followups.models import (
    Batch,
    FollowUp,
    SurveyTemplate,
    Verdict,
    VerdictKind,
    Visit,
    VisitEvidence,
    VisitStatus,
)
from xuncha.followups.scales import normalise_answer
from xuncha.rounds.access import unit_ids_for_user

# The verdicts that say the work is not done, whatever the unit declared.
NOT_DONE_KINDS = (VerdictKind.NOT_DONE, VerdictKind.REBOUND)


def followups_for_user(user: Viewer) -> QuerySet[FollowUp]:
    """Follow-ups the user may see: all of them, or for a liaison those visiting their units."""
    followups = FollowUp.objects.select_related("round", "rubric", "survey")
    scope = unit_ids_for_user(user)
    if scope is not None:
        followups = followups.filter(
            pk__in=Visit.objects.filter(assignment__unit_id__in=scope).values("batch__followup_id")
        )
    return followups


def get_followup_for_user(user: Viewer, pk: int) -> FollowUp:
    """The follow-up, or 404 when the user may not see it."""
    try:
        return followups_for_user(user).get(pk=pk)
    except FollowUp.DoesNotExist:
        raise Http404 from None


def visits_for_user(user: Viewer) -> QuerySet[Visit]:
    """Visits the user may see, with their batch, follow-up, unit and group."""
    visits = Visit.objects.select_related(
        "batch__followup__round", "assignment__unit", "assignment__round", "group"
    )
    scope = unit_ids_for_user(user)
    if scope is not None:
        visits = visits.filter(assignment__unit_id__in=scope)
    return visits


def get_visit_for_user(user: Viewer, pk: int) -> Visit:
    """The visit, or 404 when the user may not see it (a liaison: another unit's visit)."""
    try:
        return visits_for_user(user).get(pk=pk)
    except Visit.DoesNotExist:
        raise Http404 from None


def get_visit_evidence_for_user(user: Viewer, pk: int) -> VisitEvidence:
    """A visit's file, or 404 when the user may not see the visit (another unit's, say)."""
    try:
        return VisitEvidence.objects.select_related("visit").get(
            pk=pk, visit__in=visits_for_user(user)
        )
    except VisitEvidence.DoesNotExist:
        raise Http404 from None


def with_latest_verdict(problems: QuerySet[Problem]) -> QuerySet[Problem]:
    """Problems annotated with their latest verdict on any visit (None when never ruled).

    ``verdict_kind``, ``verdict_reason``, ``verdict_new_deadline``, ``verdict_group`` (the
    visiting group's name) and ``verdict_at``: a liaison's queue says why a problem came back.
    """
    latest = Verdict.objects.filter(problem_id=OuterRef("pk")).order_by("-ruled_at", "-id")
    return problems.annotate(
        verdict_kind=Subquery(latest.values("kind")[:1]),
        verdict_reason=Subquery(latest.values("reason")[:1]),
        verdict_new_deadline=Subquery(latest.values("new_deadline")[:1]),
        verdict_group=Subquery(latest.values("visit__group__name")[:1]),
        verdict_at=Subquery(latest.values("ruled_at")[:1]),
    )


@dataclass(frozen=True)
class QuestionTally:
    """How often each label of the scale was given to one question of a survey."""

    question: str
    counts: tuple[int, ...]
    blank: int


def survey_tally(visit: Visit, template: SurveyTemplate) -> list[QuestionTally]:
    """Per question of ``template``, the count of each label (in scale order) and of blanks."""
    labels = [str(label).strip() for label, _score in template.scale]
    counts = [[0] * len(labels) for _question in template.questions]
    blanks = [0] * len(template.questions)
    for answers in visit.survey_responses.values_list("answers", flat=True):
        for number, answer in enumerate(answers[: len(template.questions)]):
            text = normalise_answer(answer)
            if text in labels:
                counts[number][labels.index(text)] += 1
            else:
                blanks[number] += 1
    return [
        QuestionTally(question=str(question), counts=tuple(row), blank=blank)
        for question, row, blank in zip(template.questions, counts, blanks, strict=True)
    ]


def visit_problems(visit: Visit) -> QuerySet[Problem]:
    """The problems of the visited unit, each with the kind of its verdict at this visit.

    ``verdict_kind`` is None while a problem is still to be ruled. The caller has reached
    ``visit`` through :func:`get_visit_for_user`.
    """
    kind = Verdict.objects.filter(visit=visit, problem=OuterRef("pk")).values("kind")[:1]
    return (
        Problem.objects.filter(assignment_id=visit.assignment_id)
        .annotate(verdict_kind=Subquery(kind))
        .order_by("ordinal")
    )


def verdicts_for_visit(visit: Visit) -> QuerySet[Verdict]:
    """The verdicts made at a visit with their problems and evidence, in problem order."""
    return (
        Verdict.objects.filter(visit=visit)
        .select_related("problem", "ruled_by__profile")
        .prefetch_related("evidence")
        .order_by("problem__ordinal")
    )


@dataclass(frozen=True)
class PlanRow:
    """One line of a follow-up's plan table: a visit to a unit, and how far it has come."""

    visit_id: int
    batch_name: str
    batch_sequence: int
    unit_id: int
    unit_name: str
    group_id: int
    group_name: str
    planned_on: dt.date | None
    visited_on: dt.date | None
    status: str
    status_label: str
    problems: int
    verdicts: dict[str, int]

    @property
    def ruled(self) -> int:
        return sum(self.verdicts.values())

    @property
    def to_rule(self) -> int:
        return max(self.problems - self.ruled, 0)


def plan_table(followup: FollowUp, *, user: Viewer | None = None) -> list[PlanRow]:
    """The plan as the office sees it: batch, unit, group, dates, status, verdict counts.

    With ``user``, only the visits that user may see.
    """
    visits = visits_for_user(user) if user is not None else Visit.objects.all()
    problems = (
        Problem.objects.filter(assignment_id=OuterRef("assignment_id"))
        .order_by()
        .values("assignment_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    rows = (
        visits.filter(batch__followup=followup)
        .annotate(
            problem_count=Coalesce(Subquery(problems, output_field=IntegerField()), 0),
            **{
                f"ruled_{kind}": Count("verdicts", filter=Q(verdicts__kind=kind))
                for kind in VerdictKind.values
            },
        )
        .values(
            "pk",
            "batch__name",
            "batch__sequence",
            "assignment__unit_id",
            "assignment__unit__name",
            "group_id",
            "group__name",
            "planned_on",
            "visited_on",
            "status",
            "problem_count",
            *(f"ruled_{kind}" for kind in VerdictKind.values),
        )
        .order_by("batch__sequence", "planned_on", "assignment__position", "pk")
    )
    labels = dict(VisitStatus.choices)
    return [
        PlanRow(
            visit_id=row["pk"],
            batch_name=row["batch__name"],
            batch_sequence=row["batch__sequence"],
            unit_id=row["assignment__unit_id"],
            unit_name=row["assignment__unit__name"],
            group_id=row["group_id"],
            group_name=row["group__name"],
            planned_on=row["planned_on"],
            visited_on=row["visited_on"],
            status=row["status"],
            status_label=str(labels.get(row["status"], row["status"])),
            problems=row["problem_count"],
            verdicts={kind: row[f"ruled_{kind}"] for kind in VerdictKind.values},
        )
        for row in rows
    ]


@dataclass
class BatchProgress:
    """How far one batch (or, as the total, the whole follow-up) has come."""

    name: str
    sequence: int = 0
    batch_id: int | None = None
    visits_planned: int = 0
    visits_done: int = 0
    problems: int = 0
    problems_ruled: int = 0

    @property
    def problems_to_rule(self) -> int:
        return max(self.problems - self.problems_ruled, 0)


@dataclass
class Progress:
    """A follow-up's progress per batch, and in total."""

    batches: list[BatchProgress] = field(default_factory=list)
    total: BatchProgress = field(default_factory=lambda: BatchProgress(name=_("合计")))


def progress(followup: FollowUp) -> Progress:
    """Visits done of those planned, problems ruled of those to rule, per batch and in total."""
    visits = Visit.objects.filter(batch__followup=followup).order_by()
    visit_counts = {
        row["batch_id"]: (row["planned"], row["done"])
        for row in visits.values("batch_id").annotate(
            planned=Count("pk"), done=Count("pk", filter=Q(status=VisitStatus.DONE))
        )
    }
    problem_counts = dict(
        visits.values("batch_id")
        .annotate(n=Count("assignment__problems"))
        .values_list("batch_id", "n")
    )
    ruled_counts = dict(
        Verdict.objects.filter(visit__batch__followup=followup)
        .order_by()
        .values("visit__batch_id")
        .annotate(n=Count("pk"))
        .values_list("visit__batch_id", "n")
    )
    result = Progress()
    for batch in Batch.objects.filter(followup=followup).order_by("sequence"):
        planned, done = visit_counts.get(batch.pk, (0, 0))
        line = BatchProgress(
            name=batch.name,
            sequence=batch.sequence,
            batch_id=batch.pk,
            visits_planned=planned,
            visits_done=done,
            problems=problem_counts.get(batch.pk, 0),
            problems_ruled=ruled_counts.get(batch.pk, 0),
        )
        result.batches.append(line)
        for name in ("visits_planned", "visits_done", "problems", "problems_ruled"):
            setattr(result.total, name, getattr(result.total, name) + getattr(line, name))
    return result


@dataclass(frozen=True)
class GapRow:
    """The self-report beside the verdict, for one unit or one group.

    ``declared_done`` counts the problems the unit held done (closing asked or granted, or every
    measure done) when the group ruled; ``declared_done_ruled_not_done`` those of them the
    group found 未到位 or 问题反弹: rectification on paper only.
    """

    key: int
    name: str
    verdicts: int
    declared_done: int
    ruled_done: int
    ruled_mostly: int
    ruled_not_done: int
    ruled_rebound: int
    declared_done_ruled_mostly: int
    declared_done_ruled_not_done: int

    def as_dict(self) -> dict[str, Any]:
        return {item.name: getattr(self, item.name) for item in fields(self)}


GAP_KEYS = {
    "unit": ("visit__assignment__unit_id", "visit__assignment__unit__name"),
    "group": ("visit__group_id", "visit__group__name"),
}


def gap_list(target: FollowUp | Batch, *, by: str = "unit") -> list[GapRow]:
    """What units declared done next to what the groups ruled, per unit or per group."""
    if by not in GAP_KEYS:
        raise ValueError(f"by must be one of {sorted(GAP_KEYS)}")
    key, name = GAP_KEYS[by]
    lookup = "visit__batch__followup" if isinstance(target, FollowUp) else "visit__batch"
    declared = Q(declared_done=True)
    rows = (
        Verdict.objects.filter(**{lookup: target})
        .order_by()
        .values(key, name)
        .annotate(
            n_verdicts=Count("pk"),
            n_declared_done=Count("pk", filter=declared),
            n_done=Count("pk", filter=Q(kind=VerdictKind.DONE)),
            n_mostly=Count("pk", filter=Q(kind=VerdictKind.MOSTLY)),
            n_not_done=Count("pk", filter=Q(kind=VerdictKind.NOT_DONE)),
            n_rebound=Count("pk", filter=Q(kind=VerdictKind.REBOUND)),
            n_declared_mostly=Count("pk", filter=declared & Q(kind=VerdictKind.MOSTLY)),
            n_declared_not_done=Count("pk", filter=declared & Q(kind__in=NOT_DONE_KINDS)),
        )
        .order_by(name, key)
    )
    return [
        GapRow(
            key=row[key],
            name=row[name],
            verdicts=row["n_verdicts"],
            declared_done=row["n_declared_done"],
            ruled_done=row["n_done"],
            ruled_mostly=row["n_mostly"],
            ruled_not_done=row["n_not_done"],
            ruled_rebound=row["n_rebound"],
            declared_done_ruled_mostly=row["n_declared_mostly"],
            declared_done_ruled_not_done=row["n_declared_not_done"],
        )
        for row in rows
    ]


def gap_total(rows: list[GapRow]) -> GapRow:
    """The sum of a gap list's rows (key 0, named 合计)."""
    counts = {
        item.name: sum(getattr(row, item.name) for row in rows)
        for item in fields(GapRow)
        if item.name not in {"key", "name"}
    }
    return GapRow(key=0, name=_("合计"), **counts)


__all__ = [
    "BatchProgress",
    "GapRow",
    "PlanRow",
    "Progress",
    "QuestionTally",
    "followups_for_user",
    "gap_list",
    "gap_total",
    "get_followup_for_user",
    "get_visit_evidence_for_user",
    "get_visit_for_user",
    "plan_table",
    "progress",
    "survey_tally",
    "verdicts_for_visit",
    "visit_problems",
    "visits_for_user",
    "with_latest_verdict",
]
