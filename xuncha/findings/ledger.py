"""One page of the ledger (整改台账), as the web page shows it and the benchmark times it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator

from xuncha.clocks.selectors import colour_filter, kind_filter, with_warning
from xuncha.core.permissions import Viewer
from xuncha.findings.models import Problem
from xuncha.findings.selectors import ledger_problems, measure_progress
from xuncha.findings.warnings import WarningNote, warning_notes

LEDGER_PAGE_SIZE = 50


@dataclass(frozen=True)
class LedgerPage:
    """The page (numbers and links), its problems in order, their measure counts and what
    each one's warning is about."""

    page: Page[int]
    problems: list[Problem]
    progress: dict[int, dict[str, int]]
    warnings: dict[int, WarningNote]


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
    OFFSET. Which measure a warning is about is read for the page's rows alone.
    """
    problems = ledger_problems(user, **filters)
    if warning:
        problems = problems.filter(colour_filter(warning, today))
    if deadline_kind:
        problems = problems.filter(kind_filter(deadline_kind))
    page = Paginator(problems.values_list("id", flat=True), per_page).get_page(page_number)
    ids = list(page.object_list)
    rows = {problem.pk: problem for problem in with_warning(problems.filter(id__in=ids), today)}
    ordered = [rows[pk] for pk in ids if pk in rows]
    return LedgerPage(
        page=page,
        problems=ordered,
        progress=measure_progress(ids),
        warnings=warning_notes(ordered, today),
    )
