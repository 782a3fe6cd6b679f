from __future__ import annotations

import io
import itertools

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from tests.factories import make_office_user, make_problem
from xuncha.core.audit import audit_record, audit_verify
from xuncha.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_an_untouched_chain_verifies():
    make_problem()
    make_problem()
    assert AuditEntry.objects.count() > 4
    assert audit_verify() is None
    out = io.StringIO()
    call_command("audit_verify", stdout=out)
    assert "完好" in out.getvalue()


def test_each_row_links_to_the_previous_one():
    make_problem()
    rows = list(AuditEntry.objects.order_by("id"))
    assert rows[0].previous_hash == "0" * 64
    for earlier, later in itertools.pairwise(rows):
        assert later.previous_hash == earlier.hash


def test_a_row_edited_in_sql_is_named_by_audit_verify():
    make_problem()
    make_problem()
    target = AuditEntry.objects.order_by("id")[3]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {AuditEntry._meta.db_table} SET object_repr = %s WHERE id = %s",
            ["篡改", target.pk],
        )
    problem = audit_verify()
    assert problem is not None
    assert problem.entry_id == target.pk
    with pytest.raises(CommandError, match=f"第 {target.pk} 条"):
        call_command("audit_verify")


def test_a_json_column_edited_in_sql_is_detected():
    make_problem()
    target = AuditEntry.objects.filter(after__isnull=False).order_by("id")[1]
    after = dict(target.after)
    after["title"] = "改过的标题"
    AuditEntry.objects.filter(pk=target.pk).update(after=after)
    problem = audit_verify()
    assert problem is not None and problem.entry_id == target.pk
    assert "after" in problem.reason


def test_a_deleted_row_breaks_the_chain_at_the_next_row():
    make_problem()
    rows = list(AuditEntry.objects.order_by("id"))
    AuditEntry.objects.filter(pk=rows[2].pk).delete()
    problem = audit_verify()
    assert problem is not None and problem.entry_id == rows[3].pk


@pytest.mark.django_db(transaction=True)
def test_audit_rows_are_refused_outside_a_transaction():
    user = make_office_user()
    with pytest.raises(RuntimeError):
        audit_record(actor=user, action="x", instance=user, before=None, after=None)


def test_a_failed_service_leaves_no_audit_row():
    before = AuditEntry.objects.count()
    with pytest.raises(ValueError), transaction.atomic():
        make_problem()
        raise ValueError("rolled back")
    assert AuditEntry.objects.count() == before
