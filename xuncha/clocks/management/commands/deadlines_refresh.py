"""``xuncha deadlines-refresh``: recompute every stored deadline from the current rules.

Run after upgrading the calendar package (a year it now covers replaces the Monday–Friday
count) or from cron; deadlines that did not change are not written, so running it twice is safe.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from xuncha.clocks.services import deadlines_refresh_all


class Command(BaseCommand):
    help = _("按现行时限规则和节假日安排重新计算全部时限。")

    def handle(self, *args: Any, **options: Any) -> None:
        changed = deadlines_refresh_all(actor=None)
        self.stdout.write(_("时限已重新计算：%(count)s 项有变化。") % {"count": changed})
