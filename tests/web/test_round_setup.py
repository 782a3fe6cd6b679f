"""A round's set-up page: what the office sets, and what it refuses (issue 9)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.urls import reverse

from tests.factories import make_problem, make_round, make_unit
from tests.web.conftest import client_for
from xuncha.core.models import AuditEntry, Role, RoleGrant
from xuncha.rounds.models import Assignment, Group, GroupMembership, Unit
from xuncha.rounds.services import group_get_or_create, unit_get_or_create


def save(client, round_, data):
    response = client.post(reverse("web:round_setup_save", args=[round_.pk]), data, follow=True)
    assert response.redirect_chain[0][1] == 302
    return [(m.level_tag, str(m)) for m in response.context["messages"]]


@pytest.fixture
def office(cast):
    return client_for(cast.office)


def test_the_page_lists_what_is_left_to_set(office, cast):
    round_ = cast.assignment.round
    Assignment.objects.filter(pk=cast.other_assignment.pk).update(feedback_date=None)
    page = office.get(reverse("web:round_setup", args=[round_.pk])).content.decode()
    assert "1家单位尚未填写反馈日期" in page
    assert "市委第一巡察组" in page and "市测试局" in page


def test_a_feedback_date_starts_the_units_clocks(office, cast, deadline_rules):
    Assignment.objects.filter(pk=cast.assignment.pk).update(feedback_date=None, group=None)
    problem = make_problem(cast.assignment)
    problem.refresh_from_db()
    group = Group.objects.get(round=cast.assignment.round, name="市委第二巡察组")
    said = save(
        office,
        cast.assignment.round,
        {
            "action": "assignments",
            f"group-{cast.assignment.pk}": group.pk,
            f"feedback-{cast.assignment.pk}": "2025-06-02",
        },
    )
    assert said == [("success", "已保存1家单位的巡察组和反馈日期。")]
    cast.assignment.refresh_from_db()
    assert (cast.assignment.group, cast.assignment.feedback_date) == (group, dt.date(2025, 6, 2))
    problem.refresh_from_db()
    assert problem.nearest_due is not None
    assert AuditEntry.objects.filter(action="assignment.update").exists()


def test_a_group_of_another_round_is_refused(office, cast):
    elsewhere, _ = group_get_or_create(
        actor=None, round_=make_round("另一轮"), name="市委第一巡察组"
    )
    before = AuditEntry.objects.count()
    said = save(
        office,
        cast.assignment.round,
        {
            "action": "assignments",
            f"group-{cast.assignment.pk}": elsewhere.pk,
            f"feedback-{cast.assignment.pk}": "2025-06-02",
        },
    )
    assert said == [("error", "市测试局：所选巡察组不属于本轮。")]
    assert AuditEntry.objects.count() == before
    cast.assignment.refresh_from_db()
    assert cast.assignment.group.round_id == cast.assignment.round_id
    said = save(
        office,
        cast.assignment.round,
        {"action": "member_add", "group": elsewhere.pk, "username": "member"},
    )
    assert said == [("error", "所选巡察组不属于本轮。")]


def test_a_unit_outside_the_round_is_refused(office, cast):
    outside = Assignment.objects.create(round=make_round("另一轮"), unit=make_unit("市外单位"))
    before = AuditEntry.objects.count()
    for data in (
        {"action": "assignments", f"feedback-{outside.pk}": "2025-06-02"},
        {"action": "liaison_add", "unit": outside.unit_id, "username": "liaison"},
    ):
        [(level, _message)] = save(office, cast.assignment.round, data)
        assert level == "error"
    assert AuditEntry.objects.count() == before
    outside.refresh_from_db()
    assert outside.feedback_date is None and not outside.unit.liaisons.exists()


def test_a_member_is_seated_with_a_new_account_and_given_the_group_role(office, cast):
    round_ = cast.assignment.round
    group = Group.objects.get(round=round_, name="市委第二巡察组")
    data = {"action": "member_add", "group": group.pk, "username": "wangwu", "role": "deputy"}
    said = save(office, round_, data)
    assert said == [("error", "账号“wangwu”不存在；如需新开账号，请同时填写姓名和初始密码。")]
    said = save(office, round_, data | {"display_name": "王五", "password": "short"})
    assert said[0][0] == "error" and "密码" in said[0][1]
    assert not get_user_model().objects.filter(username="wangwu").exists()
    said = save(office, round_, data | {"display_name": "王五", "password": "Xuncha-2026-ok"})
    assert said == [("success", "王五已加入市委第二巡察组。")]
    user = get_user_model().objects.get(username="wangwu")
    assert user.check_password("Xuncha-2026-ok")
    assert GroupMembership.objects.get(group=group, user=user).role == "deputy"
    assert RoleGrant.objects.filter(user=user, role=Role.GROUP).exists()
    created = AuditEntry.objects.get(action="user.create", object_id=str(user.pk))
    assert created.after["password"] == "set" and "pbkdf2" not in created.canonical


def test_a_group_still_inspecting_a_unit_is_not_deleted(office, cast):
    group = cast.assignment.group
    said = save(office, cast.assignment.round, {"action": "group_delete", "group": group.pk})
    assert said == [
        ("error", "“市委第一巡察组”仍负责本轮的单位，请先把这些单位改由其他巡察组负责。")
    ]
    assert Group.objects.filter(pk=group.pk).exists()


def test_a_liaison_is_named_and_removed(office, cast):
    round_, unit = cast.assignment.round, cast.assignment.unit
    said = save(office, round_, {"action": "liaison_add", "unit": unit.pk, "username": "outsider"})
    assert said == [("success", "outsider已成为市测试局的联络员。")]
    assert RoleGrant.objects.filter(user=cast.outsider, role=Role.UNIT).exists()
    said = save(
        office,
        round_,
        {"action": "liaison_remove", "unit": unit.pk, "user": cast.outsider.pk},
    )
    assert said == [("success", "outsider不再是市测试局的联络员。")]
    assert not unit.liaisons.filter(pk=cast.outsider.pk).exists()
    rows = AuditEntry.objects.filter(action="unit.liaisons", object_id=str(unit.pk))
    assert rows.count() == 2


@pytest.mark.django_db
def test_unit_names_are_unique_among_siblings_only():
    city_a, _ = unit_get_or_create(actor=None, name="甲市人民政府", committee="甲市委")
    city_b, _ = unit_get_or_create(actor=None, name="乙市人民政府", committee="乙市委")
    a, created_a = unit_get_or_create(actor=None, name="交通运输局", parent=city_a)
    b, created_b = unit_get_or_create(actor=None, name="交通运输局", parent=city_b)
    assert created_a and created_b and a.pk != b.pk
    again, created = unit_get_or_create(actor=None, name="交通运输局", parent=city_a)
    assert (again, created) == (a, False)
    top_a, _ = unit_get_or_create(actor=None, name="市审计局", committee="甲市委")
    top_b, _ = unit_get_or_create(actor=None, name="市审计局", committee="乙市委")
    assert top_a.pk != top_b.pk
    with pytest.raises(IntegrityError), transaction.atomic():
        Unit.objects.create(name="交通运输局", parent=city_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        Unit.objects.create(name="市审计局", committee="甲市委")
