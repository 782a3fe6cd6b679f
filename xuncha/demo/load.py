"""The demo dataset: one round of a fictional city, loaded through the real services.

Every row is written by the same services the application uses (rounds, problems, the
workflow's transitions), so the demo carries the audit trail and history a real round would.
The content itself lives in :mod:`xuncha.demo.content`.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.files.base import ContentFile
from django.db import models, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from xuncha.clocks.services import clocks_changed
from xuncha.core.audit import audit_record, snapshot
from xuncha.demo.content import (
    GROUPS,
    LIAISON_UNIT,
    ROUND_COMMITTEE,
    ROUND_DESCRIPTION,
    ROUND_END,
    ROUND_NAME,
    ROUND_SEQUENCE,
    ROUND_START,
    ROUND_TERM,
    UNITS,
    ProblemPlan,
    Progress,
    UnitPlan,
)
from xuncha.demo.followup import demo_followup_load
from xuncha.demo.users import (
    DEMO_LOGINS,
    DEMO_PASSWORD,
    DemoLogin,
    demo_liaison_ensure,
    demo_membership_ensure,
    demo_user_ensure,
)
from xuncha.findings.models import Measure, Outcome, Problem, ProblemStatus
from xuncha.findings.services import MeasureInput, problem_create
from xuncha.followups.models import Verdict
from xuncha.rectification.models import ChangeRequest, Evidence
from xuncha.rectification.reports import report_get_or_create, report_save, report_transition
from xuncha.rectification.services import (
    comment_add,
    plan_get_or_create,
    progress_report_create,
)
from xuncha.rectification.transitions import (
    measure_transition,
    plan_transition,
    problem_transition,
)
from xuncha.rounds.models import Assignment, Group, Round, RoundKind, Unit
from xuncha.rounds.services import (
    assignment_get_or_create,
    group_get_or_create,
    round_get_or_create,
    unit_get_or_create,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import User

__all__ = [
    "DEMO_LOGINS",
    "DEMO_PASSWORD",
    "DEMO_URL",
    "DemoAlreadyLoaded",
    "DemoLogin",
    "DemoRefused",
    "DemoSummary",
    "demo_clear",
    "demo_load",
    "demo_summary",
]

DEMO_URL = "http://127.0.0.1:8000"
# Marks the round as demo data, so that --reset never removes a round someone entered.
DEMO_MARK = "demo"
CLOSE_NOTE = "佐证材料齐全，经审核同意销号。"
REOPEN_NOTE = "按退回意见补充佐证材料。"
REPORT_DONE = "该项措施已按期完成，相关文件、台账和会议记录已整理归档，佐证材料随本报告上传。"
REPORT_ONGOING = "该项措施正在推进，已明确专人负责，按月报送进展情况。"
COMMENT = "经现场核查和调阅台账，整改措施已落实到位，建议销号。"


class DemoRefused(Exception):
    """The demo cannot be loaded as asked; the message says why and what to do."""


class DemoAlreadyLoaded(DemoRefused):
    """The demo round is already there; loading again would duplicate it."""


@dataclass(frozen=True)
class DemoSummary:
    """What the demo round holds once loaded."""

    round_name: str
    groups: int
    units: int
    assignments: int
    problems: int
    measures: int
    outcomes: int
    evidence: int
    status_counts: dict[str, int]
    logins: tuple[DemoLogin, ...] = DEMO_LOGINS


@transaction.atomic
def demo_load(*, reset: bool = False) -> DemoSummary:
    """Load the demo round, its groups, units, problems and the demo users, all or nothing.

    Refuses with :class:`DemoAlreadyLoaded` when the demo round exists, unless ``reset``, which
    first removes it (with an audit row per removed record). The demo users' passwords are set
    to :data:`DEMO_PASSWORD` each time, so the printed logins always work.
    """
    existing = Round.objects.filter(name=ROUND_NAME).first()
    if existing is not None:
        if not existing.facts.get(DEMO_MARK):
            raise DemoRefused(
                _("已有一个名为“%(name)s”的轮次，且不是演示数据；演示数据不会覆盖它。")
                % {"name": ROUND_NAME}
            )
        if not reset:
            raise DemoAlreadyLoaded(
                _("演示数据已经加载（轮次“%(name)s”），未重复写入。如需重新加载，请加 --reset。")
                % {"name": ROUND_NAME}
            )
        demo_clear(existing)
    users = {login.username: demo_user_ensure(login) for login in DEMO_LOGINS}
    today = timezone.localdate()  # the site's today (Asia/Shanghai), not the machine's
    context = _Context(
        today=today,
        fill={"asof": _chinese_date(recent_quarter_end(today)), "prev": str(today.year - 1)},
        office=users["office"],
        group_member=users["group1"],
        liaison=users["unit1"],
    )
    office = context.office
    round_, _created = round_get_or_create(
        actor=office,
        name=ROUND_NAME,
        kind=RoundKind.REGULAR,
        committee=ROUND_COMMITTEE,
        term=ROUND_TERM,
        sequence=ROUND_SEQUENCE,
        start_date=_day(today, ROUND_START),
        end_date=_day(today, ROUND_END),
        description=ROUND_DESCRIPTION,
        facts={DEMO_MARK: True},
    )
    groups = [
        group_get_or_create(
            actor=office, round_=round_, name=name, sequence=number, leader_name=leader
        )[0]
        for number, (name, leader) in enumerate(GROUPS, start=1)
    ]
    demo_membership_ensure(office, groups[0], context.group_member)

    units: dict[str, Unit] = {}
    assignments: list[Assignment] = []
    for plan in UNITS:
        parent = units[plan.parent] if plan.parent else None
        unit, _created = unit_get_or_create(
            actor=office, name=plan.name, parent=parent, committee=round_.committee
        )
        units[plan.name] = unit
        assignment, _created = assignment_get_or_create(
            actor=office,
            round_=round_,
            unit=unit,
            group=groups[plan.group - 1],
            feedback_date=_day(today, plan.feedback),
        )
        assignments.append(assignment)
    # Only once the whole tree stands: a liaison's scope is read once and kept on the user.
    demo_liaison_ensure(office, units[LIAISON_UNIT], context.liaison)
    for plan, assignment in zip(UNITS, assignments, strict=True):
        _unit_load(plan, assignment, context)
    demo_followup_load(
        round_=round_, assignments=assignments, group_member=context.group_member, today=today
    )
    return demo_summary()


def demo_summary() -> DemoSummary:
    """Count what the demo round holds (zeros when it is absent)."""
    problems = Problem.objects.filter(assignment__round__name=ROUND_NAME)
    counts = {status: 0 for status in ProblemStatus.values}
    for row in problems.order_by().values("status").annotate(n=Count("id")):
        counts[row["status"]] = row["n"]
    return DemoSummary(
        round_name=ROUND_NAME,
        groups=Group.objects.filter(round__name=ROUND_NAME).count(),
        units=Unit.objects.filter(assignments__round__name=ROUND_NAME).distinct().count(),
        assignments=Assignment.objects.filter(round__name=ROUND_NAME).count(),
        problems=problems.count(),
        measures=Measure.objects.filter(problem__in=problems).count(),
        outcomes=Outcome.objects.filter(measure__problem__in=problems).count(),
        evidence=Evidence.objects.filter(problem__in=problems).count(),
        status_counts=counts,
    )


@transaction.atomic
def demo_clear(round_: Round) -> None:
    """Remove the demo round with its problems, evidence, groups and the units only it uses.

    Each removed record leaves an audit row first, and the clocks of what was removed go with
    it; the demo users stay (they are reused). Evidence files no other record shares are
    deleted once the transaction commits.
    """
    verdict_ids = list(
        Verdict.objects.filter(visit__batch__followup__round=round_).values_list("pk", flat=True)
    )
    measure_ids = list(
        Measure.objects.filter(problem__assignment__round=round_).values_list("pk", flat=True)
    )
    assignment_ids = list(round_.assignments.values_list("pk", flat=True))
    for followup in round_.followups.all():
        _removed(followup, "followup.delete")
        followup.delete()  # its batches, visits, verdicts, surveys and scores go with it
    problems = Problem.objects.filter(assignment__round=round_)
    problem_ids = list(problems.values_list("pk", flat=True))
    for change in ChangeRequest.objects.filter(problem__in=problems):
        _removed(change, "change_request.delete", scope=f"problem:{change.problem_id}")
        change.delete()  # its attachments' rows go with it
    evidence = Evidence.objects.filter(problem__in=problems)
    paths = set(evidence.values_list("file", flat=True))
    for item in evidence:
        _removed(item, "evidence.delete", scope=f"problem:{item.problem_id}")
    evidence.delete()
    for problem in problems.annotate(measure_count=Count("measures")):
        after = {"measures_removed": problem.measure_count}
        _removed(problem, "problem.delete", scope=f"problem:{problem.pk}", extra=after)
        problem.delete()
    unit_ids = list(round_.assignments.values_list("unit_id", flat=True))
    for assignment in round_.assignments.all():
        _removed(assignment, "assignment.delete")
        assignment.delete()
    for group in round_.groups.all():
        _removed(group, "group.delete")
        group.delete()
    # Subunits before their bureau: a unit with children cannot be removed.
    demo_names = {plan.name for plan in UNITS}
    candidates = Unit.objects.filter(pk__in=unit_ids, name__in=demo_names)
    for unit in sorted(candidates, key=lambda unit: unit.parent_id is None):
        if unit.assignments.exists() or unit.children.exists():
            continue
        _removed(unit, "unit.delete")
        unit.delete()
    _removed(round_, "round.delete")
    round_.delete()
    clocks_changed(actor=None, source="verdict", ids=verdict_ids)
    clocks_changed(actor=None, source="measure", ids=measure_ids)
    clocks_changed(actor=None, source="problem", ids=problem_ids)
    clocks_changed(actor=None, source="assignment", ids=assignment_ids)
    transaction.on_commit(lambda: _files_delete_unshared(paths))


def recent_quarter_end(today: dt.date) -> dt.date:
    """The last quarter's end at least a month before ``today`` (for "截至…" in the texts)."""
    point = today - dt.timedelta(days=30)
    month = (point.month - 1) // 3 * 3
    if month == 0:
        return dt.date(point.year - 1, 12, 31)
    return dt.date(point.year, month, calendar.monthrange(point.year, month)[1])


@dataclass(frozen=True)
class _Context:
    """What every step of the load needs: the day, the text fill-ins, the actors."""

    today: dt.date
    fill: dict[str, str]
    office: User
    group_member: User
    liaison: User


def _unit_load(plan: UnitPlan, assignment: Assignment, context: _Context) -> None:
    """Create a unit's problems, then take its plan and each problem as far as planned.

    The unit's own steps are taken by its liaison where the demo has one, else by the system
    on its behalf; the office approves and reviews, and never closes what it asked to close.
    """
    unit_actor = context.liaison if _under(plan.name, LIAISON_UNIT) else None
    problems = [_problem_create(item, assignment, context) for item in plan.problems]
    pending = [item.progress == Progress.PENDING for item in plan.problems]
    if any(pending) and not all(pending):
        raise ValueError(f"demo content: {plan.name} mixes pending and started problems")
    if plan.feedback is None:
        return  # no feedback yet, so no plan drafted
    rectification_plan = plan_get_or_create(actor=unit_actor, assignment=assignment)
    plan_transition(actor=unit_actor, plan=rectification_plan, name="submit")
    if all(pending):
        return  # the plan awaits the office's approval
    # Approval starts rectification of every problem of the unit.
    plan_transition(actor=context.office, plan=rectification_plan, name="approve")
    commenter = context.group_member if plan.group == 1 else None
    for item, problem in zip(plan.problems, problems, strict=True):
        _problem_walk(item, problem, plan.name, unit_actor, commenter, context)
    _report_load(plan, assignment, unit_actor, context)


# The unit whose rectification report the office sends back, and why; and the report's text.
REPORT_RETURNED_UNIT = "江城市不动产登记中心"
REPORT_RETURN_REASON = "报告未说明问题1销号申请被退回后的补充整改情况，请补充后重新报送。"
REPORT_RETURN_DAYS = 14
REPORT_TEXT = (
    "关于{round}反馈意见整改情况的报告\n\n"
    "收到巡察反馈意见后，{unit}党组高度重视，对照问题清单、任务清单、责任清单逐项推进整改。"
    "巡察反馈问题{total}个，已销号{closed}个，已申请销号{requested}个，其余{rest}个正在整改，"
    "均已明确责任领导、责任部门和完成时限。\n\n"
    "下一步，我们将持续巩固整改成果，对长期坚持的事项定期报告进展，建立健全长效机制。"
)


def _report_load(
    plan: UnitPlan, assignment: Assignment, unit_actor: User | None, context: _Context
) -> None:
    """The unit's rectification report (整改情况报告): a unit with at least half its problems
    closed or awaiting closing has submitted it and the office received it; one unit's was
    returned with a reason and a new due date; the others have not submitted yet (their clock
    runs, overdue for the earliest feedback)."""
    closed = sum(item.progress == Progress.CLOSED for item in plan.problems)
    requested = sum(item.progress == Progress.REQUESTED for item in plan.problems)
    total = len(plan.problems)
    returned = plan.name == REPORT_RETURNED_UNIT
    if not returned and (closed + requested) * 2 < total:
        return
    text = REPORT_TEXT.format(
        round=assignment.round.name,
        unit=plan.name,
        total=total,
        closed=closed,
        requested=requested,
        rest=total - closed - requested,
    )
    report = report_get_or_create(actor=unit_actor, assignment=assignment)
    report = report_save(actor=unit_actor, report=report, text=text)
    report = report_transition(actor=unit_actor, report=report, name="submit")
    if returned:
        report_transition(
            actor=context.office,
            report=report,
            name="return",
            reason=REPORT_RETURN_REASON,
            due_date=context.today + dt.timedelta(days=REPORT_RETURN_DAYS),
        )
    else:
        report_transition(actor=context.office, report=report, name="receive")


def _problem_create(plan: ProblemPlan, assignment: Assignment, context: _Context) -> Problem:
    deadline = _day(context.today, plan.due)
    return problem_create(
        actor=context.office,
        assignment=assignment,
        title=plan.title,
        text=plan.text,
        category=plan.category,
        rectification_kind=plan.kind,
        deadline=deadline,
        measures=[
            MeasureInput(
                text=measure.text.format(**context.fill),
                owner=measure.owner,
                department=measure.department,
                deadline=_day(context.today, measure.due) if measure.due is not None else deadline,
            )
            for measure in plan.measures
        ],
    )


def _problem_walk(
    plan: ProblemPlan,
    problem: Problem,
    unit_name: str,
    unit_actor: User | None,
    commenter: User | None,
    context: _Context,
) -> None:
    """Take a started problem through reports, evidence and review as far as its plan says."""
    measures = list(problem.measures.order_by("ordinal"))
    if plan.progress == Progress.STARTED:
        # The first report on a measure starts it; the others are started by hand.
        progress_report_create(actor=unit_actor, measure=measures[0], text=REPORT_ONGOING)
        for measure in measures[1:]:
            measure_transition(actor=unit_actor, measure=measure, name="start")
        return
    finished = measures[:1] if plan.progress == Progress.PARTIAL else measures
    for measure in finished:
        evidence = _evidence_file(unit_name, problem, measure)
        progress_report_create(
            actor=unit_actor, measure=measure, text=REPORT_DONE, files=[evidence]
        )
        measure_transition(actor=unit_actor, measure=measure, name="complete")
    if plan.progress == Progress.PARTIAL:
        for measure in measures[1:]:
            progress_report_create(actor=unit_actor, measure=measure, text=REPORT_ONGOING)
        return
    problem_transition(actor=unit_actor, problem=problem, name="request_closing")
    if commenter is not None:
        comment_add(actor=commenter, problem=problem, text=COMMENT, recommends_closing=True)
    if plan.progress == Progress.CLOSED:
        problem_transition(actor=context.office, problem=problem, name="close", reason=CLOSE_NOTE)
    elif plan.progress == Progress.RETURNED:
        problem_transition(
            actor=context.office, problem=problem, name="return", reason=plan.return_reason
        )
        measure_transition(actor=unit_actor, measure=measures[0], name="reopen", reason=REOPEN_NOTE)


def _evidence_file(unit_name: str, problem: Problem, measure: Measure) -> ContentFile:
    """A small text file standing in for a scanned document; unique, so stored on its own."""
    text = (
        f"佐证材料（演示数据）\n单位：{unit_name}\n问题{problem.ordinal}：{problem.title}\n"
        f"措施{measure.ordinal}：{measure.text}\n"
    )
    return ContentFile(
        text.encode("utf-8"), name=f"问题{problem.ordinal}-措施{measure.ordinal}-佐证材料.txt"
    )


def _files_delete_unshared(paths: set[str]) -> None:
    storage = Evidence._meta.get_field("file").storage
    for path in paths:
        if path and not Evidence.objects.filter(file=path).exists() and storage.exists(path):
            storage.delete(path)


def _removed(
    instance: models.Model, action: str, *, scope: str = "", extra: dict[str, Any] | None = None
) -> None:
    audit_record(
        actor=None,
        action=action,
        instance=instance,
        before={**snapshot(instance), **(extra or {})},
        after=None,
        scope=scope,
    )


def _under(name: str, root: str) -> bool:
    """Whether the planned unit ``name`` is ``root`` or one of its subunits."""
    parents = {plan.name: plan.parent for plan in UNITS}
    current: str | None = name
    while current is not None:
        if current == root:
            return True
        current = parents.get(current)
    return False


def _day(today: dt.date, offset: int | None) -> dt.date | None:
    return None if offset is None else today + dt.timedelta(days=offset)


def _chinese_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"
