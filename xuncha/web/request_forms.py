"""Forms of the unit's requests (延期申请, 方案调整申请) and of the office's decision.

They only parse input; who may ask, for what and when is ``rectification.requests``'.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from xuncha.findings.models import Measure, MeasureStatus, Problem, RectificationKind
from xuncha.web.workflow_forms import DATE_WIDGET, MultipleFileField, OwnIdsForm

PROBLEM_TARGET = "problem"


class ExtensionRequestForm(OwnIdsForm):
    """Which deadline, the date asked for, why, and the files that back the request."""

    id_name = "extension"

    target = forms.ChoiceField(label=_("申请延期的时限"))
    new_date = forms.DateField(label=_("申请延至"), widget=DATE_WIDGET)
    reason = forms.CharField(
        label=_("申请理由"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    files = MultipleFileField(label=_("附件"), required=False)  # type: ignore[assignment]

    def __init__(self, *args: Any, problem: Problem, measures: Sequence[Measure], **kwargs: Any):
        super().__init__(*args, **kwargs)
        choices = [
            (
                PROBLEM_TARGET,
                _("问题的整改时限（现为%(date)s）") % {"date": problem.deadline or "—"},
            )
        ]
        choices += [
            (
                str(measure.pk),
                _("第%(n)s项措施的完成时限（现为%(date)s）")
                % {"n": measure.ordinal, "date": measure.deadline or "—"},
            )
            for measure in measures
            if measure.status != MeasureStatus.DONE
        ]
        self.fields["target"].choices = choices  # type: ignore[attr-defined]


class RevisionMeasureForm(forms.Form):
    """One measure as the unit proposes it: its decided fields, or removed."""

    measure = forms.IntegerField(required=False, widget=forms.HiddenInput)
    text = forms.CharField(
        label=_("措施内容"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    owner = forms.CharField(label=_("责任领导"), max_length=64, required=False)
    department = forms.CharField(label=_("责任部门"), max_length=100, required=False)
    deadline = forms.DateField(label=_("完成时限"), required=False, widget=DATE_WIDGET)
    delete = forms.BooleanField(label=_("删除该措施"), required=False)


RevisionMeasureFormSet = forms.formset_factory(RevisionMeasureForm, extra=1, max_num=200)


class RevisionRequestForm(forms.Form):
    """The revision as a whole: the rectification kind asked for, why, and attachments."""

    rectification_kind = forms.ChoiceField(
        label=_("整改类型"),
        required=False,
        choices=[("", _("未设定")), *RectificationKind.choices],
    )
    reason = forms.CharField(
        label=_("申请理由"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    files = MultipleFileField(label=_("附件"), required=False)  # type: ignore[assignment]


class RequestDecisionForm(forms.Form):
    """Approve, refuse or withdraw a request; the office's decision carries its reason."""

    name = forms.ChoiceField(
        choices=[("approve", "approve"), ("refuse", "refuse"), ("withdraw", "withdraw")],
        widget=forms.HiddenInput,
    )
    reason = forms.CharField(
        label=_("审批意见"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
