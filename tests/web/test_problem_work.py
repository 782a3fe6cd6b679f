"""The problem page's work: workflow buttons by role, measures, progress, evidence, comments."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import PDF_BYTES, make_evidence, make_upload, status_changes
from tests.rectification.conftest import problem_at
from tests.web.conftest import client_for
from xuncha.core.models import AuditEntry
from xuncha.findings.models import MeasureStatus, ProblemStatus
from xuncha.findings.services import measure_create
from xuncha.rectification.models import Comment, Evidence, ProgressReport

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def page(client, problem):
    response = client.get(reverse("web:problem", args=[problem.pk]))
    assert response.status_code == 200
    return response


def action_names(response) -> dict[str, str]:
    """The workflow steps offered on the page, with why each is blocked ("" when it is not)."""
    return {action.name: action.refusal for action in response.context["actions"]}


def step(client, problem, name, reason=""):
    """Post a step, already confirmed (the confirmation itself: tests/web/test_confirm.py)."""
    return client.post(
        reverse("web:problem_step", args=[problem.pk]),
        {"name": name, "reason": reason, "confirmed": "1"},
        follow=True,
    )


def errors(response) -> list[str]:
    return [str(m) for m in response.context["messages"] if m.level_tag == "error"]


def test_the_office_may_return_or_close_a_request_by_the_liaison(cast):
    problem = problem_at(cast.assignment, "closing_requested", requester=cast.liaison)
    response = page(client_for(cast.office), problem)
    assert action_names(response) == {"return": "", "close": ""}
    content = response.content.decode()
    assert 'id="reason-return"' in content and "required" in content


def test_closing_is_disabled_for_the_one_who_asked_and_refused_if_posted(cast):
    problem = problem_at(cast.assignment, "closing_requested", requester=cast.office)
    office = client_for(cast.office)
    response = page(office, problem)
    assert "另一名人员" in action_names(response)["close"]
    assert "disabled" in response.content.decode()
    response = step(office, problem, "close")
    assert "不能自己销号" in errors(response)[0]
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.CLOSING_REQUESTED
    assert action_names(page(client_for(cast.office2), problem))["close"] == ""
    step(client_for(cast.office2), problem, "close")
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.CLOSED


def test_returning_without_a_reason_is_refused_with_a_message(cast):
    problem = problem_at(cast.assignment, "closing_requested", requester=cast.liaison)
    response = step(client_for(cast.office), problem, "return", reason="  ")
    assert "须填写理由" in errors(response)[0]
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.CLOSING_REQUESTED


def test_reopening_a_closed_problem_needs_a_reason_and_shows_it_in_the_history(cast):
    problem = problem_at(cast.assignment, "closed")
    office = client_for(cast.office)
    assert action_names(page(office, problem)) == {"reopen": ""}
    step(office, problem, "reopen", reason="回访发现问题反弹")
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.IN_PROGRESS
    response = page(office, problem)
    assert ("重新打开", "回访发现问题反弹") in [
        (row.what, row.reason) for row in response.context["events"]
    ]


def test_asking_for_closing_is_disabled_until_the_measures_are_done_and_refused_if_posted(cast):
    problem = problem_at(cast.assignment, "in_progress")
    liaison = client_for(cast.liaison)
    assert action_names(page(liaison, problem)) == {
        "request_closing": "尚有未完成的整改措施，不能申请销号。"
    }
    response = step(liaison, problem, "request_closing")
    assert "未完成的整改措施" in errors(response)[0]
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.IN_PROGRESS


def test_a_supervisor_and_a_group_member_see_no_unit_work_forms(cast):
    problem = problem_at(cast.assignment, "in_progress")
    for user in (cast.supervisor, cast.member):
        context = page(client_for(user), problem).context
        assert context["actions"] == []
        assert context["evidence_form"] is None
        assert not context["may_edit"]
        assert all(not w.actions and w.progress_form is None for w in context["measures"])
    assert page(client_for(cast.supervisor), problem).context["comment_form"] is None
    assert page(client_for(cast.member), problem).context["comment_form"] is not None
    assert page(client_for(cast.other_member), problem).context["comment_form"] is None


def test_a_liaison_starts_completes_and_restarts_a_measure_with_a_reason(cast):
    problem = problem_at(cast.assignment, "in_progress")
    measure = problem.measures.get()
    liaison = client_for(cast.liaison)
    [work] = page(liaison, problem).context["measures"]
    # Not yet reported on: it can be started, not completed (完成 needs a progress report).
    assert [a.name for a in work.actions] == ["start"] and work.needs_report
    url = reverse("web:measure_step", args=[measure.pk])
    response = liaison.post(url, {"name": "complete"}, follow=True)
    assert "尚无整改进展报告" in errors(response)[0]
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.NOT_STARTED
    liaison.post(
        reverse("web:progress_report", args=[measure.pk]),
        {f"progress-{measure.pk}-text": "制度已修订并印发。"},
    )
    [work] = page(liaison, problem).context["measures"]
    assert [a.name for a in work.actions] == ["complete"] and not work.needs_report
    liaison.post(url, {"name": "complete"})
    [work] = page(liaison, problem).context["measures"]
    assert [a.name for a in work.actions] == ["reopen"]
    response = liaison.post(url, {"name": "reopen"}, follow=True)
    assert "须填写理由" in errors(response)[0]
    liaison.post(url, {"name": "reopen", "reason": "检查发现制度未印发"})
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.IN_PROGRESS
    assert status_changes(measure).last().reason == "检查发现制度未印发"


def test_a_measure_not_started_can_be_deleted_a_started_one_cannot(cast):
    # 待整改, plan not submitted: the liaison still decides the list of measures.
    problem = problem_at(cast.assignment, "pending")
    problem.refresh_from_db()
    extra = measure_create(
        actor=cast.liaison, problem=problem, expected_version=problem.version, text="补充措施。"
    )
    liaison = client_for(cast.liaison)
    problem.refresh_from_db()
    response = liaison.post(
        reverse("web:measure_delete", args=[extra.pk]), {"expected_version": problem.version}
    )
    assert response.status_code == 302
    assert not problem.measures.filter(pk=extra.pk).exists()
    started = problem.measures.get()
    liaison.post(reverse("web:measure_step", args=[started.pk]), {"name": "start"})
    problem.refresh_from_db()
    response = liaison.post(
        reverse("web:measure_delete", args=[started.pk]),
        {"expected_version": problem.version},
        follow=True,
    )
    assert "不能删除" in errors(response)[0]
    assert problem.measures.filter(pk=started.pk).exists()


def test_a_progress_report_with_two_files_shows_under_its_measure(cast):
    problem = problem_at(cast.assignment, "in_progress")
    measure = problem.measures.get()
    liaison = client_for(cast.liaison)
    response = liaison.post(
        reverse("web:progress_report", args=[measure.pk]),
        {
            f"progress-{measure.pk}-text": "清退违规资金3.5万元，印发制度2项。",
            f"progress-{measure.pk}-files": [
                make_upload("清退凭证.pdf"),
                make_upload("制度.txt", "制度全文".encode()),
            ],
        },
    )
    assert response.status_code == 302
    report = ProgressReport.objects.get()
    assert sorted(report.evidence.values_list("original_name", flat=True)) == [
        "制度.txt",
        "清退凭证.pdf",
    ]
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.IN_PROGRESS
    content = page(liaison, problem).content.decode()
    assert ">3.5万元</mark>" in content
    assert "清退凭证.pdf" in content


def test_a_progress_report_with_a_refused_file_keeps_the_text_and_stores_nothing(cast):
    problem = problem_at(cast.assignment, "in_progress")
    measure = problem.measures.get()
    response = client_for(cast.liaison).post(
        reverse("web:progress_report", args=[measure.pk]),
        {
            f"progress-{measure.pk}-text": "已整改到位。",
            f"progress-{measure.pk}-files": [make_upload("程序.exe", b"MZ\x90\x00")],
        },
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "类型不被接受" in content
    assert "已整改到位。" in content
    assert not ProgressReport.objects.exists() and not Evidence.objects.exists()


def test_the_evidence_list_shows_size_uploader_hash_and_the_version_chain(cast):
    problem = problem_at(cast.assignment, "in_progress")
    liaison = client_for(cast.liaison)
    first = make_evidence(problem, actor=cast.liaison, name="台账.pdf")
    response = liaison.post(
        reverse("web:evidence_upload", args=[problem.pk]),
        {
            "evidence-file": make_upload("台账（更正）.pdf", PDF_BYTES + b"% v2\n"),
            "evidence-supersedes": first.pk,
            "evidence-measure": problem.measures.get().pk,
        },
    )
    assert response.status_code == 302
    second = Evidence.objects.get(supersedes=first)
    assert second.measure == problem.measures.get()
    response = page(liaison, problem)
    rows = {row.pk: row for row in response.context["evidence"]}
    assert (rows[first.pk].is_latest, rows[second.pk].is_latest) == (False, True)
    content = response.content.decode()
    assert first.sha256[:12] in content and second.sha256[:12] in content
    assert f"替代 台账.pdf（#{first.pk}）" in content
    assert "已被新版本替代" in content
    assert "liaison" in content  # the uploader
    # Only the newest version can be replaced again.
    choices = dict(response.context["evidence_form"].fields["supersedes"].choices)
    assert first.pk not in choices and second.pk in choices


def test_replacing_an_old_version_again_is_a_form_error(cast):
    problem = problem_at(cast.assignment, "in_progress")
    first = make_evidence(problem, actor=cast.liaison, name="a.pdf")
    client_for(cast.liaison).post(
        reverse("web:evidence_upload", args=[problem.pk]),
        {
            "evidence-file": make_upload("c.pdf", PDF_BYTES + b"%c\n"),
            "evidence-supersedes": first.pk,
        },
    )
    response = client_for(cast.liaison).post(
        reverse("web:evidence_upload", args=[problem.pk]),
        {
            "evidence-file": make_upload("d.pdf", PDF_BYTES + b"%d\n"),
            "evidence-supersedes": first.pk,
        },
    )
    assert response.status_code == 200
    assert "field-error" in response.content.decode()
    assert Evidence.objects.filter(supersedes=first).count() == 1


@pytest.mark.parametrize("role", ["liaison", "office", "member", "supervisor"])
def test_evidence_downloads_as_the_exact_bytes_for_those_who_see_the_problem(cast, role):
    problem = problem_at(cast.assignment, "in_progress")
    evidence = make_evidence(problem, actor=cast.liaison, name="整改报告.pdf")
    response = client_for(cast.by_name(role)).get(
        reverse("web:evidence_download", args=[evidence.pk])
    )
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=utf-8''%E6%95%B4%E6%94%B9%E6%8A%A5%E5%91%8A.pdf" in disposition
    assert response["Content-Type"] == "application/pdf"


def test_another_units_liaison_cannot_download_and_learns_nothing(cast):
    problem = problem_at(cast.assignment, "in_progress")
    evidence = make_evidence(problem, actor=cast.liaison)
    url = reverse("web:evidence_download", args=[evidence.pk])
    for user in (cast.other_liaison, cast.outsider):
        assert client_for(user).get(url).status_code == 404
    assert (
        client_for(cast.office).get(reverse("web:evidence_download", args=[999])).status_code == 404
    )


def test_a_group_member_comments_and_recommends_closing(cast):
    problem = problem_at(cast.assignment, "closing_requested", requester=cast.liaison)
    member = client_for(cast.member)
    response = member.post(
        reverse("web:comment_create", args=[problem.pk]),
        {"text": "经核查，整改到位。", "recommends_closing": "on"},
    )
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert (comment.author, comment.recommends_closing) == (cast.member, True)
    content = page(client_for(cast.office), problem).content.decode()
    assert "经核查，整改到位。" in content and "建议销号" in content


def test_an_empty_comment_is_a_form_error(cast):
    problem = problem_at(cast.assignment, "in_progress")
    response = client_for(cast.member).post(
        reverse("web:comment_create", args=[problem.pk]), {"text": ""}
    )
    assert response.status_code == 200
    assert "field-error" in response.content.decode()
    assert not Comment.objects.exists()


def test_with_htmx_a_plan_edit_redirects_the_client_and_a_conflict_answers_409(cast):
    problem = problem_at(cast.assignment, "pending")  # the liaison still proposes the plan
    problem.refresh_from_db()
    stale = problem.version
    url = reverse("web:problem_plan_edit", args=[problem.pk])
    liaison = client_for(cast.liaison)
    page_url = "http://testserver" + reverse("web:problem", args=[problem.pk])
    response = liaison.post(
        url,
        {"rectification_kind": "immediate", "expected_version": stale},
        HTTP_HX_CURRENT_URL=page_url,
        **HTMX,
    )
    assert response.status_code == 200
    assert response["HX-Refresh"] == "true"  # the page itself is reloaded, with the message
    response = liaison.post(
        url, {"rectification_kind": "long_term", "expected_version": stale}, **HTMX
    )
    assert response.status_code == 409
    content = response.content.decode()
    assert "<html" not in content and "已被他人修改" in content
    assert '<option value="long_term" selected>' in content  # what the user chose is kept
    problem.refresh_from_db()
    assert problem.rectification_kind == "immediate"


def test_refused_steps_never_write_and_never_fail_with_a_traceback(cast):
    problem = problem_at(cast.assignment, "closed")
    before = AuditEntry.objects.count()
    liaison = client_for(cast.liaison)
    for name in ("close", "return", "request_closing", "start", "nonsense"):
        response = step(liaison, problem, name, reason="x")
        assert response.status_code == 200 and errors(response)
    response = liaison.post(reverse("web:problem_step", args=[problem.pk]), {})
    assert response.status_code == 302
    assert AuditEntry.objects.count() == before


def test_a_liaison_cannot_edit_the_plan_once_closing_is_asked(cast):
    problem = problem_at(cast.assignment, "closing_requested", requester=cast.liaison)
    liaison = client_for(cast.liaison)
    assert not page(liaison, problem).context["may_edit"]
    problem.refresh_from_db()
    response = liaison.post(
        reverse("web:problem_plan_edit", args=[problem.pk]),
        {"rectification_kind": "immediate", "expected_version": problem.version},
        follow=True,
    )
    assert "由巡察办确定" in errors(response)[0]
    problem.refresh_from_db()
    assert problem.rectification_kind != "immediate"
    measure = problem.measures.get()
    response = liaison.get(reverse("web:measure_edit", args=[measure.pk]), follow=True)
    assert response.redirect_chain[0][0].startswith(reverse("web:problem", args=[problem.pk]))
    assert errors(response)


def test_a_step_made_by_the_system_is_shown_as_the_system(cast):
    problem = problem_at(cast.assignment, "in_progress")  # started by the system
    rows = page(client_for(cast.office), problem).context["events"]
    assert (rows[0].what, rows[0].who) == ("开始整改", "系统")


def test_follow_up_verdicts_are_not_offered_nor_accepted_on_the_problem_page(cast):
    problem = problem_at(cast.assignment, "in_progress")
    member = client_for(cast.member)
    assert page(member, problem).context["actions"] == []
    response = step(member, problem, "rule_done", reason="回访认定整改到位")
    assert "回访记录" in errors(response)[0]
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.IN_PROGRESS


@pytest.mark.parametrize("status", [value for value, _label in ProblemStatus.choices])
@pytest.mark.parametrize("kind", ["", "immediate", "by_deadline", "long_term"])
def test_the_progress_form_is_shown_exactly_when_the_service_accepts_reports(status, kind):
    from xuncha.findings.models import Problem
    from xuncha.rectification.services import _problem_accepts_reports
    from xuncha.web.views.problem import accepts_reports

    problem = Problem(status=status, rectification_kind=kind)
    assert accepts_reports(problem) == _problem_accepts_reports(problem)
