"""Matching a ledger sheet's rows to the round's problems and measures.

The rows are grouped into problems (a problem's rows share its key, or its unit, 序号 and
title; a row with no problem cells continues the one above) and each problem's rows into its
measures. A row with keys (问题编号 P123, 措施编号 M456) is matched by them: a key of a problem
the user cannot see, or of another round, is an error. A row without keys, from an office's
own sheet, is matched within its unit by its 序号, else by its title; a measure without a key
by its place under the problem, else by its text. Matches without a key are shown for the
user to confirm. Two rows that claim one problem or measure are an error: nothing is ever
matched twice, so nothing is duplicated.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from rapidfuzz import fuzz

from xuncha.core.permissions import Actor
from xuncha.findings.models import Problem
from xuncha.findings.selectors import problems_for_user
from xuncha.ledgers.columns import (
    MEASURE_KEY_PREFIX,
    PROBLEM_KEY_PREFIX,
    key_id,
    measure_key,
    problem_key,
)
from xuncha.ledgers.export import MeasureRow, measures_of
from xuncha.ledgers.preview import MatchedBy, MissingRecord
from xuncha.ledgers.reading import LedgerRead, SheetError
from xuncha.ledgers.reading_columns import header_normalised
from xuncha.ledgers.reading_problems import SheetMeasure, SheetProblem, comparable, sheet_problems
from xuncha.rectification.authority import NO_PLAN
from xuncha.rectification.models import ChangeRequest, RectificationPlan, RequestStatus
from xuncha.rounds.access import unit_ids_for_user
from xuncha.rounds.models import Assignment, Round

TITLE_SCORE = 85
"""A problem without a key matches one of its unit by title when the two are at least this alike
(0-100, :func:`similarity`); a measure likewise by its text."""
POSITION_SCORE = 50
"""Matched by 序号 (a measure: by its place under its problem), the titles (texts) must still be
this alike, unless the sheet's is empty: a sheet numbered through all its units, or a measure
inserted above, would otherwise pair a row with another record."""


def similarity(left: str, right: str) -> int:
    """How alike two titles (or measure texts) are, 0-100: rapidfuzz's token-set ratio, and
    its partial ratio when the shorter is at least half the longer (a title cut short, or with
    a few words added, still matches; a short word inside a long title does not)."""
    a, b = header_normalised(left), header_normalised(right)
    if not a or not b:
        return 0
    if a == b:
        return 100
    score = fuzz.token_set_ratio(a, b)
    shorter, longer = sorted((a, b), key=len)
    if len(shorter) * 2 >= len(longer):
        score = max(score, fuzz.partial_ratio(a, b))
    return round(score)


# ---------------------------------------------------------------------------------------------
# The round as stored


@dataclass
class RoundState:
    """The round as the acting user sees it, read in a few queries: its units, problems,
    measures (with their latest progress and evidence count), plans and pending requests."""

    round: Round
    today: dt.date
    assignments: dict[int, Assignment]
    problems: dict[int, Problem]
    by_assignment: dict[int, list[Problem]]
    measures: dict[int, list[MeasureRow]]
    plan_status: dict[int, str]
    pending: dict[int, list[ChangeRequest]]
    _by_name: dict[str, Assignment] | None = field(default=None, repr=False)

    def assignment_named(self, name: str) -> Assignment | None:
        """The unit's assignment by the unit's name as a sheet writes it (spaces and full-width
        forms aside)."""
        if self._by_name is None:
            self._by_name = {}
            for assignment in self.assignments.values():
                self._by_name.setdefault(header_normalised(assignment.unit.name), assignment)
            for assignment in self.assignments.values():
                self._by_name[assignment.unit.name] = assignment
        return self._by_name.get(name) or self._by_name.get(header_normalised(name))


def round_state(actor: Actor, round_: Round, today: dt.date) -> RoundState:
    """What of ``round_`` the actor may see (None, the system: all of it)."""
    problems_in_scope = Problem.objects.all() if actor is None else problems_for_user(actor)
    problems = list(
        problems_in_scope.filter(assignment__round=round_)
        .select_related("assignment__unit", "assignment__group", "assignment__round")
        .order_by("assignment_id", "ordinal")
    )
    assignments = Assignment.objects.filter(round=round_).select_related("unit", "group", "round")
    scope = None if actor is None else unit_ids_for_user(actor)
    if scope is not None:
        assignments = assignments.filter(unit_id__in=scope)
    by_assignment: dict[int, list[Problem]] = {}
    for problem in problems:
        by_assignment.setdefault(problem.assignment_id, []).append(problem)
    ids = [problem.pk for problem in problems]
    pending: dict[int, list[ChangeRequest]] = {}
    for request in ChangeRequest.objects.filter(problem_id__in=ids, status=RequestStatus.PENDING):
        pending.setdefault(request.problem_id, []).append(request)
    return RoundState(
        round=round_,
        today=today,
        assignments={assignment.pk: assignment for assignment in assignments},
        problems={problem.pk: problem for problem in problems},
        by_assignment=by_assignment,
        measures=measures_of(ids) if ids else {},
        plan_status=dict(
            RectificationPlan.objects.filter(assignment__round=round_).values_list(
                "assignment_id", "status"
            )
        ),
        pending=pending,
    )


def plan_status_of(state: RoundState, problem: Problem) -> str:
    return state.plan_status.get(problem.assignment_id, NO_PLAN)


# ---------------------------------------------------------------------------------------------
# Matching


@dataclass
class MeasureMatch:
    """A measure's row and the measure it matched (None: a new measure)."""

    sheet: SheetMeasure
    measure: MeasureRow | None
    matched_by: MatchedBy | None = None
    score: int = 0


@dataclass
class ProblemMatch:
    """A problem's rows, its unit, and the problem they matched (None: a new problem)."""

    sheet: SheetProblem
    assignment: Assignment
    problem: Problem | None
    matched_by: MatchedBy | None = None
    score: int = 0
    measures: list[MeasureMatch] = field(default_factory=list)

    @property
    def key(self) -> str:
        return problem_key(self.problem.pk) if self.problem is not None else ""


@dataclass
class Reconciled:
    """The sheet's problems matched to the round's, what the sheet leaves out, and errors."""

    state: RoundState
    problems: list[ProblemMatch]
    missing: list[MissingRecord]
    errors: list[SheetError]
    columns: frozenset[str]


def reconcile(read: LedgerRead, state: RoundState) -> Reconciled:
    """Match every problem and measure of the sheet to the round's, or mark it new."""
    groups, errors = sheet_problems(read)
    columns = frozenset(entry.column for entry in read.mapping if entry.column)
    matches: list[ProblemMatch] = []
    claimed: dict[int, SheetProblem] = {}
    keyless: list[tuple[SheetProblem, Assignment]] = []
    for group in groups:
        key = group.values.get("problem_key")
        if key:
            pk = key_id(str(key), PROBLEM_KEY_PREFIX)
            problem = state.problems.get(pk) if pk is not None else None
            if problem is None:
                errors.append(group.error("problem_key", _key_unknown(str(key), state)))
            elif pk in claimed:
                errors.append(
                    group.error(
                        "problem_key", _claimed(problem_key(problem.pk), claimed[problem.pk])
                    )
                )
            else:
                claimed[problem.pk] = group
                matches.append(ProblemMatch(group, problem.assignment, problem, MatchedBy.KEY, 100))
            continue
        assignment = _unit_of(group, state, errors)
        if assignment is not None:
            keyless.append((group, assignment))
    matches.extend(_keyless_matches(keyless, state, claimed, errors))
    order = {id(group): index for index, group in enumerate(groups)}
    matches.sort(key=lambda match: order[id(match.sheet)])
    for match in matches:
        match.measures = _measure_matches(match, state, errors)
    return Reconciled(state, matches, _missing(matches, state, columns), errors, columns)


def _key_unknown(key: str, state: RoundState) -> str:
    if key_id(key, PROBLEM_KEY_PREFIX) is None:
        return _("问题编号“%(key)s”无法识别：应为P加数字，如P123。") % {"key": key}
    return _("问题编号%(key)s不是轮次“%(round)s”中您可以查看的问题。") % {
        "key": key.strip().upper(),
        "round": state.round.name,
    }


def _claimed(key: str, first: SheetProblem) -> str:
    return _("%(sheet)s第%(row)s行已对应问题%(key)s；同一问题不能在表中出现两次。") % {
        "sheet": first.sheet.name,
        "row": first.row,
        "key": key,
    }


def _unit_of(group: SheetProblem, state: RoundState, errors: list[SheetError]) -> Assignment | None:
    """The unit of a row without a key: named in its 单位 cell, or the only unit the user
    works for in the round."""
    name = comparable(group.values.get("unit"))
    if name:
        assignment = state.assignment_named(name)
        if assignment is None:
            errors.append(
                group.error(
                    "unit",
                    _("单位“%(unit)s”不在轮次“%(round)s”中，或您无权查看。")
                    % {"unit": name, "round": state.round.name},
                )
            )
        return assignment
    if len(state.assignments) == 1:
        return next(iter(state.assignments.values()))
    errors.append(group.error("unit", _("该行既没有问题编号，也没有单位，无法确定是哪个问题。")))
    return None


def _keyless_matches(
    groups: list[tuple[SheetProblem, Assignment]],
    state: RoundState,
    claimed: dict[int, SheetProblem],
    errors: list[SheetError],
) -> list[ProblemMatch]:
    """Problems without keys matched within their units, the surest pairs first: by 序号 (the
    titles alike enough), then by title; a row whose only candidates another row took is an
    error, never a new problem."""
    candidates: list[tuple[int, int, int, Problem, MatchedBy]] = []
    for index, (group, assignment) in enumerate(groups):
        ordinal = group.values.get("ordinal")
        for problem in state.by_assignment.get(assignment.pk, []):
            if problem.pk in claimed:
                continue
            score = similarity(group.title, problem.title)
            if problem.ordinal == ordinal and (not group.title or score >= POSITION_SCORE):
                candidates.append((0, -score, index, problem, MatchedBy.ORDINAL))
            elif score >= TITLE_SCORE:
                candidates.append((1, -score, index, problem, MatchedBy.TITLE))
    candidates.sort(key=lambda item: item[:3])
    found: dict[int, ProblemMatch] = {}
    lost: dict[int, int] = {}
    for _rank, negative, index, problem, how in candidates:
        if index in found:
            continue
        if problem.pk in claimed:
            lost.setdefault(index, problem.pk)
            continue
        group, assignment = groups[index]
        claimed[problem.pk] = group
        found[index] = ProblemMatch(group, assignment, problem, how, -negative)
    result: list[ProblemMatch] = []
    for index, (group, assignment) in enumerate(groups):
        if index in found:
            result.append(found[index])
        elif index in lost:
            errors.append(
                group.error("title", _claimed(problem_key(lost[index]), claimed[lost[index]]))
            )
        else:
            result.append(ProblemMatch(group, assignment, None))
    return result


def _measure_matches(
    match: ProblemMatch, state: RoundState, errors: list[SheetError]
) -> list[MeasureMatch]:
    """The problem's measure rows matched: by key, then by place, then by text."""
    rows = match.sheet.measures
    results: list[MeasureMatch] = [MeasureMatch(row, None) for row in rows]
    if match.problem is None:
        for result in results:
            if result.sheet.values.get("measure_key"):
                errors.append(
                    match.sheet.error(
                        "measure_key",
                        _("措施编号须与所属问题的问题编号一同填写。"),
                        row=result.sheet.row,
                    )
                )
        return results
    measures = state.measures.get(match.problem.pk, [])
    by_pk = {measure.pk: measure for measure in measures}
    taken: set[int] = set()
    for result in results:
        key = result.sheet.values.get("measure_key")
        if not key:
            continue
        pk = key_id(str(key), MEASURE_KEY_PREFIX)
        if pk is None or pk not in by_pk:
            errors.append(
                match.sheet.error(
                    "measure_key",
                    _("措施编号“%(key)s”不是问题%(problem)s的措施。")
                    % {"key": str(key).strip(), "problem": problem_key(match.problem.pk)},
                    row=result.sheet.row,
                )
            )
            continue
        taken.add(pk)
        result.measure, result.matched_by, result.score = by_pk[pk], MatchedBy.KEY, 100
    keyless = [r for r in results if r.measure is None and not r.sheet.values.get("measure_key")]
    for result in keyless:
        index = result.sheet.position - 1
        if index < len(measures) and measures[index].pk not in taken:
            measure = measures[index]
            score = similarity(result.sheet.text, measure.text)
            if not result.sheet.text or score >= POSITION_SCORE:
                taken.add(measure.pk)
                result.measure, result.matched_by, result.score = measure, MatchedBy.ORDINAL, score
    for result in keyless:
        if result.measure is not None or not result.sheet.text:
            continue
        scored = [
            (similarity(result.sheet.text, measure.text), measure)
            for measure in measures
            if measure.pk not in taken
        ]
        best = max(scored, key=lambda item: item[0], default=None)
        if best is not None and best[0] >= TITLE_SCORE:
            taken.add(best[1].pk)
            result.measure, result.matched_by, result.score = best[1], MatchedBy.TITLE, best[0]
    return results


def _missing(
    matches: Iterable[ProblemMatch], state: RoundState, columns: frozenset[str]
) -> list[MissingRecord]:
    """The round's problems in the units the sheet covers that it does not hold, and the
    measures of its matched problems that it does not hold (when it has a 整改措施 column)."""
    matches = list(matches)
    covered = {match.assignment.pk for match in matches}
    seen = {match.problem.pk for match in matches if match.problem is not None}
    missing: list[MissingRecord] = []
    for assignment_id in sorted(covered):
        for problem in state.by_assignment.get(assignment_id, []):
            if problem.pk not in seen:
                missing.append(
                    MissingRecord(
                        "problem",
                        problem_key(problem.pk),
                        problem.assignment.unit.name,
                        problem.title,
                        problem.ordinal,
                    )
                )
    if "measure" not in columns:
        return missing
    for match in matches:
        if match.problem is None:
            continue
        held = {m.measure.pk for m in match.measures if m.measure is not None}
        for position, measure in enumerate(state.measures.get(match.problem.pk, []), start=1):
            if measure.pk not in held:
                missing.append(
                    MissingRecord(
                        "measure",
                        measure_key(measure.pk),
                        match.assignment.unit.name,
                        measure.text,
                        position,
                    )
                )
    return missing


__all__ = [
    "POSITION_SCORE",
    "TITLE_SCORE",
    "MeasureMatch",
    "ProblemMatch",
    "Reconciled",
    "RoundState",
    "plan_status_of",
    "reconcile",
    "round_state",
    "similarity",
]
