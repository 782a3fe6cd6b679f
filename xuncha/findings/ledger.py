"""One page of the ledger (整改台账), as the web page shows it and the benchmark times it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page, Paginator
from django.utils.safestring import SafeString

from xuncha.clocks.selectors import with_warning
from xuncha.core.permissions import Viewer
from xuncha.findings.filters import problems_filtered
from xuncha.findings.models import Problem
from xuncha.findings.search import problem_highlights
from xuncha.findings.selectors import ledger_problems, measure_progress
from xuncha.findings.warnings import WarningNote, warning_notes

LEDGER_PAGE_SIZE = 50


@dataclass(frozen=True)
class LedgerPage:
    """The page (numbers and links), its problems in order, their measure counts and what
    each one's warning is about; with a search query, each one's title with the matches
    marked and a snippet of the text or measure that matched (``search.problem_highlights``)."""

    page: Page[int]
    problems: list[Problem]
    progress: dict[int, dict[str, int]]
    warnings: dict[int, WarningNote]
    highlights: dict[int, dict[str, SafeString]] = field(default_factory=dict)


def ledger_page(
    user: Viewer,
    *,
    filters: dict[str, Any],
    warning: str | None,
    page_number: Any,
    today: dt.date,
    deadline_kind: str | None = None,
    per_page: int = LEDGER_PAGE_SIZE,
) -> LedgerPage:
    """A page of the user's ledger with its warning colours, in a few short queries.

    A colour is a range on each problem's stored nearest deadline (an index walk), a kind of
    deadline (``deadline_kind``: "measure", "report" …) the stored kind it comes from. The page
    is found on ids alone (count, then one page of ids), and only those rows are loaded with
    their joins: a deep page does not drag thousands of joined rows past the database's
    OFFSET. Which measure a warning is about is read for the page's rows alone, and so are
    the search's highlights. ``filters`` are ``ledger_problems``' keywords (``round_id``,
    ``group_id``, ``unit_id``, ``status``, ``q``, ``sort``).
    """
    problems = problems_filtered(
        ledger_problems(user, **filters),
        {"warning": warning, "deadline": deadline_kind},
        today=today,
    )
    page = Paginator(problems.values_list("id", flat=True), per_page).get_page(page_number)
    ids = list(page.object_list)
    # The page's rows by their ids alone: the ids came through the scope, the filters and
    # the search, which need not run again.
    loaded = Problem.objects.filter(id__in=ids).select_related(
        "assignment__unit", "assignment__round", "assignment__group", "nearest_rule"
    )
    rows = {problem.pk: problem for problem in with_warning(loaded, today)}
    ordered = [rows[pk] for pk in ids if pk in rows]
    return LedgerPage(
        page=page,
        problems=ordered,
        progress=measure_progress(ids),
        warnings=warning_notes(ordered, today),
        highlights=problem_highlights(ordered, filters.get("q")),
    )
