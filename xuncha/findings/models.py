"""Problems found by an inspection and their rectification: measures and counted outcomes."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from xuncha.clocks.models import ClockHolder
from xuncha.rounds.models import Assignment


class RectificationKind(models.TextChoices):
    """How a problem is to be rectified."""

    IMMEDIATE = "immediate", _("立行立改")
    BY_DEADLINE = "by_deadline", _("限期整改")
    LONG_TERM = "long_term", _("长期坚持")


class ProblemStatus(models.TextChoices):
    """Where a problem stands; changed only through its workflow (``rectification.workflow``)."""

    PENDING = "pending", _("待整改")
    IN_PROGRESS = "in_progress", _("整改中")
    CLOSING_REQUESTED = "closing_requested", _("申请销号")
    CLOSED = "closed", _("已销号")
    # A follow-up found the rectification basically done (基本到位): still open, new deadline.
    CONTINUING = "continuing", _("持续整改")


class MeasureStatus(models.TextChoices):
    """Where a measure stands; changed only through its workflow (``rectification.workflow``)."""

    NOT_STARTED = "not_started", _("未开始")
    IN_PROGRESS = "in_progress", _("推进中")
    DONE = "done", _("已完成")


class Problem(ClockHolder):
    """One problem (问题) handed to a unit at feedback, with the unit's rectification.

    As a clock holder it stores its nearest open deadline (``nearest_*``), written by the clock
    engine whenever a deadline or the problem's openness changes.
    """

    assignment = models.ForeignKey(
        Assignment, on_delete=models.PROTECT, related_name="problems", verbose_name=_("巡察对象")
    )
    ordinal = models.PositiveIntegerField(_("序号"))
    title = models.CharField(_("问题"), max_length=300)
    text = models.TextField(_("问题描述"), blank=True)
    category = models.CharField(_("类别"), max_length=64, blank=True)
    rectification_kind = models.CharField(
        _("整改类型"), max_length=16, choices=RectificationKind.choices, blank=True
    )
    deadline = models.DateField(_("整改时限"), null=True, blank=True)
    status = models.CharField(
        _("状态"),
        max_length=24,
        choices=ProblemStatus.choices,
        default=ProblemStatus.PENDING,
        db_index=True,
    )
    unit_report = models.TextField(
        _("单位整改情况"),
        blank=True,
        help_text=_("The rectification as the unit reported it, kept verbatim."),
    )
    rectification_lead = models.TextField(
        _("整改总述"), blank=True, help_text=_("Text before the first numbered measure.")
    )
    measures_numbered = models.BooleanField(
        _("措施编号"), default=True, help_text=_("Render measures as 一是、二是 …")
    )
    version = models.PositiveIntegerField(_("版本"), default=1)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["assignment_id", "ordinal"]
        constraints = [
            models.UniqueConstraint(fields=["assignment", "ordinal"], name="problem_ordinal_unique")
        ]
        indexes = [
            models.Index(fields=["deadline"]),
            # Covers the counts per unit and group (status and warning) of any set of rounds.
            models.Index(
                fields=["assignment", "nearest_due", "nearest_paused", "status"],
                name="problem_assignment_due",
            ),
            # The ledger filtered by what its warning is about (整改情况报告, 整改措施 …).
            models.Index(fields=["nearest_kind", "nearest_due"], name="problem_kind_due"),
            # A scope's problem ids (a round's, a unit's) from the index alone: the semi-joins
            # of the notice's money, people and rules (bench/dashboard.py).
            models.Index(fields=["assignment", "id"], name="problem_assignment_ids"),
        ]
        verbose_name = _("问题")
        verbose_name_plural = _("问题")

    def __str__(self) -> str:
        return self.title


class Measure(models.Model):
    """One rectification measure (整改措施: 一是, 二是 …) with its owner and deadline."""

    problem = models.ForeignKey(
        Problem, on_delete=models.CASCADE, related_name="measures", verbose_name=_("问题")
    )
    ordinal = models.PositiveIntegerField(_("序号"))
    text = models.TextField(_("措施"))
    owner = models.CharField(_("责任领导"), max_length=64, blank=True)
    department = models.CharField(_("责任部门"), max_length=100, blank=True)
    deadline = models.DateField(_("完成时限"), null=True, blank=True)
    status = models.CharField(
        _("状态"),
        max_length=16,
        choices=MeasureStatus.choices,
        default=MeasureStatus.NOT_STARTED,
    )

    class Meta:
        ordering = ["problem_id", "ordinal"]
        constraints = [
            models.UniqueConstraint(fields=["problem", "ordinal"], name="measure_ordinal_unique")
        ]
        verbose_name = _("整改措施")
        verbose_name_plural = _("整改措施")

    def __str__(self) -> str:
        return f"{self.problem_id}.{self.ordinal} {self.text[:30]}"


class OutcomeKind(models.TextChoices):
    COUNT = "count", _("数量")
    MONEY = "money", _("金额")
    PERCENT = "percent", _("比例")
    SCORE = "score", _("分数")
    FRACTION = "fraction", _("分数比例")
    DATE = "date", _("日期")
    PERIOD = "period", _("时段")
    ORDINAL = "ordinal", _("序数范围")


class Qualifier(models.TextChoices):
    AT_LEAST = "at_least", _("余/多/以上")
    NEARLY = "nearly", _("近")
    ABOUT = "about", _("约")
    OVER = "over", _("破/超")
    AT_MOST = "at_most", _("以下/以内/不超过")
    SINCE = "since", _("以来")
    UNTIL = "until", _("截至")
    FROM = "from", _("从")
    TO = "to", _("至")
    BEFORE = "before", _("前")


class Quantity(models.Model):
    """The fields of a typed quantity read from a text, with its source span."""

    position = models.PositiveIntegerField(_("顺序"), default=0)
    kind = models.CharField(_("类型"), max_length=16, choices=OutcomeKind.choices)
    value = models.CharField(_("值"), max_length=40, help_text=_("Decimal or ISO date."))
    amount = models.DecimalField(_("数值"), max_digits=24, decimal_places=4, null=True, blank=True)
    unit = models.CharField(_("单位"), max_length=16, blank=True)
    qualifier = models.CharField(_("限定"), max_length=16, choices=Qualifier.choices, blank=True)
    upper = models.CharField(
        _("上限"), max_length=40, blank=True, help_text=_("The high end of a range (3至5个).")
    )
    inferred = models.BooleanField(
        _("年份推定"), default=False, help_text=_("The year of a date was taken from the document.")
    )
    subject = models.CharField(_("主语"), max_length=64, blank=True)
    counts = models.CharField(_("计数对象"), max_length=64, blank=True)
    source_text = models.CharField(_("原文"), max_length=100)
    start = models.PositiveIntegerField(_("起"))
    end = models.PositiveIntegerField(_("止"))

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.source_text


class MeasureFacts(models.QuerySet[Any]):
    """Facts of measures, made in bulk with their measure's problem filled in."""

    def bulk_create(self, objs: Iterable[Any], *args: Any, **kwargs: Any) -> list[Any]:
        objs = list(objs)
        problem_of_measures(objs)
        return super().bulk_create(objs, *args, **kwargs)


def problem_of_measures(facts: Sequence[Any]) -> None:
    """Set each fact's ``problem`` to its measure's: from the measure it was made with, or for
    those made with a measure id only, one query per thousand."""
    missing: dict[int, list[Any]] = {}
    for fact in facts:
        if fact.problem_id is not None:
            continue
        measure = fact._state.fields_cache.get("measure")
        if measure is not None:
            fact.problem_id = measure.problem_id
        else:
            missing.setdefault(fact.measure_id, []).append(fact)
    ids = list(missing)
    for start in range(0, len(ids), 1_000):
        chunk = ids[start : start + 1_000]
        for measure_id, problem_id in Measure.objects.filter(pk__in=chunk).values_list(
            "pk", "problem_id"
        ):
            for fact in missing[measure_id]:
                fact.problem_id = problem_id


class MeasureFact(models.Model):
    """A fact read from a measure's text (an outcome, people held to account, a rule) that also
    names the measure's problem, set when it is made (measures never change problem): a
    scope's facts are found from its problems' ids without reading every measure of the scope
    (at 100,000 problems, a round's money, people and rules cost 30 ms each through the
    measures on PostgreSQL; bench/dashboard.py)."""

    problem = models.ForeignKey(
        Problem, on_delete=models.CASCADE, related_name="+", editable=False, verbose_name=_("问题")
    )

    objects = MeasureFacts.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        problem_of_measures([self])
        super().save(*args, **kwargs)


class Outcome(Quantity, MeasureFact):
    """A typed quantity (整改成效) stated in a measure's text, with its source span."""

    measure = models.ForeignKey(
        Measure, on_delete=models.CASCADE, related_name="outcomes", verbose_name=_("措施")
    )
    money_category = models.CharField(
        _("资金类别"),
        max_length=16,
        blank=True,
        help_text=_("What a money amount counts (refunded, found …), read from its clause."),
    )

    class Meta:
        ordering = ["measure_id", "position"]
        indexes = [models.Index(fields=["kind", "subject"])]
        verbose_name = _("整改成效")
        verbose_name_plural = _("整改成效")


class Accountability(MeasureFact):
    """People held to account (追责问责), by kind of sanction, as a measure states it.

    One row per count the text states. ``kinds`` lists every kind the count names (several
    when they share one count, "谈话提醒、批评教育等其他处理406人"; ``kind`` is then a label
    naming them all). A row with ``part_of`` is a part of that row's count (其中…): it breaks
    the count down by kind and is never added to it.
    """

    measure = models.ForeignKey(
        Measure, on_delete=models.CASCADE, related_name="accountabilities", verbose_name=_("措施")
    )
    kind = models.CharField(_("方式"), max_length=64)
    kinds = models.JSONField(_("涉及方式"), default=list, blank=True)
    part_of = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="parts",
        verbose_name=_("所属总数"),
    )
    people = models.PositiveIntegerField(_("人数"), null=True, blank=True)
    unit = models.CharField(_("单位"), max_length=8, blank=True)
    source_text = models.CharField(_("原文"), max_length=200)
    start = models.PositiveIntegerField(_("起"))
    end = models.PositiveIntegerField(_("止"))

    class Meta:
        ordering = ["measure_id", "start"]
        verbose_name = _("追责问责")
        verbose_name_plural = _("追责问责")

    def __str__(self) -> str:
        return self.source_text


class RegulationAction(models.TextChoices):
    ISSUED = "issued", _("制定")
    REVISED = "revised", _("修订")


class Regulation(MeasureFact):
    """A rule or system issued or revised (建章立制), named by its 《title》 or only counted."""

    measure = models.ForeignKey(
        Measure, on_delete=models.CASCADE, related_name="regulations", verbose_name=_("措施")
    )
    title = models.CharField(_("名称"), max_length=300, blank=True)
    count = models.PositiveIntegerField(_("数量"), default=1)
    action = models.CharField(
        _("方式"), max_length=16, choices=RegulationAction.choices, blank=True
    )
    source_text = models.CharField(_("原文"), max_length=400)
    start = models.PositiveIntegerField(_("起"))
    end = models.PositiveIntegerField(_("止"))

    class Meta:
        ordering = ["measure_id", "start"]
        verbose_name = _("制度")
        verbose_name_plural = _("制度")

    def __str__(self) -> str:
        return self.title or self.source_text
