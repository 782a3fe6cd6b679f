"""Rectification quality pages of a round: its common problems (共性问题) and its measures
that look like rectification on paper only (文字整改, 数字整改, 形式整改), per unit.

Both read through the user's scope (``get_round_for_user``, then the problems and assignments
the user may see): a unit's liaison sees their own units only, and no flag names another.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from xuncha.findings.paper import FlaggedMeasure, round_paper_flags
from xuncha.findings.themes import round_common_problems
from xuncha.rounds.selectors import get_round_for_user
from xuncha.text.paper import PAPER_LABELS, REASON_KINDS, REASON_MESSAGES, Flag
from xuncha.text.themes import COMMON_MIN_UNITS, COMMON_SHARE
from xuncha.web.views.common import AuthenticatedHttpRequest

UNITS_PER_PAGE = 50


@login_required
@require_GET
def round_common_problems_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A round's problem titles grouped into themes, the themes most units share first, each
    problem with the terms that put it there; the problems no theme took are listed last."""
    round_ = get_round_for_user(request.user, pk)
    found = round_common_problems(request.user, round_)
    context = {
        "round": round_,
        "found": found,
        "share": f"{COMMON_SHARE:.0%}",
        "min_units": COMMON_MIN_UNITS,
    }
    return render(request, "web/round_common_problems.html", context)


def _flag_row(flag: Flag, item: FlaggedMeasure) -> dict[str, Any]:
    """A flag as the page shows it: the paper word, the reason and what backs it."""
    copies = [copy for copy in item.copies if copy.pk in flag.others]
    return {
        "kind": flag.kind,
        "label": _(flag.label),
        "message": _(flag.message),
        "terms": "、".join(flag.terms),
        "copies": copies,
        "score": flag.score,
    }


@login_required
@require_GET
def round_paper_flags_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A round's units with their measures flagged as rectification on paper, each with its
    reasons; ``?reason=`` keeps one reason's measures. Units without a flagged measure (in
    the reason chosen) are left out; the rest are listed a page at a time."""
    round_ = get_round_for_user(request.user, pk)
    reason = request.GET.get("reason", "")
    if reason not in REASON_KINDS:
        reason = ""
    found = round_paper_flags(request.user, round_, reason=reason)
    flagged = [unit for unit in found.units if unit.measures]
    page = Paginator(flagged, UNITS_PER_PAGE).get_page(request.GET.get("page"))
    units = [
        {
            "assignment": unit.assignment,
            "total": unit.total,
            "kinds": [(_(PAPER_LABELS[kind]), count) for kind, count in unit.kinds.items()],
            "measures": [
                {
                    "measure": item.measure,
                    "flags": [_flag_row(flag, item) for flag in item.flags],
                }
                for item in unit.measures
            ],
        }
        for unit in page.object_list
    ]
    reasons = [
        {
            "code": code,
            "label": _(PAPER_LABELS[REASON_KINDS[code]]),
            "message": _(REASON_MESSAGES[code]),
            "count": found.reasons.get(code, 0),
        }
        for code in REASON_KINDS
    ]
    context = {
        "round": round_,
        "found": found,
        "units": units,
        "page": page,
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2),
        "reasons": reasons,
        "reason": reason,
        "flagged_units": len(flagged),
    }
    return render(request, "web/round_paper_flags.html", context)


__all__ = ["round_common_problems_view", "round_paper_flags_view"]
