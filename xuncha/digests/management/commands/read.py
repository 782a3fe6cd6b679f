"""``xuncha read FILE [--json]``: the document model of a file, in whatever form it is."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from xuncha.digests.management.commands.import_digest import file_bytes
from xuncha.digests.services import file_read
from xuncha.text.digest import DigestError


class Command(BaseCommand):
    help = _(
        "读取一份文件（摘编、整改情况通报、进展通报、审计整改报告、信访等报告；"
        "txt、docx、doc、wps、pdf），显示读出的类型、结构和数字；不写入。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help=_("要读取的文件"))
        parser.add_argument(
            "--json", action="store_true", help=_("以 JSON 输出文档模型（见 docs/documents.md）")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            document = file_read(file_bytes(path), file_name=path.name).document
        except DigestError as error:
            raise CommandError(f"{path}: {error}") from error
        if options["json"]:
            self.stdout.write(json.dumps(document.as_json(), ensure_ascii=False, indent=2))
            return
        measures = sum(len(problem.rectification.measures) for problem in document.problems)
        self.stdout.write(
            _("%(name)s：%(form)s（%(encoding)s）")
            % {
                "name": path.name,
                "form": document.form_label,
                "encoding": document.encoding or document.source_kind,
            }
        )
        for reason in document.evidence:
            self.stdout.write(f"  {reason}")
        self.stdout.write(
            _(
                "单位 %(units)s 个，问题 %(problems)s 个，措施 %(measures)s 条；"
                "数字 %(figures)s 处，说法 %(claims)s 条，汇总段 %(totals)s 段。"
            )
            % {
                "units": len(document.units),
                "problems": len(document.problems),
                "measures": measures,
                "figures": len(document.figures),
                "claims": len(document.claims),
                "totals": len(document.totals),
            }
        )
        for warning in document.warnings:
            self.stderr.write(f"{path}:{warning.line or ''}: {_('警告')}: {warning.message}")
