"""Forms of the follow-up pages: the office's plan, and the visit as its group records it.

They only parse input; every rule (who may, in which state, which values) is the services'.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import cn2an
from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from xuncha.core.forms import form_field
from xuncha.core.permissions import Viewer
from xuncha.followups.models import (
    Batch,
    FollowUp,
    FollowUpKind,
    Rubric,
    SurveyTemplate,
    VerdictKind,
)
from xuncha.rounds.models import Assignment, Group, Round
from xuncha.rounds.selectors import rounds_for_user
from xuncha.web.workflow_forms import DATE_WIDGET, MultipleFileField, OwnIdsForm

TEXT_AREA = forms.Textarea(attrs={"rows": 3})


def batch_name(sequence: int) -> str:
    """首批, 第二批, 第三批 … as the field names its batches."""
    if sequence == 1:
        return gettext("首批")
    try:
        return gettext("第%(n)s批") % {"n": cn2an.an2cn(sequence)}
    except ValueError:
        return gettext("第%(n)s批") % {"n": sequence}


class FollowUpForm(OwnIdsForm):
    """A new follow-up of a round (回访督查 / 巡察“回头看”), with its rubric and survey."""

    id_name = "followup"

    round: forms.ModelChoiceField[Round] = forms.ModelChoiceField(
        label=_("轮次"), queryset=None, empty_label=_("请选择")
    )
    name = forms.CharField(label=_("名称"), max_length=100)
    kind = forms.ChoiceField(label=_("类型"), choices=FollowUpKind.choices)
    rubric: forms.ModelChoiceField[Rubric] = forms.ModelChoiceField(
        label=_("评分标准"), queryset=None, required=False, empty_label=_("不评分")
    )
    survey: forms.ModelChoiceField[SurveyTemplate] = forms.ModelChoiceField(
        label=_("满意度测评问卷"), queryset=None, required=False, empty_label=_("不测评")
    )
    description = forms.CharField(label=_("说明"), required=False, widget=TEXT_AREA)

    def __init__(self, *args: Any, user: Viewer, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        rounds = rounds_for_user(user).order_by("-id")
        rubrics = Rubric.objects.order_by("name")
        surveys = SurveyTemplate.objects.order_by("name")
        form_field(self, "round", forms.ModelChoiceField).queryset = rounds
        form_field(self, "rubric", forms.ModelChoiceField).queryset = rubrics
        form_field(self, "survey", forms.ModelChoiceField).queryset = surveys


class BatchForm(OwnIdsForm):
    """A batch of a follow-up (首批, 第二批 …)."""

    id_name = "batch"

    sequence = forms.IntegerField(label=_("批次序号"), min_value=1, max_value=99)
    name = forms.CharField(label=_("批次名称"), max_length=20)
    starts_on = forms.DateField(label=_("开始日期"), required=False, widget=DATE_WIDGET)
    ends_on = forms.DateField(label=_("结束日期"), required=False, widget=DATE_WIDGET)

    @staticmethod
    def initial_for(followup: FollowUp) -> dict[str, Any]:
        """The next batch's number and name."""
        last = followup.batches.order_by("-sequence").values_list("sequence", flat=True).first()
        sequence = (last or 0) + 1
        return {"sequence": sequence, "name": batch_name(sequence)}


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Assignment) -> str:
        group = obj.group.name if obj.group is not None else gettext("未分组")
        return f"{obj.unit.name}（{group}）"


class BatchNameField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Batch) -> str:
        return obj.name


class VisitPlanForm(OwnIdsForm):
    """A unit of the round put in a batch: which group revisits it, and when."""

    id_name = "visit"

    batch = BatchNameField(label=_("批次"), queryset=None, empty_label=None)
    assignment = UnitChoiceField(label=_("单位"), queryset=None, empty_label=_("请选择"))
    group: forms.ModelChoiceField[Group] = forms.ModelChoiceField(
        label=_("回访组"),
        queryset=None,
        required=False,
        empty_label=_("原巡察组"),
        help_text=_("留空则由巡察该单位的巡察组回访。"),
    )
    planned_on = forms.DateField(label=_("计划日期"), required=False, widget=DATE_WIDGET)

    def __init__(self, *args: Any, followup: FollowUp, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        round_ = followup.round
        batches = Batch.objects.filter(followup=followup).order_by("sequence")
        assignments = (
            Assignment.objects.filter(round=round_)
            .select_related("unit", "group")
            .order_by("position", "id")
        )
        groups = Group.objects.filter(round=round_).order_by("sequence", "id")
        form_field(self, "batch", forms.ModelChoiceField).queryset = batches
        form_field(self, "assignment", forms.ModelChoiceField).queryset = assignments
        form_field(self, "group", forms.ModelChoiceField).queryset = groups

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        assignment = cleaned.get("assignment")
        if assignment is not None and cleaned.get("group") is None:
            if assignment.group is None:
                self.add_error("group", _("该单位在本轮没有巡察组，请选择回访组。"))
            else:
                cleaned["group"] = assignment.group
        return cleaned


class VisitRecordForm(OwnIdsForm):
    """What the group did on the visit: 听, 看, 查, 访, with the date and notes."""

    id_name = "record"

    visited_on = forms.DateField(label=_("回访日期"), widget=DATE_WIDGET)
    interview_count = forms.IntegerField(label=_("访谈人数"), min_value=0, initial=0)
    heard = forms.CharField(
        label=_("听：听取汇报"),
        required=False,
        widget=TEXT_AREA,
        help_text=_("听取了谁的汇报、汇报了什么。"),
    )
    seen = forms.CharField(
        label=_("看：实地查看"),
        required=False,
        widget=TEXT_AREA,
        help_text=_("实地查看了哪些场所、设施和整改现场。"),
    )
    checked = forms.CharField(
        label=_("查：查阅资料"),
        required=False,
        widget=TEXT_AREA,
        help_text=_("查阅了哪些台账、会议记录、文件和凭证。"),
    )
    interviewed = forms.CharField(
        label=_("访：个别访谈"),
        required=False,
        widget=TEXT_AREA,
        help_text=_("访谈了哪些干部职工和服务对象。"),
    )
    notes = forms.CharField(label=_("备注"), required=False, widget=TEXT_AREA)
    expected_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class VisitEvidenceForm(OwnIdsForm):
    """A file gathered on the visit."""

    id_name = "visit_evidence"

    file = forms.FileField(label=_("文件"), allow_empty_file=True)  # the service says why


class SurveyAnswersForm(forms.Form):
    """Answers typed in by hand: a small table, one row per respondent, one label per cell.

    Rows left wholly blank are skipped; what a row may hold is the service's to check.
    """

    source = forms.CharField(
        label=_("来源"),
        max_length=100,
        required=False,
        help_text=_("如“现场纸质测评表”。"),
    )

    def __init__(
        self,
        *args: Any,
        questions: Sequence[str],
        labels: Sequence[str],
        rows: int = 5,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("prefix", "survey")
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        self.rows = rows
        choices = [("", "—"), *((label, label) for label in labels)]
        for row in range(rows):
            for number, question in enumerate(self.questions):
                self.fields[f"r{row}_q{number}"] = forms.ChoiceField(
                    label=gettext("第%(row)s份 · %(question)s")
                    % {"row": row + 1, "question": question},
                    choices=choices,
                    required=False,
                )

    def table(self) -> list[list[forms.BoundField]]:
        """The answer cells as rows of bound fields, for the template's table."""
        return [
            [self[f"r{row}_q{number}"] for number in range(len(self.questions))]
            for row in range(self.rows)
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        answers = []
        for row in range(self.rows):
            values = [cleaned.get(f"r{row}_q{n}") or "" for n in range(len(self.questions))]
            if any(values):
                answers.append(values)
        if not answers and not self.errors:
            raise forms.ValidationError(_("请至少填写一份答卷。"))
        cleaned["answers"] = answers
        return cleaned


class SurveyImportForm(OwnIdsForm):
    """An .xlsx sheet of answers: a header row of the questions, one row per respondent."""

    id_name = "survey_import"

    file = forms.FileField(
        label=_("测评表（.xlsx）"),
        allow_empty_file=True,  # the service names what is wrong with it
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )


class ScoreForm(forms.Form):
    """The unit's rectification scored item by item against the follow-up's rubric."""

    def __init__(
        self,
        *args: Any,
        items: Sequence[Sequence[Any]],
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("prefix", "score")
        super().__init__(*args, **kwargs)
        self.items = [(str(name).strip(), maximum) for name, maximum in items]
        for number, (name, maximum) in enumerate(self.items):
            self.fields[f"item_{number}"] = forms.DecimalField(
                label=name,
                min_value=0,
                max_value=maximum,
                decimal_places=2,
                widget=forms.NumberInput(attrs={"step": "0.5", "min": 0, "max": maximum}),
            )

    def rows(self) -> list[tuple[str, Any, forms.BoundField]]:
        return [
            (name, maximum, self[f"item_{number}"])
            for number, (name, maximum) in enumerate(self.items)
        ]

    def item_scores(self) -> dict[str, Any]:
        return {
            name: self.cleaned_data[f"item_{number}"]
            for number, (name, _maximum) in enumerate(self.items)
        }


class ReFeedbackForm(OwnIdsForm):
    """The group's written re-feedback (再反馈) to the unit."""

    id_name = "re_feedback"

    text = forms.CharField(label=_("再反馈意见"), widget=forms.Textarea(attrs={"rows": 4}))
    on = forms.DateField(label=_("再反馈日期"), widget=DATE_WIDGET)
    expected_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class VerdictForm(forms.Form):
    """A verdict on one problem: the kind, the reason, a new deadline when work remains."""

    kind = forms.ChoiceField(label=_("认定"), choices=[("", _("请选择")), *VerdictKind.choices])
    reason = forms.CharField(label=_("理由"), widget=forms.Textarea(attrs={"rows": 2}))
    new_deadline = forms.DateField(
        label=_("新的整改时限"),
        required=False,
        widget=DATE_WIDGET,
        help_text=_("基本到位、未到位须填写。"),
    )
    # A declared field is taken off the class by the form's metaclass: it does not replace
    # BaseForm.files (the uploaded files), as the stubs take it to.
    files = MultipleFileField(label=_("佐证材料"), required=False)  # type: ignore[assignment]

    def __init__(self, *args: Any, problem_id: int, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", f"verdict-{problem_id}")
        super().__init__(*args, **kwargs)


class VerdictProblemForm(forms.Form):
    """Which problem a posted verdict form is for (the verdict's own fields carry its id)."""

    problem = forms.IntegerField(widget=forms.HiddenInput)
