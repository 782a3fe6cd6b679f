"""The dashboard (统计图表): a scope's figures as charts, each beside the table of its numbers.

The figures are :mod:`xuncha.reports.dashboard`'s, read through the user's scope; the round,
group and unit are chosen in the URL (``?round=3&group=5&unit=12``), every choice from what
the user may see.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from xuncha.core.forms import form_field
from xuncha.core.permissions import Viewer
from xuncha.reports.dashboard import dashboard_figures, dashboard_problems
from xuncha.rounds.models import Group, Round, Unit
from xuncha.rounds.selectors import groups_for_user, rounds_for_user, units_for_user
from xuncha.web.forms import ListSelect, id_choices
from xuncha.web.views.common import AuthenticatedHttpRequest

__all__ = ["DashboardScopeForm", "dashboard"]


class DashboardScopeForm(forms.Form):
    """The dashboard's scope (GET): a round or all of them, a group of that round, a unit.

    A value outside the user's scope does not validate and narrows nothing; a group or a unit
    that is not of the chosen round is refused with a message.
    """

    round = forms.TypedChoiceField(
        label=gettext_lazy("轮次"), required=False, coerce=int, empty_value=None, widget=ListSelect
    )
    group = forms.TypedChoiceField(
        label=gettext_lazy("巡察组"),
        required=False,
        coerce=int,
        empty_value=None,
        widget=ListSelect,
    )
    unit = forms.TypedChoiceField(
        label=gettext_lazy("单位"), required=False, coerce=int, empty_value=None, widget=ListSelect
    )

    def __init__(self, *args: Any, user: Viewer, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        rounds = rounds_for_user(user).order_by("-id").values_list("pk", "name")
        groups = (
            groups_for_user(user)
            .order_by("-round_id", "sequence", "id")
            .values_list("pk", "round__name", "name")
        )
        units = units_for_user(user).order_by("name").values_list("pk", "name")
        choices = {
            "round": id_choices(_("全部轮次"), rounds),
            "group": id_choices(
                _("全部巡察组"), ((pk, f"{round_name} · {name}") for pk, round_name, name in groups)
            ),
            "unit": id_choices(_("全部单位"), units),
        }
        for name, options in choices.items():
            form_field(self, name, forms.TypedChoiceField).choices = options

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        round_id, group_id, unit_id = (cleaned.get(name) for name in ("round", "group", "unit"))
        group = Group.objects.filter(pk=group_id).first() if group_id else None
        if round_id and group is not None and group.round_id != round_id:
            self.add_error("group", _("该巡察组不属于所选轮次。"))
            group = None
        round_id = round_id or (group.round_id if group else None)
        if (
            round_id
            and unit_id
            and not Round.objects.filter(pk=round_id, assignments__unit_id=unit_id).exists()
        ):
            self.add_error("unit", _("该单位不是所选轮次的巡察对象。"))
        return cleaned

    def scope(self) -> dict[str, Any]:
        """The round, group and unit that validated (each already within the user's scope)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        round_id, group_id, unit_id = (data.get(name) for name in ("round", "group", "unit"))
        return {
            "round_": Round.objects.filter(pk=round_id).first() if round_id else None,
            "group": Group.objects.select_related("round").filter(pk=group_id).first()
            if group_id
            else None,
            "unit": Unit.objects.filter(pk=unit_id).first() if unit_id else None,
        }


@login_required
@require_GET
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The dashboard of the chosen scope: every figure from the user's own problems, so a
    liaison's counts and charts hold their units only."""
    form = DashboardScopeForm(request.GET or None, user=request.user)
    scope = form.scope()
    problems = dashboard_problems(request.user, **scope)
    figures = dashboard_figures(problems, timezone.localdate())
    context = {
        "form": form,
        "scope": scope,
        "figures": figures,
        "charts_json": {
            "charts": figures.charts_json(),
            "labels": {"download": _("下载图片")},
        },
    }
    return render(request, "web/dashboard.html", context)
