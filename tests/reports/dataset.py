"""A generated round of 1,200 problems for checking a notice's totals.

The rows are written straight to the tables with ``bulk_create``, without the services and so
without audit rows: the point is volume and variety (statuses, verdicts over two batches, money
of every category, accountability with and without numbers, named and counted rules), built in
a second, and the totals only read the tables. Tests that check workflow and audit build their
data through the services instead.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal

from xuncha.findings.models import (
    Accountability,
    Measure,
    Outcome,
    OutcomeKind,
    Problem,
    ProblemStatus,
    Qualifier,
    Regulation,
)
from xuncha.followups.models import Batch, FollowUp, Verdict, VerdictKind, Visit, VisitStatus
from xuncha.rounds.models import Assignment, Group, Round, Unit
from xuncha.text.notice import money_category_at

# Subjects of money amounts and, judged by hand, what each counts. The notice classifies by its
# own keyword table; the tests check it against this judgement.
MONEY_SUBJECTS: dict[str, str] = {
    "查处违规发放": "found",
    "发现问题资金": "found",
    "清退违规资金": "refunded",
    "追缴税款": "refunded",
    "退还多收费用": "refunded",
    "查扣涉案资产": "seized",
    "冻结账户资金": "seized",
    "减免各类费用": "reduced",
    "节约经费": "reduced",
    "自愿捐款": "donated",
    "工委下拨留存党费": "other",
    "投入整改资金": "other",
    "": "other",
}
SANCTIONS = ("批评教育", "书面检查", "诫勉谈话", "党纪政务处分", "追责问责", "约谈", "提醒谈话")
# The kinds a count's parts (其中…) break it down into.
PART_KINDS = ("批评教育", "书面检查", "诫勉谈话", "党纪政务处分")
REGULATION_TITLES = tuple(f"生成单位管理办法第{n}号" for n in range(1, 16))
STATUS_WEIGHTS = {
    ProblemStatus.CLOSED: 55,
    ProblemStatus.IN_PROGRESS: 15,
    ProblemStatus.CONTINUING: 8,
    ProblemStatus.CLOSING_REQUESTED: 12,
    ProblemStatus.PENDING: 10,
}


@dataclass
class Dataset:
    round: Round
    other_round: Round
    groups: list[Group]
    units: list[Unit]
    assignments: list[Assignment]
    first_batch: Batch
    second_batch: Batch
    problem_count: int


def build_dataset(*, units: int = 12, problems_per_unit: int = 100, seed: int = 8) -> Dataset:
    """A round of ``units`` × ``problems_per_unit`` problems over four groups, a follow-up in
    two overlapping batches, and a small other round that no scope of the first may count."""
    rng = random.Random(seed)
    round_ = Round.objects.create(name="生成轮次")
    other_round = Round.objects.create(name="另一轮次")
    groups = Group.objects.bulk_create(
        Group(round=round_, name=f"市委第{n}巡察组", sequence=n) for n in range(1, 5)
    )
    unit_rows = Unit.objects.bulk_create(Unit(name=f"生成单位{n:02d}") for n in range(units))
    assignments = Assignment.objects.bulk_create(
        Assignment(round=round_, unit=unit, group=groups[index % len(groups)], position=index)
        for index, unit in enumerate(unit_rows)
    )
    other_assignments = Assignment.objects.bulk_create(
        Assignment(round=other_round, unit=unit, position=index)
        for index, unit in enumerate(unit_rows[:3])
    )
    statuses = list(STATUS_WEIGHTS)
    weights = list(STATUS_WEIGHTS.values())
    problems = Problem.objects.bulk_create(
        Problem(
            assignment=assignment,
            ordinal=ordinal,
            title=f"生成问题{assignment.position}-{ordinal}",
            status=rng.choices(statuses, weights)[0],
        )
        for assignment in [*assignments, *other_assignments]
        for ordinal in range(1, problems_per_unit + 1 if assignment.round_id == round_.pk else 6)
    )
    _measures_and_facts(rng, problems)
    followup = FollowUp.objects.create(round=round_, name="生成回访督查")
    first = Batch.objects.create(followup=followup, sequence=1, name="首批")
    second = Batch.objects.create(followup=followup, sequence=2, name="第二批")
    # The batches overlap (units 4 and 5 are visited twice) so that a problem can carry an
    # earlier and a later verdict; the notice reads the later one.
    first_visits = _visits(first, assignments[0:6])
    second_visits = _visits(second, assignments[4:10])
    _verdicts(rng, first_visits)
    _verdicts(rng, second_visits)
    return Dataset(
        round=round_,
        other_round=other_round,
        groups=list(groups),
        units=list(unit_rows),
        assignments=list(assignments),
        first_batch=first,
        second_batch=second,
        problem_count=len(assignments) * problems_per_unit,
    )


def _measures_and_facts(rng: random.Random, problems: list[Problem]) -> None:
    measures = Measure.objects.bulk_create(
        Measure(problem=problem, ordinal=ordinal, text=f"生成措施{ordinal}。")
        for problem in problems
        for ordinal in range(1, rng.randint(1, 3) + 1)
    )
    outcomes: list[Outcome] = []
    accountability: list[Accountability] = []
    regulations: list[Regulation] = []
    subjects = list(MONEY_SUBJECTS)
    for index, measure in enumerate(measures):
        if index < len(subjects) or rng.random() < 0.4:
            # Every subject at least once, then at random.
            subject = subjects[index] if index < len(subjects) else rng.choice(subjects)
            amount = Decimal(rng.randint(1, 5_000_000_00)) / 100
            qualifier = rng.choice(["", "", "", Qualifier.AT_LEAST, Qualifier.NEARLY])
            outcomes.append(
                _outcome(measure, 0, OutcomeKind.MONEY, amount, "元", subject, qualifier)
            )
        if rng.random() < 0.3:
            # Counts and percentages are not money, whatever they say.
            outcomes.append(
                _outcome(measure, 1, OutcomeKind.COUNT, Decimal(rng.randint(1, 90)), "项", "清退")
            )
        if rng.random() < 0.15:
            people = None if rng.random() < 0.2 else rng.randint(1, 12)
            kind = rng.choice(SANCTIONS)
            accountability.append(
                Accountability(
                    measure=measure,
                    kind=kind,
                    kinds=[kind],
                    people=people,
                    unit="" if people is None else "人",
                    source_text="生成问责",
                    start=0,
                    end=4,
                )
            )
        if rng.random() < 0.2:
            titled = rng.random() < 0.5
            regulations.append(
                Regulation(
                    measure=measure,
                    title=rng.choice(REGULATION_TITLES) if titled else "",
                    count=1 if titled else rng.randint(1, 6),
                    source_text="生成制度",
                    start=0,
                    end=4,
                )
            )
    Outcome.objects.bulk_create(outcomes)
    Accountability.objects.bulk_create(accountability)
    Accountability.objects.bulk_create(_parts(accountability))
    Regulation.objects.bulk_create(regulations)


def _parts(counts: list[Accountability]) -> list[Accountability]:
    """Parts (其中…) of about half the counts of more than one person: two kinds that add up
    to the count. A random stream of their own, so the rest of the dataset stays as it was."""
    rng = random.Random(len(counts))
    parts: list[Accountability] = []
    for count in counts:
        if count.people is None or count.people < 2 or rng.random() < 0.5:
            continue
        first = rng.randint(1, count.people - 1)
        kinds = rng.sample(PART_KINDS, 2)
        for kind, people in zip(kinds, (first, count.people - first), strict=True):
            parts.append(
                Accountability(
                    measure=count.measure,
                    kind=kind,
                    kinds=[kind],
                    people=people,
                    unit="人",
                    source_text="生成其中",
                    start=4,
                    end=8,
                    part_of=count,
                )
            )
    return parts


def _outcome(
    measure: Measure,
    position: int,
    kind: str,
    amount: Decimal,
    unit: str,
    subject: str,
    qualifier: str = "",
) -> Outcome:
    return Outcome(
        measure=measure,
        position=position,
        kind=kind,
        value=str(amount),
        amount=amount,
        unit=unit,
        qualifier=qualifier,
        subject=subject,
        source_text=f"{amount}{unit}",
        start=0,
        end=4,
        # As the service stores it (``outcomes_refresh``): what the amount counts, read once.
        money_category=money_category_at(measure.text, 0, 4, subject)
        if kind == OutcomeKind.MONEY
        else "",
    )


def _visits(batch: Batch, assignments: list[Assignment]) -> list[Visit]:
    return Visit.objects.bulk_create(
        Visit(batch=batch, assignment=a, group=a.group, status=VisitStatus.DONE)
        for a in assignments
    )


def _verdicts(rng: random.Random, visits: list[Visit]) -> None:
    kinds = list(VerdictKind.values)
    Verdict.objects.bulk_create(
        Verdict(
            visit=visit,
            problem=problem,
            kind=rng.choice(kinds),
            reason="生成认定",
            declared_status=problem.status,
            declared_done=problem.status == ProblemStatus.CLOSED,
        )
        for visit in visits
        for problem in Problem.objects.filter(assignment=visit.assignment)
        if rng.random() < 0.7
    )
