"""Forms of the web pages: a measure's edit, the ledger's filter, the digest import steps."""

from __future__ import annotations

import base64
import binascii
import hashlib
from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from xuncha.clocks.models import WarningColour
from xuncha.clocks.registry import problem_subject_choices
from xuncha.clocks.selectors import PAUSED
from xuncha.core.forms import form_field
from xuncha.core.permissions import Viewer
from xuncha.findings.filters import SORT_CHOICES, SORTS
from xuncha.findings.models import ProblemStatus
from xuncha.findings.search import QUERY_MAX_LENGTH
from xuncha.rounds.models import Round
from xuncha.rounds.selectors import groups_for_user, rounds_for_user, units_for_user


class MeasureForm(forms.Form):
    """A measure's wording, owner, department and deadline (责任清单)."""

    text = forms.CharField(label=_("措施内容"), widget=forms.Textarea(attrs={"rows": 6}))
    owner = forms.CharField(label=_("责任领导"), max_length=64, required=False)
    department = forms.CharField(label=_("责任部门"), max_length=100, required=False)
    deadline = forms.DateField(
        label=_("完成时限"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    expected_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class ListSelect(forms.Select):
    """A select written in one template loop from plain (value, label) pairs.

    Django's own builds a dictionary and renders a template for every option, which for a
    filter over hundreds of units costs more than the ledger's queries.
    """

    template_name = "web/widgets/select.html"

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        chosen = {str(item) for item in (value if isinstance(value, list) else [value])}
        context["widget"]["options"] = [
            (str(option), str(label), str(option) in chosen) for option, label in self.choices
        ]
        return context

    def optgroups(self, name: str, value: Any, attrs: dict[str, Any] | None = None) -> Any:
        return []  # the template reads "options" instead


def id_choices(empty: str, rows: Any) -> list[tuple[Any, str]]:
    """Choices for a select of records: (id, label) rows after an empty "all" choice."""
    return [("", empty), *((pk, label) for pk, label in rows)]


class LedgerFilterForm(forms.Form):
    """The ledger's filter (GET); every choice comes from what the user may see.

    Rounds, groups and units are offered as plain ids and names read in one query each (no
    record is built for an option), and a value outside the user's scope does not validate.
    What validated is applied by the ledger's FilterSet (``findings.filters``, which the API
    shares); the search box is ``q`` and the sort column ``sort`` (kept in a hidden field, set
    by the table's header links).
    """

    q = forms.CharField(
        label=_("搜索"),
        required=False,
        max_length=QUERY_MAX_LENGTH,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": _("问题、描述或措施中的词，空格分隔"),
                "autocomplete": "off",
            }
        ),
    )
    round = forms.TypedChoiceField(
        label=_("轮次"), required=False, coerce=int, empty_value=None, widget=ListSelect
    )
    group = forms.TypedChoiceField(
        label=_("巡察组"), required=False, coerce=int, empty_value=None, widget=ListSelect
    )
    unit = forms.TypedChoiceField(
        label=_("单位"), required=False, coerce=int, empty_value=None, widget=ListSelect
    )
    status = forms.ChoiceField(
        label=_("状态"),
        required=False,
        choices=[("", _("全部状态")), *ProblemStatus.choices],
        widget=ListSelect,
    )
    warning = forms.ChoiceField(
        label=_("预警"),
        required=False,
        choices=[("", _("全部预警")), *WarningColour.choices, (PAUSED, _("暂停计时"))],
        widget=ListSelect,
    )
    deadline = forms.ChoiceField(
        label=_("预警时限"),
        required=False,
        widget=ListSelect,
    )
    sort = forms.ChoiceField(
        label=_("排序"), required=False, choices=SORT_CHOICES, widget=forms.HiddenInput
    )

    def __init__(self, *args: Any, user: Viewer, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        rounds = rounds_for_user(user).order_by("-id").values_list("pk", "name")
        groups = (
            groups_for_user(user)
            .order_by("round_id", "sequence", "id")
            .values_list("pk", "round__name", "name")
        )
        units = units_for_user(user).order_by("name").values_list("pk", "name")
        choices = {
            "round": id_choices(str(_("全部轮次")), rounds),
            "group": id_choices(
                str(_("全部巡察组")),
                ((pk, f"{round_name} · {name}") for pk, round_name, name in groups),
            ),
            "unit": id_choices(str(_("全部单位")), units),
        }
        for name, options in choices.items():
            form_field(self, name, forms.TypedChoiceField).choices = options
        # The kinds of deadline are those the apps registered (``clocks.registry``).
        form_field(self, "deadline", forms.ChoiceField).choices = [
            ("", _("全部时限")),
            *problem_subject_choices(),
        ]

    def filters(self) -> dict[str, Any]:
        """The filters that validated (an invalid or out-of-scope value filters nothing)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "round_id": data.get("round"),
            "group_id": data.get("group"),
            "unit_id": data.get("unit"),
            "status": data.get("status") or None,
            "q": data.get("q") or None,
            "sort": data.get("sort") or None,
        }

    def sort_links(self) -> dict[str, dict[str, str]]:
        """Per sortable column: the ``sort`` value its header link asks for (ascending first,
        then the other way), and the direction the table is sorted by it now ("" when not)."""
        self.is_valid()
        current = getattr(self, "cleaned_data", {}).get("sort") or ""
        links = {}
        for key in SORTS:
            direction = {key: "ascending", f"-{key}": "descending"}.get(current, "")
            links[key] = {
                "value": f"-{key}" if direction == "ascending" else key,
                "direction": direction,
            }
        return links

    def warning_colour(self) -> str | None:
        """The warning colour to filter by, when one validated."""
        self.is_valid()
        return getattr(self, "cleaned_data", {}).get("warning") or None

    def deadline_kind(self) -> str | None:
        """The kind of deadline ("measure", "report" …) a warning is about, to filter by."""
        self.is_valid()
        return getattr(self, "cleaned_data", {}).get("deadline") or None


class DigestUploadForm(forms.Form):
    """Step 1 of an import: a file (or pasted text) and the round it goes into."""

    ACCEPTED = (".txt", ".docx", ".doc", ".wps", ".pdf")
    PASTED_NAME = "粘贴的文字.txt"

    file = forms.FileField(
        label=_("文件"),
        required=False,
        allow_empty_file=True,  # the reader reports an empty file
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(ACCEPTED)}),
        help_text=_(
            "整改摘编或被巡察单位的整改情况通报：.txt（UTF-8、GBK、UTF-16）、.docx、.doc、"
            ".wps 或有文字层的 .pdf。"
        ),
    )
    text = forms.CharField(
        label=_("或粘贴文字"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("从网页或文档中复制的全文；与上传文件二选一。"),
    )
    round_name = forms.CharField(
        label=_("导入到轮次"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"list": "round-names", "autocomplete": "off"}),
        help_text=_("选择已有轮次，或填写新轮次名称；留空则使用摘编导语中的轮次名称。"),
    )

    def clean_file(self) -> UploadedFile | None:
        upload: UploadedFile | None = self.cleaned_data.get("file")
        if upload is None:
            return None
        limit = settings.XUNCHA_DIGEST_MAX_BYTES
        if upload.size is not None and upload.size > limit:
            raise forms.ValidationError(
                _("文件过大（%(size)s），上限为 %(limit)s。")
                % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)}
            )
        if not (upload.name or "").lower().endswith(self.ACCEPTED):
            raise forms.ValidationError(
                _("只能导入 %(kinds)s 文件。") % {"kinds": "、".join(self.ACCEPTED)}
            )
        return upload

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        has_file = cleaned.get("file") is not None
        has_text = bool((cleaned.get("text") or "").strip())
        if not self.errors and has_file == has_text:
            raise forms.ValidationError(_("请上传一个文件，或粘贴文字（二选一）。"))
        return cleaned

    def content(self) -> tuple[bytes, str]:
        """The bytes to read and the name to give them."""
        upload = self.cleaned_data.get("file")
        if upload is not None:
            return upload.read(), upload.name or ""
        return self.cleaned_data["text"].encode("utf-8"), self.PASTED_NAME


class CarriedFileForm(forms.Form):
    """A previewed file carried back in the next step's form with its SHA-256, checked on the
    way back (``data`` in the cleaned data); ``limit_setting`` names its size limit."""

    limit_setting = "XUNCHA_DIGEST_MAX_BYTES"

    content = forms.CharField(widget=forms.HiddenInput, strip=False)
    sha256 = forms.CharField(widget=forms.HiddenInput, min_length=64, max_length=64)
    file_name = forms.CharField(widget=forms.HiddenInput, max_length=255)

    @staticmethod
    def carried(data: bytes, *, file_name: str) -> dict[str, str]:
        return {
            "content": base64.b64encode(data).decode("ascii"),
            "sha256": hashlib.sha256(data).hexdigest(),
            "file_name": file_name,
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors:
            return cleaned
        try:
            data = base64.b64decode(cleaned["content"], validate=True)
        except (binascii.Error, ValueError):
            raise forms.ValidationError(_("预览的文件内容已损坏，请重新上传。")) from None
        if hashlib.sha256(data).hexdigest() != cleaned["sha256"].lower():
            raise forms.ValidationError(
                _("文件内容与预览时不一致（SHA-256 校验失败），请重新上传。")
            )
        if len(data) > getattr(settings, self.limit_setting):
            raise forms.ValidationError(_("文件过大，请重新上传。"))
        cleaned["data"] = data
        return cleaned


class DigestConfirmForm(CarriedFileForm):
    """Step 3 of a digest import: the previewed file and the round it goes into."""

    round_name = forms.CharField(widget=forms.HiddenInput, max_length=100)

    @staticmethod
    def initial_for(data: bytes, *, file_name: str, round_name: str) -> dict[str, str]:
        return CarriedFileForm.carried(data, file_name=file_name) | {"round_name": round_name}


class RoundSettingsForm(forms.Form):
    """How the office runs a round's closing."""

    evidence_per_measure = forms.BooleanField(
        label=_("每项措施须有佐证材料"),
        required=False,
        help_text=_("申请销号前，每项已完成的整改措施都须有自己的佐证材料。"),
    )


class LedgerUploadForm(forms.Form):
    """Step 1 of a ledger import: the .xlsx sheet and the round it belongs to."""

    file = forms.FileField(
        label=_("Excel台账"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xlsm"}),
        help_text=_("从本系统导出的台账，或本单位、巡察办自己的台账（.xlsx）。"),
    )
    round = forms.ModelChoiceField(label=_("轮次"), queryset=Round.objects.none())

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        round_field = self.fields["round"]
        assert isinstance(round_field, forms.ModelChoiceField)
        round_field.queryset = rounds_for_user(user).order_by("-id")

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        limit = settings.XUNCHA_LEDGER_MAX_BYTES
        if upload.size is not None and upload.size > limit:
            raise forms.ValidationError(
                _("文件过大（%(size)s），上限为 %(limit)s。")
                % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)}
            )
        return upload


class LedgerCarryForm(CarriedFileForm):
    """Steps 2 and 3 of a ledger import: the previewed file, the round, and the fingerprint of
    the preview the user saw."""

    limit_setting = "XUNCHA_LEDGER_MAX_BYTES"

    round = forms.IntegerField(widget=forms.HiddenInput)
    fingerprint = forms.CharField(widget=forms.HiddenInput, required=False, max_length=128)

    @staticmethod
    def initial_for(
        data: bytes, *, file_name: str, round_id: int, fingerprint: str = ""
    ) -> dict[str, Any]:
        carried: dict[str, Any] = CarriedFileForm.carried(data, file_name=file_name)
        return carried | {"round": round_id, "fingerprint": fingerprint}
