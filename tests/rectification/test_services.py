from __future__ import annotations

import hashlib

import pytest

from tests.factories import PDF_BYTES, make_upload
from tests.rectification.conftest import problem_at
from xuncha.core.files import FileRefused
from xuncha.core.models import AuditEntry
from xuncha.core.workflow import TransitionRefused
from xuncha.findings.models import MeasureStatus, RectificationKind
from xuncha.findings.services import EditRefused
from xuncha.notifications.models import Notification
from xuncha.rectification.models import Evidence
from xuncha.rectification.services import comment_add, evidence_add, progress_report_create
from xuncha.rectification.transitions import problem_transition


def test_evidence_is_stored_under_its_hash_and_audited(cast):
    problem = problem_at(cast.assignment, "in_progress")
    evidence = evidence_add(actor=cast.liaison, problem=problem, upload=make_upload("会议纪要.pdf"))
    assert evidence.sha256 == hashlib.sha256(PDF_BYTES).hexdigest()
    assert evidence.file.name.endswith(evidence.sha256)
    assert evidence.size == len(PDF_BYTES)
    assert evidence.content_type == "application/pdf"
    assert evidence.original_name == "会议纪要.pdf"
    with evidence.file.open("rb") as stored:
        assert stored.read() == PDF_BYTES
    assert AuditEntry.objects.filter(action="evidence.add", object_id=str(evidence.pk)).exists()


def test_a_new_version_is_a_new_file_and_the_old_one_stays(cast):
    problem = problem_at(cast.assignment, "in_progress")
    first = evidence_add(actor=cast.liaison, problem=problem, upload=make_upload("台账.pdf"))
    second = evidence_add(
        actor=cast.liaison,
        problem=problem,
        upload=make_upload("台账.pdf", PDF_BYTES + b"% corrected\n"),
        supersedes=first,
    )
    assert second.supersedes == first
    assert first.file.name != second.file.name
    with first.file.open("rb") as stored:
        assert stored.read() == PDF_BYTES
    with pytest.raises(ValueError):
        evidence_add(
            actor=cast.liaison, problem=problem, upload=make_upload("x.pdf"), supersedes=first
        )


def test_the_same_content_twice_shares_one_stored_file(cast):
    problem = problem_at(cast.assignment, "in_progress")
    first = evidence_add(actor=cast.liaison, problem=problem, upload=make_upload("a.pdf"))
    second = evidence_add(actor=cast.liaison, problem=problem, upload=make_upload("b.pdf"))
    assert first.file.name == second.file.name
    assert Evidence.objects.count() == 2


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("病毒.exe", b"MZ\x90\x00", "类型不被接受"),
        ("假的.pdf", b"\x89PNG\r\n\x1a\nxxxx", "不符"),
        ("空.pdf", b"", "空文件"),
        ("二进制.txt", b"abc\x00def", "不是文本"),
    ],
)
def test_files_of_the_wrong_kind_are_refused_and_nothing_is_stored(cast, name, content, message):
    problem = problem_at(cast.assignment, "in_progress")
    with pytest.raises(FileRefused, match=message):
        evidence_add(actor=cast.liaison, problem=problem, upload=make_upload(name, content))
    assert not Evidence.objects.exists()


def test_a_file_over_the_limit_is_refused(cast, settings):
    settings.XUNCHA_EVIDENCE_MAX_BYTES = 30
    problem = problem_at(cast.assignment, "in_progress")
    with pytest.raises(FileRefused, match="大小上限"):
        evidence_add(actor=cast.liaison, problem=problem, upload=make_upload())


@pytest.mark.parametrize("who", ["member", "supervisor", "other_liaison", "outsider"])
def test_only_the_unit_and_the_office_upload_evidence(cast, who):
    problem = problem_at(cast.assignment, "in_progress")
    with pytest.raises(EditRefused):
        evidence_add(actor=cast.by_name(who), problem=problem, upload=make_upload())


def test_a_progress_report_reads_its_outcomes_and_starts_the_measure(cast):
    problem = problem_at(cast.assignment, "in_progress")
    measure = problem.measures.get()
    report = progress_report_create(
        actor=cast.liaison,
        measure=measure,
        text="已清退违规资金4.2万元，修订制度2项。",
        files=[make_upload("清退凭证.pdf")],
    )
    assert {(o.kind, o.value) for o in report.outcomes.all()} == {
        ("money", "42000"),
        ("count", "2"),
    }
    assert report.evidence.count() == 1
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.IN_PROGRESS


def test_a_progress_report_on_a_closed_problem_is_refused_unless_it_is_long_term(cast):
    problem = problem_at(cast.assignment, "closed")
    measure = problem.measures.get()
    with pytest.raises(TransitionRefused):
        progress_report_create(actor=cast.liaison, measure=measure, text="继续推进。")
    problem.rectification_kind = RectificationKind.LONG_TERM
    problem.save(update_fields=["rectification_kind"])
    report = progress_report_create(actor=cast.liaison, measure=measure, text="本季度开展培训1期。")
    assert report.pk


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("member", True),
        ("office", True),
        ("other_member", False),
        ("liaison", False),
        ("supervisor", False),
    ],
)
def test_group_members_of_the_assigned_group_comment(cast, who, allowed):
    problem = problem_at(cast.assignment, "closing_requested")
    if allowed:
        comment = comment_add(
            actor=cast.by_name(who),
            problem=problem,
            text="整改到位，建议销号。",
            recommends_closing=True,
        )
        assert comment.recommends_closing
    else:
        with pytest.raises(EditRefused):
            comment_add(actor=cast.by_name(who), problem=problem, text="意见")


def test_the_office_hears_of_a_closing_request_and_the_unit_of_a_return(cast):
    problem = problem_at(cast.assignment, "closing_requested", requester=cast.liaison)
    assert Notification.objects.filter(recipient=cast.office, kind="closing_requested").exists()
    problem_transition(actor=cast.office, problem=problem, name="return", reason="佐证不足")
    note = Notification.objects.get(recipient=cast.liaison, kind="returned")
    assert "佐证不足" in note.message
    assert not Notification.objects.filter(recipient=cast.other_liaison).exists()
