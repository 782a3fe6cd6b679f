from __future__ import annotations

import yaml
from django.core.management import call_command
from django.urls import reverse

PATHS = {
    "/api/rounds/",
    "/api/rounds/{id}/",
    "/api/units/",
    "/api/units/{id}/",
    "/api/problems/",
    "/api/problems/{id}/",
}


def test_the_schema_endpoint_serves_openapi_3_with_every_path(world, client_for):
    response = client_for(world.office).get(reverse("api:schema"), {"format": "json"})

    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert set(schema["paths"]) >= PATHS
    parameters = {p["name"] for p in schema["paths"]["/api/problems/"]["get"]["parameters"]}
    assert {"round", "unit", "group", "status", "page"} <= parameters
    # the ledger page's filters, shared through django-filter
    assert {"q", "sort", "warning", "deadline"} <= parameters
    by_name = {p["name"]: p for p in schema["paths"]["/api/problems/"]["get"]["parameters"]}
    assert by_name["round"]["schema"]["minimum"] == 1
    assert "-title" in by_name["sort"]["schema"]["enum"]


def test_the_schema_generates_without_warnings_and_validates(tmp_path):
    target = tmp_path / "schema.yaml"

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))

    schema = yaml.safe_load(target.read_text(encoding="utf-8"))
    assert set(schema["paths"]) >= PATHS
    components = schema["components"]["schemas"]
    assert {"RoundKindEnum", "OutcomeKindEnum", "ProblemStatusEnum", "MeasureStatusEnum"} <= set(
        components
    )


def test_the_schema_types_the_assignments_and_their_counts(tmp_path):
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--file", str(target))
    components = yaml.safe_load(target.read_text(encoding="utf-8"))["components"]["schemas"]

    assignments = components["RoundDetail"]["properties"]["assignments"]
    assert assignments["items"] == {"$ref": "#/components/schemas/Assignment"}
    counts = components["Assignment"]["properties"]["problem_counts"]
    assert counts["allOf"] == [{"$ref": "#/components/schemas/ProblemCounts"}]


def test_the_api_viewer_loads_its_assets_from_this_server(world, client_for):
    client = client_for(world.office)

    page = client.get(reverse("api:swagger")).content.decode()

    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in page, (
        'SPECTACULAR_SETTINGS needs "SWAGGER_UI_DIST" and "SWAGGER_UI_FAVICON_HREF" = "SIDECAR"'
    )
    assert "https://" not in page
    assert "http://" not in page
