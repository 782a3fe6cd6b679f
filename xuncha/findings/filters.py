"""The ledger's filters, declared once (django-filter) for the ledger page, its Excel export
and the API's problem list.

The queryset a FilterSet narrows is always the user's scope (``problems_for_user``): a filter
only narrows it, so no value of any parameter reaches another unit's problems. The web page
renders its own form (``LedgerFilterForm``: choices read from the user's scope, an invalid
value ignored); the API uses the FilterSet's form and refuses an invalid value with a 400.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import django_filters
from django import forms
from django.db.models import F, OrderBy, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field

from xuncha.clocks.models import WarningColour
from xuncha.clocks.registry import problem_subject_choices
from xuncha.clocks.selectors import PAUSED, colour_filter, kind_filter
from xuncha.findings.models import Problem, ProblemStatus
from xuncha.findings.search import QUERY_MAX_LENGTH, search_problems

# The largest id a database column holds (a signed 64-bit integer): larger ones find nothing
# and are refused instead of overflowing the query.
ID_MAX = 2**63 - 1

# The ledger's sortable columns: the value in ``sort`` (``-`` before it for descending) and
# the fields it orders by; the id always breaks ties, so that paging is stable.
SORTS: dict[str, tuple[str, ...]] = {
    "unit": ("assignment__unit__name",),
    "round": ("assignment__round_id",),
    "group": ("assignment__group__sequence", "assignment__group__name"),
    "title": ("title",),
    "kind": ("rectification_kind",),
    "status": ("status",),
    "deadline": ("deadline",),
    "warning": ("nearest_due",),
}
SORT_LABELS = {
    "unit": _("单位"),
    "round": _("轮次"),
    "group": _("巡察组"),
    "title": _("问题"),
    "kind": _("整改类型"),
    "status": _("状态"),
    "deadline": _("整改时限"),
    "warning": _("预警"),
}
SORT_CHOICES: list[tuple[str, Any]] = [
    choice
    for key, label in SORT_LABELS.items()
    for choice in ((key, label), (f"-{key}", _("%(column)s（降序）") % {"column": label}))
]
WARNING_CHOICES: list[tuple[str, Any]] = [*WarningColour.choices, (PAUSED, _("暂停计时"))]


def sort_order(sort: str | None) -> list[OrderBy]:
    """The ORDER BY of a ``sort`` value (``title``, ``-deadline`` …): empty values last in
    either direction, then the id; an unknown value orders by id alone."""
    descending = bool(sort) and str(sort).startswith("-")
    fields = SORTS.get(str(sort or "").removeprefix("-"), ())
    order = [
        F(field).desc(nulls_last=True) if descending else F(field).asc(nulls_last=True)
        for field in fields
    ]
    order.append(F("id").desc() if descending and fields else F("id").asc())
    return order


ID_SCHEMA = {"type": "integer", "format": "int64", "minimum": 1, "maximum": ID_MAX}


@extend_schema_field(ID_SCHEMA)
class IdFilter(django_filters.NumberFilter):
    """A record's id: a whole number from 1 to ID_MAX (a decimal or a larger number is
    refused, not rounded or overflowed)."""

    field_class = forms.IntegerField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", ID_MAX)
        super().__init__(*args, **kwargs)


class ProblemFilterSet(django_filters.FilterSet):
    """The ledger's filters: round, group, unit, status, warning colour and the kind of
    deadline it is about, a search query (``q``) and the sort.

    ``today`` dates the warning colours (default: today in the site's time zone). The
    filters apply in the order declared; the sort comes last.
    """

    round = IdFilter(field_name="assignment__round_id", label=_("轮次编号"))
    unit = IdFilter(field_name="assignment__unit_id", label=_("单位编号"))
    group = IdFilter(field_name="assignment__group_id", label=_("巡察组编号"))
    status = django_filters.ChoiceFilter(choices=ProblemStatus.choices, label=_("问题状态"))
    warning = django_filters.ChoiceFilter(
        choices=WARNING_CHOICES, method="filter_warning", label=_("预警颜色")
    )
    # The kinds of deadline are those the apps registered (``clocks.registry``), read when
    # the form is made; the schema says a string.
    deadline = extend_schema_field({"type": "string", "description": str(_("预警时限类型"))})(
        django_filters.ChoiceFilter(choices=problem_subject_choices, method="filter_deadline")
    )
    q = django_filters.CharFilter(
        method="filter_search",
        max_length=QUERY_MAX_LENGTH,
        label=_("搜索问题、问题描述和整改措施（多个词以空格分隔，须全部出现）"),
    )
    sort = django_filters.ChoiceFilter(
        choices=SORT_CHOICES, method="filter_sort", label=_("排序（列名前加 - 为降序）")
    )

    class Meta:
        model = Problem
        fields: list[str] = []  # every filter is declared above

    def __init__(self, *args: Any, today: dt.date | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()

    def filter_warning(self, queryset: QuerySet[Problem], name: str, value: str) -> Any:
        return queryset.filter(colour_filter(value, self.today)) if value else queryset

    def filter_deadline(self, queryset: QuerySet[Problem], name: str, value: str) -> Any:
        return queryset.filter(kind_filter(value)) if value else queryset

    def filter_search(self, queryset: QuerySet[Problem], name: str, value: str) -> Any:
        return search_problems(queryset, value)

    def filter_sort(self, queryset: QuerySet[Problem], name: str, value: str) -> Any:
        return queryset.order_by(*sort_order(value)) if value else queryset


def problems_filtered(
    problems: QuerySet[Problem], values: dict[str, Any], *, today: dt.date | None = None
) -> QuerySet[Problem]:
    """``problems`` narrowed by already-valid filter values keyed as the FilterSet's
    parameters (``round``, ``q``, ``sort`` …); None or empty values filter nothing.

    The web form validates with its own scoped choices; this applies what validated through
    the same filters the API uses.
    """
    filterset = ProblemFilterSet(queryset=problems, today=today)
    for name, value in values.items():
        if value not in (None, "", [], ()):
            problems = filterset.filters[name].filter(problems, value)
    return problems
