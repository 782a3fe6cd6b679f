"""Reads of a round's common problems (共性问题): its problem titles grouped into themes.

The themes and their terms are :mod:`xuncha.text.themes`'s table; this module reads the titles
of the problems a user may see and hands them over. One query, of three columns per problem.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from xuncha.core.permissions import Viewer
from xuncha.findings.models import Problem
from xuncha.findings.selectors import problems_for_user
from xuncha.rounds.models import Round
from xuncha.text.themes import ThemeGroup, TitledProblem, common_floor, common_problems


@dataclass(frozen=True)
class ThemedProblem:
    """A problem under a theme, with the terms of the theme its title matched."""

    problem: Problem
    terms: tuple[str, ...]


@dataclass(frozen=True)
class ThemeRow:
    """A theme of the scope with its problems and the number of units sharing it."""

    group: ThemeGroup
    problems: tuple[ThemedProblem, ...]

    @property
    def label(self) -> str:
        return self.group.theme.label

    @property
    def unit_count(self) -> int:
        return self.group.unit_count

    @property
    def common(self) -> bool:
        return self.group.common


@dataclass(frozen=True)
class CommonProblems:
    """The themes of a scope, most shared first, with the problems no theme took, the number
    of units with problems and how many must share a theme for it to be common."""

    themes: tuple[ThemeRow, ...]
    unmatched: tuple[Problem, ...]
    units: int
    floor: int

    @property
    def common(self) -> tuple[ThemeRow, ...]:
        return tuple(row for row in self.themes if row.common)


def problems_common(problems: QuerySet[Problem]) -> CommonProblems:
    """The themes of ``problems`` (already narrowed to what the reader may see)."""
    listed = list(
        problems.select_related("assignment__unit").order_by(
            "assignment__position", "assignment_id", "ordinal"
        )
    )
    by_pk: dict[Hashable, Problem] = {problem.pk: problem for problem in listed}
    groups = common_problems(
        TitledProblem(problem.pk, problem.assignment.unit_id, problem.title) for problem in listed
    )
    themed: set[int] = set()
    rows = []
    for group in groups:
        items = tuple(ThemedProblem(by_pk[titled.key], terms) for titled, terms in group.problems)
        themed.update(item.problem.pk for item in items)
        rows.append(ThemeRow(group, items))
    units = len({problem.assignment.unit_id for problem in listed})
    return CommonProblems(
        themes=tuple(rows),
        unmatched=tuple(problem for problem in listed if problem.pk not in themed),
        units=units,
        floor=common_floor(units),
    )


def common_themes(problems: QuerySet[Problem]) -> list[dict[str, Any]]:
    """The common themes of ``problems`` for a notice: code, label and unit count of each,
    most shared first. Reads only each problem's key, unit and title."""
    rows = problems.values_list("pk", "assignment__unit_id", "title")
    groups = common_problems(TitledProblem(pk, unit, title) for pk, unit, title in rows.iterator())
    return [
        {"theme": group.theme.code, "label": group.theme.label, "units": group.unit_count}
        for group in groups
        if group.common
    ]


def round_common_problems(user: Viewer, round_: Round) -> CommonProblems:
    """The themes of the problems of ``round_`` that ``user`` may see."""
    return problems_common(problems_for_user(user).filter(assignment__round=round_))


__all__ = [
    "CommonProblems",
    "ThemeRow",
    "ThemedProblem",
    "common_themes",
    "problems_common",
    "round_common_problems",
]
