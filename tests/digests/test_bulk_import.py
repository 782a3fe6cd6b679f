"""The bulk import writes what the services would, row by row.

The reference is the import as it was written through the services, one problem at a time:
``problem_create``, the ``start`` move, and ``progress_report_create`` on each measure. Both run
on the same digest in the same database (the reference inside a savepoint rolled back), and
every row they leave is compared, ids and times aside.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction

from bench.digest_data import big_digest
from tests.factories import make_office_user, make_user
from xuncha.core.models import AuditEntry, Role, StatusChange
from xuncha.digests.services import IMPORT_REASON, digest_import, digest_read
from xuncha.findings.models import Problem
from xuncha.findings.services import MeasureInput, problem_create
from xuncha.notifications.models import Notification
from xuncha.rectification.models import ProgressReport
from xuncha.rectification.services import progress_report_create
from xuncha.rectification.transitions import problem_transition
from xuncha.rounds.models import Round
from xuncha.rounds.services import (
    assignment_get_or_create,
    group_get_or_create,
    liaison_add,
    round_get_or_create,
    unit_get_or_create,
)
from xuncha.text.plan import facts_dict

pytestmark = pytest.mark.django_db

ROUND = "对照轮次"

FEATURES = """根据市委统一部署，3月上旬，市委第一、第二巡察组对3家单位整改落实情况进行了\
回访督查。现摘编如下。

市档案馆

问题：追责问责不够严肃

整改：一是追责问责3人，其中诫勉谈话1人、批评教育2人。二是出台《档案管理办法》《借阅制度》，修订制度4项。

问题：资金管理不规范

整改：清退违规发放补贴2.4万元，收回资金15万元。

市气象局

问题：预警信息发布不及时

整改：建成预警发布平台，覆盖率达到98.5%，完成时限为2024年6月30日。
"""

DROPPED = {"id", "at", "created_at", "updated_at", "granted_at"}


def services_import(actor: Any, text: str) -> None:
    """The import through the services, one problem at a time (the reference)."""
    parsed = digest_read(text, file_name="对照.txt")
    facts = facts_dict(parsed)
    round_, _created = round_get_or_create(
        actor=actor,
        name=ROUND,
        committee=facts["committee"] or "",
        term=facts["term"] or "",
        sequence=facts["sequence"],
        description=parsed.introduction,
        facts=facts,
    )
    for sequence, name in enumerate(facts["groups"], start=parsed.facts.group_first or 1):
        group_get_or_create(actor=actor, round_=round_, name=name, sequence=sequence)
    for unit_parsed in parsed.units:
        unit, _created = unit_get_or_create(
            actor=actor, name=unit_parsed.name, committee=round_.committee
        )
        assignment, _created = assignment_get_or_create(actor=actor, round_=round_, unit=unit)
        for problem in unit_parsed.problems:
            created = problem_create(
                actor=actor,
                assignment=assignment,
                title=problem.title,
                measures=[MeasureInput(text=m.text) for m in problem.measures],
                unit_report=problem.rectification,
                rectification_lead=problem.lead,
                measures_numbered=any(m.ordinal is not None for m in problem.measures),
            )
            problem_transition(actor=actor, problem=created, name="start", reason=IMPORT_REASON)
            for measure in created.measures.order_by("ordinal"):
                progress_report_create(actor=actor, measure=measure, text=measure.text)


def plain(value: Any) -> Any:
    """A row's values without ids and times (which differ between two runs)."""
    if isinstance(value, dict):
        return {
            key: plain(item)
            for key, item in value.items()
            if key not in DROPPED and not key.endswith("_id")
        }
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value


def state() -> dict[str, Any]:
    """Everything the import left, in order, as plain values."""
    round_ = Round.objects.get(name=ROUND)
    problems = Problem.objects.filter(assignment__round=round_).order_by(
        "assignment__position", "ordinal"
    )
    result: dict[str, Any] = {
        "assignments": list(
            round_.assignments.order_by("position").values_list("unit__name", "position")
        ),
        "problems": [],
        "notifications": sorted(Notification.objects.values_list("recipient__username", "message")),
    }
    for problem in problems:
        measures = []
        for measure in problem.measures.order_by("ordinal"):
            parts = {
                row.pk: index for index, row in enumerate(measure.accountabilities.order_by("id"))
            }
            measures.append(
                {
                    "measure": plain(_values(measure)),
                    "outcomes": [
                        plain(_values(row)) for row in measure.outcomes.order_by("position")
                    ],
                    "accountability": [
                        {**plain(_values(row)), "part_of": parts.get(row.part_of_id)}
                        for row in measure.accountabilities.order_by("id")
                    ],
                    "regulations": [
                        plain(_values(row)) for row in measure.regulations.order_by("id")
                    ],
                    "reports": [
                        {
                            **plain(_values(report)),
                            "author": report.author_id is not None,
                            "outcomes": [
                                plain(_values(row)) for row in report.outcomes.order_by("position")
                            ],
                        }
                        for report in ProgressReport.objects.filter(measure=measure).order_by("id")
                    ],
                    "history": list(
                        StatusChange.objects.filter(workflow="measure", subject_id=measure.pk)
                        .order_by("id")
                        .values_list("move", "from_status", "to_status", "reason", "actor_id")
                    ),
                }
            )
        result["problems"].append(
            {
                "problem": plain(_values(problem)),
                "nearest": (problem.nearest_due, problem.nearest_kind),
                "measures": measures,
                "history": list(
                    StatusChange.objects.filter(workflow="problem", subject_id=problem.pk)
                    .order_by("id")
                    .values_list("move", "from_status", "to_status", "reason", "actor_id")
                ),
                # The bulk import makes each move on all problems (then all measures) at once, so
                # a problem's rows interleave differently; the rows themselves are the same.
                "audit": sorted(
                    repr((row.action, row.object_type, row.actor_name))
                    + repr((plain(row.before), plain(row.after)))
                    for row in AuditEntry.objects.filter(scope=f"problem:{problem.pk}")
                ),
            }
        )
    result["other_audit"] = [
        (row.action, row.object_type, row.object_repr, plain(row.after))
        for row in AuditEntry.objects.filter(scope="")
        .exclude(action="digest.import")
        .order_by("id")
        if row.action in {"round.create", "group.create", "unit.create", "assignment.create"}
    ]
    return result


def _values(row: Any) -> dict[str, Any]:
    return {field.attname: getattr(row, field.attname) for field in row._meta.concrete_fields}


def compare(text: str) -> tuple[dict[str, Any], dict[str, Any]]:
    actor = make_office_user()
    # A unit the digest names already has a liaison: the start of its problems tells them.
    liaison = make_user("liaison", Role.UNIT)
    archive, _created = unit_get_or_create(actor=None, name="市档案馆", committee="市委")
    liaison_add(actor=actor, unit=archive, user=liaison)
    with transaction.atomic():
        services_import(actor, text)
        expected = state()
        transaction.set_rollback(True)
    digest_import(actor=actor, data=text, file_name="对照.txt", round_name=ROUND)
    return state(), expected


def test_the_bulk_import_writes_what_the_services_write():
    actual, expected = compare(FEATURES)
    assert actual == expected
    # The comparison saw what matters: parts of a count, rules, reports, history, a notice.
    first = actual["problems"][0]
    assert [row["part_of"] for row in first["measures"][0]["accountability"]] == [None, 0, 0]
    assert first["measures"][1]["regulations"] and first["measures"][0]["reports"][0]["outcomes"]
    assert [move for move, *_rest in first["history"]] == ["start"]
    assert first["problem"]["version"] == 4 and first["problem"]["status"] == "in_progress"
    assert actual["notifications"] and len(actual["other_audit"]) >= 5
    # Each problem's history reads in the order of its moves: created, started, reported on.
    problem = Problem.objects.get(assignment__round__name=ROUND, ordinal=1, assignment__position=1)
    actions = list(
        AuditEntry.objects.filter(scope=f"problem:{problem.pk}")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "problem.create",
        *["measure.create"] * 2,
        "problem.start",
        *["progress.create"] * 2,
        *["measure.start"] * 2,
    ]


def test_a_larger_generated_digest_too():
    actual, expected = compare(big_digest(25, problems_per_unit=2))
    assert actual == expected
    assert len(actual["problems"]) == 50


def test_the_seed_too(seed_text):
    actual, expected = compare(seed_text)
    assert actual == expected
    assert len(actual["problems"]) == 24
