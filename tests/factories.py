"""Test data built through the real services, so tests exercise what users exercise."""

from __future__ import annotations

import itertools
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Model, QuerySet

from xuncha.core.models import Profile, Role, StatusChange
from xuncha.core.services import role_grant
from xuncha.core.workflow import WORKFLOWS
from xuncha.findings.models import Problem
from xuncha.findings.services import MeasureInput, problem_create
from xuncha.rectification.transitions import problem_transition
from xuncha.rounds.models import Assignment, Round, Unit
from xuncha.rounds.services import (
    assignment_get_or_create,
    round_get_or_create,
    unit_get_or_create,
)

_numbers = itertools.count(1)


def make_user(username: str, role: str | None = None, *more_roles: str, **extra: Any) -> Any:
    """A user with a profile and the given roles (neither when ``role`` is None)."""
    user = get_user_model().objects.create_user(username=username, password="pw-test-1", **extra)
    if role is not None:
        Profile.objects.create(user=user, display_name=username)
        for granted in (role, *more_roles):
            role_grant(actor=None, user=user, role=granted)
    return user


def status_changes(subject: Model) -> QuerySet[StatusChange]:
    """The history rows the workflow engine wrote for ``subject``, oldest first."""
    workflow = next(w.name for w in WORKFLOWS.values() if isinstance(subject, w.model))
    return StatusChange.objects.filter(workflow=workflow, subject_id=subject.pk).order_by(
        "at", "id"
    )


def make_office_user(username: str = "office") -> Any:
    return make_user(username, Role.OFFICE)


def make_round(name: str | None = None) -> Round:
    round_, _created = round_get_or_create(actor=None, name=name or f"测试轮次{next(_numbers)}")
    return round_


def make_unit(name: str | None = None, parent: Unit | None = None) -> Unit:
    unit, _created = unit_get_or_create(
        actor=None, name=name or f"测试单位{next(_numbers)}", parent=parent
    )
    return unit


def make_assignment(round_: Round | None = None, unit: Unit | None = None) -> Assignment:
    assignment, _created = assignment_get_or_create(
        actor=None, round_=round_ or make_round(), unit=unit or make_unit()
    )
    return assignment


def make_problem(
    assignment: Assignment | None = None,
    *,
    title: str = "制度执行不够严格",
    measures: tuple[str, ...] = ("修订完善制度12项。", "清退违规资金共计3.5万元。"),
    start: bool = True,
) -> Problem:
    problem = problem_create(
        actor=None,
        assignment=assignment or make_assignment(),
        title=title,
        measures=[MeasureInput(text=text) for text in measures],
    )
    if start:
        problem = problem_transition(actor=None, problem=problem, name="start")
    return problem


PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def make_upload(name: str = "佐证.pdf", content: bytes = PDF_BYTES) -> Any:
    """An uploaded file as a form would deliver it."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def make_evidence(problem: Problem, actor: Any = None, **extra: Any) -> Any:
    """Attach an evidence file to a problem through the service."""
    from xuncha.rectification.services import evidence_add

    return evidence_add(actor=actor, problem=problem, upload=make_upload(**extra))


def problem_steps(problem: Problem, *, with_actor: bool = False) -> list[Any]:
    """A problem's moves and its measures' (``measure.start`` …), oldest first, as the old
    per-problem history read them; with ``with_actor``, (step, username) pairs."""
    rows = (
        StatusChange.objects.filter(scope=f"problem:{problem.pk}")
        .order_by("at", "id")
        .values_list("workflow", "move", "actor__username")
    )
    steps = [(f"measure.{move}" if flow == "measure" else move, who) for flow, move, who in rows]
    return steps if with_actor else [step for step, _who in steps]


def create_problem(*, start: bool = False, **fields: Any) -> Problem:
    """``problem_create``, then (with ``start``) the start move by the same actor, as an import
    or an approved plan does."""
    problem = problem_create(**fields)
    if start:
        problem = problem_transition(actor=fields["actor"], problem=problem, name="start")
    return problem


def default_rules_replay() -> None:
    """Put back the deadline rules the clocks migrations wrote (0002, 0003, and their subjects
    from 0004; 0005 in today's fields already) on today's model: a live-server test runs after
    others that flushed the database, the rows migrations wrote included."""
    import importlib

    from xuncha.clocks.models import DeadlineRule

    defaults = importlib.import_module("xuncha.clocks.migrations.0002_default_rules")
    verdict = importlib.import_module("xuncha.clocks.migrations.0003_verdict_deadlines")
    generic = importlib.import_module("xuncha.clocks.migrations.0004_generic_clocks")
    problem = importlib.import_module("xuncha.clocks.migrations.0005_problem_deadline_rule")
    for rule in [*defaults.DEFAULT_RULES, verdict.VERDICT_RULE]:
        values = {key: value for key, value in rule.items() if key != "code"}
        values["counts_in_warnings"] = values.pop("problem_warning")
        values["subject"] = (
            "plan" if rule["code"] == "plan_due" else generic.SUBJECT_BY_ANCHOR[rule["anchor"]]
        )
        values["supersedes"] = rule["anchor"] == "verdict"
        DeadlineRule.objects.get_or_create(code=rule["code"], defaults=values)
    values = {key: value for key, value in problem.PROBLEM_RULE.items() if key != "code"}
    DeadlineRule.objects.get_or_create(code=problem.PROBLEM_RULE["code"], defaults=values)
    from django.apps import apps

    petitions = importlib.import_module("xuncha.petitions.migrations.0002_petition_rules")
    petitions.create_petition_rules(apps, None)


def migrations_rows_restore() -> None:
    """Put back the rows the migrations wrote (the default deadline rules) when a transactional
    test before this one flushed them: under pytest-xdist a worker runs its files in the order
    it is given them, not with the transactional tests last. Called before each test that uses
    the database (tests/conftest.py) and by the fixtures that load a module's data once."""
    from xuncha.clocks.models import DeadlineRule

    if not DeadlineRule.objects.exists():
        default_rules_replay()


def measure_complete(measure: Any, actor: Any = None, text: str = "该项措施已完成。") -> Any:
    """Report a measure's completion, then mark it done: a measure becomes 已完成 only with a
    progress report (the first report starts a measure not yet started)."""
    from xuncha.rectification.services import progress_report_create
    from xuncha.rectification.transitions import measure_transition

    progress_report_create(actor=actor, measure=measure, text=text)
    measure.refresh_from_db()
    return measure_transition(actor=actor, measure=measure, name="complete")
