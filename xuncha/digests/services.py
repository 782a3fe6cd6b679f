"""Importing a digest into a round, and writing a round back out as a digest."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

from django.db import transaction
from django.db.models import Model, Prefetch, QuerySet
from django.utils.translation import gettext as _

from xuncha.core.audit import audit_record, snapshot
from xuncha.core.permissions import Actor
from xuncha.digests.models import DigestImport
from xuncha.findings.models import Measure, Problem
from xuncha.findings.services import MeasureInput, problem_create
from xuncha.rectification.services import progress_report_create
from xuncha.rectification.transitions import problem_transition
from xuncha.rounds.models import Assignment, Group, Round, Unit
from xuncha.rounds.services import (
    assignment_get_or_create,
    group_get_or_create,
    round_get_or_create,
    unit_get_or_create,
)
from xuncha.text.digest import DigestError, ParsedDigest, parse_digest
from xuncha.text.plan import facts_dict
from xuncha.text.render import Digest, DigestMeasure, DigestProblem, DigestUnit, render_digest

IMPORT_REASON = "导入摘编"


class DigestRefused(DigestError):
    """A digest that reads well but cannot be stored (e.g. its problems are already there)."""


def digest_read(data: bytes | str, *, file_name: str = "") -> ParsedDigest:
    """Parse a digest without storing anything; raises :class:`DigestError` with the line.

    What would not fit its column (a unit's name, a problem's title, a group's name) is an
    error of its line here, so the preview says it and the import stores nothing.
    """
    parsed = parse_digest(data, source=file_name)
    too_long = field_too_long(parsed)
    if too_long is not None:
        message, line = too_long
        raise DigestError(message, line, source=file_name)
    return parsed


def field_too_long(parsed: ParsedDigest) -> tuple[str, int | None] | None:
    """The first value longer than its column allows, said with its field, or None."""
    checks: list[tuple[str, str, int, int | None]] = [
        (_("巡察组名称"), name, column_limit(Group, "name"), None)
        for name in facts_dict(parsed)["groups"]
    ]
    for unit in parsed.units:
        checks.append((_("单位名称"), unit.name, column_limit(Unit, "name"), unit.line))
        checks.extend(
            (_("问题标题"), problem.title, column_limit(Problem, "title"), problem.line)
            for problem in unit.problems
        )
    for label, value, limit, line in checks:
        if len(value) > limit:
            message = _("%(field)s超过%(limit)s字（%(length)s字）：%(start)s…") % {
                "field": label,
                "limit": limit,
                "length": len(value),
                "start": value[:20],
            }
            return message, line
    return None


def column_limit(model: type[Model], name: str) -> int:
    """A text column's length as the model declares it."""
    field = model._meta.get_field(name)
    limit = getattr(field, "max_length", None)
    assert isinstance(limit, int), f"{model.__name__}.{name} has no max_length"
    return limit


def source_colon(text: str) -> str:
    """The colon the source puts after 问题 (ASCII or full width), to write it back alike."""
    match = re.search(r"^\s*问题\s*([:：])", text, flags=re.MULTILINE)
    return match.group(1) if match else "："


@transaction.atomic
def digest_import(
    *, actor: Actor, data: bytes | str, file_name: str, round_name: str
) -> DigestImport:
    """Store a digest's units, problems and measures in a round (created if absent).

    All or nothing: a file that fails to parse, or whose units already hold problems in this
    round, leaves the database exactly as it was.
    """
    parsed = digest_read(data, file_name=file_name)
    raw = data if isinstance(data, bytes) else data.encode("utf-8")
    text = data if isinstance(data, str) else raw.decode("utf-8", errors="replace")
    facts = facts_dict(parsed)
    round_, _created = round_get_or_create(
        actor=actor,
        name=round_name,
        committee=facts["committee"] or "",
        term=facts["term"] or "",
        sequence=facts["sequence"],
        description=parsed.introduction,
        facts=facts,
    )
    for sequence, group_name in enumerate(facts["groups"], start=parsed.facts.group_first or 1):
        group_get_or_create(actor=actor, round_=round_, name=group_name, sequence=sequence)
    problem_count = 0
    for unit_parsed in parsed.units:
        unit, _created = unit_get_or_create(
            actor=actor, name=unit_parsed.name, committee=round_.committee
        )
        assignment, _created = assignment_get_or_create(actor=actor, round_=round_, unit=unit)
        existing = assignment.problems.count()
        if existing:
            raise DigestRefused(
                _(
                    "单位“%(unit)s”在轮次“%(round)s”中已有%(count)s个问题，为免重复，本次未导入任何内容。"
                )
                % {"unit": unit.name, "round": round_.name, "count": existing},
                line=unit_parsed.line,
            )
        for problem in unit_parsed.problems:
            created = problem_create(
                actor=actor,
                assignment=assignment,
                title=problem.title,
                measures=[MeasureInput(text=m.text) for m in problem.measures],
                unit_report=problem.rectification,
                rectification_lead=problem.lead,
                measures_numbered=any(m.ordinal is not None for m in problem.measures),
            )
            # A digest publishes rectification already under way: the problem starts at once.
            problem_transition(actor=actor, problem=created, name="start", reason=IMPORT_REASON)
            # What the digest says was done is the unit's own report on each measure, recorded
            # through the same service as a liaison's (it starts the measure).
            for measure in created.measures.order_by("ordinal"):
                progress_report_create(actor=actor, measure=measure, text=measure.text)
            problem_count += 1
    record = DigestImport.objects.create(
        round=round_,
        file_name=file_name[:255],
        sha256=hashlib.sha256(raw).hexdigest(),
        introduction=parsed.introduction,
        facts=facts,
        byline=parsed.byline or "",
        colon=source_colon(text),
        warnings=[{"line": w.line, "message": w.message} for w in parsed.warnings],
        unit_count=len(parsed.units),
        problem_count=problem_count,
        imported_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit_record(
        actor=actor,
        action="digest.import",
        instance=record,
        before=None,
        after=snapshot(record, ["round", "file_name", "sha256", "unit_count", "problem_count"]),
    )
    return record


class UnknownUnits(ValueError):
    """Units asked for by name that are not in the round."""


def digest_export(*, round_: Round, unit_names: Sequence[str] = ()) -> str:
    """Render the round (or the named units) in the seed's form from the stored ledger.

    The text comes from the problems and measures as they are now, never from a stored copy of
    an imported file; the introduction and byline of the round's last import frame it when the
    whole round is written.
    """
    assignments = list(
        round_.assignments.select_related("unit")
        .prefetch_related(digest_problems_prefetch())
        .order_by("position", "id")
    )
    if unit_names:
        known = {a.unit.name for a in assignments}
        missing = [name for name in unit_names if name not in known]
        if missing:
            raise UnknownUnits(
                _("轮次“%(round)s”中没有这些单位：%(names)s")
                % {"round": round_.name, "names": "、".join(missing)}
            )
        wanted = set(unit_names)
        assignments = [a for a in assignments if a.unit.name in wanted]
    last_import = round_.digest_imports.order_by("-imported_at", "-id").first()
    whole_round = not unit_names
    digest = Digest(
        introduction=last_import.introduction if (last_import and whole_round) else "",
        units=tuple(digest_unit(a) for a in assignments if a.problems.all()),
        byline=(last_import.byline or None) if (last_import and whole_round) else None,
    )
    return render_digest(digest, colon=last_import.colon if last_import else "：")


def digest_problems_prefetch(
    problems: QuerySet[Problem] | None = None, *, lookup: str = "problems"
) -> Prefetch:
    """Prefetch an assignment's problems (only those of ``problems`` when given) with their
    measures, in the order a digest writes them; :func:`digest_unit` reads it. ``lookup``
    reaches the problems from another model ("assignment__problems" from a visit)."""
    queryset = Problem.objects.all() if problems is None else problems
    return Prefetch(
        lookup,
        queryset=queryset.order_by("ordinal").prefetch_related(
            Prefetch("measures", queryset=Measure.objects.order_by("ordinal"))
        ),
    )


def digest_unit(assignment: Assignment) -> DigestUnit:
    """One unit of a digest from an assignment fetched with :func:`digest_problems_prefetch`:
    its problems as stored now, each with its lead and measures (numbered when they were)."""
    return DigestUnit(
        name=assignment.unit.name,
        problems=tuple(
            DigestProblem(
                title=problem.title,
                lead=problem.rectification_lead,
                measures=tuple(
                    DigestMeasure(
                        ordinal=measure.ordinal if _numbered(problem) else None,
                        text=measure.text,
                    )
                    for measure in problem.measures.all()
                ),
            )
            for problem in assignment.problems.all()
        ),
    )


def _numbered(problem: Problem) -> bool:
    """Several measures are always written 一是、二是 …; a single one as its source had it."""
    return problem.measures_numbered or len(problem.measures.all()) > 1


__all__ = [
    "DigestError",
    "DigestRefused",
    "UnknownUnits",
    "digest_export",
    "digest_import",
    "digest_problems_prefetch",
    "digest_read",
    "digest_unit",
]
