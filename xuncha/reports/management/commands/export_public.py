"""``xuncha export-public --out DIR [--round NAME]``.

Writes the public pages as static HTML for an office that publishes through its portal:
``index.html``, one ``publication-<id>.html`` per public publication, one ``round-<id>.html``
per round with published progress, and the stylesheet, all linked relatively. The content is
the public pages' own (the same templates and ``reports.disclosure`` reads): published, not
withdrawn, only public items, names masked.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from django.contrib.staticfiles import finders
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from xuncha.reports.disclosure import (
    PublicLinks,
    public_index_context,
    public_publication_context,
    public_publications,
    public_round_context,
    public_rounds,
)
from xuncha.rounds.models import Round

STYLESHEET = "xuncha.css"


def export_links() -> PublicLinks:
    """Relative links between the files of the export, all in one folder."""
    return PublicLinks(
        index="index.html",
        publication=lambda publication: f"publication-{publication.pk}.html",
        round=lambda round_: f"round-{round_.pk}.html",
        stylesheet=STYLESHEET,
    )


class Command(BaseCommand):
    help = _("将公开页面（已发布且未撤回的摘编、通报和整改进展）导出为静态网页。")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", required=True, type=Path, help=_("写入网页的目录"))
        parser.add_argument("--round", dest="round_name", help=_("只导出该轮次"))

    def handle(self, *args: Any, **options: Any) -> None:
        round_ = None
        if options["round_name"]:
            round_ = Round.objects.filter(name=options["round_name"]).first()
            if round_ is None:
                raise CommandError(
                    _("没有名为“%(name)s”的轮次。") % {"name": options["round_name"]}
                )
        out: Path = options["out"]
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            message = _("无法创建目录 %(dir)s：%(error)s") % {"dir": out, "error": error}
            raise CommandError(message) from error
        links = export_links()
        written = [
            self._write(out, "index.html", "index", public_index_context(links, round_)),
        ]
        for publication in public_publications(round_):
            context = public_publication_context(publication, links)
            written.append(self._write(out, links.publication(publication), "publication", context))
        for found in public_rounds():
            if round_ is None or found.pk == round_.pk:
                context = public_round_context(found, links)
                written.append(self._write(out, links.round(found), "round", context))
        stylesheet = finders.find("web/xuncha.css")
        if isinstance(stylesheet, str):
            shutil.copyfile(stylesheet, out / STYLESHEET)
        self.stdout.write(
            _("已写入 %(count)s 个网页到 %(dir)s。") % {"count": len(written), "dir": out}
        )

    def _write(self, out: Path, name: str, template: str, context: dict[str, Any]) -> Path:
        path = out / name
        path.write_text(render_to_string(f"web/public/{template}.html", context), "utf-8")
        return path
