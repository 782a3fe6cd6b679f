"""Forms of the rectification pages: plan fields, measures, progress, evidence, comments,
workflow steps, the inbox and the audit log's filter.

They only parse input; every rule (who may, in which status, which file) is the services'.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from xuncha.core.forms import form_field
from xuncha.findings.models import Measure, RectificationKind
from xuncha.rectification.models import Evidence

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class VersionedForm(forms.Form):
    """A form that carries the problem's version it was opened at (the race check)."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class OwnIdsForm(forms.Form):
    """A form whose element ids carry its own name: several forms share the problem page, and
    two inputs with one id would confuse labels (and the people using them)."""

    id_name = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"id_{self.id_name}_%s")
        super().__init__(*args, **kwargs)


class ProblemPlanForm(OwnIdsForm, VersionedForm):
    """How a problem is to be rectified (立行立改/限期整改/长期坚持) and by when."""

    id_name = "plan"

    rectification_kind = forms.ChoiceField(
        label=_("整改类型"),
        required=False,
        choices=[("", _("未设定")), *RectificationKind.choices],
    )
    deadline = forms.DateField(label=_("整改时限"), required=False, widget=DATE_WIDGET)


class MeasureAddForm(OwnIdsForm, VersionedForm):
    """A new measure for a problem's plan (任务清单) with its owner (责任清单)."""

    id_name = "new_measure"

    text = forms.CharField(label=_("措施内容"), widget=forms.Textarea(attrs={"rows": 3}))
    owner = forms.CharField(label=_("责任领导"), max_length=64, required=False)
    department = forms.CharField(label=_("责任部门"), max_length=100, required=False)
    deadline = forms.DateField(label=_("完成时限"), required=False, widget=DATE_WIDGET)


class MeasureDeleteForm(VersionedForm):
    """Removing a measure that has not started."""


class TransitionForm(forms.Form):
    """A workflow step by name, with the reason when it needs one (the service checks)."""

    name = forms.CharField(max_length=32, widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("理由"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class PlanTransitionForm(TransitionForm):
    """A plan's step, with the plan version it was shown at (0 when not yet drafted); a return
    with the new due date the office sets (the page asks for it, the service checks it)."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    due_date = forms.DateField(label=_("重新报送时限"), required=False, widget=DATE_WIDGET)


class ReportTransitionForm(PlanTransitionForm):
    """A rectification report's step (报送, 接收, 退回 with a reason and the new due date)."""


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented recipe); none at all is allowed."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class ProgressReportForm(forms.Form):
    """A progress report on one measure: what was done, and the files that show it."""

    text = forms.CharField(
        label=_("进展情况"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("文中的数字（金额、数量、比例）会被识别为整改成效。"),
    )
    # A declared field is taken off the class by the form's metaclass: it does not replace
    # BaseForm.files (the uploaded files), as the stubs take it to.
    files = MultipleFileField(label=_("佐证材料"), required=False)  # type: ignore[assignment]

    def __init__(self, *args: Any, measure: Measure, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", f"progress-{measure.pk}")
        super().__init__(*args, **kwargs)
        self.measure = measure


class ReportForm(OwnIdsForm):
    """The rectification report's text and new attachments; ``and_submit`` when the user saves
    and submits it at once (the button of that name: a control named ``submit`` would hide
    the form's own ``submit()`` from scripts)."""

    id_name = "report"

    text = forms.CharField(
        label=_("报告正文"),
        required=False,
        max_length=100_000,
        widget=forms.Textarea(attrs={"rows": 14}),
    )
    # As ProgressReportForm.files: the metaclass takes the declared field off the class.
    files = MultipleFileField(label=_("附件"), required=False)  # type: ignore[assignment]
    expected_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    and_submit = forms.BooleanField(required=False, widget=forms.HiddenInput)


class EvidenceForm(forms.Form):
    """An evidence file for a problem: a new one, or a new version of one already there."""

    file = forms.FileField(label=_("文件"), allow_empty_file=True)  # the service says why
    description = forms.CharField(label=_("说明"), max_length=300, required=False)
    measure = forms.TypedChoiceField(
        label=_("对应措施"), required=False, coerce=int, empty_value=None
    )
    supersedes = forms.TypedChoiceField(
        label=_("替代已上传的文件"), required=False, coerce=int, empty_value=None
    )

    def __init__(
        self,
        *args: Any,
        measures: Sequence[Measure] = (),
        latest: Iterable[Evidence] = (),
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("prefix", "evidence")
        super().__init__(*args, **kwargs)
        self.measure_objects = {measure.pk: measure for measure in measures}
        self.evidence_objects = {evidence.pk: evidence for evidence in latest}
        form_field(self, "measure", forms.ChoiceField).choices = [
            ("", _("整个问题")),
            *(
                (pk, _("第%(n)s项措施") % {"n": measure.ordinal})
                for pk, measure in self.measure_objects.items()
            ),
        ]
        form_field(self, "supersedes", forms.ChoiceField).choices = [
            ("", _("不替代（新文件）")),
            *(
                (pk, f"{e.original_name}（{filesizeformat(e.size)}，#{pk}）")
                for pk, e in self.evidence_objects.items()
            ),
        ]

    def chosen_measure(self) -> Measure | None:
        pk: int | None = self.cleaned_data.get("measure")
        return self.measure_objects.get(pk) if pk is not None else None

    def chosen_supersedes(self) -> Evidence | None:
        pk: int | None = self.cleaned_data.get("supersedes")
        return self.evidence_objects.get(pk) if pk is not None else None


class CommentForm(OwnIdsForm):
    """An inspection group's (or the office's) opinion on a problem."""

    id_name = "comment"

    text = forms.CharField(label=_("意见"), widget=forms.Textarea(attrs={"rows": 3}))
    recommends_closing = forms.BooleanField(label=_("建议销号"), required=False)


class NotificationReadForm(forms.Form):
    """Mark one notification read (``notification`` set) or all of them (left empty)."""

    notification = forms.IntegerField(required=False, widget=forms.HiddenInput)


class AuditFilterForm(forms.Form):
    """The audit log's filter (GET): actor, action, object type, day range, scope."""

    actor = forms.CharField(label=_("操作人"), max_length=150, required=False)
    action = forms.ChoiceField(label=_("操作"), required=False)
    object_type = forms.ChoiceField(label=_("对象类型"), required=False)
    start = forms.DateField(label=_("起始日期"), required=False, widget=DATE_WIDGET)
    end = forms.DateField(label=_("截止日期"), required=False, widget=DATE_WIDGET)
    scope = forms.CharField(
        label=_("所属"),
        max_length=96,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "problem:12"}),
    )

    def __init__(
        self,
        *args: Any,
        actions: Sequence[tuple[str, str]],
        object_types: Sequence[str],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        form_field(self, "action", forms.ChoiceField).choices = [
            ("", _("全部操作")),
            *((code, f"{label}（{code}）" if label != code else code) for code, label in actions),
        ]
        form_field(self, "object_type", forms.ChoiceField).choices = [
            ("", _("全部类型")),
            *((t, t) for t in object_types),
        ]

    def filters(self) -> dict[str, Any]:
        """The filters that validated (an invalid value filters nothing)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "actor": (data.get("actor") or "").strip(),
            "action": data.get("action") or "",
            "object_type": data.get("object_type") or "",
            "scope": (data.get("scope") or "").strip(),
            "start": data.get("start"),
            "end": data.get("end"),
        }
