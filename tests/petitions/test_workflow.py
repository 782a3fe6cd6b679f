"""A petition's stages through the workflow: who may move it, what each move records, and the
rule that a 检举控告 never reaches the unit it accuses (《信访工作条例》第30条)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from tests.factories import make_unit, make_user, status_changes
from xuncha.core.models import Role
from xuncha.core.workflow import TransitionRefused
from xuncha.petitions.models import (
    Channel,
    Petition,
    Petitioner,
    PetitionKind,
    PetitionStatus,
    Rating,
    UnitHandler,
)
from xuncha.petitions.selectors import petitioner_for_user, petitions_for_user
from xuncha.petitions.services import (
    CODE_ALPHABET,
    PetitionError,
    petition_accept,
    petition_answer,
    petition_assign,
    petition_close,
    petition_deliver,
    petition_object,
    petition_rate,
    petition_register,
    petition_submit_online,
)

pytestmark = pytest.mark.django_db

DAY = dt.date(2025, 9, 1)
PERSON = {"name": "张某某", "phone": "13800000000", "address": "某区某街道1号"}


@pytest.fixture
def cast():  # type: ignore[no-untyped-def]
    staff = make_user("staff", Role.PETITION_STAFF)
    accused, other = make_unit("被检举单位"), make_unit("承办单位")
    accused_handler = make_user("accused-handler", Role.PETITION_HANDLER)
    other_handler = make_user("other-handler", Role.PETITION_HANDLER)
    UnitHandler.objects.create(unit=accused, user=accused_handler)
    UnitHandler.objects.create(unit=other, user=other_handler)
    return staff, accused, other, accused_handler, other_handler


def accusation(staff, accused):  # type: ignore[no-untyped-def]
    return petition_register(
        actor=staff,
        channel=Channel.LETTER,
        kind=PetitionKind.ACCUSATION,
        summary="反映某单位违规发放津补贴",
        content="来信反映该单位2024年违规发放津补贴。",
        received_on=DAY,
        petitioner=PERSON,
        accused_unit=accused,
        accused_person="李某",
    )


def test_registering_keeps_the_petitioner_apart_and_gives_an_unguessable_code(cast):
    staff, accused, *_ = cast
    petition = accusation(staff, accused)
    assert petition.status == PetitionStatus.REGISTERED
    assert len(petition.code) == 12 and set(petition.code) <= set(CODE_ALPHABET)
    details = Petitioner.objects.get(petition=petition)
    assert (details.name, details.anonymous) == ("张某某", False)
    assert "张某某" not in str(Petition.objects.values().get(pk=petition.pk))
    anonymous = petition_register(
        actor=staff,
        channel=Channel.PHONE,
        kind=PetitionKind.SUGGESTION,
        summary="建议增设公交线路",
        content="电话建议。",
        received_on=DAY,
        petitioner=None,
    )
    assert anonymous.petitioner.anonymous and anonymous.code != petition.code


def test_an_accusation_cannot_be_assigned_to_the_unit_it_accuses(cast):
    staff, accused, other, accused_handler, _other_handler = cast
    petition = accusation(staff, accused)
    with pytest.raises(TransitionRefused, match="第30条"):
        petition_assign(actor=staff, petition=petition, unit=accused, on=DAY)
    petition.refresh_from_db()
    assert petition.status == PetitionStatus.REGISTERED and petition.unit_id is None
    # Nor by writing the table directly: the database refuses it too.
    with pytest.raises(IntegrityError), transaction.atomic():
        Petition.objects.filter(pk=petition.pk).update(unit=accused)
    # The accused unit's handler sees neither the petition nor who wrote it.
    petition_assign(actor=staff, petition=petition, unit=other, on=DAY)
    assert not petitions_for_user(accused_handler).filter(pk=petition.pk).exists()
    assert petitioner_for_user(accused_handler, petition) is None


def test_the_assigned_units_handler_answers_delivers_and_sees_the_petitioner(cast):
    staff, accused, other, _accused_handler, other_handler = cast
    petition = accusation(staff, accused)
    petition = petition_accept(actor=staff, petition=petition, on=DAY + dt.timedelta(days=3))
    petition = petition_assign(actor=staff, petition=petition, unit=other, on=DAY)
    assert list(petitions_for_user(other_handler)) == [petition]
    details = petitioner_for_user(other_handler, petition)
    assert details is not None and details.phone == PERSON["phone"]
    with pytest.raises(PetitionError):
        petition_answer(actor=other_handler, petition=petition, on=DAY, text=" ")
    petition = petition_answer(
        actor=other_handler, petition=petition, on=DAY + dt.timedelta(days=20), text="经核查……"
    )
    petition = petition_deliver(
        actor=other_handler, petition=petition, on=DAY + dt.timedelta(days=22)
    )
    petition = petition_rate(
        actor=other_handler,
        petition=petition,
        rating=Rating.SATISFIED,
        on=DAY + dt.timedelta(days=25),
    )
    with pytest.raises(TransitionRefused):
        petition_close(actor=other_handler, petition=petition, on=DAY + dt.timedelta(days=26))
    petition = petition_close(actor=staff, petition=petition, on=DAY + dt.timedelta(days=26))
    assert [change.move for change in status_changes(petition)] == [
        "accept",
        "assign",
        "answer",
        "deliver",
        "rate",
        "close",
    ]
    assert petition.delivered_on == dt.date(2025, 9, 23) and petition.rating == "satisfied"


def test_a_handler_objects_and_the_petition_returns_to_the_staff(cast):
    staff, accused, other, _accused_handler, other_handler = cast
    petition = petition_assign(actor=staff, petition=accusation(staff, accused), unit=other, on=DAY)
    with pytest.raises(TransitionRefused):
        petition_object(actor=other_handler, petition=petition, reason="")
    petition = petition_object(actor=other_handler, petition=petition, reason="不属本单位职权")
    assert petition.status == PetitionStatus.REGISTERED and petition.unit_id is None
    assert not petitions_for_user(other_handler).exists()


def test_only_staff_move_a_petition_and_nobody_else_sees_one(cast):
    staff, accused, _other, _accused_handler, other_handler = cast
    petition = accusation(staff, accused)
    stranger = make_user("office", Role.OFFICE)
    for actor in (stranger, other_handler):
        with pytest.raises(TransitionRefused):
            petition_accept(actor=actor, petition=petition, on=DAY)
    assert not petitions_for_user(stranger).exists()
    assert petitioner_for_user(stranger, petition) is None


def test_the_public_form_registers_with_todays_date_and_only_online_channels(cast):
    petition = petition_submit_online(
        channel=Channel.WEB,
        kind=PetitionKind.APPEAL,
        summary="反映补偿款未发放",
        content="……",
        petitioner={"name": "王某", "phone": "139"},
    )
    assert petition.registered_by is None and petition.status == PetitionStatus.REGISTERED
    with pytest.raises(PetitionError) as refused:
        petition_submit_online(
            channel=Channel.VISIT,
            kind=PetitionKind.APPEAL,
            summary="x",
            content="y",
            petitioner=None,
        )
    assert refused.value.field == "channel"


def test_dates_cannot_run_backwards_or_into_the_future(cast):
    staff, accused, *_ = cast
    petition = accusation(staff, accused)
    with pytest.raises(PetitionError) as early:
        petition_accept(actor=staff, petition=petition, on=DAY - dt.timedelta(days=1))
    assert early.value.field == "on"
    with pytest.raises(PetitionError):
        petition_accept(actor=staff, petition=petition, on=dt.date.today() + dt.timedelta(days=2))
    petition.refresh_from_db()
    assert petition.status == PetitionStatus.REGISTERED and petition.decided_on is None


def test_the_handling_is_extended_once_with_the_heads_approval_and_the_petitioner_told(cast):
    from xuncha.petitions.models import AppealRoute, ExtensionApproval
    from xuncha.petitions.services import HANDLING_RULE, petition_clock, petition_extend

    staff, *_ = cast
    petition = petition_register(
        actor=staff,
        channel=Channel.VISIT,
        kind=PetitionKind.APPEAL,
        appeal_route=AppealRoute.OPINION,
        summary="反映征收补偿款未足额发放",
        content="……",
        received_on=DAY,
        petitioner=PERSON,
    )
    petition = petition_accept(actor=staff, petition=petition, on=dt.date(2025, 9, 5))
    # 第34条: 60 days from acceptance on 5 Sep 2025 is 4 Nov 2025 (25 + 31 + 4).
    assert petition_clock(petition, HANDLING_RULE).due == dt.date(2025, 11, 4)
    with pytest.raises(PetitionError) as unnamed:
        petition_extend(
            actor=staff,
            petition=petition,
            days=30,
            approved_by=" ",
            reason="情况复杂",
            petitioner_told_on=dt.date(2025, 10, 30),
        )
    assert unnamed.value.field == "approved_by"
    approval = petition_extend(
        actor=staff,
        petition=petition,
        days=30,
        approved_by="局长 赵某",
        reason="情况复杂，需进一步调查核实",
        petitioner_told_on=dt.date(2025, 10, 30),
    )
    # Extended by 30 days: 4 Dec 2025.
    assert petition_clock(petition, HANDLING_RULE).due == dt.date(2025, 12, 4)
    assert ExtensionApproval.objects.get() == approval and approval.approved_by == "局长 赵某"


def test_the_ledgers_deadline_filter_offers_the_problems_kinds_not_petitions():
    from xuncha.clocks.registry import problem_subject_choices, subject_choices

    assert "petition" in dict(subject_choices())  # a rule's form offers it
    kinds = dict(problem_subject_choices())
    assert "petition" not in kinds and {"measure", "problem"} <= set(kinds)
