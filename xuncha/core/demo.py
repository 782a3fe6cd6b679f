"""The demo dataset: one round of a fictional city, loaded through the real services.

Every row is written by the same services the application uses (rounds, problems, the
workflow's transitions), so the demo carries the audit trail and history a real round would.
The content itself lives in :mod:`xuncha.core.demo_content`.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.db.models import Count
from django.utils.translation import gettext as _

from xuncha.core.audit import audit_record, snapshot
from xuncha.core.demo_content import (
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
)
from xuncha.core.models import Profile, Role
from xuncha.findings.models import Measure, Outcome, Problem, ProblemStatus
from xuncha.findings.services import (
    MeasureInput,
    measure_transition,
    problem_create,
    problem_transition,
)
from xuncha.rounds.models import Assignment, Group, GroupMembership, Round, RoundKind, Unit
from xuncha.rounds.services import (
    assignment_get_or_create,
    group_get_or_create,
    round_get_or_create,
    unit_get_or_create,
)

DEMO_PASSWORD = "xuncha-demo-2026"
DEMO_URL = "http://127.0.0.1:8000"
# Marks the round as demo data, so that --reset never removes a round someone entered.
DEMO_MARK = "demo"
USER_FIELDS = ["username", "first_name", "is_active", "is_staff", "is_superuser"]
CLOSE_NOTE = "佐证材料齐全，经审核同意销号。"
REOPEN_NOTE = "按退回意见补充佐证材料。"


@dataclass(frozen=True)
class DemoLogin:
    """One demo account: what to type at the login page, and the part it plays."""

    username: str
    role: str
    display_name: str
    password: str = DEMO_PASSWORD

    @property
    def role_label(self) -> str:
        return str(Role(self.role).label)


DEMO_LOGINS: tuple[DemoLogin, ...] = (
    DemoLogin("office", Role.OFFICE, "巡察办 张某"),
    DemoLogin("group1", Role.GROUP, "市委第一巡察组 李某"),
    DemoLogin("unit1", Role.UNIT, "市自然资源和规划局联络员 周某"),
    DemoLogin("supervisor", Role.SUPERVISOR, "市纪委监委 吴某"),
)


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
    users = {login.username: _user_ensure(login) for login in DEMO_LOGINS}
    office = users["office"]
    today = dt.date.today()
    fill = {"asof": _chinese_date(recent_quarter_end(today)), "prev": str(today.year - 1)}

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
    _membership_ensure(office, groups[0], users["group1"])

    units: dict[str, Unit] = {}
    for plan in UNITS:
        parent = units[plan.parent] if plan.parent else None
        unit, _created = unit_get_or_create(actor=office, name=plan.name, parent=parent)
        units[plan.name] = unit
        assignment, _created = assignment_get_or_create(
            actor=office,
            round_=round_,
            unit=unit,
            group=groups[plan.group - 1],
            feedback_date=_day(today, plan.feedback),
        )
        if plan.name == LIAISON_UNIT:
            _liaison_ensure(office, unit, users["unit1"])
        # The unit's own steps are taken by its liaison where the demo has one, else by the
        # system on its behalf: the office reviews, and may not close what it asked to close.
        unit_actor = users["unit1"] if _under(plan.name, LIAISON_UNIT) else None
        for problem_plan in plan.problems:
            _problem_load(problem_plan, assignment, today, fill, office, unit_actor)
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
        status_counts=counts,
    )


@transaction.atomic
def demo_clear(round_: Round) -> None:
    """Remove the demo round with its problems, groups and the units only it uses.

    Each removed record leaves an audit row first; the demo users stay (they are reused).
    """
    for problem in Problem.objects.filter(assignment__round=round_).annotate(
        measure_count=Count("measures")
    ):
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


def recent_quarter_end(today: dt.date) -> dt.date:
    """The last quarter's end at least a month before ``today`` (for "截至…" in the texts)."""
    point = today - dt.timedelta(days=30)
    month = (point.month - 1) // 3 * 3
    if month == 0:
        return dt.date(point.year - 1, 12, 31)
    return dt.date(point.year, month, calendar.monthrange(point.year, month)[1])


def _problem_load(
    plan: ProblemPlan,
    assignment: Assignment,
    today: dt.date,
    fill: dict[str, str],
    office: Any,
    unit_actor: Any,
) -> Problem:
    """Create one problem and walk it through the workflow as far as its plan says."""
    deadline = _day(today, plan.due)
    problem = problem_create(
        actor=office,
        assignment=assignment,
        title=plan.title,
        text=plan.text,
        category=plan.category,
        rectification_kind=plan.kind,
        deadline=deadline,
        measures=[
            MeasureInput(
                text=measure.text.format(**fill),
                owner=measure.owner,
                department=measure.department,
                deadline=_day(today, measure.due) if measure.due is not None else deadline,
            )
            for measure in plan.measures
        ],
        start=plan.progress != Progress.PENDING,
    )
    measures = list(problem.measures.order_by("ordinal"))
    if plan.progress in {Progress.STARTED, Progress.PARTIAL}:
        for index, measure in enumerate(measures):
            done = plan.progress == Progress.PARTIAL and index == 0
            name = "complete" if done else "start"
            measure_transition(actor=unit_actor, measure=measure, name=name)
        return problem
    if plan.progress == Progress.PENDING:
        return problem
    for measure in measures:
        measure_transition(actor=unit_actor, measure=measure, name="complete")
    problem_transition(actor=unit_actor, problem=problem, name="request_closing")
    if plan.progress == Progress.CLOSED:
        problem_transition(actor=office, problem=problem, name="close", reason=CLOSE_NOTE)
    elif plan.progress == Progress.RETURNED:
        problem_transition(actor=office, problem=problem, name="return", reason=plan.return_reason)
        measure_transition(actor=unit_actor, measure=measures[0], name="reopen", reason=REOPEN_NOTE)
    return problem


def _user_ensure(login: DemoLogin) -> Any:
    """Create or refresh a demo user and its profile, with audit rows (never the password)."""
    user_model = get_user_model()
    user = user_model.objects.filter(username=login.username).first()
    is_office = login.role == Role.OFFICE
    before = snapshot(user, USER_FIELDS) if user is not None else None
    if user is None:
        user = user_model(username=login.username)
    user.first_name = login.display_name[:150]
    user.is_active = True
    user.is_staff = is_office
    user.is_superuser = is_office
    user.set_password(login.password)
    user.save()
    after = {**snapshot(user, USER_FIELDS), "password": "set to the demo password"}
    action = "user.create" if before is None else "user.update"
    audit_record(actor=None, action=action, instance=user, before=before, after=after)

    profile = Profile.objects.filter(user=user).first()
    profile_before = snapshot(profile) if profile is not None else None
    if profile is None:
        profile = Profile(user=user)
    profile.role = login.role
    profile.display_name = login.display_name
    profile.save()
    if snapshot(profile) != profile_before:
        audit_record(
            actor=None,
            action="profile.create" if profile_before is None else "profile.update",
            instance=profile,
            before=profile_before,
            after=snapshot(profile),
        )
    return user


def _membership_ensure(actor: Any, group: Group, user: Any) -> None:
    membership, created = GroupMembership.objects.get_or_create(group=group, user=user)
    if created:
        audit_record(
            actor=actor,
            action="group.member_add",
            instance=membership,
            before=None,
            after=snapshot(membership),
        )


def _liaison_ensure(actor: Any, unit: Unit, user: Any) -> None:
    if unit.liaisons.filter(pk=user.pk).exists():
        return
    before = sorted(unit.liaisons.values_list("id", flat=True))
    unit.liaisons.add(user)
    audit_record(
        actor=actor,
        action="unit.liaison_add",
        instance=unit,
        before={"liaison_ids": before},
        after={"liaison_ids": sorted([*before, user.pk])},
    )


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
