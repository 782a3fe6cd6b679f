"""``xuncha audit-verify``: check the audit chain with its key and anchor; name what is wrong."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from xuncha.core.audit import audit_head_text, audit_verify
from xuncha.core.audit_check import verify_reason_text


class Command(BaseCommand):
    help = _("用密钥和库外锚点校验审计日志的哈希链，报告被改动、伪造或删除的记录。")

    def handle(self, *args: Any, **options: Any) -> None:
        problem = audit_verify()
        if problem is not None:
            reason = verify_reason_text(problem)
            if problem.entry_id:
                raise CommandError(
                    _("审计日志第 %(id)s 条记录校验失败：%(reason)s")
                    % {"id": problem.entry_id, "reason": reason}
                )
            raise CommandError(_("审计日志校验失败：%(reason)s") % {"reason": reason})
        self.stdout.write(_("审计日志完好：%(head)s，均通过校验。") % {"head": audit_head_text()})
