"""Full-text search over problems: their titles, their texts and their measures' texts.

A query is split on spaces (ASCII or full-width) into terms, and every term must occur
somewhere in the problem: in its title, its text or one of its measures. Each database answers
with its own index (see docs/search.md):

- SQLite: two FTS5 tables with the trigram tokenizer (``findings_problem_fts`` over the
  problems' titles and texts, ``findings_measure_fts`` over the measures' texts), external
  content kept in step by triggers (migration 0008). A trigram index holds nothing shorter
  than three characters, so a one- or two-character term (公车) is matched with LIKE over the
  same columns instead, on the rows the user's scope already narrowed.
- PostgreSQL: ILIKE (plain LIKE for a term without cased letters) over the same columns,
  answered by pg_trgm GIN indexes (migration 0009) for terms of three characters and more; a
  shorter term checks the scope's rows, its measures through an EXISTS correlated to the
  problem (the planner hashes one scan of the measures instead when the scope is wide).
- SQLite, a narrow scope (at most SCAN_LIMIT problems, a liaison's): every term takes the LIKE
  path, faster than building a common word's FTS hit set.

Matches are shown by :func:`highlight`: the text is escaped first and only then are the matched
spans wrapped in ``<mark>``, so nothing a user typed or wrote reaches the page unescaped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connections
from django.db.models import Exists, F, Func, IntegerField, Lookup, OuterRef, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.lookups import In
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from xuncha.findings.models import Measure, Problem

# The shortest term a trigram index answers; shorter ones take the LIKE path.
TRIGRAM = 3
# Up to this many problems in the user's scope, SQLite scans them (LIKE) for every term.
SCAN_LIMIT = 2_000
# A query longer than this, or with more terms, is cut: each term costs a subquery.
QUERY_MAX_LENGTH = 100
TERMS_MAX = 8
CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# How many characters of a text a snippet shows around its first match.
SNIPPET_CONTEXT = 30


def search_terms(query: str | None) -> list[str]:
    """The query's terms: split on any space (全角空格 too) or control character (no stored
    text holds one, and PostgreSQL refuses a NUL in a query), each once, at most TERMS_MAX."""
    terms: list[str] = []
    for term in CONTROL.sub(" ", (query or "")[:QUERY_MAX_LENGTH]).split():
        if term not in terms:
            terms.append(term)
    return terms[:TERMS_MAX]


def search_problems(problems: QuerySet[Problem], query: str | None) -> QuerySet[Problem]:
    """``problems`` narrowed to those where every term of ``query`` occurs (an empty query
    narrows nothing). ``problems`` is already the user's scope: the search only narrows it.

    The long terms (the indexes' hit sets) come first and the short ones after, so a short
    term's scan only reads the rows the scope and the long terms left; the short term checks
    a problem's measures with an EXISTS correlated to that problem (its measures through the
    ``problem_id`` index), never a scan of every measure in the database. On SQLite a narrow
    scope (:func:`_narrow`, one count that stops at SCAN_LIMIT + 1 rows, run here) takes the
    LIKE path for every term.
    """
    vendor = connections[problems.db].vendor
    terms = sorted(search_terms(query), key=lambda term: len(term) < TRIGRAM)
    scan = vendor == "sqlite" and bool(terms) and _narrow(problems)
    for term in terms:
        if len(term) < TRIGRAM or scan:
            problems = problems.filter(_short_condition(term, vendor))
        elif vendor == "sqlite":
            problems = problems.filter(_fts_condition(term))
        elif vendor == "postgresql":
            problems = problems.filter(_ilike_condition(term))
        else:
            problems = problems.filter(_short_condition(term, vendor))
    return problems


def _narrow(problems: QuerySet[Problem]) -> bool:
    """Whether the scope holds at most SCAN_LIMIT problems (counted no further than that).

    On SQLite the FTS hit set of a common word is built whole before any row is probed (tens
    of thousands of rowids at 100,000 problems); a liaison's few hundred problems and their
    measures are read faster by LIKE, as a short term's are (docs/search.md)."""
    return problems.order_by()[: SCAN_LIMIT + 1].count() <= SCAN_LIMIT


def _fts_phrase(term: str) -> str:
    """An FTS5 query matching ``term`` as it stands: one quoted string (quotes doubled), so
    no character of it is read as FTS5 syntax (AND, NEAR, *, column filters)."""
    return '"' + term.replace('"', '""') + '"'


def _fts_condition(term: str) -> Q:
    """One ``+id IN (…)`` over both FTS tables' hits, built once per query and probed per row.

    The unary ``+`` keeps SQLite from driving the query from the hit set (tens of thousands of
    rowids for a common word): the user's scope drives it (a liaison's few hundred problems,
    through the unit's index) or, for the office, the id order the page is read in.
    """
    phrase = _fts_phrase(term)
    hits = RawSQL(
        "SELECT rowid FROM findings_problem_fts WHERE findings_problem_fts MATCH %s"
        " UNION SELECT problem_id FROM findings_measure WHERE id IN ("
        "SELECT rowid FROM findings_measure_fts WHERE findings_measure_fts MATCH %s)",
        [phrase, phrase],
    )
    unindexed = Func(F("id"), template="(+%(expressions)s)", output_field=IntegerField())
    return Q(In(unindexed, hits))


def _short_condition(term: str, vendor: str) -> Q:
    """The short-term path: LIKE over the same three columns, the measures through an EXISTS
    correlated to the problem (ILIKE on PostgreSQL, as the long terms; on SQLite LIKE ignores
    the case of ASCII letters, as the trigram tokenizer does)."""
    if vendor == "postgresql":
        measures = Measure.objects.filter(ILike(F("text"), term), problem_id=OuterRef("pk"))
        return Q(ILike(F("title"), term)) | Q(ILike(F("text"), term)) | Q(Exists(measures))
    measures = Measure.objects.filter(problem_id=OuterRef("pk"), text__contains=term)
    return Q(title__contains=term) | Q(text__contains=term) | Q(Exists(measures))


class ILike(Lookup):
    """``column ILIKE '%term%'``, the form a pg_trgm GIN index answers (Django's
    ``icontains`` is ``UPPER(column) LIKE UPPER(…)``, which the index cannot).

    A term without any cased letter (Chinese, digits) is matched with plain LIKE instead:
    the same rows, the same index, and a scan four to five times faster on Chinese text.
    """

    lookup_name = "search_ilike"
    prepare_rhs = False

    def get_db_prep_lookup(self, value: Any, connection: Any) -> Any:
        return "%s", ("%" + _like_escaped(str(value)) + "%",)

    def as_sql(self, compiler: Any, connection: Any) -> Any:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        term = str(self.rhs)
        operator = "LIKE" if term.upper() == term.lower() else "ILIKE"
        return f"{lhs} {operator} {rhs}", (*lhs_params, *rhs_params)


def _like_escaped(term: str) -> str:
    """``term`` with LIKE's wildcards (and its escape character) taken literally."""
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _ilike_condition(term: str) -> Q:
    in_measures = Measure.objects.filter(ILike(F("text"), term)).values("problem_id")
    return Q(ILike(F("title"), term)) | Q(ILike(F("text"), term)) | Q(id__in=in_measures)


# ---------------------------------------------------------------- showing the matches


def _spans(text: str, terms: Sequence[str]) -> list[tuple[int, int]]:
    """Where the terms occur in ``text`` (case ignored), overlapping spans merged."""
    if not text or not terms:
        return []
    found: list[tuple[int, int]] = []
    for term in terms:  # every occurrence of every term, overlapping ones too
        for match in re.finditer(re.escape(term), text, re.IGNORECASE):
            found.append(match.span())
    found.sort()
    merged: list[tuple[int, int]] = []
    for start, end in found:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def highlight(text: str, terms: Sequence[str]) -> SafeString:
    """``text`` escaped, with each match of the terms wrapped in ``<mark>``.

    Every piece of the text goes through ``escape``; only the tags are added as markup.
    """
    pieces: list[str] = []
    position = 0
    for start, end in _spans(text, terms):
        pieces.append(escape(text[position:start]))
        pieces.append("<mark>" + escape(text[start:end]) + "</mark>")
        position = end
    pieces.append(escape(text[position:]))
    return mark_safe("".join(pieces))  # every piece above is escaped


def snippet(
    text: str,
    terms: Sequence[str],
    *,
    around: Sequence[str] | None = None,
    context: int = SNIPPET_CONTEXT,
) -> SafeString:
    """The part of ``text`` around the first match of ``around`` (default: the terms), with
    every term highlighted and … where it is cut; an empty string when none occurs in it."""
    spans = _spans(text, around if around is not None else terms)
    if not spans:
        return mark_safe("")
    start = max(spans[0][0] - context, 0)
    end = min(spans[0][1] + context * 2, len(text))
    shown = highlight(text[start:end], terms)
    before = "…" if start > 0 else ""
    after = "…" if end < len(text) else ""
    return mark_safe(before + shown + after)  # shown is escaped; … is plain text


def problem_highlights(
    problems: Iterable[Problem], query: str | None
) -> dict[int, dict[str, SafeString]]:
    """For each problem: its title highlighted and, when the title does not hold every term,
    a snippet of its text or of the first measure that holds one (one query for the
    measures of all the given problems). Empty when the query has no terms."""
    terms = search_terms(query)
    problems = list(problems)
    if not terms or not problems:
        return {}
    measures: dict[int, list[str]] = {}
    rows = (
        Measure.objects.filter(problem_id__in=[problem.pk for problem in problems])
        .order_by("problem_id", "ordinal")
        .values_list("problem_id", "text")
    )
    for problem_id, text in rows:
        measures.setdefault(problem_id, []).append(text)
    result: dict[int, dict[str, SafeString]] = {}
    for problem in problems:
        shown = {"title": highlight(problem.title, terms), "snippet": mark_safe("")}
        missing = [term for term in terms if term.casefold() not in problem.title.casefold()]
        if missing:
            for text in [problem.text, *measures.get(problem.pk, [])]:
                found = snippet(text, terms, around=missing)
                if found:
                    shown["snippet"] = found
                    break
        result[problem.pk] = shown
    return result
