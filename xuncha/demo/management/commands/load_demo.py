"""``xuncha demo [--reset]``: load the demo round and print how to log in."""

from __future__ import annotations

import unicodedata
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from xuncha.demo.load import (
    DEMO_LOGINS,
    DEMO_URL,
    DemoAlreadyLoaded,
    DemoLogin,
    DemoRefused,
    DemoSummary,
    demo_load,
)
from xuncha.findings.models import ProblemStatus


class Command(BaseCommand):
    help = _("加载演示数据（江城市十四届市委第三轮巡察）并列出演示账号。")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--reset", action="store_true", help=_("先清除已加载的演示轮次，再重新加载")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            summary = demo_load(reset=options["reset"])
        except DemoAlreadyLoaded as notice:
            # Not an error: `make run` loads the demo on every start.
            self.stdout.write(self.style.WARNING(str(notice)))
            self._write_logins(DEMO_LOGINS)
            return
        except DemoRefused as error:
            raise CommandError(str(error)) from error
        self._write_summary(summary)
        self._write_logins(summary.logins)

    def _write_summary(self, summary: DemoSummary) -> None:
        statuses = "，".join(
            f"{label}{summary.status_counts.get(value, 0)}个"
            for value, label in ProblemStatus.choices
        )
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "已加载演示数据“%(round)s”：%(groups)s个巡察组，%(units)s家单位，"
                    "%(problems)s个问题，%(measures)s条整改措施，%(outcomes)s项整改成效，"
                    "%(evidence)s份佐证材料。"
                )
                % {
                    "round": summary.round_name,
                    "groups": summary.groups,
                    "units": summary.units,
                    "problems": summary.problems,
                    "measures": summary.measures,
                    "outcomes": summary.outcomes,
                    "evidence": summary.evidence,
                }
            )
        )
        self.stdout.write(_("问题状态：%(statuses)s。") % {"statuses": statuses})

    def _write_logins(self, logins: tuple[DemoLogin, ...]) -> None:
        self.stdout.write("")
        self.stdout.write(_("打开 %(url)s ，用以下账号登录：") % {"url": DEMO_URL})
        rows = [(_("用户名"), _("密码"), _("角色"))]
        rows += [(login.username, login.password, login.role_label) for login in logins]
        for username, password, role in rows:
            self.stdout.write(f"  {_pad(username, 12)}{_pad(password, 20)}{role}")


def _pad(text: str, width: int) -> str:
    """Pad to a terminal width, counting a Chinese character as two columns."""
    columns = sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)
    return text + " " * max(width - columns, 1)
