"""The API against its own OpenAPI schema: schemathesis generates requests for every operation,
as each role, and every answer must be documented (status, content type, body) and never a
server error.

The fuzzing is bench/schema_fuzz.py's (which runs it with many more examples on the demo
dataset); here it runs on the API tests' world with a few examples per operation and identity,
with a fixed seed so that a run is the same every time.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from django.core.wsgi import get_wsgi_application

BENCH = Path(__file__).resolve().parents[2] / "bench"
EXAMPLES = 15  # per operation, identity and mode (valid input, invalid input)
OPERATIONS = {
    "GET /api/rounds/",
    "GET /api/rounds/{id}/",
    "GET /api/units/",
    "GET /api/units/{id}/",
    "GET /api/problems/",
    "GET /api/problems/{id}/",
}


@pytest.fixture(scope="module")
def schema_fuzz() -> ModuleType:
    """bench/schema_fuzz.py, imported from its folder as the script runs it."""
    sys.path.insert(0, str(BENCH))
    try:
        return importlib.import_module("schema_fuzz")
    finally:
        sys.path.remove(str(BENCH))


def test_every_answer_of_the_api_matches_its_schema(world: Any, schema_fuzz: ModuleType) -> None:
    password = "pw-test-1"  # tests.factories.make_user's
    identities = [
        schema_fuzz.basic_identity("office", world.office.username, password),
        schema_fuzz.basic_identity("group", world.group_member.username, password),
        schema_fuzz.session_identity("liaison", world.liaison),
        schema_fuzz.basic_identity("outsider", world.outsider.username, password),
        schema_fuzz.Identity("anonymous"),
    ]
    app = get_wsgi_application()
    schema = schema_fuzz.schema_load(app, identities[0])

    reports = schema_fuzz.fuzz(schema, identities, schema_fuzz.known_ids(), examples=EXAMPLES)

    print("\n".join(report.line() for report in reports))
    assert not schema_fuzz.failures_of(reports), "\n\n".join(schema_fuzz.failures_of(reports))
    assert {report.operation for report in reports} == OPERATIONS
    # Valid cases reached real rows: every operation answered 200 to the office and the liaison.
    for report in reports:
        if report.identity in {"office", "liaison"} and report.mode == "positive":
            assert report.statuses[200], report.line()
