"""``xuncha backup FILE [--without-key]``: the database, evidence files and audit anchor (and
key) of this installation in one archive (docs/backup.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xuncha.core.backup import ENGINE_LABELS, backup_write

KEY_NOTES = {
    "file": gettext_lazy("含审计密钥，请像保管密钥一样保管此备份。"),
    "environment": gettext_lazy("审计密钥来自环境变量 XUNCHA_AUDIT_KEY，未写入备份。"),
    "omitted": gettext_lazy("未含审计密钥（--without-key），请另行保管密钥。"),
    "missing": gettext_lazy("本机没有审计密钥文件，备份中也没有。"),
}


class Command(BaseCommand):
    help = _(
        "把数据库、证据文件、审计锚点和审计密钥备份到一个归档文件"
        "（.tar，文件名以 .tar.gz 或 .tgz 结尾时压缩）。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help=_("要写入的备份文件"))
        parser.add_argument(
            "--without-key",
            action="store_true",
            help=_("不把审计密钥写入备份（密钥须另行保管，恢复时放回原处）"),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        summary = backup_write(Path(options["file"]), with_key=not options["without_key"])
        manifest = summary.manifest
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "已备份到 %(path)s（%(size)s）：%(engine)s 数据库 %(tables)s 张表共 "
                    "%(rows)s 行，证据文件 %(files)s 个，审计链 %(count)s 条。"
                )
                % {
                    "path": summary.path,
                    "size": size_text(summary.size),
                    "engine": ENGINE_LABELS[manifest.engine],
                    "tables": len(manifest.tables),
                    "rows": manifest.rows,
                    "files": len(manifest.media_members),
                    "count": manifest.audit_count,
                }
            )
        )
        self.stdout.write(str(KEY_NOTES[manifest.key]))


def size_text(size: int) -> str:
    """A byte count for people: 812 字节, 3.4 KB, 12.5 MB, 1.2 GB."""
    if size < 1024:
        return _("%(size)s 字节") % {"size": size}
    value = float(size)
    for unit in ("KB", "MB", "GB", "TB"):
        value /= 1024
        if value < 1024 or unit == "TB":
            break
    return f"{value:.1f} {unit}"
