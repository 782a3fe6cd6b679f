"""Acceptance 1 of issue 3, through the pages: one problem from plan to 销号, as people do it.

The liaison drafts the plan, the office approves it, the liaison reports progress with
evidence and asks for closing, the office returns it with a reason, the liaison sees why in
their queue, uploads a corrected file and asks again, and the office closes it. Every step is
a form posted to a page; the problem page's history shows them all.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from tests.factories import PDF_BYTES, make_upload, problem_steps, status_changes
from tests.web.conftest import client_for
from xuncha.findings.models import MeasureStatus, ProblemStatus
from xuncha.findings.services import MeasureInput, problem_create
from xuncha.rectification.models import Evidence, PlanStatus, RectificationPlan

pytestmark = pytest.mark.django_db

RETURN_REASON = "佐证材料不完整：缺少党组会议纪要，请补充后重新申请。"


def version_of(problem) -> int:
    problem.refresh_from_db()
    return problem.version


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_a_problem_goes_from_plan_to_closing_through_the_pages(cast):
    problem = problem_create(
        actor=cast.office,
        assignment=cast.assignment,
        title="财务报销审核把关不严",
        measures=[MeasureInput(text="修订财务报销制度。")],
    )
    liaison, office = client_for(cast.liaison), client_for(cast.office)
    problem_url = reverse("web:problem", args=[problem.pk])
    plan_url = reverse("web:plan", args=[cast.assignment.pk])

    # 1. The liaison drafts the plan: the kind and deadline, the owner of the first measure,
    #    and a second measure.
    plan_page = liaison.get(plan_url)
    assert plan_page.status_code == 200
    assert "未确定整改类型" in plan_page.content.decode()  # plan_gaps are listed
    response = liaison.post(
        reverse("web:problem_plan_edit", args=[problem.pk]),
        {
            "rectification_kind": "by_deadline",
            "deadline": "2025-06-30",
            "expected_version": version_of(problem),
        },
    )
    assert response.status_code == 302
    first = problem.measures.get()
    response = liaison.post(
        reverse("web:measure_edit", args=[first.pk]),
        {
            "text": "修订财务报销制度3项，开展专项检查1次。",
            "owner": "党组书记 王某",
            "department": "办公室",
            "deadline": "2025-05-31",
            "expected_version": version_of(problem),
        },
    )
    assert response.status_code == 302
    response = liaison.post(
        reverse("web:measure_add", args=[problem.pk]),
        {
            "text": "对相关责任人进行诫勉谈话2人。",
            "owner": "纪检组长 李某",
            "department": "纪检组",
            "deadline": "2025-06-15",
            "expected_version": version_of(problem),
        },
    )
    assert response.status_code == 302
    second = problem.measures.get(ordinal=2)
    assert (second.owner, second.department, second.deadline) == (
        "纪检组长 李某",
        "纪检组",
        dt.date(2025, 6, 15),
    )
    plan_page = liaison.get(plan_url)
    assert plan_page.context["gaps"] == []
    assert "报送方案" in plan_page.content.decode()

    # 2. … submits it, and the office approves it from its queue.
    response = liaison.post(
        reverse("web:plan_step", args=[cast.assignment.pk]),
        {"name": "submit", "expected_version": 0},
        follow=True,
    )
    assert any("已完成“报送方案”" in text for text in messages_of(response))
    queue = office.get(reverse("web:queue"))
    plans = next(s for s in queue.context["sections"] if s.key == "plans")
    assert [plan.assignment_id for plan in plans.items] == [cast.assignment.pk]
    plan = RectificationPlan.objects.get(assignment=cast.assignment)
    response = office.post(
        reverse("web:plan_step", args=[cast.assignment.pk]),
        {"name": "approve", "expected_version": plan.version},
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    problem.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED
    assert problem.status == ProblemStatus.IN_PROGRESS

    # 3. The liaison reports progress on each measure (the first with an evidence file) —
    #    a measure is 已完成 only once reported on — and completes both …
    response = liaison.post(
        reverse("web:progress_report", args=[first.pk]),
        {
            f"progress-{first.pk}-text": "已修订制度3项，清退违规报销1.2万元。",
            f"progress-{first.pk}-files": [make_upload("制度修订稿.pdf")],
        },
    )
    assert response.status_code == 302
    evidence = Evidence.objects.get(problem=problem)
    assert evidence.original_name == "制度修订稿.pdf"
    response = liaison.post(
        reverse("web:progress_report", args=[second.pk]),
        {f"progress-{second.pk}-text": "已对2名责任人进行诫勉谈话。"},
    )
    assert response.status_code == 302
    for measure in (first, second):
        response = liaison.post(
            reverse("web:measure_step", args=[measure.pk]), {"name": "complete"}
        )
        assert response.status_code == 302
    assert set(problem.measures.values_list("status", flat=True)) == {MeasureStatus.DONE}

    # 4. … and asks for closing.
    response = liaison.post(
        reverse("web:problem_step", args=[problem.pk]),
        {"name": "request_closing", "confirmed": "1"},
        follow=True,
    )
    assert any("已完成“申请销号”" in text for text in messages_of(response))

    # 5. The office finds it in its queue and returns it with a reason.
    queue = office.get(reverse("web:queue"))
    closing = next(s for s in queue.context["sections"] if s.key == "closing")
    assert [p.pk for p in closing.items] == [problem.pk]
    page = office.get(problem_url).content.decode()
    assert 'name="reason"' in page and "退回理由" in page
    response = office.post(
        reverse("web:problem_step", args=[problem.pk]),
        {"name": "return", "reason": RETURN_REASON},
    )
    assert response.status_code == 302

    # 6. The liaison sees the reason in their queue, first in line …
    queue = liaison.get(reverse("web:queue"))
    open_items = next(s for s in queue.context["sections"] if s.key == "open")
    assert open_items.items[0].pk == problem.pk
    assert open_items.items[0].last_reason == RETURN_REASON
    assert RETURN_REASON in queue.content.decode()

    # 7. … uploads a corrected version of the file and asks again.
    response = liaison.post(
        reverse("web:evidence_upload", args=[problem.pk]),
        {
            "evidence-file": make_upload("制度修订稿.pdf", PDF_BYTES + b"% with minutes\n"),
            "evidence-description": "补充党组会议纪要",
            "evidence-supersedes": evidence.pk,
        },
    )
    assert response.status_code == 302
    newer = Evidence.objects.get(supersedes=evidence)
    response = liaison.post(
        reverse("web:problem_step", args=[problem.pk]),
        {"name": "request_closing", "confirmed": "1"},
    )
    assert response.status_code == 302

    # 8. The office closes it (the liaison asked, so four eyes are kept).
    response = office.post(
        reverse("web:problem_step", args=[problem.pk]),
        {"name": "close", "confirmed": "1"},
        follow=True,
    )
    assert any("已完成“销号”" in text for text in messages_of(response))
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.CLOSED

    # The history holds every step, in order, and the page shows it.
    steps = problem_steps(problem, with_actor=True)
    assert steps == [
        ("start", "office"),
        ("measure.start", "liaison"),
        ("measure.start", "liaison"),
        ("measure.complete", "liaison"),
        ("measure.complete", "liaison"),
        ("request_closing", "liaison"),
        ("return", "office"),
        ("request_closing", "liaison"),
        ("close", "office"),
    ]
    plan_steps = list(status_changes(plan).values_list("move", "actor__username"))
    assert plan_steps == [("submit", "liaison"), ("approve", "office")]

    page = liaison.get(problem_url)
    shown = [(row.what, row.who, row.reason) for row in page.context["events"]]
    assert [what for what, _who, _reason in shown] == [
        "报送方案",
        "批准方案",
        "开始整改",
        "开始推进",
        "开始推进",
        "完成",
        "完成",
        "申请销号",
        "退回",
        "申请销号",
        "销号",
    ]
    assert ("退回", "office", RETURN_REASON) in shown
    content = page.content.decode()
    assert RETURN_REASON in content
    assert '<span class="badge badge-closed">已销号</span>' in content
    assert f"替代 制度修订稿.pdf（#{evidence.pk}）" in content
    assert reverse("web:evidence_download", args=[newer.pk]) in content
    audit = [row.what for row in page.context["audit"]]
    for label in ("修改整改类型与时限", "新建整改措施", "报告整改进展", "上传佐证材料"):
        assert label in audit
