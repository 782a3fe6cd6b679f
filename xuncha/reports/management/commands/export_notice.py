"""``xuncha export-notice --round NAME [--batch N] [--group NAME] [--unit NAME] [--docx FILE]
[--pdf FILE]``.

Writes the notice (通报) of the scope from the data as it is now: as text, or as a 公文 in .docx
and PDF (through LibreOffice; docs/official-documents.md). Composed, not published, it has no
发文字号. Run from the server's shell it acts as the system and counts every problem; ``--user
NAME`` counts only what that user may see.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Model, QuerySet
from django.utils.translation import gettext as _

from xuncha.followups.models import Batch
from xuncha.reports.documents import PdfUnavailable, pdf_of
from xuncha.reports.exports import notice_docx
from xuncha.reports.selectors import Scope, notice_compose
from xuncha.rounds.models import Group, Round, Unit

if TYPE_CHECKING:
    from django.contrib.auth.models import User

ModelT = TypeVar("ModelT", bound=Model)


class Command(BaseCommand):
    help = _("按数据输出一个轮次（或批次、巡察组、单位）的整改情况通报，文本或 Word 文档。")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--round", required=True, dest="round_name", help=_("轮次名称"))
        parser.add_argument("--batch", help=_("回访批次：序号（1、2 …）或名称（首批、第二批 …）"))
        parser.add_argument("--followup", help=_("回访督查名称（轮次有多次回访时必填）"))
        parser.add_argument("--group", help=_("巡察组名称"))
        parser.add_argument("--unit", help=_("单位名称"))
        parser.add_argument("--docx", type=Path, help=_("写入 Word 文档（.docx）的路径"))
        parser.add_argument("--pdf", type=Path, help=_("写入 PDF 文件的路径（需要 LibreOffice）"))
        parser.add_argument("--user", help=_("按该用户可见的范围统计（默认统计全部）"))

    def handle(self, *args: Any, **options: Any) -> None:
        round_ = Round.objects.filter(name=options["round_name"]).first()
        if round_ is None:
            raise CommandError(_("没有名为“%(name)s”的轮次。") % {"name": options["round_name"]})
        scope = Scope(
            round_,
            batch=_batch(round_, options["batch"], options["followup"]),
            group=_named(Group.objects.filter(round=round_), options["group"], _("巡察组")),
            unit=_named(Unit.objects.filter(assignments__round=round_), options["unit"], _("单位")),
        )
        notice = notice_compose(_user(options["user"]), scope)
        if options["docx"] or options["pdf"]:
            document = notice_docx(notice)
            if options["pdf"]:
                try:
                    pdf = pdf_of(document)
                except PdfUnavailable as error:
                    raise CommandError(error.message) from None
                options["pdf"].write_bytes(pdf)
                self.stdout.write(_("已写入 %(path)s") % {"path": options["pdf"]})
            if options["docx"]:
                options["docx"].write_bytes(document)
                self.stdout.write(_("已写入 %(path)s") % {"path": options["docx"]})
            return
        self.stdout.write(notice.title, ending="\n\n")
        self.stdout.write(notice.text, ending="\n")


def _user(username: str | None) -> User | None:
    if not username:
        return None
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise CommandError(_("没有用户“%(name)s”。") % {"name": username})
    return user


def _named(queryset: QuerySet[ModelT], name: str | None, what: str) -> ModelT | None:
    if not name:
        return None
    found = queryset.filter(name=name).first()
    if found is None:
        raise CommandError(
            _("该轮次中没有名为“%(name)s”的%(what)s。") % {"name": name, "what": what}
        )
    return found


def _batch(round_: Round, wanted: str | None, followup: str | None) -> Batch | None:
    if not wanted:
        return None
    batches = Batch.objects.filter(followup__round=round_).select_related("followup")
    if followup:
        batches = batches.filter(followup__name=followup)
    batches = (
        batches.filter(sequence=int(wanted)) if wanted.isdigit() else batches.filter(name=wanted)
    )
    found = list(batches[:2])
    if not found:
        raise CommandError(_("该轮次中没有批次“%(batch)s”。") % {"batch": wanted})
    if len(found) > 1:
        raise CommandError(
            _("该轮次有多次回访督查都有批次“%(batch)s”，请用 --followup 指明。") % {"batch": wanted}
        )
    return found[0]
