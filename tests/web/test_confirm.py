"""Issue 8: a move that cannot be taken back or that reaches other people (asking for closing,
closing, publishing a notice or a digest) is confirmed first, in the words of its row of the
workflow table; nothing is written until it is. And the four-eyes rule never leaves a problem
stuck without saying so: the page names who may close it, or says a second office account is
needed."""

from __future__ import annotations

from html import unescape

import pytest
from django.urls import reverse

from tests.factories import make_user, status_changes
from tests.rectification.conftest import problem_at
from tests.reports.publishing import approved
from tests.web.conftest import client_for
from xuncha.core.models import AuditEntry, Role
from xuncha.findings.models import ProblemStatus
from xuncha.rectification.selectors import closers_for
from xuncha.rectification.transitions import problem_transition
from xuncha.rectification.workflow import PROBLEM
from xuncha.reports.models import PublicationStatus
from xuncha.reports.services import notice_draft
from xuncha.reports.workflow import PUBLICATION

pytestmark = pytest.mark.django_db


def step_url(problem):
    return reverse("web:problem_step", args=[problem.pk])


def publish_url(publication):
    return reverse("web:publication_publish", args=[publication.pk])


def sentence(workflow, move):
    return str(workflow.table[move].confirm)


def text_of(response) -> str:
    return unescape(response.content.decode())


def errors(response) -> list[str]:
    return [str(m) for m in response.context["messages"] if m.level_tag == "error"]


def test_every_outward_move_has_a_sentence_saying_what_it_will_do():
    for workflow, move in ((PROBLEM, "request_closing"), (PROBLEM, "close")):
        assert sentence(workflow, move)
    assert "不能再修改" in sentence(PUBLICATION, "publish")
    assert "锁定" in sentence(PROBLEM, "request_closing")
    assert "通知被巡察单位" in sentence(PROBLEM, "close")
    # Moves that are neither outward nor final are made at once.
    assert not PROBLEM.table["return"].confirm and not PROBLEM.table["start"].confirm


def test_asking_for_closing_is_confirmed_first_and_nothing_is_written_until_then(cast):
    # Measures done and evidence there, sent back once: ready to ask for closing again.
    problem = problem_at(cast.assignment, "closing_requested", requester=cast.liaison)
    problem = problem_transition(actor=cast.office, problem=problem, name="return", reason="补充")
    liaison = client_for(cast.liaison)
    before = (AuditEntry.objects.count(), status_changes(problem).count())

    response = liaison.post(step_url(problem), {"name": "request_closing", "next": "/queue/"})
    assert response.status_code == 200
    page = text_of(response)
    assert "请确认：申请销号" in page and "<html" in page  # a page of its own without htmx
    assert sentence(PROBLEM, "request_closing") in page
    assert problem.title in page and cast.assignment.unit.name in page
    # 确认 posts the same fields again with confirmed=1; 取消 goes back where the form said.
    assert response.context["fields"] == [("name", "request_closing"), ("next", "/queue/")]
    assert 'name="confirmed" value="1"' in page and 'href="/queue/"' in page
    assert "确认申请销号" in page and "取消" in page
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.IN_PROGRESS
    assert (AuditEntry.objects.count(), status_changes(problem).count()) == before

    response = liaison.post(
        step_url(problem), {"name": "request_closing", "next": "/queue/", "confirmed": "1"}
    )
    assert response.status_code == 302 and response["Location"] == "/queue/"
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.CLOSING_REQUESTED


def test_closing_is_confirmed_first_then_made(cast):
    problem = problem_at(cast.assignment, "closing_requested", requester=cast.liaison)
    office = client_for(cast.office)
    response = office.post(step_url(problem), {"name": "close"})
    assert response.status_code == 200
    assert sentence(PROBLEM, "close") in text_of(response)
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.CLOSING_REQUESTED

    response = office.post(step_url(problem), {"name": "close", "confirmed": "1"}, follow=True)
    assert "已完成“销号”" in text_of(response)
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.CLOSED


def test_under_htmx_the_confirmation_is_the_panel_alone(cast):
    problem = problem_at(cast.assignment, "closing_requested", requester=cast.liaison)
    response = client_for(cast.office).post(
        step_url(problem), {"name": "close"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    page = text_of(response)
    assert "<html" not in page and 'id="confirm"' in page
    assert sentence(PROBLEM, "close") in page and 'name="confirmed" value="1"' in page
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.CLOSING_REQUESTED


def test_a_refused_move_is_not_asked_about_but_refused_with_its_message(cast):
    problem = problem_at(cast.assignment, "closing_requested", requester=cast.office)
    before = AuditEntry.objects.count()
    response = client_for(cast.office).post(step_url(problem), {"name": "close"}, follow=True)
    assert "不能自己销号" in errors(response)[0]
    assert "请确认" not in text_of(response)
    assert AuditEntry.objects.count() == before


def test_a_move_without_a_sentence_is_made_at_once(cast):
    problem = problem_at(cast.assignment, "closing_requested", requester=cast.liaison)
    response = client_for(cast.office).post(
        step_url(problem), {"name": "return", "reason": "佐证材料不全"}
    )
    assert response.status_code == 302
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.IN_PROGRESS


def test_publishing_is_confirmed_first_and_nothing_is_written_until_then(cast):
    notice = approved(notice_draft(actor=cast.office, round_=cast.assignment.round), cast.office2)
    office = client_for(cast.office)
    before = AuditEntry.objects.count()
    response = office.post(publish_url(notice), {"expected_version": notice.version})
    assert response.status_code == 200
    page = text_of(response)
    assert "请确认：发布" in page and sentence(PUBLICATION, "publish") in page
    assert notice.title in page and "通报" in page
    assert response.context["fields"] == [("expected_version", str(notice.version))]
    notice.refresh_from_db()
    assert notice.status == PublicationStatus.APPROVED and notice.published_text == ""
    assert AuditEntry.objects.count() == before

    response = office.post(
        publish_url(notice), {"expected_version": notice.version, "confirmed": "1"}, follow=True
    )
    assert "已发布" in text_of(response)
    notice.refresh_from_db()
    assert notice.status == PublicationStatus.PUBLISHED


def test_a_stale_page_is_refused_rather_than_asked_about(cast):
    notice = notice_draft(actor=cast.office, round_=cast.assignment.round)
    response = client_for(cast.office).post(
        publish_url(notice), {"expected_version": notice.version + 1}, follow=True
    )
    assert "已被他人修改" in errors(response)[0]
    notice.refresh_from_db()
    assert notice.status == PublicationStatus.DRAFT


# ---- Four eyes: who may close --------------------------------------------------------------


def four_eyes(client, problem) -> str:
    response = client.get(reverse("web:problem", args=[problem.pk]))
    assert response.status_code == 200
    page = text_of(response)
    start = page.find('id="four-eyes"')
    return "" if start < 0 else page[start : page.find("</section>", start)]


def test_the_page_names_the_other_office_user_who_may_close(cast):
    problem = problem_at(cast.assignment, "closing_requested", requester=cast.office)
    assert closers_for(problem) == [cast.office2]
    note = four_eyes(client_for(cast.office), problem)
    assert "可以销号的：office2" in note and "申请人以外" in note
    assert "office、" not in note and "第二个巡察办账号" not in note
    # The one who may close reads it too, marked as themselves.
    assert "office2（您）" in four_eyes(client_for(cast.office2), problem)


def test_a_request_by_the_liaison_may_be_closed_by_any_office_user(cast):
    problem = problem_at(cast.assignment, "closing_requested", requester=cast.liaison)
    assert closers_for(problem) == [cast.office, cast.office2]
    assert "office（您）、office2" in four_eyes(client_for(cast.office), problem)


def test_with_a_single_office_account_the_page_says_a_second_one_is_needed(cast):
    cast.office2.is_active = False
    cast.office2.save(update_fields=["is_active"])
    problem = problem_at(cast.assignment, "closing_requested", requester=cast.office)
    assert closers_for(problem) == []
    note = four_eyes(client_for(cast.office), problem)
    assert "需要第二个巡察办账号" in note and "系统管理员" in note
    assert reverse("admin:auth_user_add") not in note  # linked only for who may add accounts

    # A superuser is the office too: once there is one, they may close it.
    admin = make_user("admin", Role.OFFICE, is_superuser=True, is_staff=True)
    assert closers_for(problem) == [admin]
    cast.office.is_superuser = True
    cast.office.save(update_fields=["is_superuser"])
    admin.delete()
    note = four_eyes(client_for(cast.office), problem)
    assert "需要第二个巡察办账号" in note
    assert reverse("admin:auth_user_add") in note  # a superuser may add the second account


def test_the_note_appears_only_while_closing_is_asked_for(cast):
    for status in ("in_progress", "closed"):
        problem = problem_at(cast.assignment, status)
        assert four_eyes(client_for(cast.office), problem) == ""
