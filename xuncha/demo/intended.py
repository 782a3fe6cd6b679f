"""What the demo means to create, from its declarations alone: the figures its notice must give.

Problems by status follow from each problem's planned progress (``ProblemPlan.progress``) and
the verdicts the demo's follow-up rules; people held to account, the talks given beside them
and money by what it counts, from what each measure is declared to state (``MeasurePlan.meant``,
written by hand beside its text). Nothing here reads the database or parses a measure's text,
so a test can hold the notice the application writes against it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from xuncha.demo.content import UNITS, Progress
from xuncha.demo.followup import _kind_for as followup_verdict
from xuncha.findings.models import ProblemStatus
from xuncha.followups.models import VerdictKind

# Where the loader leaves a problem of each planned progress (see ``load._problem_walk``).
STATUS_AFTER_LOAD: dict[str, str] = {
    Progress.PENDING: ProblemStatus.PENDING,
    Progress.STARTED: ProblemStatus.IN_PROGRESS,
    Progress.PARTIAL: ProblemStatus.IN_PROGRESS,
    Progress.RETURNED: ProblemStatus.IN_PROGRESS,  # sent back, a measure reopened
    Progress.REQUESTED: ProblemStatus.CLOSING_REQUESTED,
    Progress.CLOSED: ProblemStatus.CLOSED,
}
# The follow-up's first batch visits the first units of the round with rectification under
# way, and rules on each of their problems (``followup.demo_followup_load``).
FIRST_BATCH_UNITS = 3


def status_after_verdict(status: str, verdict: str) -> str:
    """What a follow-up verdict makes of a problem: 整改到位 asks for closing an open one (the
    office still closes it) and confirms a closed one; 基本到位 leaves it 持续整改; 未到位 and
    问题反弹 send it back to 整改中."""
    if verdict == VerdictKind.DONE:
        return status if status == ProblemStatus.CLOSED else ProblemStatus.CLOSING_REQUESTED
    if verdict == VerdictKind.MOSTLY:
        return ProblemStatus.CONTINUING
    return ProblemStatus.IN_PROGRESS


@dataclass(frozen=True)
class IntendedFigures:
    """The demo round's figures as the demo means them.

    ``held`` counts each person held to account once; ``by_kind`` says how many of them by
    kind where a text names the kind; ``beside`` counts the talks (约谈) given beside ``held``;
    ``money`` sums yuan by what the amounts count.
    """

    statuses: dict[str, int]
    held: int
    by_kind: dict[str, int]
    beside: dict[str, int]
    money: dict[str, Decimal]

    @property
    def fed_back(self) -> int:
        return sum(self.statuses.values())

    @property
    def closed(self) -> int:
        return self.statuses.get(ProblemStatus.CLOSED, 0)

    @property
    def basically_done(self) -> int:
        """基本完成: ruled 基本到位, so 持续整改 (no problem moves on from it in the demo)."""
        return self.statuses.get(ProblemStatus.CONTINUING, 0)

    @property
    def not_done(self) -> int:
        return self.fed_back - self.closed - self.basically_done


def intended_statuses() -> dict[str, int]:
    """How many problems the demo leaves in each status, once its follow-up has ruled."""
    statuses: Counter[str] = Counter()
    visited = 0
    for unit in UNITS:
        after_load = [STATUS_AFTER_LOAD[problem.progress] for problem in unit.problems]
        under_way = any(status != ProblemStatus.PENDING for status in after_load)
        if under_way and visited < FIRST_BATCH_UNITS:
            number = visited
            visited += 1
            for index, status in enumerate(after_load):
                verdict = followup_verdict(status, index + number)
                statuses[status if verdict is None else status_after_verdict(status, verdict)] += 1
        else:
            statuses.update(after_load)
    return dict(statuses)


def intended_figures() -> IntendedFigures:
    """Every figure the demo's notice must give, summed from the declarations."""
    meant = [
        measure.meant for unit in UNITS for problem in unit.problems for measure in problem.measures
    ]
    by_kind: Counter[str] = Counter()
    beside: Counter[str] = Counter()
    money: dict[str, Decimal] = {}
    for item in meant:
        by_kind.update(dict(item.by_kind))
        beside.update(dict(item.beside))
        for category, yuan in item.money:
            money[category] = money.get(category, Decimal(0)) + Decimal(yuan)
    return IntendedFigures(
        statuses=intended_statuses(),
        held=sum(item.held for item in meant),
        by_kind=dict(by_kind),
        beside=dict(beside),
        money=money,
    )
