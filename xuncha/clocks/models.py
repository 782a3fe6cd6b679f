"""Clocks: deadline rules with their sources, the holiday schedules the office enters, and the
deadlines computed from them.

Only the deadline itself is stored (with the rule that made it); whether it is green, yellow or
red depends on today and is computed at read time (see ``clocks.selectors``).
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

from xuncha.core.calendar import CountUnit, Rule, package_years
from xuncha.findings.models import Measure, Problem
from xuncha.rounds.models import Assignment


class DeadlineAnchor(models.TextChoices):
    """The date a rule counts from."""

    FEEDBACK = "feedback", _("反馈日期")
    MEASURE = "measure", _("措施完成时限")
    # A follow-up verdict of 基本到位 / 未到位 gives the problem a new deadline (再整改时限).
    VERDICT = "verdict", _("回访认定的整改时限")


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

    Limits differ between national and local rules, so none is a literal in code: the defaults
    come from a data migration and the office edits them in the admin, where every change is
    audited and the stored deadlines are recomputed.
    """

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    anchor = models.CharField(_("起算依据"), max_length=16, choices=DeadlineAnchor.choices)
    amount = models.PositiveIntegerField(
        _("期限数"), validators=[MaxValueValidator(3660)], help_text=_("0 表示当日。")
    )
    count_unit = models.CharField(_("计算单位"), max_length=20, choices=DeadlineCountUnit.choices)
    roll_to_workday = models.BooleanField(
        _("遇节假日顺延"),
        default=False,
        help_text=_("期限最后一日为休息日的，顺延至其后第一个工作日。"),
    )
    problem_warning = models.BooleanField(
        _("计入问题预警"),
        default=True,
        help_text=_("台账中每个问题的预警颜色是否考虑本时限（整改方案时限一般不计入）。"),
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


class Deadline(models.Model):
    """A deadline computed from a rule, stored with that rule and the date it counted from.

    Feedback-anchored rules give one deadline per assignment; measure-anchored rules one per
    measure (its problem and assignment are kept beside it so reads need no extra joins);
    verdict-anchored rules one per problem whose latest follow-up verdict set a new deadline.
    ``holidays_known`` is False when the count crossed a year whose holidays were not yet known.
    """

    rule = models.ForeignKey(
        DeadlineRule, on_delete=models.PROTECT, related_name="deadlines", verbose_name=_("规则")
    )
    assignment = models.ForeignKey(
        Assignment,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="deadlines",
        verbose_name=_("巡察对象"),
    )
    problem = models.ForeignKey(
        Problem,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="deadlines",
        verbose_name=_("问题"),
    )
    measure = models.ForeignKey(
        Measure,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="deadlines",
        verbose_name=_("措施"),
    )
    start = models.DateField(_("起算日"))
    due = models.DateField(_("截止日"), db_index=True)
    holidays_known = models.BooleanField(_("节假日已知"), default=True)
    computed_at = models.DateTimeField(_("计算时间"), default=timezone.now)

    class Meta:
        ordering = ["due", "id"]
        verbose_name = _("时限")
        verbose_name_plural = _("时限")
        constraints = [
            # NULLs are distinct in unique indexes, so (rule, assignment, problem, measure) is
            # enforced as partial indexes: one per assignment-wide deadline, one per problem,
            # one per measure.
            models.UniqueConstraint(
                fields=["rule", "assignment"],
                condition=Q(measure__isnull=True, problem__isnull=True),
                name="deadline_unique_per_assignment",
            ),
            models.UniqueConstraint(
                fields=["rule", "problem"],
                condition=Q(measure__isnull=True, problem__isnull=False),
                name="deadline_unique_per_problem",
            ),
            models.UniqueConstraint(
                fields=["rule", "measure"],
                condition=Q(measure__isnull=False),
                name="deadline_unique_per_measure",
            ),
            models.CheckConstraint(
                condition=Q(measure__isnull=True) | Q(problem__isnull=False),
                name="deadline_measure_has_problem",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rule.name}：{self.label}"

    @property
    def label(self) -> str:
        """The due date with the "holidays not yet known" mark when it applies."""
        return due_label(self.due, holidays_known=self.holidays_known)
