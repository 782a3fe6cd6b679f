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
    APPROVED = "approved", _("已审核")
    PUBLISHED = "published", _("已发布")
    WITHDRAWN = "withdrawn", _("已撤回")


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
    public_text = models.TextField(
        _("公开文本"),
        blank=True,
        help_text=_("The text the public reads: public items only, names masked; frozen."),
    )
    redactions = models.JSONField(
        _("隐名处理"),
        default=list,
        blank=True,
        help_text=_('The spans masked in the public text: [{"text": …, "mask": …, "found": …}].'),
    )
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("最后修改人"),
    )
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
        """Published once (and perhaps withdrawn since): its texts are fixed for good."""
        return self.status in (PublicationStatus.PUBLISHED, PublicationStatus.WITHDRAWN)

    @property
    def is_public(self) -> bool:
        """Published and not withdrawn: the public pages show its public text."""
        return self.status == PublicationStatus.PUBLISHED

    @property
    def is_draft(self) -> bool:
        return self.status == PublicationStatus.DRAFT

    @property
    def text(self) -> str:
        """The text as published, or the current draft while it is not."""
        return self.published_text if self.is_published else self.draft_text


class ItemKind(models.TextChoices):
    """What part of a publication an item is: a digest's opening, unit or problem, the
    closing byline, or a notice as a whole."""

    INTRODUCTION = "introduction", _("导语")
    UNIT = "unit", _("单位")
    PROBLEM = "problem", _("问题")
    CLOSING = "closing", _("署名")
    NOTICE = "notice", _("通报")


class WithheldReason(models.TextChoices):
    """Why an item is not made public (不予公开的理由)."""

    SECRET = "secret", _("涉密")
    OPEN_CASE = "open_case", _("正在查办")
    SENSITIVE = "sensitive", _("敏感")
    OTHER = "other", _("其他")


class PublicationItem(models.Model):
    """One item of a publication with its disclosure decision: public, or withheld with a
    reason (其他 with a written note).

    The items are read from the draft's text whenever it is written (``reports.disclosure``):
    a digest's introduction, each unit line and each problem with its rectification, its
    byline; a notice is one item. A decision is kept across edits for the item of the same
    kind, unit and title. Written only by ``reports.disclosure``.
    """

    publication = models.ForeignKey(
        Publication, on_delete=models.CASCADE, related_name="items", verbose_name=_("公开发布")
    )
    order = models.PositiveIntegerField(_("顺序"))
    kind = models.CharField(_("类型"), max_length=16, choices=ItemKind.choices)
    unit_name = models.CharField(_("单位名称"), max_length=200, blank=True)
    title = models.CharField(_("标题"), max_length=500, blank=True)
    problem = models.ForeignKey(
        "findings.Problem",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("问题"),
    )
    text = models.TextField(_("内容"))
    withheld_reason = models.CharField(
        _("不予公开理由"), max_length=16, choices=WithheldReason.choices, blank=True
    )
    withheld_note = models.CharField(_("说明"), max_length=500, blank=True)

    class Meta:
        ordering = ["publication", "order"]
        verbose_name = _("公开事项")
        verbose_name_plural = _("公开事项")
        constraints = [
            models.UniqueConstraint(
                fields=["publication", "order"], name="publication_item_order_once"
            )
        ]

    def __str__(self) -> str:
        return self.title or self.unit_name or self.get_kind_display()

    @property
    def is_public(self) -> bool:
        return not self.withheld_reason

    @property
    def decidable(self) -> bool:
        """Units, problems and notices are decided one by one; the opening and the byline
        always go with the publication."""
        return self.kind in (ItemKind.UNIT, ItemKind.PROBLEM, ItemKind.NOTICE)


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
