"""What the clocks run on in follow-ups: the new deadline a verdict sets (再整改时限).

Only a problem's latest verdict counts: a later 整改到位 (no new deadline) ends the deadline an
earlier 基本到位 or 未到位 had set. The clock runs to the problem's deadline as it stands (the
verdict set it; an extension the office approved may have moved it since). It bears on the
problem and, its rule superseding the others, replaces the problem's other deadlines while it
runs; it is met once the problem asks for closing or is closed.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence

from django.utils.translation import gettext_lazy as _

from xuncha.clocks.models import DeadlineRule
from xuncha.clocks.registry import Subject, Wanted, register_subject, same
from xuncha.findings.models import ProblemStatus
from xuncha.followups.models import Verdict

VERDICT_ANCHOR = "verdict"
DONE_STATUSES = (ProblemStatus.CLOSING_REQUESTED, ProblemStatus.CLOSED)


def verdict_clocks(rules: Sequence[DeadlineRule], ids: Collection[int] | None) -> Iterable[Wanted]:
    verdicts = Verdict.objects.all()
    if ids is not None:
        problems = Verdict.objects.filter(pk__in=list(ids)).values("problem_id")
        verdicts = verdicts.filter(problem_id__in=problems)
    rows = verdicts.order_by("problem_id", "-visit__visited_on", "-ruled_at", "-id").values_list(
        "pk", "problem_id", "new_deadline", "problem__deadline", "problem__status"
    )
    seen: set[int] = set()
    for pk, problem_id, set_by_verdict, deadline_now, status in rows:
        if problem_id in seen:
            continue
        seen.add(problem_id)
        if set_by_verdict is None or (ids is not None and pk not in ids):
            continue
        # The verdict set the problem's deadline; an extension the office granted since moved
        # it, and the clock follows the problem's deadline as it now stands.
        deadline = deadline_now or set_by_verdict
        for rule in rules:
            if rule.anchor == VERDICT_ANCHOR:
                yield Wanted(
                    rule, pk, deadline, ("problem", problem_id), met=status in DONE_STATUSES
                )


def verdicts_of_problems(ids: Collection[int]) -> Iterable[int]:
    return Verdict.objects.filter(problem_id__in=list(ids)).values_list("pk", flat=True)


def register() -> None:
    register_subject(
        Subject(
            name="verdict",
            label=_("回访认定"),
            anchors={VERDICT_ANCHOR: _("回访认定的整改时限")},
            wanted=verdict_clocks,
            depends_on={"verdict": same, "problem": verdicts_of_problems},
        )
    )
