"""Publications (公开): the digests and notices the office drafts, edits and publishes."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from xuncha.followups.models import Batch
from xuncha.rounds.models import Group, Round, Unit


class PublicationKind(models.TextChoices):
    DIGEST = "digest", _("摘编")
    NOTICE = "notice", _("通报")


class PublicationStatus(models.TextChoices):
    """Where a publication stands; changed only through ``reports.services``."""

    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")


class Publication(models.Model):
    """A digest (摘编) or a notice (通报) of one scope: a round, a batch, a group or a unit.

    The office edits ``draft_text``; publishing copies it into ``published_text``, which is
    never changed afterwards, whatever happens to the data it was written from. ``figures``
    holds the counts the text was written from (a notice's totals), frozen at publication.
    ``audit_head`` is the audit chain's head as it stood when published ("审计链：第 1234 条 ·
    3f9a…c21b"), printed on the page and the document so that a later cut of the chain shows.
    The scope is the round narrowed by whichever of batch, group and unit are set.
    """

    kind = models.CharField(_("类型"), max_length=16, choices=PublicationKind.choices)
    round = models.ForeignKey(
        Round, on_delete=models.PROTECT, related_name="publications", verbose_name=_("轮次")
    )
    batch = models.ForeignKey(
        Batch,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="publications",
        verbose_name=_("批次"),
    )
    group = models.ForeignKey(
        Group,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="publications",
        verbose_name=_("巡察组"),
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="publications",
        verbose_name=_("单位"),
    )
    title = models.CharField(_("标题"), max_length=200)
    draft_text = models.TextField(_("草稿"))
    status = models.CharField(
        _("状态"),
        max_length=16,
        choices=PublicationStatus.choices,
        default=PublicationStatus.DRAFT,
        db_index=True,
    )
    published_text = models.TextField(_("发布文本"), blank=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("发布人"),
    )
    figures = models.JSONField(_("统计数据"), default=dict, blank=True)
    audit_head = models.CharField(
        _("审计链"),
        max_length=120,
        blank=True,
        help_text=_("The audit chain's head when published, printed with the text."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("起草人"),
    )
    created_at = models.DateTimeField(_("起草时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    version = models.PositiveIntegerField(_("版本"), default=1)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("公开发布")
        verbose_name_plural = _("公开发布")

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == PublicationStatus.PUBLISHED

    @property
    def text(self) -> str:
        """The text as published, or the current draft while it is not."""
        return self.published_text if self.is_published else self.draft_text


class DocumentNumber(models.Model):
    """A 发文字号 of the office's register, given once to one published publication.

    The text is ``prefix〔year〕number号`` ("×巡办〔2026〕3号"): numbers run from 1 in each
    year of each prefix, and one given out is never given again (the row is kept, and the
    publication it was given to cannot be deleted). Written only by
    ``reports.numbering.document_number_assign``.
    """

    prefix = models.CharField(_("发文机关代字"), max_length=32)
    year = models.PositiveSmallIntegerField(_("年份"))
    number = models.PositiveIntegerField(_("序号"))
    publication = models.OneToOneField(
        Publication,
        on_delete=models.PROTECT,
        related_name="document_number",
        verbose_name=_("公开发布"),
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("编号人"),
    )
    assigned_at = models.DateTimeField(_("编号时间"), auto_now_add=True)

    class Meta:
        ordering = ["-year", "-number"]
        verbose_name = _("发文字号")
        verbose_name_plural = _("发文字号")
        constraints = [
            models.UniqueConstraint(
                fields=["prefix", "year", "number"], name="document_number_once_per_year"
            )
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        """The number as a 公文 prints it: ×巡办〔2026〕3号."""
        return f"{self.prefix}〔{self.year}〕{self.number}号"
