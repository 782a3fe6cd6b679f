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
    due_date = models.DateField(
        _("重新报送时限"),
        null=True,
        blank=True,
        help_text=_("退回时由巡察办确定；为空时按反馈日期起算。"),
    )
    version = models.PositiveIntegerField(_("版本"), default=1)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("整改方案")
        verbose_name_plural = _("整改方案")

    def __str__(self) -> str:
        return _("%(assignment)s 整改方案") % {"assignment": self.assignment}


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


class ReportStatus(models.TextChoices):
    """Where a rectification report stands; changed only through ``rectification.workflow``."""

    DRAFT = "draft", _("起草中")
    SUBMITTED = "submitted", _("已报送")
    RECEIVED = "received", _("已接收")
    RETURNED = "returned", _("已退回")


class RectificationReport(models.Model):
    """A unit's rectification report (整改情况报告) for one round, submitted by its liaison to
    the office, which receives it or returns it with a reason and a new due date."""

    assignment = models.OneToOneField(
        Assignment, on_delete=models.CASCADE, related_name="report", verbose_name=_("巡察对象")
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    text = models.TextField(_("报告正文"), blank=True)
    due_date = models.DateField(
        _("重新报送时限"),
        null=True,
        blank=True,
        help_text=_("退回时由巡察办确定；为空时按反馈日期起算。"),
    )
    version = models.PositiveIntegerField(_("版本"), default=1)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("整改情况报告")
        verbose_name_plural = _("整改情况报告")

    def __str__(self) -> str:
        return _("%(assignment)s 整改情况报告") % {"assignment": self.assignment}


def attachment_path(instance: StoredFile, filename: str) -> str:
    """Attachments, like evidence, are stored under their content hash."""
    return f"attachments/{instance.sha256[:2]}/{instance.sha256}"


class ReportFile(StoredFile):
    """A file attached to a rectification report (the signed report, its annexes)."""

    report = models.ForeignKey(
        RectificationReport,
        on_delete=models.CASCADE,
        related_name="files",
        verbose_name=_("整改情况报告"),
    )
    file = models.FileField(_("文件"), upload_to=attachment_path, max_length=200)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("报告附件")
        verbose_name_plural = _("报告附件")


class RequestKind(models.TextChoices):
    EXTENSION = "extension", _("延期申请")
    REVISION = "revision", _("方案调整申请")


class RequestStatus(models.TextChoices):
    """Where a unit's request stands; changed only through ``rectification.workflow``."""

    DRAFT = "draft", _("填写中")
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已批准")
    REFUSED = "refused", _("未批准")
    WITHDRAWN = "withdrawn", _("已撤回")


class ChangeRequest(models.Model):
    """The unit asking the office to change what it is judged by, once the plan is approved:
    a later deadline (延期申请) for the problem or one measure, or a revision of the measures
    (方案调整申请: each changed, added or removed measure with its old and new values).

    The office approves or refuses it with a reason; an approval applies the change through
    the same services as the office's own edit, and the clocks follow.
    """

    problem = models.ForeignKey(
        Problem, on_delete=models.PROTECT, related_name="change_requests", verbose_name=_("问题")
    )
    kind = models.CharField(_("类型"), max_length=16, choices=RequestKind.choices)
    status = models.CharField(
        _("状态"), max_length=16, choices=RequestStatus.choices, default=RequestStatus.DRAFT
    )
    measure = models.ForeignKey(
        Measure,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="change_requests",
        verbose_name=_("措施"),
        help_text=_("延期申请所针对的措施；为空时针对问题的整改时限。"),
    )
    measure_ordinal = models.PositiveIntegerField(
        _("措施序号"),
        null=True,
        blank=True,
        help_text=_("申请时措施的序号（措施删除后仍可看出申请针对哪一项）。"),
    )
    old_date = models.DateField(_("原时限"), null=True, blank=True)
    new_date = models.DateField(_("申请延至"), null=True, blank=True)
    changes = models.JSONField(
        _("调整内容"),
        default=list,
        blank=True,
        help_text=_("Each item: action (update/add/delete), measure id, before and after."),
    )
    reason = models.TextField(_("申请理由"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("申请人"),
    )
    version = models.PositiveIntegerField(_("版本"), default=1)
    created_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "problem"], name="request_status_problem")]
        verbose_name = _("变更申请")
        verbose_name_plural = _("变更申请")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.problem}"


class RequestFile(StoredFile):
    """A file attached to a unit's request (the approval of its leadership, a schedule …)."""

    request = models.ForeignKey(
        ChangeRequest, on_delete=models.CASCADE, related_name="files", verbose_name=_("申请")
    )
    file = models.FileField(_("文件"), upload_to=attachment_path, max_length=200)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("申请附件")
        verbose_name_plural = _("申请附件")
