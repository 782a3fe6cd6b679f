"""The plan page, the work queues, the inbox, the audit log, and the warnings in the ledger."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.urls import reverse

from tests.factories import make_evidence
from tests.rectification.conftest import planned_problem, problem_at
from tests.web.conftest import client_for
from xuncha.core.models import AuditEntry, Role
from xuncha.findings.models import ProblemStatus
from xuncha.findings.services import MeasureInput, problem_create
from xuncha.notifications.models import Notification
from xuncha.notifications.services import notification_send
from xuncha.rectification.models import PlanStatus, RectificationPlan
from xuncha.rectification.services import plan_get_or_create, plan_transition
from xuncha.rectification.transitions import problem_transition

pytestmark = pytest.mark.django_db


def section(response, key):
    return next(s for s in response.context["sections"] if s.key == key)


def messages_of(response, level="error"):
    return [str(m) for m in response.context["messages"] if m.level_tag == level]


# ---- The plan page ----------------------------------------------------------------------


def test_the_plan_page_shows_the_three_lists_and_the_gaps(cast):
    problem_create(
        actor=None,
        assignment=cast.assignment,
        title="会议记录不完整",
        measures=[MeasureInput(text="规范会议记录。")],
    )
    planned_problem(cast.assignment, title="制度执行不严")
    response = client_for(cast.liaison).get(reverse("web:plan", args=[cast.assignment.pk]))
    content = response.content.decode()
    for heading in ("问题清单", "任务清单", "责任清单"):
        assert heading in content
    assert "会议记录不完整" in content and "党组书记 王某" in content and "2025-06-30" in content
    assert response.context["plan"] is None and "尚未起草" in content
    gaps = response.context["gaps"]
    assert any("未确定整改类型" in gap for gap in gaps)
    assert any("缺少责任领导、责任部门、完成时限" in gap for gap in gaps)
    [submit] = response.context["actions"]
    assert submit.name == "submit" and submit.refusal


def test_submitting_an_incomplete_plan_is_refused_with_the_gaps(cast):
    problem_create(
        actor=None,
        assignment=cast.assignment,
        title="会议记录不完整",
        measures=[MeasureInput(text="规范会议记录。")],
    )
    response = client_for(cast.liaison).post(
        reverse("web:plan_step", args=[cast.assignment.pk]),
        {"name": "submit", "expected_version": 0},
        follow=True,
    )
    assert "方案尚不完整" in messages_of(response)[0]
    assert RectificationPlan.objects.get().status == PlanStatus.DRAFT


def test_the_office_returns_a_plan_with_a_reason_and_the_liaison_sees_it(cast):
    planned_problem(cast.assignment)
    plan = plan_get_or_create(actor=cast.liaison, assignment=cast.assignment)
    plan = plan_transition(actor=cast.liaison, plan=plan, name="submit")
    office = client_for(cast.office)
    response = office.get(reverse("web:plan", args=[cast.assignment.pk]))
    assert [a.name for a in response.context["actions"]] == ["approve", "return"]
    url = reverse("web:plan_step", args=[cast.assignment.pk])
    response = office.post(url, {"name": "return", "expected_version": plan.version}, follow=True)
    assert "须填写理由" in messages_of(response)[0]
    returning = {"name": "return", "reason": "措施过于笼统", "expected_version": plan.version}
    due = dt.date.today() + dt.timedelta(days=10)
    office.post(url, {**returning, "due_date": due.isoformat()})
    plan.refresh_from_db()
    assert (plan.status, plan.due_date) == (PlanStatus.RETURNED, due)
    liaison = client_for(cast.liaison)
    page = liaison.get(reverse("web:plan", args=[cast.assignment.pk]))
    assert "措施过于笼统" in page.content.decode()
    assert [a.name for a in page.context["actions"]] == ["submit"]
    queue = liaison.get(reverse("web:queue"))
    assert [p.pk for p in section(queue, "returned_plans").items] == [plan.pk]


def test_a_stale_plan_step_is_refused(cast):
    planned_problem(cast.assignment)
    plan = plan_get_or_create(actor=cast.liaison, assignment=cast.assignment)
    stale = plan.version
    plan_transition(actor=cast.liaison, plan=plan, name="submit")
    response = client_for(cast.office).post(
        reverse("web:plan_step", args=[cast.assignment.pk]),
        {"name": "approve", "expected_version": stale},
        follow=True,
    )
    assert "已被他人修改" in messages_of(response)[0]
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED


def test_approving_a_plan_that_was_never_drafted_is_refused(cast):
    planned_problem(cast.assignment)
    response = client_for(cast.office).post(
        reverse("web:plan_step", args=[cast.assignment.pk]),
        {"name": "approve", "expected_version": 0},
        follow=True,
    )
    assert "尚未起草" in messages_of(response)[0]


# ---- Work queues ------------------------------------------------------------------------


def test_the_office_queue_lists_closing_requests_and_submitted_plans(cast):
    waiting = problem_at(cast.assignment, "closing_requested", requester=cast.liaison)
    problem_at(cast.assignment, "in_progress")
    planned_problem(cast.other_assignment)
    plan = plan_get_or_create(actor=cast.other_liaison, assignment=cast.other_assignment)
    plan_transition(actor=cast.other_liaison, plan=plan, name="submit")
    response = client_for(cast.office).get(reverse("web:queue"))
    assert [p.pk for p in section(response, "closing").items] == [waiting.pk]
    assert [p.pk for p in section(response, "plans").items] == [plan.pk]
    content = response.content.decode()
    assert reverse("web:problem", args=[waiting.pk]) + "#actions" in content
    assert reverse("web:plan", args=[cast.other_assignment.pk]) in content
    assert '<span class="nav-badge"' in content  # 2 waiting: the request and the plan


def test_a_liaisons_queue_puts_returned_problems_first_with_the_reason(cast):
    earlier = problem_at(cast.assignment, "in_progress")
    returned = problem_at(cast.assignment, "closing_requested", requester=cast.liaison)
    problem_transition(actor=cast.office, problem=returned, name="return", reason="证据不足")
    problem_at(cast.other_assignment, "in_progress")  # another unit's: never listed
    response = client_for(cast.liaison).get(reverse("web:queue"))
    items = section(response, "open").items
    assert [p.pk for p in items] == [returned.pk, earlier.pk]
    assert items[0].last_reason == "证据不足"
    content = response.content.decode()
    assert "证据不足" in content and "被退回" in content
    assert items[1].warning == "red"  # the report was due two months after feedback (2025)


def test_a_group_members_queue_lists_closing_requests_of_their_groups_units(cast):
    own = problem_at(cast.assignment, "closing_requested", requester=cast.liaison)
    problem_at(cast.other_assignment, "closing_requested", requester=cast.other_liaison)
    response = client_for(cast.member).get(reverse("web:queue"))
    assert [p.pk for p in section(response, "group_closing").items] == [own.pk]
    assert reverse("web:problem", args=[own.pk]) + "#comments" in response.content.decode()


def test_a_supervisors_queue_lists_overdue_problems_and_links_the_audit_log(cast):
    overdue = problem_at(cast.assignment, "in_progress")
    problem_at(cast.assignment, "closed")
    response = client_for(cast.supervisor).get(reverse("web:queue"))
    assert [p.pk for p in section(response, "overdue").items] == [overdue.pk]
    assert reverse("web:audit") in response.content.decode()


def test_the_home_page_starts_with_the_queue_summary(cast):
    problem_at(cast.assignment, "closing_requested", requester=cast.liaison)
    response = client_for(cast.office).get(reverse("web:home"))
    counts = {s.key: s.count for s in response.context["summary"]}
    # Awaiting review is still open: the report was due two months after feedback (2025).
    assert counts == {"closing": 1, "plans": 0, "overdue": 1}
    content = response.content.decode()
    assert "待审核销号" in content and reverse("web:queue") + "#closing" in content


def test_a_user_without_a_role_has_an_empty_queue(cast):
    response = client_for(cast.outsider).get(reverse("web:queue"))
    assert response.context["sections"] == []
    assert "尚未分配角色" in response.content.decode()


# ---- Inbox ------------------------------------------------------------------------------


def test_the_inbox_lists_newest_first_and_marks_one_or_all_read(cast):
    problem = problem_at(cast.assignment, "closing_requested", requester=cast.liaison)
    problem_transition(actor=cast.office, problem=problem, name="return", reason="补充材料")
    mine = list(Notification.objects.filter(recipient=cast.liaison).order_by("-created_at", "-id"))
    assert len(mine) >= 1
    liaison = client_for(cast.liaison)
    response = liaison.get(reverse("web:inbox"))
    assert [n.pk for n in response.context["page"].object_list] == [n.pk for n in mine]
    content = response.content.decode()
    assert "补充材料" in content and 'class="notification unread"' in content
    assert f'<span class="nav-badge" aria-label="{len(mine)}条未读">' in content

    liaison.post(reverse("web:inbox_read"), {"notification": mine[0].pk})
    mine[0].refresh_from_db()
    assert mine[0].read_at is not None
    response = liaison.post(reverse("web:inbox_read"), follow=True)
    assert not Notification.objects.filter(recipient=cast.liaison, read_at=None).exists()
    assert messages_of(response, "success")


def test_marking_someone_elses_notification_read_changes_nothing(cast):
    [other] = notification_send(recipients=[cast.office], kind="closed", message="给巡察办的通知")
    client_for(cast.liaison).post(reverse("web:inbox_read"), {"notification": other.pk})
    other.refresh_from_db()
    assert other.read_at is None
    response = client_for(cast.liaison).get(reverse("web:inbox"))
    assert "给巡察办的通知" not in response.content.decode()


# ---- Audit log --------------------------------------------------------------------------


def test_the_audit_log_filters_by_scope_action_actor_and_date(cast):
    problem = problem_at(cast.assignment, "closing_requested", requester=cast.liaison)
    make_evidence(problem, actor=cast.liaison)
    office = client_for(cast.office)
    url = reverse("web:audit")
    entries = office.get(url, {"scope": f"problem:{problem.pk}"}).context["page"].object_list
    assert entries and all(e.scope == f"problem:{problem.pk}" for e in entries)
    by_action = office.get(url, {"action": "evidence.add"}).context["page"].object_list
    assert [e.action for e in by_action] == ["evidence.add", "evidence.add"]
    by_actor = office.get(url, {"actor": "liaison"}).context["page"].object_list
    assert {e.actor_name for e in by_actor} == {"liaison"}
    today = dt.date.today().isoformat()
    assert (
        office.get(url, {"start": "2000-01-01", "end": "2000-01-02"})
        .context["page"]
        .paginator.count
        == 0
    )
    assert office.get(url, {"start": today}).context["page"].paginator.count >= len(entries)
    response = office.get(url, {"action": "problem.request_closing"})
    content = response.content.decode()
    assert "申请销号" in content and "整改中" in content and "<ins>申请销号</ins>" in content


def test_the_audit_log_pages_by_fifty_newest_first(cast):
    for _ in range(6):
        problem_at(cast.assignment, "closed")
    response = client_for(cast.supervisor).get(reverse("web:audit"))
    page = response.context["page"]
    assert len(page.object_list) == 50 and page.paginator.num_pages >= 2
    ids = [entry.pk for entry in page.object_list]
    assert ids == sorted(ids, reverse=True)


def test_verifying_the_chain_says_it_holds_then_names_an_altered_row(cast):
    problem_at(cast.assignment, "in_progress")
    office = client_for(cast.office)
    response = office.post(reverse("web:audit_verify"), follow=True)
    assert "校验通过" in messages_of(response, "success")[0]
    victim = AuditEntry.objects.order_by("id")[3]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {AuditEntry._meta.db_table} SET actor_name = %s WHERE id = %s",
            ["someone", victim.pk],
        )
    response = office.post(reverse("web:audit_verify"), follow=True)
    [message] = messages_of(response)
    assert f"第 {victim.pk} 号记录" in message and "actor_name" in message


# ---- Warnings in the ledger and on the round page ---------------------------------------


def test_the_ledger_shows_and_filters_the_warning_colour(cast):
    overdue = problem_at(cast.assignment, "in_progress")
    closed = problem_at(cast.assignment, "closed")
    office = client_for(cast.office)
    response = office.get(reverse("web:ledger"))
    colours = {problem.pk: problem.warning for problem, _progress in response.context["rows"]}
    assert colours == {overdue.pk: "red", closed.pk: None}
    assert "逾期" in response.content.decode()
    red = office.get(reverse("web:ledger"), {"warning": "red"})
    assert [p.pk for p, _ in red.context["rows"]] == [overdue.pk]
    assert office.get(reverse("web:ledger"), {"warning": "green"}).context["rows"] == []


def test_the_round_page_counts_warnings_per_unit_and_group(cast):
    problem_at(cast.assignment, "in_progress")
    problem_at(cast.assignment, "in_progress")
    problem_at(cast.other_assignment, "closed")
    response = client_for(cast.office).get(reverse("web:round", args=[cast.assignment.round_id]))
    rows = {row["assignment"].pk: row["warnings"] for row in response.context["unit_rows"]}
    assert rows[cast.assignment.pk] == {"green": 0, "yellow": 0, "red": 2, "paused": 0}
    assert rows[cast.other_assignment.pk]["red"] == 0
    groups = {group.pk: group.warnings for group in response.context["groups"]}
    assert groups[cast.assignment.group_id]["red"] == 2
    assert response.context["warning_totals"]["red"] == 2
    assert "warning=red" in response.content.decode()


def test_closed_problems_leave_every_queue(cast):
    problem = problem_at(cast.assignment, "closed")
    assert problem.status == ProblemStatus.CLOSED
    for user in (cast.office, cast.liaison, cast.member):
        response = client_for(user).get(reverse("web:queue"))
        for queue in response.context["sections"]:
            assert problem.pk not in [getattr(item, "pk", None) for item in queue.items]


def test_a_liaison_who_is_also_a_group_member_gets_both_queues_each_in_its_own_scope(cast):
    from tests.factories import make_user
    from xuncha.rounds.models import GroupMembership

    both = make_user("liaison_and_member", Role.UNIT, Role.GROUP)
    cast.assignment.unit.liaisons.add(both)
    GroupMembership.objects.create(group=cast.other_assignment.group, user=both)
    own = problem_at(cast.assignment, "in_progress")
    problem_at(cast.other_assignment, "in_progress")  # readable as a member, not theirs to do
    requested = problem_at(cast.other_assignment, "closing_requested", requester=cast.office)
    response = client_for(both).get(reverse("web:queue"))
    keys = [s.key for s in response.context["sections"]]
    assert keys == ["open", "returned_plans", "group_closing"]
    assert [p.pk for p in section(response, "open").items] == [own.pk]
    assert [p.pk for p in section(response, "group_closing").items] == [requested.pk]
