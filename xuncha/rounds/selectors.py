"""Reads of rounds, units and assignments, through the user's scope."""

from __future__ import annotations

from django.db.models import Case, QuerySet, When
from django.http import Http404

from xuncha.core.permissions import Viewer
from xuncha.rounds.access import unit_ids_for_user
from xuncha.rounds.models import Assignment, Group, Round, Unit


def rounds_for_user(user: Viewer) -> QuerySet[Round]:
    """Rounds in which the user may see at least one unit (all of them for the office)."""
    scope = unit_ids_for_user(user)
    rounds = Round.objects.all()
    if scope is not None:
        rounds = rounds.filter(assignments__unit_id__in=scope).distinct()
    return rounds


def get_round_for_user(user: Viewer, pk: int) -> Round:
    try:
        return rounds_for_user(user).get(pk=pk)
    except Round.DoesNotExist:
        raise Http404 from None


def assignments_for_user(user: Viewer) -> QuerySet[Assignment]:
    """Units-in-rounds the user may see, with their round, unit and group."""
    scope = unit_ids_for_user(user)
    assignments = Assignment.objects.select_related("round", "unit", "group")
    if scope is not None:
        assignments = assignments.filter(unit_id__in=scope)
    return assignments


def get_assignment_for_user(user: Viewer, pk: int) -> Assignment:
    try:
        return assignments_for_user(user).get(pk=pk)
    except Assignment.DoesNotExist:
        raise Http404 from None


def units_for_user(user: Viewer) -> QuerySet[Unit]:
    scope = unit_ids_for_user(user)
    units = Unit.objects.all()
    if scope is not None:
        units = units.filter(id__in=scope)
    return units


def groups_for_user(user: Viewer) -> QuerySet[Group]:
    """Groups of the rounds the user may see."""
    return Group.objects.filter(round__in=rounds_for_user(user)).select_related("round")


def top_units(committee: str) -> QuerySet[Unit]:
    """The units at the top of the tree that a committee's round names: its own, then those
    no committee claims (set up by hand), its own first."""
    committees = {committee, ""}
    return Unit.objects.filter(parent__isnull=True, committee__in=committees).order_by(
        Case(When(committee=committee, then=0), default=1), "id"
    )
