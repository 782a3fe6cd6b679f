"""The read-only JSON API: rounds, units and the ledger of problems.

Every queryset comes from a selector, so a user reaches only what their role lets them see;
anything else answers 404, as if it did not exist. The views only parse the query, ask the
selectors and render.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import viewsets
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import Serializer

from xuncha.api.serializers import (
    FIELD_ERRORS_SCHEMA,
    ErrorSerializer,
    ProblemSerializer,
    RoundDetailSerializer,
    RoundSerializer,
    UnitSerializer,
)
from xuncha.findings.filters import ID_MAX, ProblemFilterSet
from xuncha.findings.models import Problem
from xuncha.findings.selectors import (
    ledger_problems,
    measures_prefetch,
    problems_for_user,
    status_counts_by_unit,
)
from xuncha.rounds.access import unit_ids_for_user
from xuncha.rounds.models import Group, Round, Unit
from xuncha.rounds.selectors import assignments_for_user, rounds_for_user, units_for_user

# What the schema documents beside the 200: every refusal the API can answer, so that a client
# (and tests/api/test_schema_fuzz.py) can rely on the documented statuses and bodies.
NOT_LOGGED_IN = OpenApiResponse(ErrorSerializer, description=_("未登录，或登录信息无效。"))
PAGE_NOT_FOUND = OpenApiResponse(ErrorSerializer, description=_("页码超出范围。"))
NOT_FOUND = OpenApiResponse(ErrorSerializer, description=_("不存在，或用户无权查看。"))
BAD_QUERY = OpenApiResponse(FIELD_ERRORS_SCHEMA, description=_("筛选条件无效，按参数列出原因。"))

# A record's id in a path: a positive database id (another path is not the API's, and Django
# answers it with its own page).
ID_PARAMETER = OpenApiParameter(
    "id",
    {"type": "integer", "format": "int64", "minimum": 1, "maximum": ID_MAX},
    OpenApiParameter.PATH,
    description=_("编号"),
)


def list_responses(serializer: type[Serializer]) -> dict[int, Any]:
    """A page of a collection (paginated by drf-spectacular), or why not."""
    return {200: serializer, 403: NOT_LOGGED_IN, 404: PAGE_NOT_FOUND}


def detail_responses(serializer: type[Serializer]) -> dict[int, Any]:
    """One record, or why not."""
    return {200: serializer, 403: NOT_LOGGED_IN, 404: NOT_FOUND}


def groups_prefetch() -> Prefetch:
    """A round's groups in their own order, without joining the round again."""
    return Prefetch("groups", queryset=Group.objects.order_by("sequence", "name", "id"))


class ScopedViewSet(viewsets.ReadOnlyModelViewSet):
    """A read-only view set whose records come from the user's scope: a record outside it, or
    none with that id, is the same 404, said in Chinese (Django's own message is English)."""

    def get_object(self) -> Any:
        try:
            return super().get_object()
        except Http404 as missing:
            raise NotFound(_("未找到，或您无权查看。")) from missing


@extend_schema_view(
    list=extend_schema(
        summary=_("巡察轮次列表"),
        description=_("用户可见的巡察轮次及其巡察组。"),
        responses=list_responses(RoundSerializer),
    ),
    retrieve=extend_schema(
        summary=_("巡察轮次详情"),
        description=_("轮次、巡察组，以及用户可见的被巡察单位（含反馈日期和各状态问题数）。"),
        parameters=[ID_PARAMETER],
        responses=detail_responses(RoundDetailSerializer),
    ),
)
class RoundViewSet(ScopedViewSet):
    """Rounds in which the user may see at least one unit."""

    lookup_value_converter = "int"

    def get_queryset(self) -> QuerySet[Round]:
        return rounds_for_user(self.request.user).prefetch_related(groups_prefetch())

    def get_serializer_class(self) -> type[RoundSerializer]:
        if self.action == "retrieve":
            return RoundDetailSerializer
        return RoundSerializer

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        round_ = self.get_object()
        assignments = list(
            assignments_for_user(request.user).filter(round=round_).order_by("position", "id")
        )
        counts = status_counts_by_unit(
            problems_for_user(request.user).filter(assignment__round=round_)
        )
        context = {
            **self.get_serializer_context(),
            "assignments": assignments,
            "problem_counts": counts,
        }
        return Response(RoundDetailSerializer(round_, context=context).data)


@extend_schema_view(
    list=extend_schema(
        summary=_("被巡察单位列表"),
        description=_("用户可见的单位，含上下级关系。"),
        responses=list_responses(UnitSerializer),
    ),
    retrieve=extend_schema(
        summary=_("被巡察单位详情"),
        description=_("单位及其上下级。"),
        parameters=[ID_PARAMETER],
        responses=detail_responses(UnitSerializer),
    ),
)
class UnitViewSet(ScopedViewSet):
    """Units the user may see, as a tree by ids."""

    lookup_value_converter = "int"
    serializer_class = UnitSerializer

    def get_queryset(self) -> QuerySet[Unit]:
        visible = units_for_user(self.request.user)
        return visible.prefetch_related(
            Prefetch("children", queryset=visible.only("id", "parent_id", "name"))
        )

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "unit_scope": self.unit_scope}

    @cached_property
    def unit_scope(self) -> set[int] | None:
        """The ids of the units this user may see (None: all), to hide parents beyond them."""
        return unit_ids_for_user(self.request.user)


@extend_schema_view(
    list=extend_schema(
        summary=_("整改台账"),
        description=_(
            "用户可见的问题，含整改措施、成效、追责问责和建章立制；可按轮次、单位、巡察组、"
            "状态和预警筛选，按关键词搜索（q，多个词以空格分隔），并按列排序（sort）。"
        ),
        responses={**list_responses(ProblemSerializer), 400: BAD_QUERY},
    ),
    retrieve=extend_schema(
        summary=_("问题详情"),
        description=_("问题及其整改措施、成效、追责问责和建章立制。"),
        parameters=[ID_PARAMETER],
        responses=detail_responses(ProblemSerializer),
    ),
)
class ProblemViewSet(ScopedViewSet):
    """The ledger (整改台账): problems in scope with their measures and what was read from them."""

    lookup_value_converter = "int"
    serializer_class = ProblemSerializer
    # The ledger page's filters (findings.filters), which drf-spectacular documents.
    filter_backends = [DjangoFilterBackend]
    filterset_class = ProblemFilterSet

    def get_queryset(self) -> QuerySet[Problem]:
        return ledger_problems(self.request.user).prefetch_related(measures_prefetch())

    def filter_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        """The list is filtered by its query (a bad value is a 400 naming the parameter); one
        problem is found by its id alone, whatever the query says."""
        if self.action != "list":
            return queryset
        return super().filter_queryset(queryset)
