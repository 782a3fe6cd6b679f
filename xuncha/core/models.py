"""Models shared by every part of xuncha: who a user is and the roles they hold, the history
rows of every workflow, and the audit log."""

from __future__ import annotations

import functools
import operator

from django.conf import settings
from django.db import models
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Function(models.TextChoices):
    """The parts of the work xuncha carries; a person holds roles in each separately."""

    RECTIFICATION = "rectification", _("巡察整改")
    PETITIONS = "petitions", _("信访")


class Role(models.TextChoices):
    """The part a person plays in one function; what they may reach follows from it.

    Each role belongs to one function (:data:`ROLE_FUNCTIONS`). Where a role is scoped (a
    liaison's units, a group member's groups, a petition handler's units), the scope lives with
    what it scopes: ``rounds.access`` for units and groups.
    """

    OFFICE = "office", _("巡察办")
    GROUP = "group", _("巡察组")
    UNIT = "unit", _("被巡察单位联络员")
    SUPERVISOR = "supervisor", _("纪委监委/组织部")
    PETITION_STAFF = "petition_staff", _("信访工作人员")
    PETITION_HANDLER = "petition_handler", _("信访承办人")


ROLE_FUNCTIONS: dict[str, str] = {
    Role.OFFICE: Function.RECTIFICATION,
    Role.GROUP: Function.RECTIFICATION,
    Role.UNIT: Function.RECTIFICATION,
    Role.SUPERVISOR: Function.RECTIFICATION,
    Role.PETITION_STAFF: Function.PETITIONS,
    Role.PETITION_HANDLER: Function.PETITIONS,
}
"""The function each role belongs to."""


def _role_in_function() -> models.Q:
    """Each grant's role is one of its function's roles."""
    conditions = [
        models.Q(
            function=function, role__in=[r for r, f in ROLE_FUNCTIONS.items() if f == function]
        )
        for function in Function.values
    ]
    return functools.reduce(operator.or_, conditions)


class Profile(models.Model):
    """How a user is named in xuncha; their roles are :class:`RoleGrant` rows."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    display_name = models.CharField(_("姓名"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("用户资料")
        verbose_name_plural = _("用户资料")

    def __str__(self) -> str:
        return self.display_name or self.user.get_username()


class RoleGrant(models.Model):
    """One role a person holds in one function (a person may hold several, in several functions).

    A user without any grant reaches nothing but their login.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="role_grants",
        verbose_name=_("用户"),
    )
    function = models.CharField(_("业务"), max_length=16, choices=Function.choices)
    role = models.CharField(_("角色"), max_length=24, choices=Role.choices)
    granted_at = models.DateTimeField(_("授予时间"), auto_now_add=True)

    class Meta:
        ordering = ["user_id", "function", "role"]
        constraints = [
            models.UniqueConstraint(fields=["user", "function", "role"], name="role_grant_unique"),
            models.CheckConstraint(condition=_role_in_function(), name="role_in_its_function"),
        ]
        verbose_name = _("用户角色")
        verbose_name_plural = _("用户角色")

    def __str__(self) -> str:
        return (
            f"{self.user.get_username()}：{self.get_function_display()} {self.get_role_display()}"
        )


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

    file: FieldFile  # each concrete model declares it (where its files are kept)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.original_name


class AuditEntry(models.Model):
    """One change to stored data: who, when, what, before and after.

    Rows form a hash chain: ``hash`` is the HMAC-SHA256, with a key kept outside the database,
    of ``canonical``, a text that holds every other field and the previous row's hash. The
    canonical text is stored exactly as hashed, so verifying never depends on how the database
    returns JSON. ``before``/``after`` duplicate it in JSON columns for filtering; the verifier
    checks they agree.
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
        at = timezone.localtime(self.at)
        return f"{at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.object_repr}"


class AuditChainHead(models.Model):
    """A single row locked while appending, so that concurrent writers cannot fork the chain.

    ``count`` is the number of rows in the chain; with ``last_hash`` it is what the anchor file
    outside the database records after every audited transaction (``core.audit_anchor``).
    """

    last_hash = models.CharField(max_length=64)
    count = models.PositiveBigIntegerField(_("记录条数"), default=0)

    class Meta:
        verbose_name = _("审计链头")
        verbose_name_plural = _("审计链头")

    def __str__(self) -> str:
        return self.last_hash


class StatusChange(models.Model):
    """One move of a workflow (``core.workflow``): the history row written with every status change.

    ``workflow`` names the table the move came from (problem, measure, plan, visit, publication …)
    and ``subject_id`` the record that moved; ``scope`` gathers a record's history with those of
    its parts (a measure's moves belong to ``problem:12``), as the audit log's scope does.
    """

    workflow = models.CharField(_("流程"), max_length=32)
    subject_id = models.PositiveBigIntegerField(_("对象编号"))
    scope = models.CharField(_("所属"), max_length=96)
    move = models.CharField(_("操作"), max_length=32)
    from_status = models.CharField(_("原状态"), max_length=32, blank=True)
    to_status = models.CharField(_("新状态"), max_length=32)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("操作人"),
    )
    reason = models.TextField(_("理由"), blank=True)
    at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["workflow", "subject_id", "id"], name="status_change_subject"),
            models.Index(fields=["scope", "id"], name="status_change_scope"),
            # The moves into a status by date (the dashboard's 销号 per month).
            models.Index(fields=["workflow", "to_status", "at"], name="status_change_arrival"),
        ]
        verbose_name = _("状态变更")
        verbose_name_plural = _("状态变更")

    def __str__(self) -> str:
        return f"{self.workflow}.{self.move}: {self.from_status} → {self.to_status}"
