"""The ledger benchmark's data: an office's rounds, units, problems of every status with their
measures, plans, follow-up visits and verdicts, written in bulk; then the clocks and each
problem's nearest deadline, computed by the clock engine's own code and written in bulk too.
Imported by ``ledger.py`` (and by tests/core/test_bench_ledger.py); Django is set up by then."""

from __future__ import annotations

import datetime as dt
import math
import random
import secrets
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPOSITORY = Path(__file__).resolve().parent.parent

DEFAULT_POSTGRES_URL = "postgres://postgres@/xuncha_bench?host=/var/run/postgresql"
TARGET_MS = 50.0
PROBLEMS_PER_ASSIGNMENT = 25
GROUPS_PER_ROUND = 7
PROBLEMS_PER_ROUND = 10_000
MIN_ROUNDS = 4
BATCH_SIZE = 2_000
CHUNK = 2_000  # as xuncha.clocks.services.CHUNK
BENCH_PREFIX = "基准"
OFFICE_USERNAME = f"{BENCH_PREFIX}-office"
GUNICORN = Path(sys.executable).with_name("gunicorn")
GUNICORN_WORKERS = 2

TITLES = (
    "落实主体责任不到位",
    "意识形态工作责任制落实不力",
    "违规发放津贴补贴",
    "公务接待管理不规范",
    "干部选拔任用程序不严",
    "政府采购管理存在漏洞",
    "上轮巡察整改不彻底",
    "基层党组织建设薄弱",
    "重点项目推进缓慢",
    "群众反映强烈的问题解决不及时",
)
CATEGORIES = ("党的领导", "全面从严治党", "作风建设", "选人用人", "巡察整改")
MEASURE_TEXTS = (
    "清退违规发放津补贴{n}.5万元，对{k}名相关责任人进行批评教育。",
    "开展专题培训{k}期，约谈{n}人次，整改完成率9{k}.5%。",
    "制定《管理办法》，修订完善制度{k}项，截至2026年6月30日全部印发。",
    "从{k}名增加至{n}名，覆盖群众近{k}.2万人次。",
)
VERDICT_REASONS = {
    "done": "经听取汇报、实地查看、查阅台账，整改措施均已落实，群众反映良好。",
    "mostly": "主要措施已落实，但制度执行的长效机制尚未建立，须持续整改。",
    "not_done": "抽查台账发现问题仍然存在，整改流于形式，须重新整改。",
    "rebound": "回访发现已销号问题再次出现，问题反弹。",
}


# ---------------------------------------------------------------- generating the data


@dataclass(frozen=True)
class GeneratedLedger:
    """What the generator wrote, and the office user (with a password) who reads the ledger."""

    office: Any
    password: str
    today: dt.date
    rounds: int
    groups: int
    units: int
    assignments: int
    problems: int
    measures: int
    plans: int
    followups: int
    visits: int
    verdicts: int
    clocks: int
    nearest_written: int
    seconds: float
    steps: dict[str, float]


@dataclass
class _Writer:
    """Counts what the generator has written so far."""

    problems: int = 0
    measures: int = 0
    verdicts: int = 0


@dataclass(frozen=True)
class _Fate:
    """What became of one problem: its status now and the verdict a visit gave it, if any."""

    status: str
    verdict: str | None = None
    declared: str = ""
    new_deadline: dt.date | None = None


@dataclass(frozen=True)
class _Unit:
    """One assignment as the generator sees it: how long ago its feedback was, whether its
    rectification started (plan approved), ended (all closed), and its visit if done."""

    assignment: Any
    age: int
    started: bool
    finished: bool
    visit_id: int | None = None
    visited_on: dt.date | None = None


def generate_ledger_data(
    problems: int,
    *,
    seed: int = 20_260_101,
    batch_size: int = BATCH_SIZE,
    rounds: int | None = None,
    today: dt.date | None = None,
) -> GeneratedLedger:
    """Bulk-write an office's ledger of ``problems`` problems and its office user.

    Benchmark data, written with ``bulk_create`` and no services nor audit rows: the services'
    audit chain would make generation take an hour and is not what the ledger reads. About 25
    problems per assignment, 10,000 per round (at least 4 rounds), 7 groups per round; every
    round inspects the same units, as successive rounds do. Round feedback dates run from a
    year ago to three weeks ago; the clocks and the nearest deadlines are then computed by the
    engine and written in bulk (:func:`write_clocks`, :func:`write_nearest_deadlines`).
    """
    from django.db import transaction
    from django.utils import timezone

    today = today or timezone.localdate()
    started = time.perf_counter()
    steps: dict[str, float] = {}
    rng = random.Random(seed)
    assignment_count = max(1, math.ceil(problems / PROBLEMS_PER_ASSIGNMENT))
    round_count = rounds or max(MIN_ROUNDS, round(problems / PROBLEMS_PER_ROUND))
    round_count = max(1, min(round_count, assignment_count))
    password = secrets.token_urlsafe(16)

    with transaction.atomic():
        office = _office_user(password)
        units = _structure(rng, today, assignment_count, round_count, batch_size)
        writer = _Writer()
        pending: list[tuple[_Unit, list[tuple[Any, list[tuple[dt.date, str]], _Fate]]]] = []
        in_batch = 0
        for unit in units:
            rows = []
            for ordinal in range(1, PROBLEMS_PER_ASSIGNMENT + 1):
                if writer.problems + in_batch == problems:
                    break
                rows.append(_problem(rng, today, unit, ordinal))
                in_batch += 1
            pending.append((unit, rows))
            if in_batch >= batch_size:
                _write_batch(rng, pending, writer, batch_size)
                pending, in_batch = [], 0
        if pending:
            _write_batch(rng, pending, writer, batch_size)
        steps["rows"] = time.perf_counter() - started
        clocks = write_clocks(batch_size=batch_size)
        steps["clocks"] = time.perf_counter() - started - steps["rows"]
        nearest = write_nearest_deadlines()
        steps["nearest deadlines"] = time.perf_counter() - started - sum(steps.values())

    from xuncha.followups.models import FollowUp, Visit
    from xuncha.rectification.models import RectificationPlan
    from xuncha.rounds.models import Group

    return GeneratedLedger(
        office=office,
        password=password,
        today=today,
        rounds=round_count,
        groups=Group.objects.count(),
        units=len({unit.assignment.unit_id for unit in units}),
        assignments=len(units),
        problems=writer.problems,
        measures=writer.measures,
        plans=RectificationPlan.objects.count(),
        followups=FollowUp.objects.count(),
        visits=Visit.objects.count(),
        verdicts=writer.verdicts,
        clocks=sum(clocks.values()),
        nearest_written=nearest,
        seconds=time.perf_counter() - started,
        steps=steps,
    )


def _office_user(password: str) -> Any:
    from django.contrib.auth import get_user_model

    from xuncha.core.models import Profile, Role
    from xuncha.core.services import role_grant

    office = get_user_model().objects.create_user(username=OFFICE_USERNAME, password=password)
    Profile.objects.create(user=office, display_name="基准测试巡察办")
    role_grant(actor=None, user=office, role=Role.OFFICE)
    return office


def _structure(
    rng: random.Random, today: dt.date, assignments: int, rounds: int, batch_size: int
) -> list[_Unit]:
    """Rounds, groups, units, assignments with feedback dates, plans, follow-ups and visits."""
    from xuncha.followups.models import Batch, FollowUp, Visit, VisitStatus
    from xuncha.rectification.models import PlanStatus, RectificationPlan
    from xuncha.rounds.models import Assignment, Group, Round, Unit

    units_per_round = math.ceil(assignments / rounds)
    # Oldest round fed back a year ago, the latest three weeks ago.
    ages = [round(365 - index * (344 / max(1, rounds - 1))) for index in range(rounds)]
    round_rows = Round.objects.bulk_create(
        Round(
            name=f"{BENCH_PREFIX}第{number}轮巡察",
            kind="regular",
            committee="市委",
            term="十四届",
            sequence=number,
            start_date=today - dt.timedelta(days=ages[number - 1] + 75),
            end_date=today - dt.timedelta(days=ages[number - 1] + 20),
        )
        for number in range(1, rounds + 1)
    )
    groups = Group.objects.bulk_create(
        Group(round=round_, name=f"市委第{number}巡察组", sequence=number, leader_name="王某")
        for round_ in round_rows
        for number in range(1, GROUPS_PER_ROUND + 1)
    )
    unit_rows = Unit.objects.bulk_create(
        (Unit(name=f"{BENCH_PREFIX}单位{number:05d}") for number in range(units_per_round)),
        batch_size=batch_size,
    )
    assignment_rows: list[Any] = []
    assignment_ages: list[int] = []
    for round_index, round_ in enumerate(round_rows):
        round_groups = groups[round_index * GROUPS_PER_ROUND : (round_index + 1) * GROUPS_PER_ROUND]
        for position, unit in enumerate(unit_rows):
            if len(assignment_rows) == assignments:
                break
            age = max(3, ages[round_index] + rng.randint(-10, 10))
            assignment_ages.append(age)
            assignment_rows.append(
                Assignment(
                    round=round_,
                    unit=unit,
                    group=round_groups[position % GROUPS_PER_ROUND],
                    feedback_date=today - dt.timedelta(days=age),
                    position=position + 1,
                )
            )
    assignment_rows = Assignment.objects.bulk_create(assignment_rows, batch_size=batch_size)

    plans = []
    approved = []
    for assignment, age in zip(assignment_rows, assignment_ages, strict=True):
        if age < 21:
            status = rng.choices(["", "draft", "submitted", "returned"], [30, 40, 25, 5])[0]
        else:
            status = rng.choices(
                ["approved", "submitted", "returned", "draft", ""], [85, 6, 5, 2, 2]
            )[0]
        approved.append(status == PlanStatus.APPROVED)
        if status:
            plans.append(RectificationPlan(assignment=assignment, status=status))
    RectificationPlan.objects.bulk_create(plans, batch_size=batch_size)

    followups = FollowUp.objects.bulk_create(
        FollowUp(round=round_, name=f"{round_.name}整改情况回访督查") for round_ in round_rows
    )
    batches = Batch.objects.bulk_create(
        Batch(followup=followup, sequence=1, name="首批") for followup in followups
    )
    batch_of_round = {batch.followup.round_id: batch for batch in batches}
    visits: list[Any] = []
    visit_index: dict[int, int] = {}
    finished_flags: list[bool] = []
    for index, (assignment, age, started) in enumerate(
        zip(assignment_rows, assignment_ages, approved, strict=True)
    ):
        finished = started and age > 120 and rng.random() < (0.5 if age > 240 else 0.25)
        finished_flags.append(finished)
        batch = batch_of_round[assignment.round_id]
        feedback = today - dt.timedelta(days=age)
        if started and age > 100 and rng.random() < 0.55:
            visited = feedback + dt.timedelta(days=rng.randint(90, min(age - 1, 150)))
            visit_index[index] = len(visits)
            visits.append(
                Visit(
                    batch=batch,
                    assignment=assignment,
                    group=assignment.group,
                    planned_on=visited,
                    visited_on=visited,
                    status=VisitStatus.DONE,
                    heard="听取单位党组整改情况汇报。",
                    checked="查阅整改台账、会议记录。",
                    interview_count=rng.randint(5, 20),
                )
            )
        elif started and 30 < age <= 100 and rng.random() < 0.3:
            visits.append(
                Visit(
                    batch=batch,
                    assignment=assignment,
                    group=assignment.group,
                    planned_on=feedback + dt.timedelta(days=100),
                )
            )
    visits = Visit.objects.bulk_create(visits, batch_size=batch_size)

    result = []
    for index, (assignment, age, started, finished) in enumerate(
        zip(assignment_rows, assignment_ages, approved, finished_flags, strict=True)
    ):
        visit = visits[visit_index[index]] if index in visit_index else None
        result.append(
            _Unit(
                assignment=assignment,
                age=age,
                started=started,
                finished=finished,
                visit_id=visit.pk if visit else None,
                visited_on=visit.visited_on if visit else None,
            )
        )
    return result


VERDICT_WEIGHTS = {
    "closed": (("done", 60), ("mostly", 15), ("not_done", 10), ("rebound", 15)),
    "closing_requested": (("done", 55), ("mostly", 30), ("not_done", 15)),
    "in_progress": (("done", 15), ("mostly", 40), ("not_done", 45)),
}


def _fate(rng: random.Random, unit: _Unit) -> _Fate:
    """A problem's status, consistent with its unit's plan, age and visit, and its verdict."""
    if not unit.started:
        return _Fate("pending")  # rectification starts when the office approves the plan
    if unit.finished:
        base = "closed"
    else:
        closed = min(0.6, unit.age / 500)
        draw = rng.random()
        base = (
            "closed"
            if draw < closed
            else "closing_requested"
            if draw < closed + 0.1
            else "in_progress"
        )
    if unit.visited_on is None or rng.random() >= 0.7:
        return _Fate(base)
    if unit.finished:
        return _Fate("closed", "done", "closed")
    weights = VERDICT_WEIGHTS[base]
    kind = rng.choices([k for k, _w in weights], [w for _k, w in weights])[0]
    if kind == "done":
        # 整改到位 asks for closing (or confirms a closed problem); the office may have closed it.
        status = "closed" if base == "closed" or rng.random() < 0.5 else "closing_requested"
        return _Fate(status, kind, base)
    if kind == "rebound":
        return _Fate("in_progress", kind, base)
    new_deadline = unit.visited_on + dt.timedelta(days=rng.randint(20, 150))
    status = "continuing" if kind == "mostly" else "in_progress"
    if rng.random() < 0.15:
        status = "closing_requested"  # rectified again since, and asked for closing
    return _Fate(status, kind, base, new_deadline)


def _measure_status(
    rng: random.Random, problem_status: str, deadline: dt.date, today: dt.date
) -> str:
    if problem_status == "pending":
        return "not_started"
    if problem_status in {"closing_requested", "closed"}:
        return "done"
    if deadline < today:
        return rng.choices(["done", "in_progress", "not_started"], [50, 40, 10])[0]
    return rng.choices(["done", "in_progress", "not_started"], [25, 50, 25])[0]


def _problem(
    rng: random.Random, today: dt.date, unit: _Unit, ordinal: int
) -> tuple[Any, list[tuple[dt.date, str]], _Fate]:
    """One problem (not yet saved), its measures' (deadline, status) and its fate."""
    from xuncha.findings.models import Problem

    fate = _fate(rng, unit)
    # Deadlines from about 90 days ago to 120 days ahead, after the feedback date.
    low = max(-90, 10 - unit.age)
    measures = []
    for _ordinal in range(rng.randint(1, 3)):
        deadline = today + dt.timedelta(days=rng.randint(low, 120))
        measures.append((deadline, _measure_status(rng, fate.status, deadline, today)))
    title = rng.choice(TITLES)
    problem = Problem(
        assignment=unit.assignment,
        ordinal=ordinal,
        title=title,
        text=f"{title}。经查，该单位相关制度执行不严，台账记录不全，问题在多个科室不同程度存在。",
        category=rng.choice(CATEGORIES),
        rectification_kind=rng.choice(("immediate", "by_deadline", "long_term")),
        deadline=fate.new_deadline or max(deadline for deadline, _status in measures),
        status=fate.status,
    )
    return problem, measures, fate


def _write_batch(
    rng: random.Random,
    pending: list[tuple[_Unit, list[tuple[Any, list[tuple[dt.date, str]], _Fate]]]],
    writer: _Writer,
    batch_size: int,
) -> None:
    """Insert a batch of problems, then their measures and verdicts."""
    from xuncha.findings.models import Measure, Problem
    from xuncha.followups.models import Verdict

    created = Problem.objects.bulk_create(
        [problem for _unit, rows in pending for problem, _m, _f in rows], batch_size=batch_size
    )
    measures = []
    verdicts = []
    for unit, rows in pending:
        for problem, specs, fate in rows:
            for ordinal, (deadline, status) in enumerate(specs, start=1):
                measures.append(
                    Measure(
                        problem=problem,
                        ordinal=ordinal,
                        text=rng.choice(MEASURE_TEXTS).format(n=rng.randint(10, 99), k=ordinal + 2),
                        owner="党组书记 王某",
                        department="办公室",
                        deadline=deadline,
                        status=status,
                    )
                )
            if fate.verdict is not None and unit.visit_id is not None:
                verdicts.append(
                    Verdict(
                        visit_id=unit.visit_id,
                        problem=problem,
                        kind=fate.verdict,
                        reason=VERDICT_REASONS[fate.verdict],
                        new_deadline=fate.new_deadline,
                        declared_status=fate.declared,
                        declared_done=fate.declared in {"closing_requested", "closed"},
                    )
                )
    Measure.objects.bulk_create(measures, batch_size=batch_size)
    Verdict.objects.bulk_create(verdicts, batch_size=batch_size)
    writer.problems += len(created)
    writer.measures += len(measures)
    writer.verdicts += len(verdicts)


def write_clocks(*, batch_size: int = BATCH_SIZE) -> dict[str, int]:
    """Every clock the registered subjects want, as the engine computes it, in bulk.

    The same steps as the engine's sync (``clocks.services``): each subject's active rules, the
    clocks it wants on all its records, each turned into its expected clock (no pauses, no
    extensions yet) on the official calendar; only the writing differs (``bulk_create``).
    """
    from django.utils import timezone

    from xuncha.clocks.engine import expected_clock, subject_rules, work_calendar
    from xuncha.clocks.models import Clock
    from xuncha.clocks.registry import SUBJECTS

    calendar = work_calendar()
    now = timezone.now()
    written: dict[str, int] = {}
    for name, subject in SUBJECTS.items():
        rules = subject_rules(subject)
        wanted = list(subject.wanted(rules, None)) if rules else []
        clocks = []
        for want in wanted:
            expected = expected_clock(name, want, (), (), calendar)
            clocks.append(
                Clock(
                    rule=want.rule,
                    subject_type=name,
                    subject_id=want.subject_id,
                    computed_at=now,
                    **expected.values(),
                )
            )
        Clock.objects.bulk_create(clocks, batch_size=batch_size)
        written[name] = len(clocks)
    return written


def write_nearest_deadlines() -> int:
    """Each problem's nearest deadline from the stored clocks, as the engine writes it;
    returns how many problems got one other than the empty default."""
    from xuncha.clocks.nearest import stored_candidates, summaries_for, write_summaries
    from xuncha.clocks.registry import HOLDERS

    holder = HOLDERS["problem"]
    ids = list(holder.model._default_manager.order_by("pk").values_list("pk", flat=True))
    changed = 0
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        changed += write_summaries(holder, summaries_for(holder, chunk, stored_candidates))
    return changed


@dataclass(frozen=True)
class Mix:
    """What the data holds: problems by status and by warning today, clocks by subject."""

    statuses: dict[str, int]
    colours: dict[str, int]
    clocks: dict[str, dict[str, int]]


def ledger_mix(today: dt.date) -> Mix:
    """Count the problems by status and by warning colour (red/yellow/green/none/paused) and
    the clocks by subject and state."""
    from django.db.models import Count

    from xuncha.clocks.models import Clock
    from xuncha.clocks.selectors import COLOURS, PAUSED, colour_filter
    from xuncha.findings.models import Problem, ProblemStatus

    statuses = {status: 0 for status in ProblemStatus.values}
    for row in Problem.objects.order_by().values("status").annotate(n=Count("pk")):
        statuses[row["status"]] = row["n"]
    colours = {
        colour: Problem.objects.filter(colour_filter(colour, today)).count()
        for colour in reversed(COLOURS)  # red, yellow, green
    }
    colours["none"] = Problem.objects.filter(nearest_due__isnull=True, nearest_paused=False).count()
    colours[PAUSED] = Problem.objects.filter(colour_filter(PAUSED, today)).count()
    clocks: dict[str, dict[str, int]] = {}
    rows = Clock.objects.order_by().values("subject_type", "state").annotate(n=Count("pk"))
    for clock_row in rows:
        clocks.setdefault(clock_row["subject_type"], {})[clock_row["state"]] = clock_row["n"]
    return Mix(statuses, colours, clocks)


def describe_mix(database: str, mix: Mix) -> list[str]:
    """The mix as printed lines."""
    total = sum(mix.statuses.values()) or 1

    def share(counts: dict[str, int]) -> str:
        return ", ".join(f"{k} {v:,} ({100 * v / total:.0f}%)" for k, v in counts.items())

    clocks = ", ".join(
        f"{subject} {sum(states.values()):,} ("
        + ", ".join(f"{state} {n:,}" for state, n in sorted(states.items()))
        + ")"
        for subject, states in sorted(mix.clocks.items())
    )
    return [
        f"{database}: problems by status: {share(mix.statuses)}",
        f"{database}: problems by warning: {share(mix.colours)}",
        f"{database}: clocks by subject: {clocks}",
    ]
