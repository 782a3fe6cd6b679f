"""Notices: who sees which figures, publishing, the frozen text, .docx and the command."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

import docx
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.http import Http404

from tests.factories import make_user
from tests.reports.dataset import Dataset, build_dataset
from tests.reports.gongwen import title_of
from tests.reports.publishing import approved, published
from xuncha.core.models import AuditEntry, Role
from xuncha.findings.models import Problem, ProblemStatus
from xuncha.findings.services import EditRefused
from xuncha.rectification.transitions import problem_transition
from xuncha.reports.exports import publication_docx, publication_text
from xuncha.reports.models import PublicationStatus
from xuncha.reports.selectors import (
    Scope,
    ScopeMismatch,
    get_publication_for_user,
    notice_compose,
    notice_totals,
    publications_for_user,
    scope_problems,
)
from xuncha.reports.services import (
    FiguresChanged,
    notice_draft,
    publication_publish,
    publication_refresh,
    publication_return,
)
from xuncha.rounds.models import Group
from xuncha.text.notice import totals_line

pytestmark = pytest.mark.django_db


@dataclass
class People:
    office: Any
    liaison: Any
    member: Any
    supervisor: Any
    outsider: Any


@pytest.fixture
def data() -> Dataset:
    return build_dataset(units=6, problems_per_unit=20)


@pytest.fixture
def people(data: Dataset) -> People:
    liaison = make_user("liaison", Role.UNIT)
    data.units[4].liaisons.add(liaison)
    return People(
        office=make_user("office", Role.OFFICE),
        liaison=liaison,
        member=make_user("member", Role.GROUP),
        supervisor=make_user("supervisor", Role.SUPERVISOR),
        outsider=make_user("outsider"),
    )


def close_one_problem(scope: Scope, office: Any) -> Problem:
    """A change to the data through the workflow: the office closes a problem awaiting it."""
    problem = (
        scope_problems(Problem.objects.all(), scope)
        .filter(status=ProblemStatus.CLOSING_REQUESTED)
        .first()
    )
    return problem_transition(actor=office, problem=problem, name="close")


def test_a_liaisons_notice_for_the_round_covers_only_their_units(data, people):
    notice = notice_compose(people.liaison, Scope(data.round))
    own = Problem.objects.filter(assignment__unit=data.units[4])
    assert notice.totals == notice_totals(scope_problems(own, Scope(data.round)))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*) FROM findings_problem p "
            "JOIN rounds_assignment a ON a.id = p.assignment_id "
            "JOIN rounds_unit_liaisons l ON l.unit_id = a.unit_id "
            "WHERE a.round_id = %s AND l.user_id = %s",
            [data.round.pk, people.liaison.pk],
        )
        [(count,)] = cursor.fetchall()
    assert notice.totals.fed_back == count == 20
    assert notice.totals.units == 1
    assert [unit.name for unit in notice.totals.by_unit] == [data.units[4].name]
    for other in data.units[:4]:
        assert other.name not in notice.text


def test_group_members_and_supervisors_count_the_whole_round(data, people):
    whole = notice_totals(scope_problems(Problem.objects.all(), Scope(data.round)))
    assert whole.fed_back == 120
    for user in (people.office, people.member, people.supervisor):
        assert notice_compose(user, Scope(data.round)).totals == whole


def test_an_outsiders_notice_counts_nothing(data, people):
    notice = notice_compose(people.outsider, Scope(data.round))
    assert notice.totals.fed_back == 0
    assert "暂无反馈问题" in notice.text


def test_only_the_office_drafts_a_notice(data, people):
    for user in (people.liaison, people.member, people.supervisor, people.outsider):
        with pytest.raises(EditRefused):
            notice_draft(actor=user, round_=data.round)


def test_a_scope_mixing_rounds_is_refused(data):
    other_group = Group.objects.create(round=data.other_round, name="另一轮巡察组")
    with pytest.raises(ScopeMismatch):
        Scope(data.round, group=other_group)


def test_published_notices_are_read_by_those_who_see_their_whole_scope(data, people):
    office = people.office
    whole = published(notice_draft(actor=office, round_=data.round), office)
    own = published(notice_draft(actor=office, round_=data.round, unit=data.units[4]), office)
    draft = notice_draft(actor=office, round_=data.round, unit=data.units[4])
    readable = {
        name: set(publications_for_user(getattr(people, name)).values_list("pk", flat=True))
        for name in ("office", "liaison", "member", "supervisor", "outsider")
    }
    assert readable["office"] == {whole.pk, own.pk, draft.pk}
    assert readable["liaison"] == {own.pk}
    assert readable["member"] == readable["supervisor"] == {whole.pk, own.pk}
    assert readable["outsider"] == set()
    with pytest.raises(Http404):
        get_publication_for_user(people.liaison, whole.pk)
    with pytest.raises(Http404):
        get_publication_for_user(people.liaison, draft.pk)
    assert get_publication_for_user(people.liaison, own.pk) == own


def test_a_published_notice_does_not_change_when_the_data_does(data, people):
    office = people.office
    publication = notice_draft(actor=office, round_=data.round, batch=data.second_batch)
    publication = published(publication, office)
    text, figures = publication.published_text, publication.figures
    assert totals_line(notice_compose(office, Scope.of(publication)).totals) in text
    close_one_problem(Scope.of(publication), office)
    publication.refresh_from_db()
    assert publication.published_text == text and publication.figures == figures
    assert publication_text(publication) == text
    now = notice_compose(office, Scope.of(publication))
    assert now.text != text
    assert publication.status == PublicationStatus.PUBLISHED


def test_a_notice_whose_figures_changed_since_drafting_is_published_only_after_refresh(
    data, people
):
    office = people.office
    publication = notice_draft(actor=office, round_=data.round)
    before = publication.figures["totals"]["closed"]
    close_one_problem(Scope(data.round), office)
    publication = approved(publication)
    with pytest.raises(FiguresChanged):
        publication_publish(actor=office, publication=publication)
    # Approved, the wording is fixed: it goes back to draft to be written again.
    publication = publication_return(actor=office, publication=publication, reason="数据有变化")
    publication = publication_refresh(
        actor=office, publication=publication, expected_version=publication.version
    )
    assert publication.figures["totals"]["closed"] == before + 1
    publication = published(publication, office)
    assert publication.status == PublicationStatus.PUBLISHED
    actions = AuditEntry.objects.filter(scope=f"publication:{publication.pk}").values_list(
        "action", flat=True
    )
    assert list(actions) == [
        "publication.draft",
        "publication.approve",
        "publication.return",
        "publication.refresh",
        "publication.approve",
        "publication.publish",
        "document_number.assign",
    ]


def test_the_notice_docx_holds_the_unit_names_and_the_totals_line(data, people):
    office = people.office
    publication = notice_draft(actor=office, round_=data.round, group=data.groups[0])
    totals = notice_compose(office, Scope.of(publication)).totals
    document = docx.Document(io.BytesIO(publication_docx(publication)))
    text = "\n".join(paragraph.text for paragraph in document.paragraphs)
    assert title_of(document) == publication.title == "关于生成轮次巡察市委第1巡察组整改情况的通报"
    assert totals_line(totals) in text
    names = [unit.name for unit in totals.by_unit]
    assert len(names) == 2
    for name in names:
        assert name in text


def test_the_command_prints_the_notice_of_a_scope(data):
    out = io.StringIO()
    call_command("export_notice", "--round", "生成轮次", "--batch", "2", stdout=out)
    totals = notice_totals(
        scope_problems(Problem.objects.all(), Scope(data.round, batch=data.second_batch))
    )
    printed = out.getvalue()
    assert printed.startswith("关于生成轮次巡察生成回访督查第二批整改情况的通报\n\n")
    assert totals_line(totals) in printed
    out = io.StringIO()
    call_command("export_notice", "--round", "生成轮次", "--unit", data.units[2].name, stdout=out)
    assert data.units[2].name in out.getvalue()


def test_the_command_counts_only_what_its_user_sees(data, people):
    out = io.StringIO()
    call_command("export_notice", "--round", "生成轮次", "--user", "liaison", stdout=out)
    liaison_totals = notice_compose(people.liaison, Scope(data.round)).totals
    assert totals_line(liaison_totals) in out.getvalue()
    assert liaison_totals.fed_back == 20


def test_the_command_writes_a_docx(data, tmp_path):
    path = tmp_path / "notice.docx"
    call_command(
        "export_notice",
        "--round",
        "生成轮次",
        "--group",
        "市委第2巡察组",
        "--docx",
        str(path),
        stdout=io.StringIO(),
    )
    document = docx.Document(str(path))
    assert title_of(document).startswith("关于生成轮次巡察市委第2巡察组")
    assert any("总体完成率" in paragraph.text for paragraph in document.paragraphs)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--round", "不存在"], "没有名为"),
        (["--round", "生成轮次", "--batch", "9"], "没有批次"),
        (["--round", "生成轮次", "--group", "市委第九巡察组"], "巡察组"),
        (["--round", "生成轮次", "--unit", "市不存在局"], "单位"),
        (["--round", "生成轮次", "--user", "nobody"], "没有用户"),
    ],
)
def test_the_command_names_what_it_cannot_find(data, arguments, message):
    with pytest.raises(CommandError, match=message):
        call_command("export_notice", *arguments, stdout=io.StringIO())
