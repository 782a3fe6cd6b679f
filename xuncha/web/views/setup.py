"""A round's set-up (the office): its groups and their members, which group inspects which unit
and when feedback was given, the units and their liaisons, and where the follow-ups are planned.

Everything an imported digest leaves open is finished here, without the admin. Every object a
post names is looked up inside the round: a group of another round, or a unit outside it, is
refused with a message and nothing is stored.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from xuncha.core.models import Role
from xuncha.core.permissions import has_role
from xuncha.core.services import account_create
from xuncha.followups.models import FollowUp
from xuncha.rounds.models import Assignment, Group, GroupMembership, Round, Unit
from xuncha.rounds.selectors import get_round_for_user
from xuncha.rounds.services import (
    AssignmentRow,
    group_create,
    group_delete,
    group_update,
    liaison_add,
    liaison_remove,
    member_add,
    member_remove,
    person_label,
    round_assignments_update,
    round_unit_add,
)
from xuncha.web.setup_forms import GroupForm, MemberForm, PersonForm, UnitAddForm
from xuncha.web.views.common import AuthenticatedHttpRequest, done, query_id, refused

User = get_user_model()


def setup_round(request: AuthenticatedHttpRequest, pk: int) -> Round:
    """The round, for the office only: everyone else is told nothing (404)."""
    if not has_role(request.user, Role.OFFICE):
        raise Http404
    return get_round_for_user(request.user, pk)


def setup_url(round_: Round, anchor: str = "") -> str:
    url = reverse("web:round_setup", args=[round_.pk])
    return f"{url}#{anchor}" if anchor else url


@login_required
@require_GET
def round_setup(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    round_ = setup_round(request, pk)
    return render(request, "web/round_setup.html", setup_context(round_))


def setup_context(round_: Round, **forms: Any) -> dict[str, Any]:
    groups = list(
        round_.groups.prefetch_related(
            Prefetch(
                "groupmembership_set",
                queryset=GroupMembership.objects.select_related("user__profile").order_by("id"),
                to_attr="seats",
            )
        )
    )
    assignments = list(
        round_.assignments.select_related("unit__parent", "group")
        .prefetch_related(
            Prefetch("unit__liaisons", queryset=User.objects.select_related("profile"))
        )
        .order_by("position", "id")
    )
    followups = FollowUp.objects.filter(round=round_).prefetch_related("batches").order_by("id")
    parents = Unit.objects.filter(assignments__round=round_)
    return {
        "round": round_,
        "groups": groups,
        "assignments": assignments,
        "followups": followups,
        "group_form": forms.get("group_form") or GroupForm(),
        "member_form": MemberForm(),
        "liaison_form": PersonForm(),
        "unit_form": forms.get("unit_form") or UnitAddForm(parents=parents),
        "missing_group": sum(1 for a in assignments if a.group_id is None),
        "missing_feedback": sum(1 for a in assignments if a.feedback_date is None),
        "missing_liaisons": sum(1 for a in assignments if not a.unit.liaisons.all()),
    }


def posted_id(request: AuthenticatedHttpRequest, name: str) -> int | None:
    """An id from the form: ASCII digits of a sane size, else None."""
    return query_id(request.POST.get(name, ""))


def posted_pk(request: AuthenticatedHttpRequest, name: str) -> int:
    """An id to look a record up by: 0 (no record has it) when the form's is missing or odd."""
    return posted_id(request, name) or 0


def form_error(form: Any) -> ValueError:
    """A form's first error as a message that names its field."""
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        return ValueError(f"{label}：{errors[0]}" if label else errors[0])
    return ValueError(_("请求无效，请刷新页面后重试。"))


def round_group(round_: Round, group_id: int) -> Group:
    group = Group.objects.filter(round=round_, pk=group_id).first()
    if group is None:
        raise ValueError(_("所选巡察组不属于本轮。"))
    return group


def round_unit(round_: Round, unit_id: int) -> Unit:
    unit = Unit.objects.filter(assignments__round=round_, pk=unit_id).first()
    if unit is None:
        raise ValueError(_("所选单位不是本轮的巡察对象。"))
    return unit


def person_for(request: AuthenticatedHttpRequest, form: PersonForm) -> Any:
    """The account the form names, opened now when it does not exist and a password is given."""
    data = form.cleaned_data
    user = User.objects.filter(username=data["username"].strip()).first()
    if user is not None:
        return user
    if not data["password"]:
        raise ValueError(
            _("账号“%(name)s”不存在；如需新开账号，请同时填写姓名和初始密码。")
            % {"name": data["username"]}
        )
    return account_create(
        actor=request.user,
        username=data["username"],
        display_name=data["display_name"],
        password=data["password"],
    )


def add_group(request: AuthenticatedHttpRequest, round_: Round) -> tuple[str, str]:
    form = GroupForm(request.POST)
    if not form.is_valid():
        raise form_error(form)
    group = group_create(actor=request.user, round_=round_, **form.cleaned_data)
    return _("已添加巡察组“%(name)s”。") % {"name": group.name}, "groups"


def edit_group(request: AuthenticatedHttpRequest, round_: Round) -> tuple[str, str]:
    group = round_group(round_, posted_pk(request, "group"))
    form = GroupForm(request.POST)
    if not form.is_valid():
        raise form_error(form)
    group = group_update(actor=request.user, group=group, **form.cleaned_data)
    return _("已保存巡察组“%(name)s”。") % {"name": group.name}, "groups"


def delete_group(request: AuthenticatedHttpRequest, round_: Round) -> tuple[str, str]:
    group = round_group(round_, posted_pk(request, "group"))
    group_delete(actor=request.user, group=group)
    return _("已删除巡察组“%(name)s”。") % {"name": group.name}, "groups"


def add_member(request: AuthenticatedHttpRequest, round_: Round) -> tuple[str, str]:
    group = round_group(round_, posted_pk(request, "group"))
    form = MemberForm(request.POST)
    if not form.is_valid():
        raise form_error(form)
    user = person_for(request, form)
    member_add(actor=request.user, group=group, user=user, role=form.cleaned_data["role"])
    message = _("%(user)s已加入%(group)s。") % {"user": person_label(user), "group": group.name}
    return message, "groups"


def remove_member(request: AuthenticatedHttpRequest, round_: Round) -> tuple[str, str]:
    seat = GroupMembership.objects.filter(
        group__round=round_, pk=posted_pk(request, "membership")
    ).first()
    if seat is None:
        raise ValueError(_("所选成员不属于本轮的巡察组。"))
    member_remove(actor=request.user, membership=seat)
    return _("已移出%(user)s。") % {"user": person_label(seat.user)}, "groups"


def add_unit(request: AuthenticatedHttpRequest, round_: Round) -> tuple[str, str]:
    form = UnitAddForm(request.POST, parents=Unit.objects.filter(assignments__round=round_))
    if not form.is_valid():
        raise form_error(form)
    assignment = round_unit_add(actor=request.user, round_=round_, **form.cleaned_data)
    return _("已将%(unit)s列为本轮巡察对象。") % {"unit": assignment.unit.name}, "units"


def save_assignments(request: AuthenticatedHttpRequest, round_: Round) -> tuple[str, str]:
    """The table of units: each row's group and feedback date (``group-<id>``,
    ``feedback-<id>``)."""
    rows = []
    for assignment in Assignment.objects.filter(round=round_).select_related("unit"):
        if f"group-{assignment.pk}" not in request.POST:
            continue
        group_value = request.POST.get(f"group-{assignment.pk}", "")
        group_id = posted_id(request, f"group-{assignment.pk}")
        if group_value and group_id is None:
            raise ValueError(_("%(unit)s：所选巡察组无效。") % {"unit": assignment.unit.name})
        rows.append(
            AssignmentRow(
                assignment_id=assignment.pk,
                group_id=group_id,
                feedback_date=posted_date(request, f"feedback-{assignment.pk}", assignment),
            )
        )
    for name in request.POST:
        if name.startswith(("group-", "feedback-")):
            wanted = name.split("-", 1)[1]
            if not any(str(row.assignment_id) == wanted for row in rows):
                raise ValueError(_("所选单位不是本轮的巡察对象。"))
    changed = round_assignments_update(actor=request.user, round_=round_, rows=rows)
    return _("已保存%(count)s家单位的巡察组和反馈日期。") % {"count": len(changed)}, "units"


def posted_date(
    request: AuthenticatedHttpRequest, name: str, assignment: Assignment
) -> dt.date | None:
    value = request.POST.get(name, "")
    try:
        date: dt.date | None = forms.DateField(required=False).clean(value)
        return date
    except ValidationError as error:
        raise ValueError(
            _("%(unit)s：反馈日期“%(value)s”无效。")
            % {"unit": assignment.unit.name, "value": value}
        ) from error


def add_liaison(request: AuthenticatedHttpRequest, round_: Round) -> tuple[str, str]:
    unit = round_unit(round_, posted_pk(request, "unit"))
    form = PersonForm(request.POST)
    if not form.is_valid():
        raise form_error(form)
    user = person_for(request, form)
    liaison_add(actor=request.user, unit=unit, user=user)
    message = _("%(user)s已成为%(unit)s的联络员。") % {
        "user": person_label(user),
        "unit": unit.name,
    }
    return message, "units"


def remove_liaison(request: AuthenticatedHttpRequest, round_: Round) -> tuple[str, str]:
    unit = round_unit(round_, posted_pk(request, "unit"))
    user = unit.liaisons.filter(pk=posted_pk(request, "user")).first()
    if user is None:
        raise ValueError(_("所选人员不是该单位的联络员。"))
    liaison_remove(actor=request.user, unit=unit, user=user)
    message = _("%(user)s不再是%(unit)s的联络员。") % {
        "user": person_label(user),
        "unit": unit.name,
    }
    return message, "units"


SETUP_ACTIONS: dict[str, Callable[[AuthenticatedHttpRequest, Round], tuple[str, str]]] = {
    "group_add": add_group,
    "group_edit": edit_group,
    "group_delete": delete_group,
    "member_add": add_member,
    "member_remove": remove_member,
    "unit_add": add_unit,
    "assignments": save_assignments,
    "liaison_add": add_liaison,
    "liaison_remove": remove_liaison,
}


@login_required
@require_POST
def round_setup_save(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """One post of the set-up page; ``action`` says which part. One transaction each: an
    account opened for a member is not kept when seating them is refused."""
    round_ = setup_round(request, pk)
    action = SETUP_ACTIONS.get(request.POST.get("action", ""))
    if action is None:
        return refused(request, setup_url(round_), ValueError(_("请求无效，请刷新页面后重试。")))
    try:
        with transaction.atomic():
            message, anchor = action(request, round_)
    except (ValueError, PermissionError) as error:
        return refused(request, setup_url(round_), error)
    return done(request, setup_url(round_, anchor), message)
