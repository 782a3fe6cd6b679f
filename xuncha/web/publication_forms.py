"""Forms of the publication pages: drafting a digest or a notice, editing a draft, composing.

They only parse input and check that a scope holds together (a batch, a group, a unit of the
chosen round); who may draft, edit or publish is the services'.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from xuncha.core.forms import form_field
from xuncha.core.permissions import Viewer
from xuncha.followups.models import Batch
from xuncha.followups.selectors import followups_for_user
from xuncha.reports.selectors import Scope
from xuncha.rounds.access import unit_ids_for_user
from xuncha.rounds.models import Group, Round, Unit
from xuncha.rounds.selectors import assignments_for_user, rounds_for_user


class BatchChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Batch) -> str:
        return f"{obj.followup.round.name} · {obj.followup.name} · {obj.name}"


class GroupChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Group) -> str:
        return f"{obj.round.name} · {obj.name}"


def batches_for_user(user: Viewer) -> QuerySet[Batch]:
    """The batches of the follow-ups the user may see, newest round first."""
    return (
        Batch.objects.filter(followup__in=followups_for_user(user))
        .select_related("followup__round")
        .order_by("-followup__round_id", "followup_id", "sequence")
    )


class DigestDraftForm(forms.Form):
    """生成摘编: the batch whose visited units the digest covers."""

    batch = BatchChoiceField(label=_("回访批次"), queryset=None, empty_label=_("请选择"))

    def __init__(self, *args: Any, user: Viewer, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "digest")
        super().__init__(*args, **kwargs)
        form_field(self, "batch", forms.ModelChoiceField).queryset = batches_for_user(user)


class NoticeScopeForm(forms.Form):
    """A notice's scope: a round, narrowed by a batch, a group and a unit when chosen.

    Every choice comes from what the user may see. ``unit_required`` makes the unit a must
    (a liaison composes their own unit's notice: a round's title over their units' figures
    would read as the whole round's).
    """

    round: forms.ModelChoiceField[Round] = forms.ModelChoiceField(
        label=_("轮次"), queryset=None, empty_label=_("请选择")
    )
    batch = BatchChoiceField(
        label=_("回访批次"), queryset=None, required=False, empty_label=_("不限")
    )
    group = GroupChoiceField(
        label=_("巡察组"), queryset=None, required=False, empty_label=_("不限")
    )
    unit: forms.ModelChoiceField[Unit] = forms.ModelChoiceField(
        label=_("单位"), queryset=None, required=False, empty_label=_("不限")
    )

    def __init__(self, *args: Any, user: Viewer, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        rounds = rounds_for_user(user)
        groups = (
            Group.objects.filter(round__in=rounds)
            .select_related("round")
            .order_by("-round_id", "sequence", "id")
        )
        units = Unit.objects.filter(pk__in=assignments_for_user(user).values("unit_id"))
        form_field(self, "round", forms.ModelChoiceField).queryset = rounds.order_by("-id")
        form_field(self, "batch", forms.ModelChoiceField).queryset = batches_for_user(user)
        form_field(self, "group", forms.ModelChoiceField).queryset = groups
        unit_field = form_field(self, "unit", forms.ModelChoiceField)
        unit_field.queryset = units.order_by("name")
        self.unit_required = unit_ids_for_user(user) is not None
        if self.unit_required:
            unit_field.required = True
            unit_field.empty_label = None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        round_ = cleaned.get("round")
        if round_ is None:
            return cleaned
        batch, group, unit = cleaned.get("batch"), cleaned.get("group"), cleaned.get("unit")
        if batch is not None and batch.followup.round_id != round_.pk:
            self.add_error("batch", _("该批次不属于所选轮次。"))
        if group is not None and group.round_id != round_.pk:
            self.add_error("group", _("该巡察组不属于所选轮次。"))
        if unit is not None and not round_.assignments.filter(unit=unit).exists():
            self.add_error("unit", _("该单位不是所选轮次的巡察对象。"))
        return cleaned

    def scope(self) -> Scope:
        data = self.cleaned_data
        return Scope(data["round"], data.get("batch"), data.get("group"), data.get("unit"))


class NoticeDraftForm(NoticeScopeForm):
    """生成通报: the office drafts a notice of a round, a batch, a group or a unit."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "notice")
        super().__init__(*args, **kwargs)


class PublicationEditForm(forms.Form):
    """A draft's wording, with the version it was opened at."""

    draft_text = forms.CharField(
        label=_("稿件内容"), strip=False, widget=forms.Textarea(attrs={"rows": 12})
    )
    expected_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # As tall as the text (a digest runs to pages, a notice to a few lines), within reason.
        text = str(self["draft_text"].value() or "")
        lines = sum(1 + len(line) // 60 for line in text.splitlines())
        self.fields["draft_text"].widget.attrs["rows"] = min(max(lines + 2, 8), 40)


class PublicationVersionForm(forms.Form):
    """刷新 or 发布: only the version the page showed."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class PublicationStepForm(forms.Form):
    """审核通过, 退回修改 or 撤回: the move, its reason, the version the page showed."""

    name = forms.ChoiceField(
        choices=[("approve", _("审核通过")), ("return", _("退回修改")), ("withdraw", _("撤回"))]
    )
    reason = forms.CharField(required=False, max_length=2000)
    expected_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


def disclosure_from_post(
    data: QueryDict,
) -> tuple[dict[int, tuple[str, str]], list[str], list[str]]:
    """The disclosure page's fields: ``item-<id>-reason`` and ``item-<id>-note`` per item,
    the names ticked (``name``), the office's own spans (``added``, one a line). Malformed
    item ids are ignored (the service checks the rest)."""
    decisions: dict[int, tuple[str, str]] = {}
    for key in data:
        parts = key.split("-")
        if (
            len(parts) == 3
            and (parts[0], parts[2]) == ("item", "reason")
            and parts[1].isascii()
            and parts[1].isdigit()
            and len(parts[1]) < 12
        ):
            reason = str(data.get(key, ""))
            note = str(data.get(f"item-{parts[1]}-note", ""))
            decisions[int(parts[1])] = (reason.strip(), note)
    chosen = [name for name in data.getlist("name") if name.strip()]
    added = [line.strip() for line in str(data.get("added", "")).splitlines() if line.strip()]
    return decisions, chosen, added
