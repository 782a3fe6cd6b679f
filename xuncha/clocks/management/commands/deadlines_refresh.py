"""``xuncha deadlines-refresh [--check]``: recompute every clock and nearest deadline.

Run after upgrading the calendar package (a year it now covers replaces the Monday–Friday
count) or from cron; what did not change is not written, so running it twice is safe. With
``--check`` nothing is written: every stored value that differs from one recomputed from scratch
is listed, and the command exits 1 when there is any.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from xuncha.clocks.check import clocks_check
from xuncha.clocks.services import clocks_refresh_all


class Command(BaseCommand):
    help = _("按现行时限规则和节假日安排重新计算全部时限；--check 只核对、不修改。")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--check",
            action="store_true",
            help=_("只核对：列出与重新计算结果不一致的已存时限，不作修改"),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["check"]:
            differences = clocks_check()
            for difference in differences:
                self.stdout.write(str(difference))
            if differences:
                raise CommandError(
                    _("%(count)s 项已存时限与重新计算的结果不一致。") % {"count": len(differences)}
                )
            self.stdout.write(_("已存时限与重新计算的结果一致。"))
            return
        changed = clocks_refresh_all(actor=None)
        self.stdout.write(_("时限已重新计算：%(count)s 项有变化。") % {"count": changed})
