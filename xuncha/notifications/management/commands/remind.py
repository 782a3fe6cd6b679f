"""``xuncha remind``: send what is due soon or overdue; safe to run twice (for cron)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from xuncha.notifications.reminders import reminders_send


class Command(BaseCommand):
    help = _("发送即将到期与已逾期提醒（站内通知与邮件）；重复运行不会重复发送。")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", type=dt.date.fromisoformat, help=_("按该日期计算（测试用）"))

    def handle(self, *args: Any, **options: Any) -> None:
        summary = reminders_send(today=options["today"] or timezone.localdate())
        self.stdout.write(
            _("即将到期提醒 %(soon)s 条，逾期提醒 %(late)s 条，补发邮件 %(mail)s 封。")
            % {"soon": summary.due_soon, "late": summary.overdue, "mail": summary.mailed_again}
        )
