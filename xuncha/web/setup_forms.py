"""Forms of a round's set-up page (the office): groups, members, units, feedback dates, liaisons.

Each field's length is the column's own, so a value that would not fit is refused on the form.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from xuncha.core.models import Profile
from xuncha.rounds.models import Group, GroupRole, Unit


def _limit(model: Any, name: str) -> int:
    length: int = model._meta.get_field(name).max_length
    return length


class GroupForm(forms.Form):
    """A group's name, number and leader."""

    name = forms.CharField(label=_("巡察组名称"), max_length=_limit(Group, "name"))
    sequence = forms.IntegerField(label=_("序号"), min_value=1, max_value=999, required=False)
    leader_name = forms.CharField(
        label=_("组长"), max_length=_limit(Group, "leader_name"), required=False
    )


class PersonForm(forms.Form):
    """A person by their account: an existing username, or a new account with its first
    password (the person changes it after logging in)."""

    username = forms.CharField(label=_("账号"), max_length=_limit(get_user_model(), "username"))
    display_name = forms.CharField(
        label=_("姓名"), max_length=_limit(Profile, "display_name"), required=False
    )
    password = forms.CharField(
        label=_("初始密码（新开账号时填写）"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )


class MemberForm(PersonForm):
    role = forms.ChoiceField(label=_("职务"), choices=GroupRole.choices, initial=GroupRole.MEMBER)


class UnitAddForm(forms.Form):
    """A unit put into the round: found by its name among its siblings, or created."""

    name = forms.CharField(label=_("单位名称"), max_length=_limit(Unit, "name"))
    parent = forms.ModelChoiceField(
        label=_("上级单位"), queryset=Unit.objects.none(), required=False
    )

    def __init__(self, *args: Any, parents: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if parents is not None:
            parent_field = self.fields["parent"]
            assert isinstance(parent_field, forms.ModelChoiceField)
            parent_field.queryset = parents
