"""Messages to people about their work: the in-app inbox, mirrored by e-mail."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    ASSIGNED = "assigned", _("交办")
    PLAN = "plan", _("整改方案")
    CLOSING_REQUESTED = "closing_requested", _("申请销号")
    RETURNED = "returned", _("退回")
    CLOSED = "closed", _("已销号")
    REOPENED = "reopened", _("重新打开")
    DUE_SOON = "due_soon", _("即将到期")
    OVERDUE = "overdue", _("已逾期")
    FOLLOWUP = "followup", _("回访督查")
    REQUEST = "request", _("变更申请")
    REPORT = "report", _("整改情况报告")


class Notification(models.Model):
    """One message to one person. ``key`` makes a reminder unique, so sending twice is harmless."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("收件人"),
    )
    kind = models.CharField(_("类型"), max_length=24, choices=NotificationKind.choices)
    message = models.CharField(_("内容"), max_length=500)
    link = models.CharField(_("链接"), max_length=200, blank=True)
    key = models.CharField(_("去重键"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("邮件发送时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "key"],
                condition=~models.Q(key=""),
                name="notification_key_unique",
            )
        ]
        indexes = [models.Index(fields=["recipient", "read_at"])]
        verbose_name = _("通知")
        verbose_name_plural = _("通知")

    def __str__(self) -> str:
        return self.message
