"""Models shared by every part of xuncha: who a user is, and the audit log."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """The part a person plays in the process; what they may reach follows from it."""

    OFFICE = "office", _("巡察办")
    GROUP = "group", _("巡察组")
    UNIT = "unit", _("被巡察单位联络员")
    SUPERVISOR = "supervisor", _("纪委监委/组织部")


class Profile(models.Model):
    """A user's role in xuncha. A user without a profile reaches nothing but their login."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    role = models.CharField(_("角色"), max_length=16, choices=Role.choices)
    display_name = models.CharField(_("姓名"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("用户角色")
        verbose_name_plural = _("用户角色")

    def __str__(self) -> str:
        return f"{self.display_name or self.user.get_username()} ({self.get_role_display()})"


class StoredFile(models.Model):
    """What xuncha keeps of an uploaded file: its name, kind, size, hash, who and when.

    A concrete model adds its ``file`` field, stored under the content hash (see
    ``xuncha.core.storage.stored_file_save``), so a stored file is never overwritten.
    """

    original_name = models.CharField(_("文件名"), max_length=255)
    content_type = models.CharField(_("类型"), max_length=100)
    size = models.PositiveBigIntegerField(_("大小"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("上传人"),
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.original_name


class AuditEntry(models.Model):
    """One change to stored data: who, when, what, before and after.

    Rows form a hash chain: ``hash`` is the SHA-256 of ``canonical``, a text that holds every
    other field and the previous row's hash. The canonical text is stored exactly as hashed, so
    verifying never depends on how the database returns JSON. ``before``/``after`` duplicate it
    in JSON columns for filtering; the verifier checks they agree.
    """

    at = models.DateTimeField(_("时间"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("操作人"),
    )
    actor_name = models.CharField(_("操作人"), max_length=150, blank=True)
    action = models.CharField(_("操作"), max_length=64, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=64)
    object_id = models.CharField(_("对象编号"), max_length=64)
    object_repr = models.CharField(_("对象"), max_length=255, blank=True)
    scope = models.CharField(
        _("所属"),
        max_length=96,
        blank=True,
        db_index=True,
        help_text=_("The record this change belongs to in a history, e.g. problem:12."),
    )
    before = models.JSONField(_("修改前"), null=True, blank=True)
    after = models.JSONField(_("修改后"), null=True, blank=True)
    canonical = models.TextField(_("规范文本"))
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.object_repr}"


class AuditChainHead(models.Model):
    """A single row locked while appending, so that concurrent writers cannot fork the chain."""

    last_hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("审计链头")
        verbose_name_plural = _("审计链头")

    def __str__(self) -> str:
        return self.last_hash
