"""The API's shapes: rounds with their groups and units, units as a tree, problems as a ledger.

Every serializer here is read-only. Querysets come from the selectors, already scoped to the
user; a serializer never queries on its own (see the prefetching in ``views``).
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from xuncha.findings.models import (
    Accountability,
    Measure,
    Outcome,
    Problem,
    ProblemStatus,
    Qualifier,
    RectificationKind,
    Regulation,
    RegulationAction,
)
from xuncha.rounds.models import Assignment, Group, Round, RoundKind, Unit


def optional_choice(choices: type[models.TextChoices]) -> serializers.ChoiceField:
    """A read-only choice that may be empty ("" when a source does not say).

    Declared by hand because a read-only model field loses ``allow_blank``, and the schema
    would then promise a value the data does not always have.
    """
    return serializers.ChoiceField(choices=choices.choices, allow_blank=True, read_only=True)


class RoundRefSerializer(serializers.ModelSerializer):
    """A round named from another record."""

    class Meta:
        model = Round
        fields = ["id", "name"]
        read_only_fields = fields


class UnitRefSerializer(serializers.ModelSerializer):
    """A unit named from another record."""

    class Meta:
        model = Unit
        fields = ["id", "name"]
        read_only_fields = fields


class GroupRefSerializer(serializers.ModelSerializer):
    """An inspection group named from another record."""

    class Meta:
        model = Group
        fields = ["id", "name"]
        read_only_fields = fields


class GroupSerializer(serializers.ModelSerializer):
    """An inspection group of a round, with its leader."""

    class Meta:
        model = Group
        fields = ["id", "name", "leader_name"]
        read_only_fields = fields


class ProblemCountsSerializer(serializers.Serializer):
    """How many of a unit's problems stand in each status (one key per ``ProblemStatus``)."""

    pending = serializers.IntegerField(help_text=ProblemStatus.PENDING.label)
    in_progress = serializers.IntegerField(help_text=ProblemStatus.IN_PROGRESS.label)
    closing_requested = serializers.IntegerField(help_text=ProblemStatus.CLOSING_REQUESTED.label)
    closed = serializers.IntegerField(help_text=ProblemStatus.CLOSED.label)
    continuing = serializers.IntegerField(help_text=ProblemStatus.CONTINUING.label)
    total = serializers.IntegerField(help_text=_("合计"))


class AssignmentSerializer(serializers.ModelSerializer):
    """A unit inspected in a round, with its feedback date and its problems counted by status.

    ``problem_counts`` comes from the serializer context (one grouped query for the whole
    round), keyed by assignment id.
    """

    unit = UnitRefSerializer(read_only=True)
    group = serializers.IntegerField(source="group_id", allow_null=True, read_only=True)
    problem_counts = serializers.SerializerMethodField()

    class Meta:
        model = Assignment
        fields = ["id", "unit", "group", "feedback_date", "problem_counts"]
        read_only_fields = fields

    @extend_schema_field(ProblemCountsSerializer)
    def get_problem_counts(self, assignment: Assignment) -> dict[str, int]:
        counts: dict[int, dict[str, int]] = self.context.get("problem_counts", {})
        empty = {status: 0 for status in ProblemStatus.values} | {"total": 0}
        return counts.get(assignment.pk, empty)


class RoundSerializer(serializers.ModelSerializer):
    """An inspection round with its groups."""

    kind = optional_choice(RoundKind)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    groups = GroupSerializer(many=True, read_only=True)

    class Meta:
        model = Round
        fields = [
            "id",
            "name",
            "kind",
            "kind_label",
            "committee",
            "term",
            "sequence",
            "start_date",
            "end_date",
            "description",
            "facts",
            "groups",
        ]
        read_only_fields = fields


class RoundDetailSerializer(RoundSerializer):
    """A round with the units the user may see in it.

    The assignments are passed in the context (``assignments``), already scoped to the user,
    so that a liaison sees only their own units of a round.
    """

    assignments = serializers.SerializerMethodField()

    class Meta(RoundSerializer.Meta):
        fields = [*RoundSerializer.Meta.fields, "assignments"]
        read_only_fields = fields

    @extend_schema_field(AssignmentSerializer(many=True))
    def get_assignments(self, round_: Round) -> list[dict[str, Any]]:
        assignments = self.context.get("assignments", [])
        # many=True makes a ListSerializer, whose data is a ReturnList; the stubs keep the
        # serializer's own type, whose data is a ReturnDict.
        return AssignmentSerializer(  # type: ignore[return-value]
            assignments, many=True, context=self.context
        ).data


class UnitSerializer(serializers.ModelSerializer):
    """A unit in the tree of units, by ids.

    A parent outside the user's scope shows as null: a liaison learns nothing of the units
    above their own. Children come prefetched and scoped by the view.
    """

    # A declared field is taken off the class by the serializer's metaclass: it does not
    # replace Field.parent (the serializer above this one), as the stubs take it to.
    parent = serializers.SerializerMethodField()  # type: ignore[assignment]
    children: serializers.PrimaryKeyRelatedField[Unit] = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True
    )

    class Meta:
        model = Unit
        fields = ["id", "name", "parent", "children"]
        read_only_fields = fields

    def get_parent(self, unit: Unit) -> int | None:
        scope: set[int] | None = self.context.get("unit_scope")
        if unit.parent_id is None or (scope is not None and unit.parent_id not in scope):
            return None
        return unit.parent_id


class OutcomeSerializer(serializers.ModelSerializer):
    """A typed quantity stated in a measure, with the span of text it was read from."""

    qualifier = optional_choice(Qualifier)
    text = serializers.CharField(source="source_text", read_only=True)

    class Meta:
        model = Outcome
        fields = [
            "kind", "value", "upper", "unit", "qualifier", "inferred", "subject", "counts",
            "text", "start", "end",
        ]  # fmt: skip
        read_only_fields = fields


class AccountabilitySerializer(serializers.ModelSerializer):
    """People held to account, as a measure states it.

    ``kinds`` lists every kind the count names (several when they share one count).
    ``part_of`` is the position, in the measure's list, of the count this one is a part of
    (其中…), or null: a part breaks its count down by kind and is never added to it.
    """

    text = serializers.CharField(source="source_text", read_only=True)
    kinds = serializers.SerializerMethodField()
    part_of = serializers.SerializerMethodField()

    class Meta:
        model = Accountability
        fields = ["kind", "kinds", "people", "unit", "text", "part_of"]
        read_only_fields = fields

    def get_kinds(self, accountability: Accountability) -> list[str]:
        return list(accountability.kinds or [accountability.kind])

    def get_part_of(self, accountability: Accountability) -> int | None:
        if accountability.part_of_id is None:
            return None
        # The measure's rows are prefetched, in the order the list shows them.
        rows = [row.pk for row in accountability.measure.accountabilities.all()]
        return rows.index(accountability.part_of_id)


class RegulationSerializer(serializers.ModelSerializer):
    """A rule issued or revised, as a measure states it."""

    action = optional_choice(RegulationAction)
    text = serializers.CharField(source="source_text", read_only=True)

    class Meta:
        model = Regulation
        fields = ["title", "count", "action", "text"]
        read_only_fields = fields


class MeasureSerializer(serializers.ModelSerializer):
    """A rectification measure with the outcomes, accountability and rules read from it."""

    status_label = serializers.CharField(source="get_status_display", read_only=True)
    outcomes = OutcomeSerializer(many=True, read_only=True)
    accountability = AccountabilitySerializer(source="accountabilities", many=True, read_only=True)
    regulations = RegulationSerializer(many=True, read_only=True)

    class Meta:
        model = Measure
        fields = [
            "id",
            "ordinal",
            "text",
            "owner",
            "department",
            "deadline",
            "status",
            "status_label",
            "outcomes",
            "accountability",
            "regulations",
        ]
        read_only_fields = fields


class ProblemSerializer(serializers.ModelSerializer):
    """A problem of the ledger (整改台账): where it was found, where it stands, its measures."""

    round = RoundRefSerializer(source="assignment.round", read_only=True)
    unit = UnitRefSerializer(source="assignment.unit", read_only=True)
    group = GroupRefSerializer(source="assignment.group", read_only=True, allow_null=True)
    rectification_kind = optional_choice(RectificationKind)
    rectification_kind_label = serializers.CharField(
        source="get_rectification_kind_display", read_only=True
    )
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    measures = MeasureSerializer(many=True, read_only=True)

    class Meta:
        model = Problem
        fields = [
            "id",
            "round",
            "unit",
            "group",
            "ordinal",
            "title",
            "text",
            "category",
            "rectification_kind",
            "rectification_kind_label",
            "deadline",
            "status",
            "status_label",
            "version",
            "rectification_lead",
            "measures",
        ]
        read_only_fields = fields


class ErrorSerializer(serializers.Serializer):
    """Why a request was refused: not logged in, or nothing found there (DRF's ``detail``)."""

    detail = serializers.CharField(help_text=_("原因"))


# A refused query, as DRF's validation error: each parameter's name with the reasons for it.
FIELD_ERRORS_SCHEMA = {
    "type": "object",
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
}
