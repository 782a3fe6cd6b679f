"""Petitions (信访) under 《信访工作条例》: registered, classified, accepted or not, assigned,
handled, answered, delivered, rated, and perhaps reviewed (复查) and re-examined (复核).

The petitioner's identity lives in a table of its own (:class:`Petitioner`), read only where the
staff or the handler who must deliver the answer need it; lists, exports and public pages read
the petition alone. Every time limit is a clock rule with its article (``petitions.deadlines``),
never a literal here; a status changes only through the workflow (``petitions.workflow``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from xuncha.clocks.models import ClockHolder
from xuncha.rounds.models import Group, Round, Unit


class Channel(models.TextChoices):
    """How the petition came in (《信访工作条例》第17条), and an inspection group's own channels
    during its round."""

    LETTER = "letter", _("来信")
    VISIT = "visit", _("来访")
    PHONE = "phone", _("电话")
    WEB = "web", _("网上信访")
    MESSAGE_BOARD = "message_board", _("留言板")
    EMAIL = "email", _("电子邮件")
    GROUP_MAILBOX = "group_mailbox", _("巡察组信箱")
    GROUP_PHONE = "group_phone", _("巡察组电话")


GROUP_CHANNELS = frozenset({Channel.GROUP_MAILBOX, Channel.GROUP_PHONE})


class PetitionKind(models.TextChoices):
    """The class a petition is handled as, set at intake (第29条至第31条)."""

    SUGGESTION = "suggestion", _("建议意见类")
    ACCUSATION = "accusation", _("检举控告类")
    APPEAL = "appeal", _("申诉求决类")


class AppealRoute(models.TextChoices):
    """Where a 申诉求决 matter is handled (第31条): through another procedure (items 1–5), or by
    the unit itself with a 信访处理意见书 (item 6), which the 60-day limit of 第34条 governs."""

    LITIGATION = "litigation", _("诉讼、复议等法定程序")
    ARBITRATION = "arbitration", _("仲裁")
    PARTY_APPEAL = "party_appeal", _("党员申诉、申请复审")
    ADMINISTRATIVE = "administrative", _("行政程序")
    DUTY = "duty", _("依法履职或者答复")
    OPINION = "opinion", _("出具信访处理意见书")


class PetitionStatus(models.TextChoices):
    REGISTERED = "registered", _("登记")
    ACCEPTED = "accepted", _("受理")
    DECLINED = "declined", _("不予受理")
    TRANSFERRED = "transferred", _("转送")
    ASSIGNED = "assigned", _("交办")
    ANSWERED = "answered", _("答复")
    DELIVERED = "delivered", _("送达")
    EVALUATED = "evaluated", _("评价")
    REVIEW_REQUESTED = "review_requested", _("申请复查")
    REVIEWED = "reviewed", _("复查答复")
    RECHECK_REQUESTED = "recheck_requested", _("申请复核")
    RECHECKED = "rechecked", _("复核答复")
    CLOSED = "closed", _("办结")


OPEN_STATUSES = frozenset(set(PetitionStatus) - {PetitionStatus.CLOSED})


class Rating(models.TextChoices):
    """The petitioner's rating of the answer (评价)."""

    SATISFIED = "satisfied", _("满意")
    BASICALLY = "basically", _("基本满意")
    UNSATISFIED = "unsatisfied", _("不满意")


class Petition(ClockHolder):
    """One petition (信访事项), as registered, with the dates each stage was reached.

    ``code`` is the 查询码 given to the petitioner: the public page shows the stage and the dates
    for it and nothing else. ``unit`` is the unit it is assigned to (交办) for handling;
    ``accused_unit`` the unit a 检举控告 is about, which it is never assigned to (第30条). As a
    clock holder it stores its nearest open deadline, so that the weekly 督办 list filters and
    orders by it through an index.
    """

    code = models.CharField(_("查询码"), max_length=16, unique=True, editable=False)
    channel = models.CharField(_("来源渠道"), max_length=16, choices=Channel.choices)
    kind = models.CharField(_("类别"), max_length=12, choices=PetitionKind.choices)
    appeal_route = models.CharField(
        _("申诉求决办理途径"), max_length=16, choices=AppealRoute.choices, blank=True
    )
    summary = models.CharField(_("事项摘要"), max_length=200)
    content = models.TextField(_("信访内容"))
    received_on = models.DateField(_("收到日期"))
    status = models.CharField(
        _("状态"), max_length=20, choices=PetitionStatus.choices, default=PetitionStatus.REGISTERED
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="petitions",
        verbose_name=_("承办单位"),
    )
    accused_unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="accusations",
        verbose_name=_("被检举控告单位"),
    )
    accused_person = models.CharField(_("被检举控告人"), max_length=64, blank=True)
    transferred_to = models.CharField(
        _("转送机关"), max_length=100, blank=True, help_text=_("转送系统外有权处理的机关、单位。")
    )
    round = models.ForeignKey(
        Round,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="petitions",
        verbose_name=_("巡察轮次"),
    )
    group = models.ForeignKey(
        Group,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="petitions",
        verbose_name=_("收到的巡察组"),
    )
    repeat_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="repeats",
        verbose_name=_("重复信访的原件"),
        help_text=_("同一信访人就同一事项再次信访的，指向首次信访的事项。"),
    )
    decided_on = models.DateField(_("受理或处理决定日期"), null=True, blank=True)
    assigned_on = models.DateField(_("交办日期"), null=True, blank=True)
    notified_on = models.DateField(_("书面告知日期"), null=True, blank=True)
    answered_on = models.DateField(_("答复日期"), null=True, blank=True)
    answer = models.TextField(_("答复意见"), blank=True)
    delivered_on = models.DateField(_("送达日期"), null=True, blank=True)
    rating = models.CharField(_("评价"), max_length=12, choices=Rating.choices, blank=True)
    rated_on = models.DateField(_("评价日期"), null=True, blank=True)
    review_requested_on = models.DateField(_("收到复查请求日期"), null=True, blank=True)
    reviewed_on = models.DateField(_("复查答复日期"), null=True, blank=True)
    review_delivered_on = models.DateField(_("复查意见送达日期"), null=True, blank=True)
    recheck_requested_on = models.DateField(_("收到复核请求日期"), null=True, blank=True)
    rechecked_on = models.DateField(_("复核答复日期"), null=True, blank=True)
    closed_on = models.DateField(_("办结日期"), null=True, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("登记人"),
    )
    registered_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    version = models.PositiveIntegerField(_("版本"), default=0)

    class Meta:
        ordering = ["-received_on", "-id"]
        indexes = [
            models.Index(fields=["status", "received_on"], name="petition_status_received"),
            models.Index(fields=["unit", "status"], name="petition_unit_status"),
            models.Index(fields=["received_on", "id"], name="petition_received"),
        ]
        constraints = [
            # 第30条: a 检举控告 is never handled by the unit it accuses.
            models.CheckConstraint(
                condition=models.Q(unit__isnull=True)
                | models.Q(accused_unit__isnull=True)
                | ~models.Q(unit=models.F("accused_unit")),
                name="petition_not_handled_by_the_accused",
            ),
        ]
        verbose_name = _("信访事项")
        verbose_name_plural = _("信访事项")

    def __str__(self) -> str:
        return f"{self.code} {self.summary}"


class Petitioner(models.Model):
    """Who petitioned, and how to reach them: personal data, kept apart from the petition.

    Shown to the petition staff and to the handler who must deliver the answer (送达), never in
    a list, an export or a public page. An anonymous petition has none of it.
    """

    petition = models.OneToOneField(
        Petition, on_delete=models.CASCADE, related_name="petitioner", verbose_name=_("信访事项")
    )
    anonymous = models.BooleanField(_("匿名"), default=False)
    name = models.CharField(_("姓名（名称）"), max_length=64, blank=True)
    id_number = models.CharField(_("证件号码"), max_length=32, blank=True)
    phone = models.CharField(_("联系电话"), max_length=32, blank=True)
    address = models.CharField(_("住址"), max_length=200, blank=True)
    email = models.EmailField(_("电子邮件"), blank=True)

    class Meta:
        verbose_name = _("信访人")
        verbose_name_plural = _("信访人")

    def __str__(self) -> str:
        return str(_("匿名")) if self.anonymous else self.name


class UnitHandler(models.Model):
    """A unit's petition handler (信访承办人): works the petitions assigned to that unit."""

    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="petition_handlers", verbose_name=_("单位")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="handled_units",
        verbose_name=_("承办人"),
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "user"], name="unit_handler_unique"),
        ]
        verbose_name = _("信访承办人")
        verbose_name_plural = _("信访承办人")

    def __str__(self) -> str:
        return f"{self.unit} · {self.user}"


class ExtensionApproval(models.Model):
    """The decision that extends a petition's handling (第34条): who approved it (the unit's
    head), why, and when the petitioner was told the reason. A clock extension names it."""

    petition = models.ForeignKey(
        Petition, on_delete=models.CASCADE, related_name="extensions", verbose_name=_("信访事项")
    )
    approved_by = models.CharField(_("批准人"), max_length=64)
    reason = models.TextField(_("延期理由"))
    days = models.PositiveSmallIntegerField(_("延长天数"))
    petitioner_told_on = models.DateField(_("告知信访人日期"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("记录人"),
    )
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        ordering = ["recorded_at", "id"]
        verbose_name = _("延期审批")
        verbose_name_plural = _("延期审批")

    def __str__(self) -> str:
        return f"{self.petition} +{self.days}"
