"""Writes to rounds, groups, units and assignments, each with its audit row."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from xuncha.clocks.services import clocks_changed
from xuncha.core.audit import audit_record, snapshot
from xuncha.core.models import Role
from xuncha.core.permissions import Actor, has_role
from xuncha.rounds.models import Assignment, Group, Round, Unit


@transaction.atomic
def round_get_or_create(*, actor: Actor, name: str, **fields: Any) -> tuple[Round, bool]:
    """Return the round called ``name``, creating it with ``fields`` when absent."""
    existing = Round.objects.filter(name=name).first()
    if existing is not None:
        return existing, False
    round_ = Round.objects.create(name=name, **fields)
    audit_record(
        actor=actor, action="round.create", instance=round_, before=None, after=snapshot(round_)
    )
    return round_, True


ROUND_SETTINGS = ["evidence_per_measure"]


@transaction.atomic
def round_settings_update(*, actor: Actor, round_: Round, evidence_per_measure: bool) -> Round:
    """Set how the office runs a round's closing: whether each finished measure needs its own
    evidence file before its problem may ask for closing. The office only."""
    if actor is not None and not has_role(actor, Role.OFFICE):
        raise PermissionError(_("只有巡察办可以修改轮次设置。"))
    locked = Round.objects.select_for_update().get(pk=round_.pk)
    before = snapshot(locked, ROUND_SETTINGS)
    locked.evidence_per_measure = evidence_per_measure
    locked.save(update_fields=ROUND_SETTINGS)
    after = snapshot(locked, ROUND_SETTINGS)
    if before != after:
        audit_record(
            actor=actor, action="round.settings", instance=locked, before=before, after=after
        )
    return locked


@transaction.atomic
def group_get_or_create(
    *, actor: Actor, round_: Round, name: str, sequence: int | None = None, leader_name: str = ""
) -> tuple[Group, bool]:
    """Return the round's group called ``name``, creating it when absent."""
    existing = Group.objects.filter(round=round_, name=name).first()
    if existing is not None:
        return existing, False
    group = Group.objects.create(
        round=round_, name=name, sequence=sequence, leader_name=leader_name
    )
    audit_record(
        actor=actor, action="group.create", instance=group, before=None, after=snapshot(group)
    )
    return group, True


@transaction.atomic
def unit_get_or_create(*, actor: Actor, name: str, parent: Unit | None = None) -> tuple[Unit, bool]:
    """Return the unit called ``name``, creating it when absent."""
    existing = Unit.objects.filter(name=name).first()
    if existing is not None:
        return existing, False
    unit = Unit.objects.create(name=name, parent=parent)
    audit_record(
        actor=actor, action="unit.create", instance=unit, before=None, after=snapshot(unit)
    )
    return unit, True


@transaction.atomic
def assignment_get_or_create(
    *,
    actor: Actor,
    round_: Round,
    unit: Unit,
    group: Group | None = None,
    feedback_date: dt.date | None = None,
) -> tuple[Assignment, bool]:
    """Return the unit's assignment in the round, creating it (last in order) when absent."""
    existing = Assignment.objects.filter(round=round_, unit=unit).first()
    if existing is not None:
        return existing, False
    position = round_.assignments.count() + 1
    assignment = Assignment.objects.create(
        round=round_, unit=unit, group=group, feedback_date=feedback_date, position=position
    )
    audit_record(
        actor=actor,
        action="assignment.create",
        instance=assignment,
        before=None,
        after=snapshot(assignment),
    )
    if feedback_date is not None:
        clocks_changed(actor=actor, source="assignment", ids=[assignment.pk])
    return assignment, True


ASSIGNMENT_FIELDS = ["group", "feedback_date"]


@transaction.atomic
def assignment_update(
    *, actor: Actor, assignment: Assignment, group: Group | None, feedback_date: dt.date | None
) -> Assignment:
    """Set which group inspects the unit and when feedback was given; the clocks follow."""
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if group is not None and group.round_id != assignment.round_id:
        raise ValueError("巡察组不属于该轮次。")
    before = snapshot(assignment, ASSIGNMENT_FIELDS)
    assignment.group = group
    assignment.feedback_date = feedback_date
    assignment.save(update_fields=["group", "feedback_date"])
    after = snapshot(assignment, ASSIGNMENT_FIELDS)
    if before != after:
        audit_record(
            actor=actor,
            action="assignment.update",
            instance=assignment,
            before=before,
            after=after,
        )
        # The unit's clocks count from its feedback date.
        clocks_changed(actor=actor, source="assignment", ids=[assignment.pk])
    return assignment
