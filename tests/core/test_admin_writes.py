"""Every admin write path goes through a service with its audit row, or is refused."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group, Permission, User
from django.test import RequestFactory
from django.urls import reverse

from tests.factories import make_user
from tests.followups.conftest import plan  # noqa: F401  (the follow-up records to show)
from tests.rectification.conftest import problem_at
from xuncha.clocks.models import HolidayDate, HolidaySchedule
from xuncha.core.models import AuditEntry, Role, RoleGrant
from xuncha.findings.models import Problem
from xuncha.followups.models import Rubric

READ_ONLY = [
    "rounds.Round",
    "rounds.Group",
    "rounds.GroupMembership",
    "rounds.Unit",
    "rounds.Assignment",
    "followups.FollowUp",
    "followups.Visit",
    "followups.Verdict",
    "followups.Score",
    "reports.Publication",
    "digests.DigestImport",
    "clocks.Clock",
    "core.Profile",
    "core.RoleGrant",
    "core.StatusChange",
    "core.AuditEntry",
]

NEW_PASSWORD = "Qiang-Mima-2025!"


@pytest.fixture
def admin_user(cast) -> Any:
    return make_user("admin", Role.OFFICE, is_staff=True, is_superuser=True)


@pytest.fixture
def admin_client(client, admin_user) -> Any:
    client.force_login(admin_user)
    return client


def url(model: Any, view: str, *args: Any) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def audit_rows(action: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action).order_by("id"))


# Domain models: read-only ------------------------------------------------------------------


@pytest.mark.parametrize("label", READ_ONLY)
def test_a_domain_model_is_view_only_in_the_admin(admin_client, admin_user, label):
    model = apps.get_model(label)
    model_admin = admin.site._registry[model]
    request = RequestFactory().get("/")
    request.user = admin_user
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
    assert "delete_selected" not in model_admin.get_actions(request)
    for inline in model_admin.get_inline_instances(request):
        assert not inline.has_add_permission(request, None)
        assert not inline.has_change_permission(request)
        assert not inline.has_delete_permission(request)
    assert admin_client.get(url(model, "changelist")).status_code == 200
    assert admin_client.get(url(model, "add")).status_code == 403


def test_every_admin_page_of_a_stored_row_renders(admin_client, plan, problem):  # noqa: F811
    shown = 0
    for model in admin.site._registry:
        row = model._default_manager.order_by("pk").first()
        if row is None:
            continue
        assert admin_client.get(url(model, "change", row.pk)).status_code == 200, model
        shown += 1
    assert shown >= 15


def test_a_round_cannot_be_changed_deleted_or_deleted_in_bulk(admin_client, cast):
    round_ = cast.assignment.round
    page = admin_client.get(url(round_, "change", round_.pk))
    assert page.status_code == 200
    assert b'name="name"' not in page.content
    changed = admin_client.post(url(round_, "change", round_.pk), {"name": "改名"})
    assert changed.status_code == 403
    assert admin_client.post(url(round_, "delete", round_.pk), {"post": "yes"}).status_code == 403
    admin_client.post(
        url(round_, "changelist"),
        {"action": "delete_selected", "_selected_action": [round_.pk], "post": "yes"},
    )
    round_.refresh_from_db()
    assert round_.name != "改名"


def test_an_assignment_cannot_be_given_a_group_in_the_admin(admin_client, cast):
    assignment = cast.assignment
    other_group = cast.other_assignment.group
    response = admin_client.post(
        url(assignment, "change", assignment.pk), {"group": other_group.pk}
    )
    assert response.status_code == 403
    assignment.refresh_from_db()
    assert assignment.group_id != other_group.pk


# Problems and measures: through the services -----------------------------------------------


def problem_form(problem: Problem, **measure_changes: Any) -> dict[str, Any]:
    """The admin's change form of a problem as the browser posts it, at the problem's version
    as loaded now; ``measure_changes`` change the first measure."""
    measures = list(problem.measures.order_by("ordinal"))
    data: dict[str, Any] = {
        "rectification_kind": problem.rectification_kind,
        "deadline": problem.deadline.isoformat() if problem.deadline else "",
        "expected_version": problem.version,
        "measures-TOTAL_FORMS": len(measures),
        "measures-INITIAL_FORMS": len(measures),
        "measures-MIN_NUM_FORMS": 0,
        "measures-MAX_NUM_FORMS": 1000,
    }
    for index, measure in enumerate(measures):
        values = {
            "id": measure.pk,
            "problem": problem.pk,
            "text": measure.text,
            "owner": measure.owner,
            "department": measure.department,
            "deadline": measure.deadline.isoformat() if measure.deadline else "",
        }
        if index == 0:
            values.update(measure_changes)
        data.update({f"measures-{index}-{key}": value for key, value in values.items()})
    return data


@pytest.fixture
def problem(cast) -> Problem:
    return problem_at(cast.assignment, "in_progress")


def test_a_measure_edited_in_the_admin_goes_through_the_service(admin_client, admin_user, problem):
    measure = problem.measures.get()
    before = list(measure.outcomes.values_list("source_text", flat=True))
    version = problem.version
    page = admin_client.get(url(problem, "change", problem.pk))
    assert b'name="expected_version"' in page.content
    assert b'name="measures-0-text"' in page.content
    response = admin_client.post(
        url(problem, "change", problem.pk), problem_form(problem, text="清退资金12万元。")
    )
    assert response.status_code == 302
    measure.refresh_from_db()
    problem.refresh_from_db()
    assert measure.text == "清退资金12万元。"
    after = list(measure.outcomes.values_list("source_text", flat=True))
    assert after != before
    assert any("12万元" in text for text in after)
    assert problem.version == version + 1
    entry = AuditEntry.objects.get(action="measure.update", object_id=str(measure.pk))
    assert entry.actor == admin_user
    assert entry.scope == f"problem:{problem.pk}"
    assert entry.before["text"] == "修订完善财务报销制度3项。"
    assert entry.after["text"] == "清退资金12万元。"


def test_a_problem_deadline_edited_in_the_admin_recomputes_its_clock(admin_client, problem):
    form = problem_form(problem)
    form["deadline"] = "2025-12-31"
    response = admin_client.post(url(problem, "change", problem.pk), form)
    assert response.status_code == 302
    problem.refresh_from_db()
    assert problem.deadline == dt.date(2025, 12, 31)
    assert AuditEntry.objects.filter(action="problem.plan_update").exists()


def test_a_web_form_opened_before_an_admin_edit_gets_the_conflict_message(
    admin_client, client, cast, problem
):
    measure = problem.measures.get()
    web = type(client)()
    web.force_login(cast.office)
    opened = web.get(reverse("web:measure_edit", args=[measure.pk]))
    assert opened.status_code == 200
    opened_at = problem.version
    admin_client.post(url(problem, "change", problem.pk), problem_form(problem, owner="王某某"))
    response = web.post(
        reverse("web:measure_edit", args=[measure.pk]),
        {"text": "网页上的修改。", "owner": "", "department": "", "expected_version": opened_at},
    )
    assert response.status_code == 409
    assert "该问题已被他人修改" in response.content.decode()
    measure.refresh_from_db()
    assert measure.owner == "王某某"
    assert measure.text != "网页上的修改。"


def test_an_admin_form_opened_before_a_web_edit_gets_the_conflict_message(
    admin_client, cast, problem
):
    measure = problem.measures.get()
    stale = problem_form(problem, text="管理后台的修改。")
    web = type(admin_client)()
    web.force_login(cast.office)
    web.post(
        reverse("web:measure_edit", args=[measure.pk]),
        {
            "text": "网页上的修改。",
            "owner": "",
            "department": "",
            "expected_version": problem.version,
        },
    )
    response = admin_client.post(url(problem, "change", problem.pk), stale, follow=True)
    assert "该问题已被他人修改" in response.content.decode()
    measure.refresh_from_db()
    assert measure.text == "网页上的修改。"
    assert not AuditEntry.objects.filter(action="measure.update", actor__username="admin")


def test_problems_are_neither_added_nor_deleted_in_the_admin(admin_client, admin_user, problem):
    assert admin_client.get(url(problem, "add")).status_code == 403
    assert admin_client.post(url(problem, "delete", problem.pk), {"post": "yes"}).status_code == 403
    request = RequestFactory().get("/")
    request.user = admin_user
    assert "delete_selected" not in admin.site._registry[Problem].get_actions(request)
    assert Problem.objects.filter(pk=problem.pk).exists()


def test_a_staff_member_without_the_office_role_cannot_change_a_problem(client, problem):
    staff = make_user("staff", is_staff=True)
    staff.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_problem", "change_problem"])
    )
    client.force_login(staff)
    assert client.get(url(problem, "change", problem.pk)).status_code == 200
    form = problem_form(problem, text="越权修改。")
    assert client.post(url(problem, "change", problem.pk), form).status_code == 403
    assert problem.measures.get().text != "越权修改。"


# Set-up without a web page: audited, row by row ------------------------------------------


def test_rubrics_deleted_in_bulk_are_audited_row_by_row_and_one_in_use_is_kept(
    admin_client, admin_user
):
    items = [["责任", 100]]
    unused = [Rubric.objects.create(name=f"评分{n}", items=items) for n in range(2)]
    response = admin_client.post(
        url(Rubric, "changelist"),
        {"action": "delete_selected", "_selected_action": [r.pk for r in unused], "post": "yes"},
    )
    assert response.status_code == 302
    assert not Rubric.objects.filter(pk__in=[r.pk for r in unused]).exists()
    rows = audit_rows("rubric.delete.admin")
    assert sorted(row.before["name"] for row in rows) == ["评分0", "评分1"]
    assert all(row.actor == admin_user for row in rows)


def test_holiday_schedules_deleted_in_bulk_audit_their_days(admin_client):
    schedules = []
    for year in (2098, 2099):
        schedule = HolidaySchedule.objects.create(year=year, source="通知")
        HolidayDate.objects.create(schedule=schedule, date=dt.date(year, 1, 1), kind="holiday")
        schedules.append(schedule)
    admin_client.post(
        url(HolidaySchedule, "changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [s.pk for s in schedules],
            "post": "yes",
        },
    )
    assert not HolidaySchedule.objects.exists()
    assert len(audit_rows("holidayschedule.delete.admin")) == 2
    assert len(audit_rows("holidaydate.delete.admin")) == 2


# Users and groups ---------------------------------------------------------------------------


def user_form(user: User, **changes: Any) -> dict[str, Any]:
    """The admin's change form of a user as the browser posts it, with ``changes``."""
    data: dict[str, Any] = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on" if user.is_active else "",
        "is_staff": "on" if user.is_staff else "",
        "is_superuser": "on" if user.is_superuser else "",
        "groups": list(user.groups.values_list("pk", flat=True)),
        "user_permissions": list(user.user_permissions.values_list("pk", flat=True)),
        "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
        "profile-TOTAL_FORMS": 1,
        "profile-INITIAL_FORMS": 1 if hasattr(user, "profile") else 0,
        "profile-MIN_NUM_FORMS": 0,
        "profile-MAX_NUM_FORMS": 1,
        "profile-0-user": user.pk,
        "profile-0-display_name": user.profile.display_name if hasattr(user, "profile") else "",
    }
    if hasattr(user, "profile"):
        data["profile-0-id"] = user.profile.pk
    grants = list(user.role_grants.all())
    data.update(
        {
            "role_grants-TOTAL_FORMS": len(grants),
            "role_grants-INITIAL_FORMS": len(grants),
            "role_grants-MIN_NUM_FORMS": 0,
            "role_grants-MAX_NUM_FORMS": 1000,
        }
    )
    for index, grant in enumerate(grants):
        data[f"role_grants-{index}-id"] = grant.pk
        data[f"role_grants-{index}-user"] = user.pk
        data[f"role_grants-{index}-role"] = grant.role
    for key, value in changes.items():
        data[key] = value
    return {key: value for key, value in data.items() if value != ""}


def post_user(client: Any, user: User, **changes: Any) -> Any:
    response = client.post(url(user, "change", user.pk), user_form(user, **changes))
    assert response.status_code == 302, response.content.decode()[:2000]
    return response


def test_making_a_user_superuser_leaves_an_audit_row_with_the_true_before_and_after(
    admin_client, admin_user, cast
):
    person = cast.member
    post_user(admin_client, person, is_superuser="on", is_staff="on")
    entry = AuditEntry.objects.get(action="user.update.admin", object_id=str(person.pk))
    assert entry.actor == admin_user
    assert entry.before["is_superuser"] is False
    assert entry.after["is_superuser"] is True
    assert entry.before["is_staff"] is False
    assert entry.after["is_staff"] is True
    assert entry.after["password"] == "set"


def test_adding_a_group_in_the_user_admin_is_audited_with_the_groups_before_and_after(
    admin_client, cast
):
    reviewers = Group.objects.create(name="审核员")
    person = cast.member
    post_user(admin_client, person, groups=[reviewers.pk])
    entry = AuditEntry.objects.get(action="user.update.admin", object_id=str(person.pk))
    assert entry.before["groups"] == []
    assert entry.after["groups"] == ["审核员"]
    assert entry.before["is_superuser"] == entry.after["is_superuser"] is False


def test_a_user_permission_added_is_audited_by_codename(admin_client, cast):
    permission = Permission.objects.get(codename="view_problem")
    post_user(admin_client, cast.member, user_permissions=[permission.pk])
    entry = AuditEntry.objects.get(action="user.update.admin")
    assert entry.before["user_permissions"] == []
    assert entry.after["user_permissions"] == ["findings.view_problem"]


def test_a_saved_user_form_without_changes_leaves_no_row(admin_client, cast):
    post_user(admin_client, cast.member)
    assert not AuditEntry.objects.filter(action="user.update.admin").exists()


def test_a_role_granted_in_the_user_admin_goes_through_the_service(admin_client, admin_user, cast):
    person = cast.outsider
    form = user_form(person)
    form.update(
        {
            "role_grants-TOTAL_FORMS": 1,
            "role_grants-0-user": person.pk,
            "role_grants-0-role": Role.SUPERVISOR,
        }
    )
    response = admin_client.post(url(person, "change", person.pk), form)
    assert response.status_code == 302, response.content.decode()[:2000]
    grant = RoleGrant.objects.get(user=person)
    assert grant.role == Role.SUPERVISOR
    assert grant.function == "rectification"
    entry = AuditEntry.objects.get(action="role.grant", object_id=str(grant.pk))
    assert entry.actor == admin_user
    assert entry.before is None
    assert entry.after["role"] == Role.SUPERVISOR


def test_a_role_changed_and_a_name_set_in_the_user_admin_are_audited(admin_client, cast):
    person = cast.supervisor
    post_user(
        admin_client,
        person,
        **{"role_grants-0-role": Role.OFFICE, "profile-0-display_name": "李督查"},
    )
    assert list(person.role_grants.values_list("role", flat=True)) == [Role.OFFICE]
    assert AuditEntry.objects.get(action="role.revoke").before["role"] == Role.SUPERVISOR
    assert AuditEntry.objects.get(action="role.grant", actor__username="admin").after["role"] == (
        Role.OFFICE
    )
    profile = AuditEntry.objects.get(action="profile.update")
    assert (profile.before["display_name"], profile.after["display_name"]) == (
        "supervisor",
        "李督查",
    )


def test_a_password_changed_in_the_admin_is_audited_as_a_fact_never_the_hash(
    admin_client, admin_user, cast
):
    person = cast.member
    old_hash = person.password
    response = admin_client.post(
        reverse("admin:auth_user_password_change", args=[person.pk]),
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    person.refresh_from_db()
    assert person.check_password(NEW_PASSWORD)
    entry = AuditEntry.objects.get(action="user.password.admin")
    assert entry.actor == admin_user
    assert entry.before == {"password": "set"}
    assert entry.after == {"password": "changed"}
    stored = json.dumps([entry.before, entry.after, entry.canonical])
    assert old_hash not in stored
    assert person.password not in stored


def test_a_user_created_in_the_admin_is_audited_without_the_hash(admin_client):
    response = admin_client.post(
        reverse("admin:auth_user_add"),
        {
            "username": "newcomer",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
            "usable_password": "true",
            "profile-TOTAL_FORMS": 1,
            "profile-INITIAL_FORMS": 0,
            "profile-0-display_name": "新同志",
            "role_grants-TOTAL_FORMS": 1,
            "role_grants-INITIAL_FORMS": 0,
            "role_grants-0-role": Role.OFFICE,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    person = User.objects.get(username="newcomer")
    entry = AuditEntry.objects.get(action="user.create.admin")
    assert entry.before is None
    assert entry.after["username"] == "newcomer"
    assert entry.after["password"] == "set"
    assert person.password not in entry.canonical
    assert person.profile.display_name == "新同志"
    assert AuditEntry.objects.filter(action="profile.create", object_id=str(person.profile.pk))
    assert AuditEntry.objects.get(action="role.grant", actor__username="admin").after["role"] == (
        Role.OFFICE
    )


def test_users_are_never_deleted_in_the_admin(admin_client, admin_user, cast):
    person = cast.outsider
    assert admin_client.get(url(person, "delete", person.pk)).status_code == 403
    assert admin_client.post(url(person, "delete", person.pk), {"post": "yes"}).status_code == 403
    admin_client.post(
        url(person, "changelist"),
        {"action": "delete_selected", "_selected_action": [person.pk], "post": "yes"},
    )
    assert User.objects.filter(pk=person.pk).exists()
    request = RequestFactory().get("/")
    request.user = admin_user
    assert "delete_selected" not in admin.site._registry[User].get_actions(request)


def test_a_group_permission_change_is_audited_with_before_and_after(admin_client, admin_user):
    group = Group.objects.create(name="查看员")
    permission = Permission.objects.get(codename="view_problem")
    response = admin_client.post(
        url(group, "change", group.pk), {"name": "查看员", "permissions": [permission.pk]}
    )
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="group.update.admin")
    assert entry.actor == admin_user
    assert entry.before["permissions"] == []
    assert entry.after["permissions"] == ["findings.view_problem"]


def test_groups_deleted_in_bulk_are_audited_one_by_one_with_their_members(admin_client, cast):
    first = Group.objects.create(name="甲组")
    second = Group.objects.create(name="乙组")
    cast.member.groups.add(first)
    cast.liaison.groups.add(first, second)
    response = admin_client.post(
        url(first, "changelist"),
        {"action": "delete_selected", "_selected_action": [first.pk, second.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not Group.objects.filter(pk__in=[first.pk, second.pk]).exists()
    rows = {row.before["name"]: row for row in audit_rows("group.delete.admin")}
    assert rows["甲组"].before["members"] == ["liaison", "member"]
    assert rows["乙组"].before["members"] == ["liaison"]
    assert all(row.after is None for row in rows.values())


def test_the_admin_speaks_chinese(admin_client):
    page = admin_client.get(reverse("admin:index")).content.decode()
    assert "巡察整改管理" in page
    for name in ["基础", "巡察安排", "问题清单", "回访督查", "时限与预警", "摘编导入"]:
        assert name in page


def test_a_staff_member_who_is_not_superuser_hands_out_no_roles_or_flags(client, admin_user, cast):
    staff = make_user("staff", Role.OFFICE, is_staff=True)
    staff.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="auth", codename__endswith="_user")
    )
    client.force_login(staff)
    person = cast.outsider
    form = user_form(person, is_superuser="on", is_staff="on")
    form.update({"role_grants-TOTAL_FORMS": 1, "role_grants-0-role": Role.OFFICE})
    client.post(url(person, "change", person.pk), form)
    person.refresh_from_db()
    assert not person.is_superuser
    assert not person.is_staff
    assert not person.role_grants.exists()
    superuser_password = reverse("admin:auth_user_password_change", args=[admin_user.pk])
    assert client.get(superuser_password).status_code == 403
    assert client.get(url(Group, "add")).status_code == 403


def test_a_lockout_lifted_in_the_admin_is_audited(client, db):
    from axes.models import AccessAttempt

    superuser = make_user("root", Role.OFFICE, is_staff=True, is_superuser=True)
    client.force_login(superuser)
    attempt = AccessAttempt.objects.create(
        username="liaison",
        ip_address="10.0.0.8",
        failures_since_start=5,
        user_agent="",
        path_info="",
    )
    response = client.post(
        reverse("admin:axes_accessattempt_changelist"),
        {"action": "delete_selected", "_selected_action": [attempt.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not AccessAttempt.objects.exists()
    row = AuditEntry.objects.get(action="login.unlock.admin")
    assert row.before == {"username": "liaison", "ip_address": "10.0.0.8", "failures": 5}
