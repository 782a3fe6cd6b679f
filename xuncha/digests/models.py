"""Digests (摘编) brought into xuncha: what each import read and kept apart from the ledger."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from xuncha.rounds.models import Round


class DigestImport(models.Model):
    """One digest file imported into a round.

    The problems and measures live in the ledger; this row keeps what belongs to the document
    itself: its introduction, the facts read from it, its byline, its punctuation and warnings.
    """

    round = models.ForeignKey(
        Round, on_delete=models.CASCADE, related_name="digest_imports", verbose_name=_("轮次")
    )
    file_name = models.CharField(_("文件名"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    introduction = models.TextField(_("导语"), blank=True)
    facts = models.JSONField(_("导语所述事实"), default=dict, blank=True)
    byline = models.CharField(_("署名"), max_length=500, blank=True)
    colon = models.CharField(
        _("冒号"), max_length=1, default="：", help_text=_("The colon the source used.")
    )
    warnings = models.JSONField(_("警告"), default=list, blank=True)
    form = models.CharField(
        _("文件类型"),
        max_length=20,
        default="digest",
        help_text=_("The form the file was read in."),
    )
    encoding = models.CharField(_("编码"), max_length=40, blank=True)
    claims = models.JSONField(
        _("文件中的说法"),
        default=dict,
        blank=True,
        help_text=_("Totals paragraphs and claims with figures, as the document states them."),
    )
    unit_count = models.PositiveIntegerField(_("单位数"), default=0)
    problem_count = models.PositiveIntegerField(_("问题数"), default=0)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("导入人"),
    )
    imported_at = models.DateTimeField(_("导入时间"), auto_now_add=True)

    class Meta:
        ordering = ["-imported_at", "-id"]
        verbose_name = _("摘编导入")
        verbose_name_plural = _("摘编导入")

    def __str__(self) -> str:
        return f"{self.round} · {self.file_name}"
