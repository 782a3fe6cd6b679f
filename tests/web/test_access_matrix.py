"""Who reaches which web page: every URL of the ``web`` namespace, for every role.

The cases are written out here, not derived from the code's own tables. Walking the URLconf
makes sure of it: a new page without a case below fails ``test_every_web_url_has_a_case``.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLResolver, get_resolver, reverse

from tests.factories import make_evidence, make_upload, make_user, migrations_rows_restore
from tests.followups.conftest import (
    QUESTIONS,
    RUBRIC_ITEMS,
    SCALE,
    VISITED_ON,
    record,
    survey_sheet,
)
from tests.rectification.conftest import build_cast, problem_at
from tests.web.conftest import client_for
from xuncha.core.models import AuditEntry
from xuncha.findings.models import Measure, Problem
from xuncha.followups.models import FollowUp, Visit, VisitEvidence
from xuncha.followups.services import (
    batch_create,
    followup_create,
    rubric_create,
    survey_template_create,
    visit_evidence_add,
    visit_plan,
)
from xuncha.rectification.models import ChangeRequest, Evidence, ReportFile, RequestFile
from xuncha.rectification.reports import report_file_add, report_get_or_create
from xuncha.rectification.requests import extension_request
from xuncha.reports.models import Publication
from xuncha.reports.services import notice_draft, publication_approve, publication_publish
from xuncha.rounds.models import Assignment, Group, Round
from xuncha.text.office import office_program

pytestmark = pytest.mark.django_db

ROLES = [
    "office",
    "supervisor",
    "member",
    "other_member",
    "liaison",
    "other_liaison",
    "outsider",
]
# Who sees the liaison's unit: everyone but the other unit's liaison and the user without role.
SEES_UNIT = {"office", "supervisor", "member", "other_member", "liaison"}
EDITS_UNIT = {"office", "liaison"}

# People holding several roles, in one function or in two: each is the union of the parts
# named (a liaison of the unit, a member of its group …), with the same scopes. A petition
# role reaches nothing in rectification: those people answer as their rectification part.
# Every combination of the roles (each rectification role on the liaison's unit, and the two
# petition roles) walks the pages; the hand-picked ones below, with parts on the other unit
# too, also post.
PARTS = ("office", "supervisor", "member", "liaison", "petition_staff", "petition_handler")
EVERY_COMBINATION: dict[str, tuple[str, ...]] = {
    "+".join(members): members
    for size in range(1, len(PARTS) + 1)
    for members in itertools.combinations(PARTS, size)
    if size > 1 or members[0].startswith("petition")
}
POSTING_COMBINATIONS: dict[str, tuple[str, ...]] = {
    "liaison+petition_handler": ("liaison", "petition_handler"),
    "office+petition_staff": ("office", "petition_staff"),
    "member+petition_handler": ("member", "petition_handler"),
    "supervisor+petition_staff": ("supervisor", "petition_staff"),
    "other_liaison+petition_staff": ("other_liaison", "petition_staff"),
    "petition_staff": ("petition_staff",),
    "petition_handler": ("petition_handler",),
    "petition_staff+petition_handler": ("petition_staff", "petition_handler"),
    "liaison+member": ("liaison", "member"),
    "office+liaison": ("office", "liaison"),
    "supervisor+other_liaison": ("supervisor", "other_liaison"),
    "member+other_liaison": ("member", "other_liaison"),
}
COMBINATIONS = EVERY_COMBINATION | POSTING_COMBINATIONS
PETITION_PARTS = {"petition_staff", "petition_handler"}


def parts(name: str) -> tuple[str, ...]:
    """The single personas a person (single or combined) is made of."""
    return COMBINATIONS.get(name, (name,))


def allowed_to(name: str, allowed: set[str]) -> bool:
    """A combined person may what any of their rectification parts may; a person with petition
    roles alone is, in rectification, a user without a role (the outsider)."""
    rectification = [part for part in parts(name) if part not in PETITION_PARTS] or ["outsider"]
    return any(part in allowed for part in rectification)


def build_people(cast: Any) -> dict[str, Any]:
    """The single personas of the cast and a person for each combination, built the same way:
    role grants, and the scope of each part (the liaison's unit, the member's group)."""
    from xuncha.core.models import Role
    from xuncha.rounds.models import GroupMembership

    found = {name: cast.by_name(name) for name in ROLES}
    grants = {
        "office": Role.OFFICE,
        "supervisor": Role.SUPERVISOR,
        "member": Role.GROUP,
        "liaison": Role.UNIT,
        "other_liaison": Role.UNIT,
        "petition_staff": Role.PETITION_STAFF,
        "petition_handler": Role.PETITION_HANDLER,
    }
    for name, members in COMBINATIONS.items():
        roles = sorted({grants[part] for part in members})
        user = make_user(name.replace("+", "-"), *roles)
        if "liaison" in members:
            cast.assignment.unit.liaisons.add(user)
        if "other_liaison" in members:
            cast.other_assignment.unit.liaisons.add(user)
        if "member" in members:
            GroupMembership.objects.create(group=cast.assignment.group, user=user)
        found[name] = user
    return found


PEOPLE = [*ROLES, *COMBINATIONS]


@dataclass
class Places:
    """The liaison's unit's records, and the same kind of records of another unit.

    Each unit has a problem in rectification (its plan the office's: the unit asks for changes,
    here an extension request with a file) and a problem still 待整改 whose plan the unit
    proposes (``proposal``: its liaison edits the deadline, kind and measures directly). Each
    has a follow-up of its own (visited by its group and recorded, with a file), a published
    notice of its own and a draft notice.
    """

    assignment: Assignment
    problem: Problem
    measure: Measure
    evidence: Evidence
    other_assignment: Assignment
    other_problem: Problem
    other_measure: Measure
    other_evidence: Evidence
    followup: FollowUp
    visit: Visit
    visit_evidence: VisitEvidence
    publication: Publication
    draft: Publication
    other_followup: FollowUp
    other_visit: Visit
    other_visit_evidence: VisitEvidence
    other_publication: Publication
    other_draft: Publication
    report_file: ReportFile
    other_report_file: ReportFile
    proposal: Problem
    proposal_measure: Measure
    other_proposal: Problem
    other_proposal_measure: Measure
    change_request: ChangeRequest
    request_file: RequestFile
    other_change_request: ChangeRequest
    other_request_file: RequestFile


def followup_of(cast, assignment, member, name, **extra) -> tuple[FollowUp, Visit, VisitEvidence]:
    """A follow-up of ``assignment``'s round visiting that unit alone, recorded by its group."""
    followup = followup_create(actor=cast.office, round_=assignment.round, name=name, **extra)
    batch = batch_create(actor=cast.office, followup=followup, sequence=1, name="首批")
    visit = visit_plan(
        actor=cast.office,
        batch=batch,
        assignment=assignment,
        group=assignment.group,
        planned_on=VISITED_ON,
    )
    visit = record(visit, member)
    evidence = visit_evidence_add(actor=member, visit=visit, upload=make_upload("现场照片.pdf"))
    return followup, visit, evidence


def notices_of(cast, assignment) -> tuple[Publication, Publication]:
    """A published notice of the unit, and a draft one."""
    published = notice_draft(actor=cast.office, round_=assignment.round, unit=assignment.unit)
    # Approved by another office user (four eyes) before it is published.
    published = publication_approve(actor=cast.office2, publication=published)
    published = publication_publish(actor=cast.office, publication=published)
    draft = notice_draft(actor=cast.office, round_=assignment.round, unit=assignment.unit)
    return published, draft


def report_file_of(assignment: Assignment, liaison: Any) -> ReportFile:
    """The unit's draft rectification report, with one attachment, by its liaison."""
    report = report_get_or_create(actor=liaison, assignment=assignment)
    return report_file_add(actor=liaison, report=report, upload=make_upload("整改情况报告.pdf"))


def extension_of(problem: Problem, liaison: Any) -> ChangeRequest:
    """The unit's pending request for a later deadline of the problem's measure, with a file."""
    return extension_request(
        actor=liaison,
        problem=problem,
        measure=problem.measures.get(),
        new_date=dt.date.today() + dt.timedelta(days=90),
        reason="制度修订须经党组会议审议，申请延期。",
        files=[make_upload("申请.pdf")],
    )


def build_places(cast: Any) -> Places:
    problem = problem_at(cast.assignment, "in_progress")
    other = problem_at(cast.other_assignment, "in_progress")
    proposal = problem_at(cast.assignment, "pending")
    other_proposal = problem_at(cast.other_assignment, "pending")
    change_request = extension_of(problem, cast.liaison)
    other_change_request = extension_of(other, cast.other_liaison)
    rubric = rubric_create(actor=cast.office, name="整改验收评分", items=RUBRIC_ITEMS)
    survey = survey_template_create(
        actor=cast.office, name="整改满意度测评", questions=QUESTIONS, scale=SCALE
    )
    followup, visit, visit_evidence = followup_of(
        cast, cast.assignment, cast.member, "回访督查甲", rubric=rubric, survey=survey
    )
    other_followup, other_visit, other_visit_evidence = followup_of(
        cast, cast.other_assignment, cast.other_member, "回访督查乙", rubric=rubric, survey=survey
    )
    publication, draft = notices_of(cast, cast.assignment)
    other_publication, other_draft = notices_of(cast, cast.other_assignment)
    return Places(
        assignment=cast.assignment,
        problem=problem,
        measure=problem.measures.get(),
        evidence=make_evidence(problem, actor=cast.liaison),
        other_assignment=cast.other_assignment,
        other_problem=other,
        other_measure=other.measures.get(),
        other_evidence=make_evidence(other, actor=cast.other_liaison),
        followup=followup,
        visit=visit,
        visit_evidence=visit_evidence,
        publication=publication,
        draft=draft,
        other_followup=other_followup,
        other_visit=other_visit,
        other_visit_evidence=other_visit_evidence,
        other_publication=other_publication,
        other_draft=other_draft,
        report_file=report_file_of(cast.assignment, cast.liaison),
        other_report_file=report_file_of(cast.other_assignment, cast.other_liaison),
        proposal=proposal,
        proposal_measure=proposal.measures.get(),
        other_proposal=other_proposal,
        other_proposal_measure=other_proposal.measures.get(),
        change_request=change_request,
        request_file=change_request.files.get(),
        other_change_request=other_change_request,
        other_request_file=other_change_request.files.get(),
    )


# GET pages: the record the URL names (None: no record), and who gets 200 (others 404).
# A page that redirects when reached (the measure fragment without htmx) answers 302.
PAGES: dict[str, tuple[str | None, set[str], int]] = {
    "web:home": (None, set(ROLES), 200),
    "web:ledger": (None, set(ROLES), 200),
    # Everyone logged in; each sees the figures of their own scope (tests/web/test_dashboard.py).
    "web:dashboard": (None, set(ROLES), 200),
    "web:ledger_export": (None, set(ROLES), 200),
    "web:queue": (None, set(ROLES), 200),
    "web:inbox": (None, set(ROLES), 200),
    "web:audit": (None, {"office", "supervisor"}, 200),
    "web:import": (None, {"office"}, 200),
    # The office imports any unit's ledger, a liaison their own units' (the rows decide).
    "web:ledger_import": (None, {"office", "liaison", "other_liaison"}, 200),
    "web:publication_pdf": ("publication", SEES_UNIT, 200 if office_program() else 503),
    "web:report_document": ("assignment", SEES_UNIT, 200),
    "web:round_setup": ("round", {"office"}, 200),
    "web:round": ("round", SEES_UNIT | {"other_liaison"}, 200),  # both units are in the round
    "web:round_common_problems": ("round", SEES_UNIT | {"other_liaison"}, 200),
    "web:round_paper_flags": ("round", SEES_UNIT | {"other_liaison"}, 200),
    "web:assignment": ("assignment", SEES_UNIT, 200),
    "web:plan": ("assignment", SEES_UNIT, 200),
    "web:report": ("assignment", SEES_UNIT, 200),
    "web:report_file_download": ("report_file", SEES_UNIT, 200),
    "web:problem": ("problem", SEES_UNIT, 200),
    # Only the unit asks to revise the plan of a problem in rectification (the office edits).
    "web:revision_request": ("problem", {"liaison"}, 200),
    "web:request_file_download": ("request_file", SEES_UNIT, 200),
    "web:measure": ("measure", SEES_UNIT, 302),
    # The edit form, on a measure whose plan the unit still proposes (once the plan is the
    # office's, the liaison is sent back to the problem page: tests/web/test_problem_work.py).
    "web:measure_edit": ("proposal_measure", EDITS_UNIT, 200),
    "web:evidence_download": ("evidence", SEES_UNIT, 200),
    "web:followups": (None, set(ROLES), 200),
    "web:followup": ("followup", SEES_UNIT, 200),
    "web:visit": ("visit", SEES_UNIT, 200),
    "web:visit_evidence_download": ("visit_evidence", SEES_UNIT, 200),
    "web:publications": (None, set(ROLES), 200),
    "web:notice_compose": (None, set(ROLES), 200),
    # A published notice of the liaison's unit: for everyone who sees that unit.
    "web:publication": ("publication", SEES_UNIT, 200),
    "web:publication_download": ("publication", SEES_UNIT, 200),
    # Django's set_language behind log-in: a GET sends everyone back (to ``next`` or home).
    "web:set_language": (None, set(ROLES), 302),
}


# The public pages (公开, namespace ``public``): the only pages anyone reaches without log-in.
# The record the URL names, and the answer for anyone, logged in or not.
PUBLIC_PAGES: dict[str, tuple[str | None, int]] = {
    "public:index": (None, 200),
    "public:publication": ("publication", 200),
    "public:round": ("round", 200),
}


@dataclass
class World:
    cast: Any
    places: Places
    people: dict[str, Any]


@pytest.fixture(scope="module")
def world(django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: Any) -> Iterator[World]:
    """The cast, their records and every combined person, written once for this module.

    As Django's ``setUpTestData``: the module's data is written in a transaction that stays open,
    each test runs in a savepoint inside it (the ``db`` fixture) and is rolled back after, and
    the whole is rolled back once the module is done. Walking every URL for every person over
    records built again for each test would cost minutes.
    """
    media = tmp_path_factory.mktemp("media")
    with django_db_blocker.unblock():
        migrations_rows_restore()
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media), transaction.atomic():
        cast = build_cast()
        yield World(cast, build_places(cast), build_people(cast))
        transaction.set_rollback(True)


@pytest.fixture
def cast(world: World, db: Any) -> Any:
    return world.cast


@pytest.fixture
def places(world: World, db: Any) -> Places:
    return world.places


@pytest.fixture
def people(world: World, db: Any) -> dict[str, Any]:
    return world.people


def post_data(name: str, places: Places, *, other: bool = False) -> tuple[list[int], dict]:
    """The URL arguments and a valid form for each posting endpoint, on either unit.

    The plan's own edits go to the problem whose plan the unit still proposes; the rest to the
    problem in rectification.
    """
    problem = places.other_problem if other else places.problem
    measure = places.other_measure if other else places.measure
    proposal = places.other_proposal if other else places.proposal
    proposal.refresh_from_db()
    proposal_measure = places.other_proposal_measure if other else places.proposal_measure
    change_request = places.other_change_request if other else places.change_request
    assignment = places.other_assignment if other else places.assignment
    problem.refresh_from_db()
    visit = places.other_visit if other else places.visit
    visit.refresh_from_db()
    followup = places.other_followup if other else places.followup
    draft = places.other_draft if other else places.draft
    draft.refresh_from_db()
    report = (places.other_report_file if other else places.report_file).report
    report.refresh_from_db()
    return {
        "web:problem_step": ([problem.pk], {"name": "request_closing"}),
        "web:problem_plan_edit": (
            [proposal.pk],
            {
                "rectification_kind": "immediate",
                "deadline": "",
                "expected_version": proposal.version,
            },
        ),
        "web:measure_add": (
            [proposal.pk],
            {"text": "新增措施一项。", "expected_version": proposal.version},
        ),
        "web:evidence_upload": ([problem.pk], {"evidence-file": make_upload("新材料.pdf")}),
        "web:comment_create": ([problem.pk], {"text": "建议补充会议纪要。"}),
        "web:measure_step": ([measure.pk], {"name": "start"}),
        "web:measure_delete": ([proposal_measure.pk], {"expected_version": proposal.version}),
        "web:extension_request": (
            [problem.pk],
            {
                "target": "problem",
                "new_date": (dt.date.today() + dt.timedelta(days=120)).isoformat(),
                "reason": "需协调财政部门，申请延期。",
            },
        ),
        "web:request_step": ([change_request.pk], {"name": "approve", "reason": "同意"}),
        "web:progress_report": ([measure.pk], {f"progress-{measure.pk}-text": "已推进。"}),
        "web:plan_step": ([assignment.pk], {"name": "submit", "expected_version": 0}),
        "web:report_edit": (
            [assignment.pk],
            {"text": "正文。", "expected_version": report.version},
        ),
        "web:report_step": (
            [assignment.pk],
            {"name": "submit", "expected_version": report.version},
        ),
        "web:batch_create": ([followup.pk], {"sequence": 2, "name": "第二批"}),
        "web:visit_plan": (
            [followup.pk],
            {
                "batch": visit.batch_id,
                "assignment": assignment.pk,
                "group": visit.group_id,
                "planned_on": "2025-12-01",
            },
        ),
        "web:visit_record": (
            [visit.pk],
            {
                "expected_version": visit.version,
                "visited_on": "2025-09-11",
                "heard": "听取整改情况汇报。",
                "interview_count": 3,
            },
        ),
        "web:visit_evidence_upload": ([visit.pk], {"file": make_upload("台账.pdf")}),
        "web:survey_answers": (
            [visit.pk],
            {"survey-r0_q0": "满意", "survey-r0_q1": "满意", "survey-r0_q2": "基本满意"},
        ),
        "web:survey_import": ([visit.pk], {"file": survey_sheet([["满意", "满意", "满意"]])}),
        "web:score_record": (
            [visit.pk],
            {"score-item_0": 28, "score-item_1": 36, "score-item_2": 27},
        ),
        "web:re_feedback": (
            [visit.pk],
            {"text": "请继续整改。", "on": "2025-09-12", "expected_version": visit.version},
        ),
        "web:verdict_record": (
            [visit.pk],
            {
                "problem": problem.pk,
                f"verdict-{problem.pk}-kind": "not_done",
                f"verdict-{problem.pk}-reason": "台账与实际不符。",
                f"verdict-{problem.pk}-new_deadline": "2025-12-31",
            },
        ),
        "web:publication_edit": (
            [draft.pk],
            {"draft_text": "改过的通报。", "expected_version": draft.version},
        ),
        "web:publication_refresh": ([draft.pk], {"expected_version": draft.version}),
        "web:publication_publish": ([draft.pk], {"expected_version": draft.version}),
        "web:publication_disclose": ([draft.pk], {"added": "通报"}),
        "web:publication_step": (
            [draft.pk],
            {"name": "approve", "expected_version": draft.version},
        ),
    }[name]


# Posting endpoints on a unit's records: outside the user's scope 404; in scope but not the
# user's to do, the service refuses with a message (302 back) and nothing is written.
RECTIFICATION_POSTS = [
    "web:problem_step",
    "web:problem_plan_edit",
    "web:measure_add",
    "web:evidence_upload",
    "web:comment_create",
    "web:measure_step",
    "web:measure_delete",
    "web:progress_report",
    "web:plan_step",
    "web:report_edit",
    "web:report_step",
    "web:extension_request",
    "web:request_step",
]
# The office's plan of a follow-up (on a follow-up that visits the liaison's unit).
PLAN_POSTS = ["web:batch_create", "web:visit_plan"]
# The visit's group records the visit: everyone else in scope is refused, the office too.
VISIT_POSTS = [
    "web:visit_record",
    "web:visit_evidence_upload",
    "web:survey_answers",
    "web:survey_import",
    "web:score_record",
    "web:re_feedback",
    "web:verdict_record",
]
# A draft is the office's alone: it is 404 for everyone else.
PUBLICATION_POSTS = [
    "web:publication_edit",
    "web:publication_refresh",
    "web:publication_publish",
    "web:publication_disclose",
    "web:publication_step",
]
POSTS = RECTIFICATION_POSTS + PLAN_POSTS + VISIT_POSTS + PUBLICATION_POSTS
# Endpoints without a record: marking one's own notifications read, verifying the audit chain,
# and the office's new follow-ups and drafts (others get 404, as for the import page).
GLOBAL_POSTS = {
    "web:inbox_read": set(ROLES),
    "web:audit_verify": {"office", "supervisor"},
    "web:followup_create": {"office"},
    "web:digest_draft": {"office"},
    "web:notice_draft": {"office"},
    "web:set_language": set(ROLES),  # the language choice: anyone logged in, back with 302
}
# What an allowed role gets for an empty form: 302 back, or (a form to fill) the page again.
GLOBAL_POST_ANSWER = {"web:followup_create": 200, "web:digest_draft": 200, "web:notice_draft": 200}
# Endpoints walked by a test of their own below: a round's settings are shared by both units,
# so they fit neither the unit records' posts nor the global ones.
SEPARATE_CASES = {
    "web:round_settings",  # test_only_the_office_changes_round_settings
    "web:round_setup_save",  # test_only_the_office_sets_a_round_up
}


def test_every_web_url_has_a_case():
    resolver = next(
        pattern
        for pattern in get_resolver().url_patterns
        if isinstance(pattern, URLResolver) and pattern.namespace == "web"
    )
    names = {f"web:{pattern.name}" for pattern in resolver.url_patterns}
    covered = set(PAGES) | set(POSTS) | set(GLOBAL_POSTS) | SEPARATE_CASES
    assert names - covered == set(), "a web URL has no permission case in this file"
    assert covered - names == set(), "a case names a URL that no longer exists"


def page_url(name: str, record: str | None, places: Places, *, other: bool = False) -> str:
    if record is None:
        return reverse(name)
    if record == "round":
        return reverse(name, args=[places.assignment.round_id])
    target = getattr(places, f"other_{record}" if other else record)
    return reverse(name, args=[target.pk])


@pytest.mark.parametrize("name", list(PAGES))
def test_an_anonymous_visitor_is_sent_to_log_in(places, name):
    record, _allowed, _status = PAGES[name]
    response = Client().get(page_url(name, record, places))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?next=")


@pytest.mark.parametrize("name", list(PUBLIC_PAGES))
def test_the_public_pages_answer_anyone_without_log_in(people, places, name):
    record, status = PUBLIC_PAGES[name]
    url = page_url(name, record, places)
    assert Client().get(url).status_code == status
    answers = {person: client_for(people[person]).get(url).status_code for person in ROLES}
    assert answers == dict.fromkeys(ROLES, status)


def test_a_draft_is_not_on_the_public_pages(places):
    assert Client().get(page_url("public:publication", "draft", places)).status_code == 404
    assert Client().get(reverse("public:publication", args=[999_999])).status_code == 404


@pytest.mark.parametrize("name", list(PAGES))
def test_each_page_answers_each_person_whatever_their_roles(people, places, name):
    record, allowed, status = PAGES[name]
    url = page_url(name, record, places)
    answers = {person: client_for(people[person]).get(url).status_code for person in PEOPLE}
    expected = {person: status if allowed_to(person, allowed) else 404 for person in PEOPLE}
    assert answers == expected


@pytest.mark.parametrize(
    "name", [name for name, (record, _a, _s) in PAGES.items() if record not in {None, "round"}]
)
def test_a_liaison_gets_404_for_the_other_units_records_and_unknown_ids(cast, places, name):
    record, _allowed, _status = PAGES[name]
    liaison = client_for(cast.liaison)
    assert liaison.get(page_url(name, record, places, other=True)).status_code == 404
    assert client_for(cast.office).get(reverse(name, args=[999_999])).status_code == 404


@pytest.mark.parametrize("name", POSTS)
def test_posting_anonymously_is_sent_to_log_in_and_writes_nothing(places, name):
    args, data = post_data(name, places)
    before = AuditEntry.objects.count()
    response = Client().post(reverse(name, args=args), data)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert AuditEntry.objects.count() == before


@pytest.mark.parametrize("role", ["other_liaison", "outsider"])
@pytest.mark.parametrize("name", POSTS)
def test_posting_to_records_out_of_scope_is_404_and_writes_nothing(cast, places, name, role):
    args, data = post_data(name, places)
    before = AuditEntry.objects.count()
    response = client_for(cast.by_name(role)).post(reverse(name, args=args), data)
    assert response.status_code == 404
    assert AuditEntry.objects.count() == before


@pytest.mark.parametrize("name", POSTS)
def test_a_liaison_posting_to_another_units_records_gets_404(cast, places, name):
    args, data = post_data(name, places, other=True)
    before = AuditEntry.objects.count()
    response = client_for(cast.liaison).post(reverse(name, args=args), data)
    assert response.status_code == 404
    assert AuditEntry.objects.count() == before
    assert client_for(cast.office).post(reverse(name, args=[999_999]), data).status_code == 404


# In scope, not theirs to do: the service's refusal comes back as a message.
REFUSED: dict[str, list[str]] = {
    "supervisor": RECTIFICATION_POSTS + PLAN_POSTS + VISIT_POSTS,
    "member": [name for name in RECTIFICATION_POSTS if name != "web:comment_create"] + PLAN_POSTS,
    # another group: not even a comment, nor the other group's visit
    "other_member": RECTIFICATION_POSTS + PLAN_POSTS + VISIT_POSTS,
    # the office decides the unit's requests
    "liaison": ["web:comment_create", *PLAN_POSTS, *VISIT_POSTS, "web:request_step"],
    # the office plans the visit, the group records it; the office edits, the unit asks
    "office": [*VISIT_POSTS, "web:extension_request"],
}
# The words a refusal says it with: 没有权限…, 只有…可以…, …只能查看, …由巡察办确定.
REFUSAL_WORDS = ("权限", "只有", "只能查看", "由巡察办确定")


@pytest.mark.parametrize(
    ("role", "name"), [(role, name) for role, names in REFUSED.items() for name in names]
)
def test_a_step_not_theirs_is_refused_with_a_message_and_writes_nothing(cast, places, role, name):
    args, data = post_data(name, places)
    before = AuditEntry.objects.count()
    client = client_for(cast.by_name(role))
    response = client.post(reverse(name, args=args), data, follow=True)
    assert response.status_code == 200
    errors = [m for m in response.context["messages"] if m.level_tag == "error"]
    assert errors, "the refusal is shown as a message"
    assert any(word in str(errors[0]) for word in REFUSAL_WORDS), str(errors[0])
    assert AuditEntry.objects.count() == before


# A combined person, in scope through some of their parts, is refused what every part in scope
# is refused; through none of them, every post on the unit's records answers 404.
IN_SCOPE = {"office", "supervisor", "member", "other_member", "liaison"}


def refused_for(person: str) -> set[str] | None:
    scoped = [part for part in parts(person) if part in IN_SCOPE]
    if not scoped:
        return None
    return set.intersection(*(set(REFUSED.get(part, [])) for part in scoped))


@pytest.mark.parametrize(
    ("person", "name"),
    [
        (person, name)
        for person in POSTING_COMBINATIONS
        for name in sorted(refused_for(person) or ())
    ],
)
def test_a_combined_person_is_refused_only_what_each_of_their_parts_is_refused(
    people, places, person, name
):
    args, data = post_data(name, places)
    before = AuditEntry.objects.count()
    response = client_for(people[person]).post(reverse(name, args=args), data, follow=True)
    errors = [m for m in response.context["messages"] if m.level_tag == "error"]
    assert errors and any(word in str(errors[0]) for word in REFUSAL_WORDS), person
    assert AuditEntry.objects.count() == before


@pytest.mark.parametrize("person", [p for p in POSTING_COMBINATIONS if refused_for(p) is None])
@pytest.mark.parametrize("name", POSTS)
def test_a_combined_person_out_of_scope_gets_404_and_writes_nothing(people, places, person, name):
    args, data = post_data(name, places)
    before = AuditEntry.objects.count()
    response = client_for(people[person]).post(reverse(name, args=args), data)
    assert response.status_code == 404
    assert AuditEntry.objects.count() == before


def test_roles_in_two_functions_do_what_the_rectification_part_may(people, places):
    # The liaison who also handles petitions asks for closing as the liaison would.
    person = people["liaison+petition_handler"]
    args, data = post_data("web:measure_step", places)
    response = client_for(person).post(reverse("web:measure_step", args=args), data, follow=True)
    assert not [m for m in response.context["messages"] if m.level_tag == "error"]
    places.measure.refresh_from_db()
    assert places.measure.status == "in_progress"


@pytest.mark.parametrize("role", ["supervisor", "member", "other_member", "liaison"])
@pytest.mark.parametrize("name", PUBLICATION_POSTS)
def test_a_draft_is_404_to_everyone_but_the_office(cast, places, name, role):
    args, data = post_data(name, places)
    before = AuditEntry.objects.count()
    response = client_for(cast.by_name(role)).post(reverse(name, args=args), data)
    assert response.status_code == 404
    assert AuditEntry.objects.count() == before


@pytest.mark.parametrize("name", list(GLOBAL_POSTS))
def test_the_global_posts_answer_each_person(people, places, name):
    allowed = GLOBAL_POST_ANSWER.get(name, 302)
    answers = {
        person: client_for(people[person]).post(reverse(name)).status_code for person in PEOPLE
    }
    expected = {
        person: allowed if allowed_to(person, GLOBAL_POSTS[name]) else 404 for person in PEOPLE
    }
    assert answers == expected
    assert Client().post(reverse(name)).status_code == 302  # anonymous: to the login page


def test_only_the_office_changes_round_settings(people, places):
    # The round is both units': whoever sees it is told the office alone sets it; others 404.
    round_id = places.assignment.round_id
    url = reverse("web:round_settings", args=[round_id])
    sees_round = SEES_UNIT | {"other_liaison"}
    for person in PEOPLE:
        Round.objects.filter(pk=round_id).update(evidence_per_measure=False)
        before = AuditEntry.objects.count()
        response = client_for(people[person]).post(url, {"evidence_per_measure": "on"})
        changed = Round.objects.get(pk=round_id).evidence_per_measure
        if not allowed_to(person, sees_round):
            assert (response.status_code, changed) == (404, False), person
            assert AuditEntry.objects.count() == before, person
            continue
        assert response.status_code == 302, person
        assert response["Location"] == reverse("web:round", args=[round_id]), person
        said = [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)]
        if allowed_to(person, {"office"}):
            assert said == [("success", "轮次设置已保存。")], person
            assert changed and AuditEntry.objects.count() == before + 1, person
        else:
            assert said == [("error", "只有巡察办可以修改轮次设置。")], person
            assert not changed and AuditEntry.objects.count() == before, person
    anonymous = Client().post(url, {"evidence_per_measure": "on"})
    assert anonymous["Location"].startswith(reverse("login"))
    unknown = reverse("web:round_settings", args=[999_999])
    assert client_for(people["office"]).post(unknown).status_code == 404


def test_only_the_office_sets_a_round_up(people, places):
    # Everyone but the office is told nothing (404), and nothing is stored.
    round_id = places.assignment.round_id
    url = reverse("web:round_setup_save", args=[round_id])
    data = {"action": "group_add", "name": "市委第九巡察组"}
    for person in PEOPLE:
        before = AuditEntry.objects.count()
        response = client_for(people[person]).post(url, data)
        created = Group.objects.filter(round_id=round_id, name="市委第九巡察组")
        if allowed_to(person, {"office"}):
            assert response.status_code == 302, person
            assert created.count() == 1 and AuditEntry.objects.count() == before + 1, person
            created.delete()
        else:
            assert (response.status_code, created.exists()) == (404, False), person
            assert AuditEntry.objects.count() == before, person
    assert Client().post(url, data)["Location"].startswith(reverse("login"))
    unknown = reverse("web:round_setup_save", args=[999_999])
    assert client_for(people["office"]).post(unknown, data).status_code == 404


def test_a_form_posted_without_the_csrf_token_is_refused(cast, places):
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.office)
    args, data = post_data("web:problem_step", places)
    assert client.post(reverse("web:problem_step", args=args), data).status_code == 403
