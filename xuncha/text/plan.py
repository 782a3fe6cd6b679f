"""What importing a digest would create, as plain data: for previews and ``--json``.

Built from the parser and the quantity finder only, so the preview a user confirms and the
command line's dry run show exactly what the import service will write.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from xuncha.text.digest import ParsedDigest, ParsedProblem
from xuncha.text.quantities import Outcomes, find_outcomes


@dataclass(frozen=True)
class PlannedProblem:
    """A parsed problem with the outcomes found in each of its measures."""

    parsed: ParsedProblem
    outcomes: tuple[Outcomes, ...]  # one per measure, same order


def plan_problems(parsed: ParsedDigest) -> list[list[PlannedProblem]]:
    """For each unit, its problems with the outcomes of every measure."""
    return [
        [
            PlannedProblem(problem, tuple(find_outcomes(m.text) for m in problem.measures))
            for problem in unit.problems
        ]
        for unit in parsed.units
    ]


def facts_dict(parsed: ParsedDigest) -> dict[str, Any]:
    """The introduction's facts as JSON-ready data (absent facts are null)."""
    facts = parsed.facts
    return {
        "title": facts.round_title,
        "committee": facts.committee,
        "term": facts.term,
        "sequence": facts.round_sequence,
        "kind": facts.kind,
        "period": facts.period,
        "groups": list(facts.group_names),
        "units_revisited": facts.units_revisited,
        "unit_names": list(facts.unit_names),
        "batch": facts.batch,
        "batch_size": facts.batch_size,
    }


def plan_json(parsed: ParsedDigest, *, round_name: str) -> dict[str, Any]:
    """The dry run's JSON: the round and its facts, units, problems, measures, outcomes."""
    planned = plan_problems(parsed)
    units = []
    for unit, problems in zip(parsed.units, planned, strict=True):
        units.append(
            {
                "name": unit.name,
                "line": unit.line,
                "problems": [_problem_json(item) for item in problems],
            }
        )
    return {
        "round": {"name": round_name, "introduction": parsed.introduction, **facts_dict(parsed)},
        "units": units,
        "byline": parsed.byline,
        "warnings": [{"line": w.line, "message": w.message} for w in parsed.warnings],
    }


def _problem_json(item: PlannedProblem) -> dict[str, Any]:
    problem = item.parsed
    outcomes: list[dict[str, Any]] = []
    accountability: list[dict[str, Any]] = []
    regulations: list[dict[str, Any]] = []
    for index, found in enumerate(item.outcomes):
        outcomes.extend(
            {
                "measure": index,
                "kind": q.kind,
                "value": q.value,
                "unit": q.unit,
                "qualifier": q.qualifier,
                "subject": q.subject,
                "text": q.text,
            }
            for q in found.quantities
        )
        accountability.extend(
            {"measure": index, "kind": a.kind, "people": a.people, "unit": a.unit, "text": a.text}
            for a in found.accountability
        )
        regulations.extend(
            {
                "measure": index,
                "title": r.title,
                "count": r.count,
                "action": r.action,
                "text": r.text,
            }
            for r in found.regulations
        )
    return {
        "title": problem.title,
        "line": problem.line,
        "lead": problem.lead,
        "measures": [
            {"ordinal": m.ordinal, "text": m.text, "line": m.line} for m in problem.measures
        ],
        "outcomes": outcomes,
        "accountability": accountability,
        "regulations": regulations,
    }
