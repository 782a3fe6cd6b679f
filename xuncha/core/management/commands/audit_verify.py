"""``xuncha audit-verify``: check the audit log's hash chain and name the first altered row."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from xuncha.core.audit import audit_verify
from xuncha.core.models import AuditEntry


class Command(BaseCommand):
    help = _("校验审计日志的哈希链，报告第一条被改动的记录。")

    def handle(self, *args: Any, **options: Any) -> None:
        problem = audit_verify()
        if problem is not None:
            raise CommandError(
                _("审计日志第 %(id)s 条记录校验失败：%(reason)s")
                % {"id": problem.entry_id, "reason": problem.reason}
            )
        self.stdout.write(
            _("审计日志完好：%(count)s 条记录均通过校验。") % {"count": AuditEntry.objects.count()}
        )
