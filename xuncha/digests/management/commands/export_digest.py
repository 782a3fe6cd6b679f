"""``xuncha export-digest --round NAME [--unit NAME …]``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from xuncha.digests.services import UnknownUnits, digest_export
from xuncha.rounds.models import Round


class Command(BaseCommand):
    help = _("按摘编格式输出一个轮次（或其中若干单位）的问题与整改。")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--round", required=True, dest="round_name", help=_("轮次名称"))
        parser.add_argument(
            "--unit", action="append", default=[], dest="units", help=_("单位名称，可重复")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        round_ = Round.objects.filter(name=options["round_name"]).first()
        if round_ is None:
            raise CommandError(_("没有名为“%(name)s”的轮次。") % {"name": options["round_name"]})
        try:
            text = digest_export(round_=round_, unit_names=options["units"])
        except UnknownUnits as error:
            raise CommandError(str(error)) from error
        self.stdout.write(text, ending="\n")
