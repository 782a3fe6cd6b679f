"""``xuncha import-ledger FILE --round NAME [--user USERNAME] [--dry-run] [--json]
[--confirm-matches]``: preview an Excel ledger's changes, then import them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from xuncha.core.permissions import Actor
from xuncha.ledgers.importing import (
    CONFIRM_ALL,
    LedgerImportRefused,
    ledger_import_apply,
    ledger_import_preview,
)
from xuncha.ledgers.preview import LedgerPreview
from xuncha.ledgers.reading import LedgerFileError
from xuncha.rounds.models import Round


class Command(BaseCommand):
    help = _(
        "导入Excel整改台账：先列出将新增、修改、未变和表中缺少的问题与措施，再通过各项服务导入；"
        "有错误时不导入任何内容。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help=_("台账文件（.xlsx）"))
        parser.add_argument("--round", required=True, dest="round_name", help=_("轮次名称"))
        parser.add_argument(
            "--user", help=_("以该用户的身份导入（其权限决定每项修改的去向）；缺省为系统")
        )
        parser.add_argument("--dry-run", action="store_true", help=_("只预览，不写入"))
        parser.add_argument("--json", action="store_true", help=_("以 JSON 输出预览或导入结果"))
        parser.add_argument(
            "--confirm-matches",
            action="store_true",
            help=_("确认所有未凭编号、而按序号或标题对应的行（否则这些行不导入）"),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"{path}: {error.strerror or error}") from error
        round_ = Round.objects.filter(name=options["round_name"]).first()
        if round_ is None:
            raise CommandError(_("没有名为“%(name)s”的轮次。") % {"name": options["round_name"]})
        actor = self._actor(options.get("user"))
        try:
            preview = ledger_import_preview(
                actor=actor, round_=round_, data=data, file_name=path.name
            )
        except LedgerFileError as error:
            raise CommandError(f"{path}: {error}") from error
        if options["dry_run"] or preview.errors:
            self._show(preview, options["json"], path)
            if preview.errors:
                raise CommandError(
                    _("%(file)s：台账有%(count)s处错误，未导入任何内容。")
                    % {"file": path, "count": len(preview.errors)}
                )
            if not options["json"]:
                self.stdout.write(_("试读完成，未写入。"))
            return
        try:
            result = ledger_import_apply(
                actor=actor,
                preview=preview,
                confirmed=CONFIRM_ALL if options["confirm_matches"] else (),
            )
        except LedgerImportRefused as error:
            for item in error.errors:
                self.stderr.write(f"{item.where}: {item.message}")
            raise CommandError(f"{path}: {error.message}") from error
        if options["json"]:
            self.stdout.write(json.dumps(result.as_json(), ensure_ascii=False, indent=2))
            return
        self._show(result.preview, False, path)
        for sheet, row in result.unconfirmed:
            self.stdout.write(
                _("%(sheet)s第%(row)s行未凭编号对应，未确认，未导入（可加 --confirm-matches）。")
                % {"sheet": sheet, "row": row}
            )
        self.stdout.write(
            _("已导入：修改%(made)s处，提出申请%(requests)s项，不予修改%(refused)s处。")
            % {"made": result.made, "requests": result.requests, "refused": result.refused}
        )

    def _actor(self, username: str | None) -> Actor:
        if not username:
            return None
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(_("没有用户名为“%(name)s”的用户。") % {"name": username})
        return user

    def _show(self, preview: LedgerPreview, as_json: bool, path: Path) -> None:
        if as_json:
            self.stdout.write(json.dumps(preview.as_json(), ensure_ascii=False, indent=2))
            return
        for error in preview.errors:
            self.stderr.write(f"{path}: {error.where}: {error.message}")
        for entry in preview.mapping:
            if entry.how not in ("exact", "ignored"):
                target = entry.label or _("（未识别）")
                self.stdout.write(f"{entry.sheet}!{entry.letter} “{entry.header}” → {target}")
        for record in preview.new:
            self.stdout.write(
                _("新增%(what)s %(sheet)s第%(row)s行：%(title)s [%(becomes)s] %(reason)s")
                % {
                    "what": _("问题") if record.level == "problem" else _("措施"),
                    "sheet": record.sheet,
                    "row": record.row,
                    "title": record.title[:40],
                    "becomes": record.becomes_label,
                    "reason": record.reason,
                }
            )
        for changed in preview.changed:
            confirm = _("（待确认）") if changed.needs_confirmation else ""
            for change in changed.changes:
                self.stdout.write(
                    f"{changed.key} {changed.sheet}!{changed.row}{confirm} {change.label}："
                    f"{change.before or '—'} → {change.after or '—'} "
                    f"[{change.becomes_label}] {change.reason}".rstrip()
                )
        for missing in preview.missing:
            self.stdout.write(
                _("表中缺少%(key)s（%(unit)s）：%(title)s")
                % {"key": missing.key, "unit": missing.unit, "title": missing.title[:40]}
            )
        self.stdout.write(
            _(
                "共%(changed)s条记录有修改，新增%(new)s条，%(unchanged)s条未变，表中缺少%(missing)s条。"
            )
            % {
                "changed": len(preview.changed),
                "new": len(preview.new),
                "unchanged": len(preview.unchanged),
                "missing": len(preview.missing),
            }
        )
