"""``xuncha restore FILE [--force] [--check]``: put an archive of ``xuncha backup`` back into
this installation, or only check it (docs/backup.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from xuncha.core.backup import ENGINE_LABELS, Manifest, backup_check, backup_restore


class Command(BaseCommand):
    help = _(
        "从 xuncha backup 写出的备份文件恢复数据库、证据文件、审计锚点和审计密钥，"
        "然后迁移数据库并校验审计链。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help=_("备份文件"))
        parser.add_argument(
            "--force",
            action="store_true",
            help=_("本系统已有数据或密钥不同时也恢复（原有的数据库被替换，文件另存）"),
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help=_("只逐个核对备份中的文件与清单，不做任何改动"),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if options["check"]:
            manifest = backup_check(path)
            self.stdout.write(self.style.SUCCESS(_("备份文件完好：") + describe(manifest)))
            return
        summary = backup_restore(path, force=options["force"])
        for item in summary.replaced:
            self.stdout.write(self.style.WARNING(_("已替换：%(item)s") % {"item": item}))
        if summary.migrations_applied:
            self.stdout.write(
                _("恢复后应用了 %(count)s 个新迁移：%(names)s")
                % {
                    "count": len(summary.migrations_applied),
                    "names": "、".join(summary.migrations_applied),
                }
            )
        self.stdout.write(
            self.style.SUCCESS(
                _("已从 %(path)s 恢复：") % {"path": summary.path} + describe(summary.manifest)
            )
        )
        self.stdout.write(_("审计日志完好：%(head)s，均通过校验。") % {"head": summary.audit_text})


def describe(manifest: Manifest) -> str:
    """One sentence on what an archive holds."""
    return _(
        "%(created)s 备份的 %(engine)s 数据库 %(tables)s 张表共 %(rows)s 行，"
        "证据文件 %(files)s 个，审计链 %(count)s 条（程序版本 %(version)s）。"
    ) % {
        "created": manifest.created_at,
        "engine": ENGINE_LABELS[manifest.engine],
        "tables": len(manifest.tables),
        "rows": manifest.rows,
        "files": len(manifest.media_members),
        "count": manifest.audit_count,
        "version": manifest.xuncha_version,
    }
