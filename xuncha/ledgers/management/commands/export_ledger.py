"""``xuncha export-ledger --round NAME [--unit NAME …] --xlsx FILE [--repeat]``.

Writes a round's ledger (整改台账), or that of some of its units, to an .xlsx file. Run from the
server's shell it acts as the system and writes every problem.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from xuncha.ledgers.export import ledger_xlsx
from xuncha.rounds.models import Round, Unit


class Command(BaseCommand):
    help = _("将一个轮次（或其中若干单位）的整改台账导出为 Excel 表格（.xlsx）。")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--round", required=True, dest="round_name", help=_("轮次名称"))
        parser.add_argument(
            "--unit", action="append", default=[], dest="units", help=_("单位名称，可重复")
        )
        parser.add_argument(
            "--xlsx", required=True, type=Path, help=_("写入 Excel 表格（.xlsx）的路径")
        )
        parser.add_argument(
            "--repeat",
            action="store_true",
            help=_("在每项措施的行上重复问题信息，不合并单元格"),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        round_ = Round.objects.filter(name=options["round_name"]).first()
        if round_ is None:
            raise CommandError(_("没有名为“%(name)s”的轮次。") % {"name": options["round_name"]})
        unit_ids = _unit_ids(round_, options["units"]) if options["units"] else None
        path: Path = options["xlsx"]
        if not path.parent.is_dir():
            raise CommandError(_("目录“%(folder)s”不存在。") % {"folder": path.parent})
        result = ledger_xlsx(
            None,
            filters={"round_id": round_.pk},
            warning=None,
            deadline_kind=None,
            today=timezone.localdate(),
            out=path,
            merge=not options["repeat"],
            unit_ids=unit_ids,
        )
        self.stdout.write(
            _("已写入 %(path)s：%(problems)s 个问题，%(rows)s 行。")
            % {"path": path, "problems": result.problems, "rows": result.rows}
        )


def _unit_ids(round_: Round, names: list[str]) -> list[int]:
    """The ids of the named units inspected in the round; every name not found is named."""
    found = dict(
        Unit.objects.filter(assignments__round=round_, name__in=names).values_list("name", "pk")
    )
    unknown = [name for name in names if name not in found]
    if unknown:
        raise CommandError(
            _("轮次“%(round)s”中没有这些单位：%(names)s。")
            % {"round": round_.name, "names": "、".join(unknown)}
        )
    return [found[name] for name in names]
