"""Importing a digest into a round, and writing a round back out as a digest."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from django.db import transaction
from django.db.models import Model, Prefetch, QuerySet
from django.utils.translation import gettext as _

from xuncha.clocks.services import clocks_batch
from xuncha.core.audit import audit_batch, audit_record, snapshot
from xuncha.core.locks import advisory_lock
from xuncha.core.permissions import Actor
from xuncha.digests.bulk import DigestRefused, digest_units_write
from xuncha.digests.models import DigestImport
from xuncha.findings.models import Measure, Problem
from xuncha.findings.reading import texts_read
from xuncha.rounds.models import Assignment, Group, Round, Unit
from xuncha.rounds.services import (
    group_get_or_create,
    round_get_or_create,
)
from xuncha.text.digest import DigestError, DigestWarning, ParsedDigest
from xuncha.text.model import Document
from xuncha.text.plan import facts_dict
from xuncha.text.reading import DocumentError, document_digest, read_with_digest
from xuncha.text.render import Digest, DigestMeasure, DigestProblem, DigestUnit, render_digest
from xuncha.text.sources import Source, SourceError, source_pasted, source_read

IMPORT_REASON = "导入摘编"


@dataclass(frozen=True)
class FileRead:
    """A file read in its form; ``parsed`` is what an import would write (None for a form that
    gives figures only)."""

    document: Document
    parsed: ParsedDigest | None


def file_document(data: bytes | str, *, file_name: str = "") -> Document:
    """A file (or pasted text) read in whatever form it is, importable or not: what the claims
    check reads. Raises :class:`DigestError` naming the line."""
    return _read(data, file_name)[1]


def _read(data: bytes | str, file_name: str) -> tuple[Source, Document, ParsedDigest | None]:
    try:
        source = source_pasted(data) if isinstance(data, str) else source_read(data, file_name)
        document, digest = read_with_digest(
            source.text, name=file_name, source_kind=source.kind, encoding=source.encoding
        )
    except (SourceError, DocumentError) as error:
        raise DigestError(error.message, error.line, source=file_name) from error
    return source, document, digest


def file_read(data: bytes | str, *, file_name: str = "") -> FileRead:
    """Read a file (text in any encoding, .docx, .doc, .wps, .pdf) or pasted text in its form.

    Raises :class:`DigestError` naming the line: a file that cannot be decoded, a text that is
    none of the forms, a digest that cannot be read whole (a unit listed twice, say).
    """
    source, document, digest = _read(data, file_name)
    if digest is not None:
        parsed = digest
    elif document.importable:
        try:
            parsed = document_digest(document)
        except DocumentError as error:
            raise DigestError(error.message, error.line, source=file_name) from error
    else:
        return FileRead(document, None)
    source_warnings = tuple(DigestWarning(1, warning) for warning in source.warnings)
    parsed = replace(parsed, warnings=source_warnings + parsed.warnings)
    _refuse_too_long(parsed, file_name)
    return FileRead(document, parsed)


def digest_read(data: bytes | str, *, file_name: str = "") -> ParsedDigest:
    """Read a file's units, problems and measures without storing anything; raises
    :class:`DigestError` with the line, also for a form that has none to import.

    What would not fit its column (a unit's name, a problem's title, a group's name) is an
    error of its line here, so the preview says it and the import stores nothing.
    """
    return importable(file_read(data, file_name=file_name))


def importable(read: FileRead) -> ParsedDigest:
    """What an import of a file read would write; a form without units refused."""
    if read.parsed is None:
        raise DigestError(
            _("这是一份%(form)s：只提取其中的数字和说法，没有可导入的单位和问题")
            % {"form": read.document.form_label},
            source=read.document.name,
        )
    return read.parsed


def _refuse_too_long(parsed: ParsedDigest, file_name: str) -> None:
    too_long = field_too_long(parsed)
    if too_long is not None:
        message, line = too_long
        raise DigestError(message, line, source=file_name)


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


def digest_import(
    *,
    actor: Actor,
    data: bytes | str,
    file_name: str,
    round_name: str,
    progress: Callable[[int, int], None] | None = None,
) -> DigestImport:
    """Store a digest's units, problems and measures in a round (created if absent).

    All or nothing: a file that fails to parse, or whose units already hold problems in this
    round, leaves the database exactly as it was; so does a process killed half way, since
    everything is written in one transaction. The file is read, and every measure's figures
    found, before that transaction begins; inside it the clocks are synced and the audit rows
    appended in bulk at the end, so the write takes seconds, not minutes, for a large digest.
    ``progress(units_written, units)`` is called as the units are written.
    """
    read = file_read(data, file_name=file_name)
    parsed = importable(read)
    texts = (m.text for u in parsed.units for p in u.problems for m in p.measures)
    with texts_read(texts), transaction.atomic(), audit_batch():
        with clocks_batch(actor=actor):
            record = _digest_store(actor, parsed, data, file_name, round_name, progress)
            record.form = read.document.form
            record.encoding = read.document.encoding or ""
            record.claims = {
                "totals": [totals.as_json() for totals in read.document.totals],
                "claims": [claim.as_json() for claim in read.document.claims],
                "figures": [figure.as_json() for figure in read.document.figures],
            }
            record.save(update_fields=["form", "encoding", "claims"])
        return record


def _digest_store(
    actor: Actor,
    parsed: ParsedDigest,
    data: bytes | str,
    file_name: str,
    round_name: str,
    progress: Callable[[int, int], None] | None,
) -> DigestImport:
    # A second import into the same round waits here for the first to commit, then finds its
    # round and units (and is refused if they already hold problems).
    advisory_lock(f"digest-import:{round_name}")
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
    problem_count = digest_units_write(
        actor=actor, round_=round_, units=parsed.units, reason=IMPORT_REASON, progress=progress
    )
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
