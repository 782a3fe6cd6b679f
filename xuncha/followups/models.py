"""Follow-up supervision (回访督查 / 巡察“回头看”): batches, visits, surveys, verdicts, scores."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from xuncha.core.models import StoredFile
from xuncha.findings.models import Problem, ProblemStatus
from xuncha.followups.scales import questions_problems, rubric_problems, scale_problems
from xuncha.rounds.models import Assignment, Group, Round


class FollowUpKind(models.TextChoices):
    SUPERVISION = "supervision", _("回访督查")
    LOOK_BACK = "look_back", _("巡察“回头看”")


class FollowUp(models.Model):
    """A follow-up of a round: groups go back to its units, in batches, months later."""

    round = models.ForeignKey(
        Round, on_delete=models.PROTECT, related_name="followups", verbose_name=_("轮次")
    )
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(
        _("类型"), max_length=16, choices=FollowUpKind.choices, default=FollowUpKind.SUPERVISION
    )
    description = models.TextField(_("说明"), blank=True)
    rubric = models.ForeignKey(
        "Rubric",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="followups",
        verbose_name=_("评分标准"),
    )
    survey = models.ForeignKey(
        "SurveyTemplate",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="followups",
        verbose_name=_("满意度测评问卷"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "name"], name="followup_name_unique")
        ]
        verbose_name = _("回访督查")
        verbose_name_plural = _("回访督查")

    def __str__(self) -> str:
        return self.name


class Batch(models.Model):
    """One batch of a follow-up (首批, 第二批 …): the units visited and published together."""

    followup = models.ForeignKey(
        FollowUp, on_delete=models.CASCADE, related_name="batches", verbose_name=_("回访督查")
    )
    sequence = models.PositiveSmallIntegerField(_("批次序号"))
    name = models.CharField(_("批次"), max_length=20, help_text=_("首批、第二批 …"))
    starts_on = models.DateField(_("开始日期"), null=True, blank=True)
    ends_on = models.DateField(_("结束日期"), null=True, blank=True)

    class Meta:
        ordering = ["followup", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["followup", "sequence"], name="batch_sequence_unique")
        ]
        verbose_name = _("批次")
        verbose_name_plural = _("批次")

    def __str__(self) -> str:
        return f"{self.followup} {self.name}"


class VisitStatus(models.TextChoices):
    PLANNED = "planned", _("已安排")
    DONE = "done", _("已回访")


class Visit(models.Model):
    """One group's visit to one unit in a batch, with what it heard, saw, checked and asked.

    The methods are the field's own: 听 (reports heard), 看 (seen on site), 查 (ledgers, minutes,
    files checked), 访 (people interviewed, how many).
    """

    batch = models.ForeignKey(
        Batch, on_delete=models.CASCADE, related_name="visits", verbose_name=_("批次")
    )
    assignment = models.ForeignKey(
        Assignment, on_delete=models.PROTECT, related_name="visits", verbose_name=_("巡察对象")
    )
    group = models.ForeignKey(
        Group, on_delete=models.PROTECT, related_name="visits", verbose_name=_("回访组")
    )
    planned_on = models.DateField(_("计划日期"), null=True, blank=True)
    visited_on = models.DateField(_("回访日期"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=VisitStatus.choices, default=VisitStatus.PLANNED
    )
    heard = models.TextField(_("听：听取汇报"), blank=True)
    seen = models.TextField(_("看：实地查看"), blank=True)
    checked = models.TextField(_("查：查阅资料"), blank=True)
    interviewed = models.TextField(_("访：个别访谈"), blank=True)
    interview_count = models.PositiveIntegerField(_("访谈人数"), default=0)
    notes = models.TextField(_("备注"), blank=True)
    re_feedback = models.TextField(_("再反馈意见"), blank=True)
    re_feedback_on = models.DateField(_("再反馈日期"), null=True, blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1)

    class Meta:
        ordering = ["batch", "planned_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "assignment"], name="visit_unique_unit")
        ]
        verbose_name = _("回访")
        verbose_name_plural = _("回访")

    def __str__(self) -> str:
        return f"{self.batch} · {self.assignment.unit}"


def visit_evidence_path(instance: VisitEvidence, filename: str) -> str:
    """Files are stored under their content hash, so a stored file is never overwritten."""
    return f"visits/{instance.sha256[:2]}/{instance.sha256}"


class VisitEvidence(StoredFile):
    """A file gathered on a visit (photos, checked ledgers), stored under its hash."""

    visit = models.ForeignKey(
        Visit, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("回访")
    )
    verdict = models.ForeignKey(
        "Verdict",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="evidence",
        verbose_name=_("认定"),
    )
    file = models.FileField(_("文件"), upload_to=visit_evidence_path, max_length=200)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("回访材料")
        verbose_name_plural = _("回访材料")


class VerdictKind(models.TextChoices):
    """What a group finds of a problem's rectification on a follow-up visit."""

    DONE = "done", _("整改到位")
    MOSTLY = "mostly", _("基本到位")
    NOT_DONE = "not_done", _("未到位")
    REBOUND = "rebound", _("问题反弹")


class Verdict(models.Model):
    """A group's ruling on one problem at a visit: a record of its own.

    What it does to the problem is a workflow transition with its own history row; the verdict
    keeps what the unit had declared (``declared_status``) beside what the group found.
    """

    visit = models.ForeignKey(
        Visit, on_delete=models.CASCADE, related_name="verdicts", verbose_name=_("回访")
    )
    problem = models.ForeignKey(
        Problem, on_delete=models.PROTECT, related_name="verdicts", verbose_name=_("问题")
    )
    kind = models.CharField(_("认定"), max_length=16, choices=VerdictKind.choices)
    reason = models.TextField(_("理由"))
    new_deadline = models.DateField(_("新的整改时限"), null=True, blank=True)
    declared_status = models.CharField(
        _("单位自报状态"), max_length=24, choices=ProblemStatus.choices
    )
    declared_done = models.BooleanField(_("单位自报已完成"))
    ruled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("认定人"),
    )
    ruled_at = models.DateTimeField(_("认定时间"), auto_now_add=True)

    class Meta:
        ordering = ["visit", "problem__ordinal"]
        constraints = [
            models.UniqueConstraint(fields=["visit", "problem"], name="verdict_unique_problem")
        ]
        verbose_name = _("整改认定")
        verbose_name_plural = _("整改认定")

    def __str__(self) -> str:
        return f"{self.problem}: {self.get_kind_display()}"


class SurveyTemplate(models.Model):
    """A satisfaction survey (满意度测评): its questions and its scale.

    ``questions`` is a list of question texts; ``scale`` lists the answer labels from best to
    worst with the score each counts for, e.g. [["满意", 1], ["基本满意", 0.5], ["不满意", 0]].
    The satisfaction rate is the mean score of all answers.
    """

    name = models.CharField(_("名称"), max_length=100, unique=True)
    questions = models.JSONField(_("题目"), default=list)
    scale = models.JSONField(_("选项及分值"), default=list)

    class Meta:
        verbose_name = _("满意度测评问卷")
        verbose_name_plural = _("满意度测评问卷")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors = {}
        if problems := questions_problems(self.questions, gettext):
            errors["questions"] = gettext("；").join(problems)
        if problems := scale_problems(self.scale, gettext):
            errors["scale"] = gettext("；").join(problems)
        if errors:
            raise ValidationError(errors)


class SurveyResponse(models.Model):
    """One respondent's answers, one label of the scale per question."""

    visit = models.ForeignKey(
        Visit, on_delete=models.CASCADE, related_name="survey_responses", verbose_name=_("回访")
    )
    answers = models.JSONField(_("回答"))
    source = models.CharField(_("来源"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    class Meta:
        ordering = ["visit", "id"]
        verbose_name = _("测评答卷")
        verbose_name_plural = _("测评答卷")

    def __str__(self) -> str:
        return f"{self.visit} #{self.pk}"


class Rubric(models.Model):
    """A scoring rubric for a unit's rectification (验收评分), e.g. 100 points, pass at 90.

    ``items`` is a list of [name, maximum points]; their maxima add up to ``total``.
    """

    name = models.CharField(_("名称"), max_length=100, unique=True)
    total = models.PositiveSmallIntegerField(_("满分"), default=100)
    passing = models.PositiveSmallIntegerField(_("合格分"), default=90)
    items = models.JSONField(_("评分项"), default=list)

    class Meta:
        verbose_name = _("评分标准")
        verbose_name_plural = _("评分标准")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if problems := rubric_problems(self.items, self.total or 0, self.passing or 0, gettext):
            raise ValidationError({"items": gettext("；").join(problems)})


class Score(models.Model):
    """A unit's rectification score at a visit, item by item."""

    visit = models.OneToOneField(
        Visit, on_delete=models.CASCADE, related_name="score", verbose_name=_("回访")
    )
    rubric = models.ForeignKey(
        Rubric, on_delete=models.PROTECT, related_name="scores", verbose_name=_("评分标准")
    )
    item_scores = models.JSONField(_("各项得分"))
    total = models.DecimalField(_("总分"), max_digits=6, decimal_places=2)
    passed = models.BooleanField(_("合格"))
    scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("评分人"),
    )
    scored_at = models.DateTimeField(_("评分时间"), auto_now=True)

    class Meta:
        verbose_name = _("整改评分")
        verbose_name_plural = _("整改评分")

    def __str__(self) -> str:
        return f"{self.visit}: {self.total}"
