"""Clocks: deadline rules with their sources, the holiday schedules the office enters, and the
clocks that run on any record with a deadline.

A clock belongs to a *subject* (a measure, a unit's plan, a verdict, later a petition), named by
type and id: this app imports none of them. Subjects register what their clocks count from
(``clocks.registry``); the engine (``clocks.services``) keeps the clocks and, on every record
that gathers them (a *holder*, such as a problem), its nearest open deadline in indexed columns
(:class:`ClockHolder`). Whether a deadline is green, yellow or red depends on today and is
computed at read time (``clocks.selectors``).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from xuncha.core.calendar import CountUnit, Extension, Pause, Rule, package_years


class DeadlineCountUnit(models.TextChoices):
    """How a rule counts; the values are those of :class:`xuncha.core.calendar.CountUnit`."""

    CALENDAR_DAYS = CountUnit.CALENDAR_DAYS.value, _("自然日")
    CALENDAR_MONTHS = CountUnit.CALENDAR_MONTHS.value, _("自然月")
    WORKING_DAYS = CountUnit.WORKING_DAYS.value, _("工作日")


class WarningColour(models.TextChoices):
    """The warning a deadline gives today; computed when read, never stored."""

    GREEN = "green", _("正常")
    YELLOW = "yellow", _("临期")
    RED = "red", _("逾期")


class DeadlineRule(models.Model):
    """A configurable time limit (e.g. 整改报告 2 calendar months after feedback) and its source.

    ``subject`` names the kind of record it runs on and ``anchor`` the date of that record it
    counts from, both as the subject registered them (``clocks.registry``). Limits differ
    between national and local rules, so none is a literal in code: the defaults come from a
    data migration and the office edits them, every change audited and the clocks recomputed.
    """

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    subject = models.CharField(_("适用对象"), max_length=24)
    anchor = models.CharField(_("起算依据"), max_length=24)
    amount = models.PositiveIntegerField(
        _("期限数"), validators=[MaxValueValidator(3660)], help_text=_("0 表示当日。")
    )
    count_unit = models.CharField(_("计算单位"), max_length=20, choices=DeadlineCountUnit.choices)
    roll_to_workday = models.BooleanField(
        _("遇节假日顺延"),
        default=False,
        help_text=_("期限最后一日为休息日的，顺延至其后第一个工作日。"),
    )
    counts_in_warnings = models.BooleanField(
        _("计入预警"),
        default=True,
        help_text=_(
            "本时限是否计入其所属记录（及其下各问题）的预警颜色（整改方案时限一般不计入）。"
        ),
    )
    supersedes = models.BooleanField(
        _("取代其他时限"),
        default=False,
        help_text=_("计时中时取代同一记录的其他时限（如回访认定的再整改时限）。"),
    )
    source = models.TextField(
        _("依据"),
        blank=True,
        help_text=_("法规或文件依据。默认内容仅供参考，请巡察办按本地规定核对修改。"),
    )
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("时限规则")
        verbose_name_plural = _("时限规则")

    def __str__(self) -> str:
        return self.name

    def calendar_rule(self) -> Rule:
        """The rule as the pure calendar module takes it."""
        return Rule(self.amount, CountUnit(self.count_unit), self.roll_to_workday)


class ExtensionRule(models.Model):
    """What a clock of one rule may be extended by, and how often (e.g. 《信访工作条例》第34条:
    once, by at most 30 days, with the approval of the unit's head). Configuration with its
    source, like the rules themselves."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    rule = models.ForeignKey(
        DeadlineRule,
        on_delete=models.PROTECT,
        related_name="extension_rules",
        verbose_name=_("可延长的时限"),
    )
    amount = models.PositiveIntegerField(_("最多延长"), validators=[MaxValueValidator(3660)])
    count_unit = models.CharField(_("计算单位"), max_length=20, choices=DeadlineCountUnit.choices)
    times = models.PositiveSmallIntegerField(_("最多延长次数"), default=1)
    source = models.TextField(_("依据"), blank=True)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("延期规则")
        verbose_name_plural = _("延期规则")

    def __str__(self) -> str:
        return self.name


class HolidayKind(models.TextChoices):
    """A day in a published schedule: a day off, or a weekend day worked in exchange."""

    HOLIDAY = "holiday", _("放假")
    WORKDAY = "workday", _("调休上班")


def year_covered_message(year: int) -> str:
    """Why a year cannot be entered: the calendar package already carries it."""
    return gettext(
        "%(year)s年的节假日安排已由日历组件（chinese_calendar）收录，以其为准，无需也不能录入。"
    ) % {"year": year}


class HolidaySchedule(models.Model):
    """One year's official holiday schedule (国务院办公厅通知), entered by the office.

    Only for years the ``chinese_calendar`` package does not cover yet; for the years it covers
    the package is authoritative. Until a year is entered, its working days are counted Monday to
    Friday and each deadline that crosses it says so.
    """

    year = models.PositiveSmallIntegerField(
        _("年度"), unique=True, validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    source = models.CharField(
        _("文件依据"), max_length=200, help_text=_("例如：国办发明电〔2026〕N号。")
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("录入人"),
    )
    entered_at = models.DateTimeField(_("录入时间"), default=timezone.now)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("节假日安排")
        verbose_name_plural = _("节假日安排")

    def __str__(self) -> str:
        return gettext("%(year)s年节假日安排") % {"year": self.year}

    def clean(self) -> None:
        if self.year and self.year in package_years():
            raise ValidationError({"year": year_covered_message(self.year)})


class HolidayDate(models.Model):
    """One day of a holiday schedule: a day off (元旦 …) or a swapped working weekend day."""

    schedule = models.ForeignKey(
        HolidaySchedule, on_delete=models.CASCADE, related_name="dates", verbose_name=_("安排")
    )
    date = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=16, choices=HolidayKind.choices)
    name = models.CharField(_("节日"), max_length=32, blank=True, help_text=_("例如：元旦、春节。"))

    class Meta:
        ordering = ["date"]
        verbose_name = _("节假日")
        verbose_name_plural = _("节假日")

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()} {self.name}".strip()

    def clean(self) -> None:
        schedule = getattr(self, "schedule", None)
        errors: dict[str, str] = {}
        if self.date and schedule is not None and schedule.year and self.date.year != schedule.year:
            errors["date"] = gettext("%(date)s 不属于 %(year)s 年，请录入到对应年度的安排中。") % {
                "date": self.date.isoformat(),
                "year": schedule.year,
            }
        elif self.date and self.kind == HolidayKind.WORKDAY and self.date.weekday() < 5:
            errors["kind"] = gettext("%(date)s 是工作日（周一至周五），无需标为调休上班。") % {
                "date": self.date.isoformat()
            }
        if errors:
            raise ValidationError(errors)


def due_label(due: dt.date | None, *, holidays_known: bool = True) -> str:
    """A deadline as shown to people: the date, with the mark when holidays were not known."""
    if due is None:
        return gettext("未设定")
    text = due.isoformat()
    if not holidays_known:
        text += gettext("（节假日安排未公布，按周一至周五计）")
    return text


class ClockState(models.TextChoices):
    """Where a clock stands. A running clock has a due date; a paused one has none until it
    runs again; a met one (its subject did what was due) keeps the date it had."""

    RUNNING = "running", _("计时中")
    PAUSED = "paused", _("暂停")
    MET = "met", _("已办结")


class Clock(models.Model):
    """One rule's clock on one record: when it started, when it is due, and where it stands.

    ``subject`` is the record the rule runs on (a measure, a unit's plan …) and ``holder`` the
    record whose nearest deadline it bears on (the measure's problem; the unit in its round for
    the plan and the report, whose clocks bear on each of its problems). The due date counts
    the rule from ``start`` on the official calendar, the paused days left out and the
    extensions added; ``holidays_known`` is False when the count crossed a year whose holidays
    were not yet known.
    """

    rule = models.ForeignKey(
        DeadlineRule, on_delete=models.PROTECT, related_name="clocks", verbose_name=_("规则")
    )
    subject_type = models.CharField(_("对象类型"), max_length=24)
    subject_id = models.PositiveBigIntegerField(_("对象编号"))
    holder_type = models.CharField(_("所属类型"), max_length=24)
    holder_id = models.PositiveBigIntegerField(_("所属编号"))
    start = models.DateField(_("起算日"))
    due = models.DateField(_("截止日"), null=True, blank=True)
    state = models.CharField(
        _("状态"), max_length=16, choices=ClockState.choices, default=ClockState.RUNNING
    )
    holidays_known = models.BooleanField(_("节假日已知"), default=True)
    computed_at = models.DateTimeField(_("计算时间"), default=timezone.now)

    class Meta:
        ordering = ["due", "id"]
        verbose_name = _("时限")
        verbose_name_plural = _("时限")
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "subject_type", "subject_id"], name="clock_unique_per_subject"
            ),
            models.CheckConstraint(
                condition=Q(state="paused") | Q(due__isnull=False), name="clock_due_unless_paused"
            ),
        ]
        indexes = [
            models.Index(fields=["subject_type", "subject_id"], name="clock_subject"),
            models.Index(fields=["holder_type", "holder_id"], name="clock_holder"),
            models.Index(fields=["state", "due"], name="clock_state_due"),
        ]

    def __str__(self) -> str:
        return f"{self.rule.name}：{self.label}"

    @property
    def label(self) -> str:
        """The due date with the "holidays not yet known" mark, or 暂停."""
        if self.state == ClockState.PAUSED:
            return gettext("暂停")
        return due_label(self.due, holidays_known=self.holidays_known)

    @property
    def holder_scope(self) -> str:
        """The history the clock's changes are audited under (``problem:12`` …)."""
        return f"{self.holder_type}:{self.holder_id}"


class ClockPause(models.Model):
    """Days a clock does not count (e.g. a hearing during 复核, 《信访工作条例》第36条):
    from ``start`` to ``end`` (excluded), or still paused while ``end`` is empty."""

    clock = models.ForeignKey(
        Clock, on_delete=models.CASCADE, related_name="pauses", verbose_name=_("时限")
    )
    start = models.DateField(_("暂停日"))
    end = models.DateField(_("恢复日"), null=True, blank=True)
    reason = models.TextField(_("理由"))
    paused_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("操作人"),
    )
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        ordering = ["clock_id", "start", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                name="clock_pause_ends_after_start",
            ),
        ]
        verbose_name = _("暂停计时")
        verbose_name_plural = _("暂停计时")

    def __str__(self) -> str:
        return f"{self.start}–{self.end or '…'}"

    def as_calendar(self) -> Pause | None:
        """The pause as the calendar counts it; None while it is still open."""
        return Pause(self.start, self.end) if self.end is not None else None


class ClockExtension(models.Model):
    """More time granted to a clock under an :class:`ExtensionRule`, with the approving record
    (the decision that granted it: its type and id, as the deciding service names it)."""

    clock = models.ForeignKey(
        Clock, on_delete=models.CASCADE, related_name="extensions", verbose_name=_("时限")
    )
    rule = models.ForeignKey(
        ExtensionRule, on_delete=models.PROTECT, related_name="+", verbose_name=_("延期规则")
    )
    amount = models.PositiveIntegerField(_("延长"))
    reason = models.TextField(_("理由"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("批准人"),
    )
    approval_type = models.CharField(_("批准记录类型"), max_length=64)
    approval_id = models.CharField(_("批准记录编号"), max_length=64)
    granted_at = models.DateTimeField(_("批准时间"), default=timezone.now)

    class Meta:
        ordering = ["clock_id", "granted_at", "id"]
        verbose_name = _("延长时限")
        verbose_name_plural = _("延长时限")

    def __str__(self) -> str:
        return f"{self.rule.name} +{self.amount}"

    def as_calendar(self) -> Extension:
        return Extension(self.amount, CountUnit(self.rule.count_unit))


class ClockHolder(models.Model):
    """The nearest open deadline of a record that gathers clocks (a problem …), stored so that
    a ledger can filter, order and count by it through an index. Written only by the clock
    engine (``clocks.services``), in the transaction of whatever changed it."""

    nearest_due = models.DateField(_("最近时限"), null=True, blank=True, db_index=True)
    nearest_holidays_known = models.BooleanField(_("最近时限节假日已知"), default=True)
    nearest_rule = models.ForeignKey(
        DeadlineRule,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("最近时限规则"),
    )
    nearest_kind = models.CharField(_("最近时限对象"), max_length=24, blank=True)
    nearest_paused = models.BooleanField(_("最近时限暂停"), default=False)

    class Meta:
        abstract = True
