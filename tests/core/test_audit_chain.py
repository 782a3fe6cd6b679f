"""The audit chain against someone who can write the database but holds neither key nor anchor."""

from __future__ import annotations

import hashlib
import hmac
import io
import json
from pathlib import Path
from typing import Any

import docx
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import transaction
from django.urls import reverse

from tests.factories import make_office_user, make_problem, make_user
from tests.reports.builders import seed_followup
from tests.reports.dataset import build_dataset
from tests.reports.publishing import approved
from xuncha.core import audit_check
from xuncha.core.audit import audit_head_text, audit_record, audit_verify
from xuncha.core.audit_anchor import GENESIS_HASH, anchor_newest
from xuncha.core.audit_check import verify_reason_text
from xuncha.core.models import AuditChainHead, AuditEntry, Role
from xuncha.reports.exports import publication_docx
from xuncha.reports.services import digest_draft_for_batch, notice_draft, publication_publish

pytestmark = pytest.mark.django_db


def anchor_lines() -> list[dict[str, Any]]:
    path = Path(settings.XUNCHA_AUDIT_ANCHOR_FILE)
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def a_chain() -> list[AuditEntry]:
    make_problem()
    make_problem()
    rows = list(AuditEntry.objects.order_by("id"))
    assert len(rows) > 4
    return rows


def command_refuses() -> str:
    with pytest.raises(CommandError) as refused:
        call_command("audit_verify")
    return str(refused.value)


def rewrite_chain(seal: Any) -> None:
    """What an attacker without the key can do: relink and rehash every row, head included."""
    previous = GENESIS_HASH
    rows = list(AuditEntry.objects.order_by("id"))
    for row in rows:
        fields = json.loads(row.canonical)
        fields["previous_hash"] = previous
        canonical = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        digest = seal(canonical)
        AuditEntry.objects.filter(pk=row.pk).update(
            canonical=canonical, previous_hash=previous, hash=digest
        )
        previous = digest
    AuditChainHead.objects.filter(pk=1).update(last_hash=previous, count=len(rows))


def unkeyed(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def wrong_key(text: str) -> str:
    return hmac.new(b"guessed", text.encode("utf-8"), hashlib.sha256).hexdigest()


# ---- Keys, anchors and an intact chain ------------------------------------------------------


def test_an_intact_chain_verifies_with_its_key_and_anchor():
    rows = a_chain()
    assert audit_verify() is None
    out = io.StringIO()
    call_command("audit_verify", stdout=out)
    assert "完好" in out.getvalue() and f"第 {len(rows)} 条" in out.getvalue()
    newest = anchor_newest()
    assert newest is not None
    assert (newest.count, newest.last_hash, newest.last_id) == (
        len(rows),
        rows[-1].hash,
        rows[-1].pk,
    )


def test_each_row_is_sealed_with_the_key_not_plain_sha256():
    [first, *_rest] = a_chain()
    assert first.hash != unkeyed(first.canonical)
    key = Path(settings.XUNCHA_AUDIT_KEY_FILE).read_text(encoding="utf-8").strip()
    assert len(key) == 64
    assert first.hash == hmac.new(key.encode(), first.canonical.encode(), "sha256").hexdigest()
    assert Path(settings.XUNCHA_AUDIT_KEY_FILE).stat().st_mode & 0o777 == 0o600


def test_the_key_from_the_environment_is_used_when_set(monkeypatch):
    monkeypatch.setenv("XUNCHA_AUDIT_KEY", "from-the-environment")
    [first, *_rest] = a_chain()
    expected = hmac.new(b"from-the-environment", first.canonical.encode(), "sha256")
    assert first.hash == expected.hexdigest()
    assert audit_verify() is None


def test_one_transaction_of_many_audit_rows_appends_one_anchor_line():
    user = make_office_user()
    before = len(anchor_lines())
    with transaction.atomic():
        for index in range(700):
            audit_record(
                actor=user, action="batch.row", instance=user, before=None, after={"n": index}
            )
    lines = anchor_lines()
    assert len(lines) == before + 1
    assert lines[-1]["count"] == AuditEntry.objects.count()
    assert audit_verify() is None


def test_a_rolled_back_transaction_appends_no_anchor_line():
    user = make_office_user()
    before = anchor_lines()
    with pytest.raises(ValueError), transaction.atomic():
        audit_record(actor=user, action="x", instance=user, before=None, after=None)
        raise ValueError("rolled back")
    assert anchor_lines() == before
    assert audit_verify() is None


@pytest.mark.django_db(transaction=True)
def test_a_real_commit_appends_one_anchor_line_for_the_whole_transaction():
    user = make_office_user()
    before = len(anchor_lines())
    with transaction.atomic():
        for index in range(50):
            audit_record(
                actor=user, action="batch.row", instance=user, before=None, after={"n": index}
            )
    assert len(anchor_lines()) == before + 1
    assert audit_verify() is None


def test_an_anchor_that_cannot_be_written_leaves_the_change_and_logs_an_error(caplog, settings):
    settings.XUNCHA_AUDIT_ANCHOR_FILE = Path(settings.XUNCHA_AUDIT_KEY_FILE).parent
    make_problem()
    assert AuditEntry.objects.exists()
    assert "anchor file" in caplog.text


def test_a_forged_anchor_line_is_ignored():
    rows = a_chain()
    path = Path(settings.XUNCHA_AUDIT_ANCHOR_FILE)
    forged = {"at": "", "count": 1, "last_hash": rows[0].hash, "last_id": rows[0].pk, "mac": "0"}
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(forged) + "\n")
    newest = anchor_newest()
    assert newest is not None and newest.count == len(rows)


# ---- Tamper cases, each named by audit_verify() and the command ----------------------------


def test_a_middle_row_edited_with_sql_is_named():
    rows = a_chain()
    target = next(row for row in rows[2:] if row.after)
    after = dict(target.after)
    after["title"] = "改过的标题"
    AuditEntry.objects.filter(pk=target.pk).update(after=after)
    problem = audit_verify()
    assert problem is not None
    assert (problem.entry_id, problem.reason) == (
        target.pk,
        "column after differs from the hashed text",
    )
    assert f"第 {target.pk} 条" in command_refuses()


def test_the_last_row_deleted_is_named_as_the_tail_cut():
    rows = a_chain()
    AuditEntry.objects.filter(pk=rows[-1].pk).delete()
    problem = audit_verify()
    assert problem is not None and problem.reason == audit_check.TAIL_CUT
    assert (problem.anchored, problem.found, problem.last_id) == (
        len(rows),
        len(rows) - 1,
        rows[-1].pk,
    )
    message = command_refuses()
    assert "末尾的记录被删除" in message and f"第 {rows[-1].pk} 号" in message


def test_the_tail_cut_with_the_head_moved_back_is_still_named():
    rows = a_chain()
    AuditEntry.objects.filter(pk__in=[row.pk for row in rows[-3:]]).delete()
    AuditChainHead.objects.filter(pk=1).update(last_hash=rows[-4].hash, count=len(rows) - 3)
    problem = audit_verify()
    assert problem is not None and problem.reason == audit_check.TAIL_CUT
    message = command_refuses()
    assert f"缺第 {len(rows) - 2} 至 {len(rows)} 条" in message


def test_all_rows_and_the_head_deleted_are_named():
    rows = a_chain()
    AuditEntry.objects.all().delete()
    AuditChainHead.objects.all().delete()
    problem = audit_verify()
    assert problem is not None and problem.reason == audit_check.CHAIN_EMPTIED
    assert (problem.anchored, problem.found) == (len(rows), 0)
    assert "全部删除" in command_refuses()


@pytest.mark.parametrize(
    ("seal", "reason"),
    [(unkeyed, audit_check.HASH_WITHOUT_KEY), (wrong_key, audit_check.HASH_DIFFERS)],
    ids=["plain-sha256", "wrong-key"],
)
def test_every_hash_recomputed_without_the_key_is_named(seal, reason):
    rows = a_chain()
    rewrite_chain(seal)
    problem = audit_verify()
    assert problem is not None
    assert (problem.entry_id, problem.reason) == (rows[0].pk, reason)
    message = command_refuses()
    assert f"第 {rows[0].pk} 条" in message and str(audit_check.VERIFY_REASONS[reason]) in message


def test_a_forged_row_appended_with_an_unkeyed_hash_is_named():
    rows = a_chain()
    last = rows[-1]
    fields = json.loads(last.canonical)
    fields.update({"action": "problem.close", "previous_hash": last.hash})
    canonical = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    forged = AuditEntry.objects.create(
        at=last.at,
        actor=last.actor,
        actor_name=last.actor_name,
        action="problem.close",
        object_type=last.object_type,
        object_id=last.object_id,
        object_repr=last.object_repr,
        scope=last.scope,
        before=last.before,
        after=last.after,
        canonical=canonical,
        previous_hash=last.hash,
        hash=unkeyed(canonical),
    )
    AuditChainHead.objects.filter(pk=1).update(last_hash=forged.hash, count=len(rows) + 1)
    problem = audit_verify()
    assert problem is not None
    assert (problem.entry_id, problem.reason) == (forged.pk, audit_check.FORGED)
    message = command_refuses()
    assert f"第 {forged.pk} 条" in message and "伪造" in message


def test_rows_without_an_anchor_file_are_named():
    a_chain()
    Path(settings.XUNCHA_AUDIT_ANCHOR_FILE).unlink()
    problem = audit_verify()
    assert problem is not None and problem.reason == audit_check.ANCHOR_MISSING
    assert "锚点文件缺失" in command_refuses()


def test_an_empty_chain_without_an_anchor_verifies():
    assert not AuditEntry.objects.exists()
    assert audit_verify() is None


def test_a_deleted_head_is_named():
    a_chain()
    AuditChainHead.objects.all().delete()
    problem = audit_verify()
    assert problem is not None and problem.reason == audit_check.HEAD_MISSING
    assert "链头缺失" in command_refuses()


def test_a_head_that_miscounts_is_named():
    rows = a_chain()
    AuditChainHead.objects.filter(pk=1).update(count=len(rows) + 5)
    problem = audit_verify()
    assert problem is not None and problem.reason == audit_check.HEAD_COUNT_DIFFERS
    assert verify_reason_text(problem) == f"链头记载 {len(rows) + 5} 条，数据库中有 {len(rows)} 条"


def test_every_reason_reads_in_chinese():
    codes = [
        value
        for name, value in vars(audit_check).items()
        if name.isupper() and isinstance(value, str) and name != "GENESIS_HASH"
    ]
    for code in codes:
        if "{" in code:
            continue
        text = verify_reason_text(audit_check.AuditProblem(0, code, anchored=3, found=1, last_id=9))
        assert text != code and not text.isascii(), code


def test_the_audit_page_names_the_cut_tail_in_chinese(client):
    office = make_user("verifier", Role.OFFICE)
    rows = a_chain()
    AuditEntry.objects.filter(pk=rows[-1].pk).delete()
    client.force_login(office)
    response = client.post(reverse("web:audit_verify"), follow=True)
    messages = [str(message) for message in response.context["messages"]]
    assert any("末尾的记录被删除" in message for message in messages)


# ---- The head printed on published documents ------------------------------------------------


def test_a_published_notice_carries_the_head_on_its_page_and_document(client):
    data = build_dataset(units=2, problems_per_unit=2)
    office = make_user("office", Role.OFFICE)
    publication = approved(notice_draft(actor=office, round_=data.round))
    head = audit_head_text()
    count = AuditChainHead.objects.get().count
    assert head.startswith(f"审计链：第 {count} 条 · ")
    publication = publication_publish(actor=office, publication=publication)
    assert publication.audit_head == head
    anchor = anchor_newest()
    assert anchor is not None and anchor.count >= count
    document = docx.Document(io.BytesIO(publication_docx(publication)))
    assert document.paragraphs[-1].text == head
    client.force_login(office)
    page = client.get(reverse("web:publication", args=[publication.pk]))
    assert head in page.content.decode()
    download = reverse("web:publication_download", args=[publication.pk])
    text = client.get(download, {"format": "txt"}).content.decode()
    assert text.rstrip().endswith(head)


def test_a_published_digest_carries_the_head(seed_path):
    story = seed_followup(seed_path)
    publication = approved(digest_draft_for_batch(actor=story.office, batch=story.batch))
    head = audit_head_text()
    publication = publication_publish(actor=story.office, publication=publication)
    assert publication.audit_head == head
    document = docx.Document(io.BytesIO(publication_docx(publication)))
    assert document.paragraphs[-1].text == head


def test_a_draft_has_no_head_in_its_document():
    data = build_dataset(units=1, problems_per_unit=1)
    office = make_user("office", Role.OFFICE)
    publication = notice_draft(actor=office, round_=data.round)
    document = docx.Document(io.BytesIO(publication_docx(publication)))
    assert not document.paragraphs[-1].text.startswith("审计链")
