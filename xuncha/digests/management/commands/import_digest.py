"""``xuncha import-digest FILE --round NAME [--dry-run] [--json]``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from xuncha.digests.services import digest_import, file_read, importable
from xuncha.text.digest import DigestError
from xuncha.text.plan import plan_json


def file_bytes(path: Path) -> bytes:
    """The file's bytes, or the command's error naming the file."""
    try:
        return path.read_bytes()
    except OSError as error:
        raise CommandError(f"{path}: {error.strerror or error}") from error


class Command(BaseCommand):
    help = _("导入一份摘编或被巡察单位的整改情况通报（问题与整改）到指定轮次；轮次不存在时创建。")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "file", help=_("文件：txt（UTF-8、GB18030、UTF-16）、docx、doc、wps 或 pdf")
        )
        parser.add_argument("--round", required=True, dest="round_name", help=_("轮次名称"))
        parser.add_argument("--dry-run", action="store_true", help=_("只读取并显示，不写入"))
        parser.add_argument("--json", action="store_true", help=_("以 JSON 输出读取结果"))

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        data = file_bytes(path)
        try:
            read = file_read(data, file_name=path.name)
            parsed = importable(read)
        except DigestError as error:
            raise CommandError(f"{path}: {error}") from error
        read_as = _("%(form)s，%(encoding)s") % {
            "form": read.document.form_label,
            "encoding": read.document.encoding or read.document.source_kind,
        }
        if options["json"]:
            document = plan_json(parsed, round_name=options["round_name"]) | {
                "form": read.document.form,
                "encoding": read.document.encoding,
                "claims": [claim.as_json() for claim in read.document.claims],
            }
            self.stdout.write(json.dumps(document, ensure_ascii=False, indent=2))
        for warning in parsed.warnings:
            self.stderr.write(f"{path}:{warning.line}: {_('警告')}: {warning.message}")
        if options["dry_run"]:
            if not options["json"]:
                problems = sum(len(unit.problems) for unit in parsed.units)
                self.stdout.write(
                    _("试读（%(read_as)s）：%(units)s 个单位，%(problems)s 个问题；未写入。")
                    % {"read_as": read_as, "units": len(parsed.units), "problems": problems}
                )
            return
        step = max(1, len(parsed.units) // 10)

        def progress(done: int, total: int) -> None:
            # About ten lines on stderr, from "0/N" as the write begins; all before the commit.
            if options["verbosity"] >= 1 and (done % step == 0 or done == total):
                self.stderr.write(
                    _("正在写入：%(done)s/%(total)s 个单位") % {"done": done, "total": total}
                )
                self.stderr.flush()

        try:
            record = digest_import(
                actor=None,
                data=data,
                file_name=path.name,
                round_name=options["round_name"],
                progress=progress,
            )
        except DigestError as error:
            raise CommandError(f"{path}: {error}") from error
        if not options["json"]:
            self.stdout.write(
                _("已导入（%(read_as)s）到轮次“%(round)s”：%(units)s 个单位，%(problems)s 个问题。")
                % {
                    "read_as": read_as,
                    "round": record.round.name,
                    "units": record.unit_count,
                    "problems": record.problem_count,
                }
            )
