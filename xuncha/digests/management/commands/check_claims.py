"""``xuncha check FILE | --round NAME [--json]``: the claims check (整改质量体检) of a document.

Every checkable claim is listed with its verdict (相符 / 不符 by how much / 无法核对 and why),
as ``FILE:LINE: …`` with the spans of the figures it reads. The command is a report: it exits
0 even when claims fail; only input it cannot read is an error.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from xuncha.digests.claims_check import (
    DocumentChecks,
    check_json,
    check_rows,
    document_checks,
    round_checks,
    verdict_counts,
)
from xuncha.digests.management.commands.import_digest import file_bytes
from xuncha.digests.services import file_document
from xuncha.rounds.models import Round
from xuncha.text.digest import DigestError


class Command(BaseCommand):
    help = _(
        "核对文件中的数字说法（整改质量体检）：比例与分子分母、分项与合计、清退不超过查处、"
        "百分数不超过100、日期先后；--round 时还与台账核对。只报告，不写入。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", help=_("要核对的文件"))
        parser.add_argument(
            "--round", dest="round_name", help=_("核对该轮次已导入的文件（并与台账核对）")
        )
        parser.add_argument("--json", action="store_true", help=_("以 JSON 输出核对结果"))

    def handle(self, *args: Any, **options: Any) -> None:
        file, round_name = options["file"], options["round_name"]
        if bool(file) == bool(round_name):
            raise CommandError(_("请给出一个文件，或用 --round 指定轮次（二者选一）"))
        if file:
            path = Path(file)
            try:
                document = file_document(file_bytes(path), file_name=path.name)
            except DigestError as error:
                raise CommandError(f"{path}: {error}") from error
            found = [DocumentChecks(str(path), document_checks(document))]
        else:
            round_ = Round.objects.filter(name=round_name).first()
            if round_ is None:
                raise CommandError(_("没有名为“%(name)s”的轮次") % {"name": round_name})
            found = round_checks(round_=round_)
            if not found:
                self.stdout.write(_("轮次“%(name)s”还没有导入的文件。") % {"name": round_name})
        if options["json"]:
            self.stdout.write(json.dumps(_as_json(found, round_name), ensure_ascii=False, indent=2))
            return
        for item in found:
            self._report(item)

    def _report(self, item: DocumentChecks) -> None:
        for row in check_rows(item.checks):
            spans = "、".join(
                f"“{figure['text']}”[{figure['start']},{figure['end']})"
                for figure in row["figures"]
            )
            self.stdout.write(
                f"{item.name}:{row['line']}: {row['verdict_label']}"
                f"［{row['kind_label']}］{row['message']}"
                + (f"（{_('相差')}{row['difference']}）" if row["difference"] else "")
                + (f" {spans}" if spans else "")
            )
        counts = verdict_counts(item.checks)
        self.stdout.write(
            _(
                "%(name)s：核对%(all)s条，相符%(holds)s条，不符%(fails)s条，无法核对%(unchecked)s条。"
            )
            % {"name": item.name, "all": len(item.checks), **counts}
        )


def _as_json(found: Sequence[DocumentChecks], round_name: str | None) -> dict[str, Any]:
    documents = [
        {
            "name": item.name,
            "counts": verdict_counts(item.checks),
            "checks": [check_json(check) for check in item.checks],
        }
        for item in found
    ]
    return {"round": round_name, "documents": documents}
