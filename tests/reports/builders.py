"""The seed as a follow-up: imported, planned in a first batch, visited and ruled, all through
the real services."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from tests.factories import make_user
from xuncha.core.models import Role
from xuncha.digests.services import digest_import
from xuncha.followups.models import Batch, FollowUp, VerdictKind
from xuncha.followups.services import batch_create, followup_create, visit_plan, visit_record
from xuncha.followups.verdicts import verdict_record
from xuncha.rounds.models import GroupMembership, Round

VISITED_ON = dt.date(2021, 3, 1)


@dataclass
class SeedFollowUp:
    """The seed's round with its first batch visited and every problem ruled."""

    office: Any
    member: Any
    round: Round
    followup: FollowUp
    batch: Batch


def seed_followup(seed_path: Any, *, kind: str = VerdictKind.DONE) -> SeedFollowUp:
    """Import the seed into 第八轮, plan 首批 with its nine units in the digest's order, record
    each visit and rule every problem ``kind``."""
    office = make_user("office", Role.OFFICE)
    member = make_user("member", Role.GROUP)
    digest_import(
        actor=office, data=seed_path.read_bytes(), file_name=seed_path.name, round_name="第八轮"
    )
    round_ = Round.objects.get(name="第八轮")
    groups = list(round_.groups.order_by("sequence"))
    for group in groups:
        # Seats in a group are set up in the admin; there is no service to go through.
        GroupMembership.objects.create(group=group, user=member)
    followup = followup_create(actor=office, round_=round_, name="整改落实情况回访督查")
    batch = batch_create(actor=office, followup=followup, sequence=1, name="首批")
    assignments = list(round_.assignments.select_related("unit").order_by("position", "id"))
    for index, assignment in enumerate(assignments):
        visit = visit_plan(
            actor=office,
            batch=batch,
            assignment=assignment,
            group=groups[index % len(groups)],
            planned_on=VISITED_ON,
        )
        visit = visit_record(
            actor=member,
            visit=visit,
            expected_version=visit.version,
            visited_on=VISITED_ON,
            heard="听取党组书记整改情况汇报",
            checked="查阅整改台账和会议记录",
        )
        for problem in assignment.problems.order_by("ordinal"):
            verdict_record(
                actor=member,
                visit=visit,
                problem=problem,
                kind=kind,
                reason="整改措施落实，台账与佐证材料相符",
                new_deadline=None if kind == VerdictKind.DONE else dt.date(2021, 6, 30),
            )
    return SeedFollowUp(office, member, round_, followup, batch)
