"""Writes to rounds, groups, units and assignments, each with its audit row."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from xuncha.clocks.services import clocks_changed
from xuncha.core.audit import audit_record, snapshot
from xuncha.core.models import Role
from xuncha.core.permissions import Actor, has_role
from xuncha.core.services import role_grant
from xuncha.rounds.models import Assignment, Group, GroupMembership, GroupRole, Round, Unit
from xuncha.rounds.selectors import top_units

if TYPE_CHECKING:
    from django.contrib.auth.models import User


@transaction.atomic
def round_get_or_create(*, actor: Actor, name: str, **fields: Any) -> tuple[Round, bool]:
    """Return the round called ``name``, creating it with ``fields`` when absent."""
    existing = Round.objects.filter(name=name).first()
    if existing is not None:
        return existing, False
    try:
        # Two imports may create the same new round at once: on PostgreSQL the second insert
        # waits for the first transaction and then fails on the unique name; it uses that round.
        with transaction.atomic():
            round_ = Round.objects.create(name=name, **fields)
    except IntegrityError:
        return Round.objects.get(name=name), False
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
def unit_get_or_create(
    *, actor: Actor, name: str, parent: Unit | None = None, committee: str = ""
) -> tuple[Unit, bool]:
    """Return the unit called ``name`` among its siblings, creating it when absent.

    Siblings are the units under ``parent``, or, at the top of the tree, the units of one
    committee (:func:`top_units`): two cities' 交通运输局 are two units.
    """
    if parent is not None:
        existing = Unit.objects.filter(parent=parent, name=name).first()
        committee = parent.committee
    else:
        existing = top_units(committee).filter(name=name).first()
    if existing is not None:
        return existing, False
    unit = Unit.objects.create(name=name, parent=parent, committee=committee)
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
    office_only(actor)
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if group is not None and group.round_id != assignment.round_id:
        raise ValueError(_("“%(group)s”不是本轮的巡察组。") % {"group": group.name})
    round_start = assignment.round.start_date
    if feedback_date is not None and round_start is not None and feedback_date < round_start:
        raise ValueError(
            _("%(unit)s的反馈日期早于本轮开始日期（%(start)s）。")
            % {"unit": assignment.unit.name, "start": round_start.isoformat()}
        )
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


# Setting a round up (the office, in the web app): its groups and their members, which group
# inspects which unit and when feedback was given, and each unit's liaisons.


def office_only(actor: Actor) -> None:
    """Setting up a round is the office's (``None`` is the system: imports, the demo)."""
    if actor is not None and not has_role(actor, Role.OFFICE):
        raise PermissionError(_("只有巡察办可以设置轮次。"))


GROUP_FIELDS = ["name", "sequence", "leader_name"]


def _group_name_free(round_: Round, name: str, exclude: int | None = None) -> str:
    name = name.strip()
    if not name:
        raise ValueError(_("请填写巡察组名称。"))
    others = Group.objects.filter(round=round_, name=name)
    taken = (others.exclude(pk=exclude) if exclude is not None else others).exists()
    if taken:
        raise ValueError(_("本轮已有名为“%(name)s”的巡察组。") % {"name": name})
    return name


@transaction.atomic
def group_create(
    *, actor: Actor, round_: Round, name: str, sequence: int | None = None, leader_name: str = ""
) -> Group:
    """Add an inspection group to a round."""
    office_only(actor)
    name = _group_name_free(round_, name)
    group = Group.objects.create(
        round=round_, name=name, sequence=sequence, leader_name=leader_name.strip()
    )
    audit_record(
        actor=actor, action="group.create", instance=group, before=None, after=snapshot(group)
    )
    return group


@transaction.atomic
def group_update(
    *, actor: Actor, group: Group, name: str, sequence: int | None, leader_name: str
) -> Group:
    """Rename a group, or set its number or its leader's name."""
    office_only(actor)
    group = Group.objects.select_for_update().get(pk=group.pk)
    before = snapshot(group, GROUP_FIELDS)
    group.name = _group_name_free(group.round, name, exclude=group.pk)
    group.sequence = sequence
    group.leader_name = leader_name.strip()
    group.save(update_fields=GROUP_FIELDS)
    after = snapshot(group, GROUP_FIELDS)
    if before != after:
        audit_record(actor=actor, action="group.update", instance=group, before=before, after=after)
    return group


@transaction.atomic
def group_delete(*, actor: Actor, group: Group) -> None:
    """Remove a group that inspects no unit and revisits none; its seats go with it."""
    office_only(actor)
    group = Group.objects.select_for_update().get(pk=group.pk)
    if group.assignments.exists():
        raise ValueError(
            _("“%(name)s”仍负责本轮的单位，请先把这些单位改由其他巡察组负责。")
            % {"name": group.name}
        )
    for membership in GroupMembership.objects.filter(group=group):
        audit_record(
            actor=actor,
            action="membership.delete",
            instance=membership,
            before=snapshot(membership),
            after=None,
        )
    audit_record(
        actor=actor, action="group.delete", instance=group, before=snapshot(group), after=None
    )
    try:
        with transaction.atomic():
            group.delete()
    except ProtectedError as error:
        raise ValueError(_("“%(name)s”已有回访记录，不能删除。") % {"name": group.name}) from error


@transaction.atomic
def member_add(*, actor: Actor, group: Group, user: User, role: str) -> GroupMembership:
    """Seat a person in a group (组长, 副组长, 组员); they are given the group role."""
    office_only(actor)
    if role not in GroupRole.values:
        raise ValueError(_("未知的职务。"))
    if GroupMembership.objects.filter(group=group, user=user).exists():
        raise ValueError(
            _("%(user)s已是%(group)s的成员。") % {"user": person_label(user), "group": group.name}
        )
    membership = GroupMembership.objects.create(group=group, user=user, role=role)
    audit_record(
        actor=actor,
        action="membership.create",
        instance=membership,
        before=None,
        after=snapshot(membership),
        scope=f"group:{group.pk}",
    )
    role_grant(actor=actor, user=user, role=Role.GROUP)
    return membership


@transaction.atomic
def member_remove(*, actor: Actor, membership: GroupMembership) -> None:
    """Take a person's seat in a group away (their role stays: they may sit in another)."""
    office_only(actor)
    audit_record(
        actor=actor,
        action="membership.delete",
        instance=membership,
        before=snapshot(membership),
        after=None,
        scope=f"group:{membership.group_id}",
    )
    membership.delete()


@transaction.atomic
def round_unit_add(*, actor: Actor, round_: Round, name: str, parent: Unit | None) -> Assignment:
    """Put a unit (found among its siblings, or created) into a round as an inspected unit."""
    office_only(actor)
    name = name.strip()
    if not name:
        raise ValueError(_("请填写单位名称。"))
    unit, _created = unit_get_or_create(
        actor=actor, name=name, parent=parent, committee=round_.committee
    )
    assignment, created = assignment_get_or_create(actor=actor, round_=round_, unit=unit)
    if not created:
        raise ValueError(_("%(unit)s已是本轮的巡察对象。") % {"unit": unit.name})
    return assignment


@dataclass(frozen=True)
class AssignmentRow:
    """One row of a round's table of units as the office saves it."""

    assignment_id: int
    group_id: int | None
    feedback_date: dt.date | None


@transaction.atomic
def round_assignments_update(
    *, actor: Actor, round_: Round, rows: list[AssignmentRow]
) -> list[Assignment]:
    """Save which group inspects each unit and its feedback date, the whole table at once.

    A unit outside the round, or a group of another round, refuses the whole save; the clocks
    of every unit whose feedback date changed start (or move) in the same transaction.
    """
    office_only(actor)
    wanted = {row.assignment_id for row in rows}
    assignments = {
        a.pk: a
        for a in Assignment.objects.filter(round=round_, pk__in=wanted).select_related("unit")
    }
    outside = wanted - set(assignments)
    if outside:
        raise ValueError(_("所选单位不是本轮的巡察对象。"))
    groups = {g.pk: g for g in Group.objects.filter(round=round_)}
    changed: list[Assignment] = []
    for row in rows:
        if row.group_id is not None and row.group_id not in groups:
            raise ValueError(
                _("%(unit)s：所选巡察组不属于本轮。")
                % {"unit": assignments[row.assignment_id].unit.name}
            )
        assignment = assignments[row.assignment_id]
        group = groups.get(row.group_id) if row.group_id is not None else None
        if assignment.group_id == row.group_id and assignment.feedback_date == row.feedback_date:
            continue
        changed.append(
            assignment_update(
                actor=actor, assignment=assignment, group=group, feedback_date=row.feedback_date
            )
        )
    return changed


@transaction.atomic
def liaison_add(*, actor: Actor, unit: Unit, user: User) -> None:
    """Make a person a liaison (联络员) of a unit; they are given the liaison role."""
    office_only(actor)
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    before = sorted(unit.liaisons.values_list("id", flat=True))
    if user.pk in before:
        raise ValueError(
            _("%(user)s已是%(unit)s的联络员。") % {"user": person_label(user), "unit": unit.name}
        )
    unit.liaisons.add(user)
    audit_record(
        actor=actor,
        action="unit.liaisons",
        instance=unit,
        before={"liaisons": before},
        after={"liaisons": sorted([*before, user.pk])},
    )
    role_grant(actor=actor, user=user, role=Role.UNIT)


@transaction.atomic
def liaison_remove(*, actor: Actor, unit: Unit, user: User) -> None:
    """A person is no longer a unit's liaison."""
    office_only(actor)
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    before = sorted(unit.liaisons.values_list("id", flat=True))
    if user.pk not in before:
        return
    unit.liaisons.remove(user)
    audit_record(
        actor=actor,
        action="unit.liaisons",
        instance=unit,
        before={"liaisons": before},
        after={"liaisons": [pk for pk in before if pk != user.pk]},
    )


def person_label(user: User) -> str:
    """A person as pages name them: their name, else their username."""
    profile = getattr(user, "profile", None)
    return (profile.display_name if profile is not None else "") or user.get_username()
