"""Audit rows and clock syncs gathered in a batch are the rows written one by one."""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools

import pytest
from django.db import transaction

from tests.factories import make_assignment, make_office_user
from xuncha.clocks.models import Clock
from xuncha.clocks.services import clocks_batch
from xuncha.core.audit import audit_batch, audit_record, audit_verify
from xuncha.core.models import AuditChainHead, AuditEntry
from xuncha.findings.services import MeasureInput, problem_create
from xuncha.rounds.models import Unit

pytestmark = pytest.mark.django_db

COMPARED = ["actor_id", "actor_name", "action", "object_type", "object_id", "scope", "before"]


def record_units(actor, units, *, batched: bool) -> None:
    with transaction.atomic(), audit_batch() if batched else contextlib.nullcontext():
        for unit in units:
            audit_record(
                actor=actor,
                action="unit.note",
                instance=unit,
                before=None,
                after={"name": unit.name},
            )


def test_a_batch_appends_the_same_rows_in_one_go_and_the_chain_verifies():
    actor = make_office_user()
    units = Unit.objects.bulk_create(Unit(name=f"单位{n}") for n in range(30))
    head = AuditChainHead.objects.get().count
    record_units(actor, units, batched=False)
    record_units(actor, units, batched=True)
    rows = list(
        AuditEntry.objects.filter(action="unit.note").order_by("id").values(*COMPARED, "after")
    )
    assert len(rows) == 60 and rows[:30] == rows[30:]
    assert AuditChainHead.objects.get().count == head + 60
    assert audit_verify() is None


def test_rows_keep_their_own_times_and_link_in_order():
    actor = make_office_user()
    units = Unit.objects.bulk_create(Unit(name=f"单位{n}") for n in range(5))
    record_units(actor, units, batched=True)
    rows = list(AuditEntry.objects.filter(action="unit.note").order_by("id"))
    assert [row.previous_hash for row in rows[1:]] == [row.hash for row in rows[:-1]]
    assert all(a.at <= b.at for a, b in itertools.pairwise(rows))


def test_a_failed_batch_appends_nothing():
    actor = make_office_user()
    unit = Unit.objects.create(name="单位")
    with pytest.raises(ValueError), transaction.atomic(), audit_batch():
        audit_record(actor=actor, action="unit.note", instance=unit, before=None, after={})
        raise ValueError("refused")
    assert not AuditEntry.objects.filter(action="unit.note").exists()
    assert audit_verify() is None


def problem_with_deadlines(actor, assignment, number: int) -> None:
    problem_create(
        actor=actor,
        assignment=assignment,
        title=f"问题{number}",
        deadline=dt.date(2027, 3, number + 1),
        measures=[MeasureInput(text="建立台账。", deadline=dt.date(2027, 2, number + 1))],
    )


def clocks_of(assignment) -> list[tuple]:
    return sorted(
        (c.subject_type, c.rule_id, c.start, c.due, c.state)
        for c in Clock.objects.filter(holder_id__in=assignment.problems.values("pk"))
    )


def test_clocks_synced_at_the_end_of_a_batch_are_the_clocks_synced_each_time():
    actor = make_office_user()
    plain, batched = make_assignment(), make_assignment()
    for number in range(3):
        problem_with_deadlines(actor, plain, number)
    with transaction.atomic(), clocks_batch(actor=actor):
        for number in range(3):
            problem_with_deadlines(actor, batched, number)
        assert clocks_of(batched) == []  # nothing synced until the batch ends
    assert clocks_of(batched) == clocks_of(plain) != []
    nearest = [
        list(a.problems.order_by("ordinal").values_list("nearest_due", flat=True))
        for a in (plain, batched)
    ]
    assert nearest[0] == nearest[1] and all(nearest[0])
