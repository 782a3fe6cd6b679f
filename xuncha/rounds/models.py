"""Rounds, inspection groups, inspected units and who inspects whom."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RoundKind(models.TextChoices):
    """The kinds of inspection round the committee plans."""

    REGULAR = "regular", _("常规巡察")
    THEMATIC = "thematic", _("专项巡察")
    AD_HOC = "ad_hoc", _("机动巡察")
    LOOK_BACK = "look_back", _("巡察“回头看”")


class Round(models.Model):
    """One inspection round of one committee term (巡察轮次), e.g. 十三届市委第八轮巡察."""

    name = models.CharField(_("名称"), max_length=100, unique=True)
    kind = models.CharField(_("类型"), max_length=16, choices=RoundKind.choices, blank=True)
    committee = models.CharField(_("党委"), max_length=50, blank=True)
    term = models.CharField(_("届次"), max_length=20, blank=True)
    sequence = models.PositiveSmallIntegerField(_("轮次序号"), null=True, blank=True)
    start_date = models.DateField(_("开始日期"), null=True, blank=True)
    end_date = models.DateField(_("结束日期"), null=True, blank=True)
    description = models.TextField(_("说明"), blank=True)
    facts = models.JSONField(
        _("摘编所述事实"),
        default=dict,
        blank=True,
        help_text=_("What an imported digest's introduction states (groups, units, batch …)."),
    )
    evidence_per_measure = models.BooleanField(
        _("每项措施须有佐证材料"),
        default=False,
        help_text=_("申请销号前，每项已完成的整改措施都须有自己的佐证材料。"),
    )

    class Meta:
        ordering = ["-start_date", "name"]
        verbose_name = _("巡察轮次")
        verbose_name_plural = _("巡察轮次")

    def __str__(self) -> str:
        return self.name


class Group(models.Model):
    """An inspection group (巡察组) of a round, with its leader and members."""

    round = models.ForeignKey(
        Round, on_delete=models.CASCADE, related_name="groups", verbose_name=_("轮次")
    )
    name = models.CharField(_("名称"), max_length=100)
    sequence = models.PositiveSmallIntegerField(_("序号"), null=True, blank=True)
    leader_name = models.CharField(_("组长"), max_length=64, blank=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="GroupMembership",
        related_name="inspection_groups",
        blank=True,
        verbose_name=_("成员"),
    )

    class Meta:
        ordering = ["round", "sequence", "name"]
        constraints = [
            models.UniqueConstraint(fields=["round", "name"], name="group_name_unique_in_round")
        ]
        verbose_name = _("巡察组")
        verbose_name_plural = _("巡察组")

    def __str__(self) -> str:
        return self.name


class GroupRole(models.TextChoices):
    LEADER = "leader", _("组长")
    DEPUTY = "deputy", _("副组长")
    MEMBER = "member", _("组员")


class GroupMembership(models.Model):
    """A user's seat in an inspection group."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, verbose_name=_("巡察组"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, verbose_name=_("用户")
    )
    role = models.CharField(
        _("职务"), max_length=16, choices=GroupRole.choices, default=GroupRole.MEMBER
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["group", "user"], name="membership_unique")]
        verbose_name = _("巡察组成员")
        verbose_name_plural = _("巡察组成员")

    def __str__(self) -> str:
        return f"{self.group} {self.user} ({self.get_role_display()})"


class Unit(models.Model):
    """An inspected unit (被巡察单位); units form a tree, a bureau and its subunits.

    A name is unique among its siblings: under one parent, or, for a unit at the top of the
    tree, under one committee (two cities each have a 交通运输局).
    """

    name = models.CharField(_("名称"), max_length=100)
    committee = models.CharField(
        _("党委"),
        max_length=50,
        blank=True,
        help_text=_("巡察该单位的党委（顶层单位按党委区分同名单位）。"),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("上级单位"),
    )
    liaisons = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="liaison_units",
        blank=True,
        verbose_name=_("联络员"),
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "name"],
                condition=models.Q(parent__isnull=False),
                name="unit_name_unique_among_siblings",
            ),
            models.UniqueConstraint(
                fields=["committee", "name"],
                condition=models.Q(parent__isnull=True),
                name="unit_name_unique_at_top",
            ),
        ]
        verbose_name = _("被巡察单位")
        verbose_name_plural = _("被巡察单位")

    def __str__(self) -> str:
        return self.name


class Assignment(models.Model):
    """One unit inspected in one round, by one group; its feedback (反馈) date starts the clocks.

    The group and the feedback date stay empty when a source does not give them: nothing is
    invented.
    """

    round = models.ForeignKey(
        Round, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("轮次")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("单位")
    )
    group = models.ForeignKey(
        Group,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assignments",
        verbose_name=_("巡察组"),
    )
    feedback_date = models.DateField(_("反馈日期"), null=True, blank=True)
    position = models.PositiveIntegerField(_("顺序"), default=0)

    class Meta:
        ordering = ["round", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "unit"], name="assignment_unique_unit")
        ]
        verbose_name = _("巡察对象")
        verbose_name_plural = _("巡察对象")

    def __str__(self) -> str:
        return f"{self.round} · {self.unit}"
