"""The unit's rectification work: its plan, progress reports, evidence and group comments."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from xuncha.core.models import StoredFile
from xuncha.findings.models import Measure, Problem, Quantity
from xuncha.rounds.models import Assignment


class PlanStatus(models.TextChoices):
    """Where a rectification plan stands; changed only through ``rectification.workflow``."""

    DRAFT = "draft", _("起草中")
    SUBMITTED = "submitted", _("已报送")
    APPROVED = "approved", _("已批准")
    RETURNED = "returned", _("已退回")


class RectificationPlan(models.Model):
    """A unit's rectification plan (整改方案) for one round: its problems' measures (任务清单)
    with a responsible leader, a lead department and a deadline each (责任清单).

    The measures themselves live on the problems; the plan carries the status of the whole
    and who submitted and approved it.
    """

    assignment = models.OneToOneField(
        Assignment, on_delete=models.CASCADE, related_name="plan", verbose_name=_("巡察对象")
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    summary = models.TextField(_("方案说明"), blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("整改方案")
        verbose_name_plural = _("整改方案")

    def __str__(self) -> str:
        return f"{self.assignment} 整改方案"


class ProgressReport(models.Model):
    """A unit's report of progress on one measure, with counted outcomes and evidence.

    A report on a 长期坚持 problem may follow its closing: such problems stay under periodic
    reports after the concentrated phase.
    """

    measure = models.ForeignKey(
        Measure, on_delete=models.CASCADE, related_name="reports", verbose_name=_("措施")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("报告人"),
    )
    text = models.TextField(_("进展情况"))
    created_at = models.DateTimeField(_("报告时间"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("整改进展")
        verbose_name_plural = _("整改进展")

    def __str__(self) -> str:
        return self.text[:40]


class ReportOutcome(Quantity):
    """A typed quantity stated in a progress report, read from its text."""

    report = models.ForeignKey(
        ProgressReport, on_delete=models.CASCADE, related_name="outcomes", verbose_name=_("进展")
    )

    class Meta:
        ordering = ["report_id", "position"]
        verbose_name = _("进展成效")
        verbose_name_plural = _("进展成效")


def evidence_path(instance: Evidence, filename: str) -> str:
    """Files are stored under their content hash, so a stored file is never overwritten."""
    return f"evidence/{instance.sha256[:2]}/{instance.sha256}"


class Evidence(StoredFile):
    """A file backing a claim (佐证材料), stored once under its SHA-256, never overwritten.

    A corrected file is a new row that ``supersedes`` the earlier one; both stay.
    """

    problem = models.ForeignKey(
        Problem, on_delete=models.PROTECT, related_name="evidence", verbose_name=_("问题")
    )
    measure = models.ForeignKey(
        Measure,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evidence",
        verbose_name=_("措施"),
    )
    report = models.ForeignKey(
        ProgressReport,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evidence",
        verbose_name=_("进展报告"),
    )
    file = models.FileField(_("文件"), upload_to=evidence_path, max_length=200)
    description = models.CharField(_("说明"), max_length=300, blank=True)
    supersedes = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
        verbose_name=_("替代的版本"),
    )

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")


class Comment(models.Model):
    """A note on a problem by an inspection group (or the office); may recommend closing."""

    problem = models.ForeignKey(
        Problem, on_delete=models.CASCADE, related_name="comments", verbose_name=_("问题")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("作者"),
    )
    text = models.TextField(_("意见"))
    recommends_closing = models.BooleanField(_("建议销号"), default=False)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("意见")
        verbose_name_plural = _("意见")

    def __str__(self) -> str:
        return self.text[:40]
