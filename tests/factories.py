"""Test data built through the real services, so tests exercise what users exercise."""

from __future__ import annotations

import itertools
from typing import Any

from django.contrib.auth import get_user_model

from xuncha.core.models import Profile, Role
from xuncha.findings.models import Problem
from xuncha.findings.services import MeasureInput, problem_create
from xuncha.rounds.models import Assignment, Round, Unit
from xuncha.rounds.services import (
    assignment_get_or_create,
    round_get_or_create,
    unit_get_or_create,
)

_numbers = itertools.count(1)


def make_user(username: str, role: str | None = None, **extra: Any) -> Any:
    """A user with a profile of the given role (no profile when role is None)."""
    user = get_user_model().objects.create_user(username=username, password="pw-test-1", **extra)
    if role is not None:
        Profile.objects.create(user=user, role=role, display_name=username)
    return user


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
    return problem_create(
        actor=None,
        assignment=assignment or make_assignment(),
        title=title,
        measures=[MeasureInput(text=text) for text in measures],
        start=start,
    )


PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def make_upload(name: str = "佐证.pdf", content: bytes = PDF_BYTES) -> Any:
    """An uploaded file as a form would deliver it."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def make_evidence(problem: Problem, actor: Any = None, **extra: Any) -> Any:
    """Attach an evidence file to a problem through the service."""
    from xuncha.rectification.services import evidence_add

    return evidence_add(actor=actor, problem=problem, upload=make_upload(**extra))
