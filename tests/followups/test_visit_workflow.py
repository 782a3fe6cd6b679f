"""A follow-up visit's workflow, written out by hand (see tests/rectification/
test_workflow_tables.py for how the tables read): the office plans a visit, only the visit's
group records it."""

from __future__ import annotations

import pytest

from tests.followups.conftest import VISITED_ON, record
from tests.rectification.test_workflow_tables import check_table, parse
from xuncha.followups.services import batch_create, followup_create, visit_plan
from xuncha.followups.workflow import VISIT

pytestmark = pytest.mark.django_db

VISIT_TABLE = parse("""
status   move    office  visitor  other_member  liaison  supervisor  outsider
planned  record  权限    ok       权限          权限     权限        权限
done     record  权限    状态     权限          权限     权限        权限
""")


@pytest.mark.parametrize(("status", "label"), [("planned", "已安排"), ("done", "已回访")])
def test_the_visit_workflow_is_the_table(cast, status, label):
    followup = followup_create(actor=cast.office, round_=cast.assignment.round, name="回访督查")
    batch = batch_create(actor=cast.office, followup=followup, sequence=1, name="首批")
    visit = visit_plan(
        actor=cast.office,
        batch=batch,
        assignment=cast.assignment,
        group=cast.assignment.group,
        planned_on=VISITED_ON,
    )
    if status == "done":
        visit = record(visit, cast.member)
    actors = {
        "office": (cast.office, {}),
        "visitor": (cast.member, {}),
        "other_member": (cast.other_member, {}),
        "liaison": (cast.liaison, {}),
        "supervisor": (cast.supervisor, {}),
        "outsider": (cast.outsider, {}),
    }
    check_table(
        VISIT,
        visit,
        status,
        VISIT_TABLE,
        actors,
        {"record": "记录回访情况"},
        label,
        {"record": "done"},
    )
