"""The OpenAPI schema validates (drf-spectacular's own validation, warnings as errors), describes every endpoint
with the token scheme and the documented examples, and the docs page runs under the site's CSP."""

import io
import re

import pytest
import yaml
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_schema_validates_without_warnings(tmp_path):
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target), stdout=io.StringIO())
    schema = yaml.safe_load(target.read_text(encoding="utf-8"))
    assert schema["openapi"].startswith("3.")
    paths = set(schema["paths"])
    for expected in [
        "/api/v1/provinces/",
        "/api/v1/districts/{code}/",
        "/api/v1/communes/",
        "/api/v1/communes/{code}/",
        "/api/v1/standings/",
        "/api/v1/criteria-sets/{code}/",
        "/api/v1/assessments/{id}/",
        "/api/v1/indicator-values/",
        "/api/v1/recognitions/",
        "/api/v1/revocations/{id}/",
        "/api/v1/dossiers/{id}/",
        "/api/v1/plans/{id}/",
        "/api/v1/capital-lines/",
        "/api/v1/capital-by-source/",
        "/api/v1/dhis2/dataValueSets/",
    ]:
        assert expected in paths, expected
    # Read-only: no operation but GET.
    assert {method for item in schema["paths"].values() for method in item} == {"get"}
    assert schema["components"]["securitySchemes"]["apiToken"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "Authorization: Bearer <token> (issued in the admin, or manage.py create_api_token)",
    }
    standings = schema["paths"]["/api/v1/standings/"]["get"]
    assert "NTM communes of a province at a year-end" in str(standings["responses"])
    assert "Indicator values of a commune for a year" in str(schema["paths"]["/api/v1/indicator-values/"]["get"])
    # Filters are the FilterSets' (official codes), documented as parameters.
    names = {p["name"] for p in schema["paths"]["/api/v1/assessments/"]["get"]["parameters"]}
    assert {"commune", "district", "province", "year", "level", "cursor"} <= names


def test_schema_and_docs_need_a_signed_in_user(api, world, client):
    assert api(None).get("/api/v1/schema/").status_code in (401, 403)
    assert api("viewer").get("/api/v1/schema/?format=json").json()["info"]["title"] == "NTM back office API"
    client.force_login(world.users.viewer)
    assert client.get("/api/v1/docs/").status_code == 200


def test_docs_page_loads_every_script_from_the_site(client, world):
    """No inline script and no CDN: Swagger UI from the static files (drf-spectacular-sidecar), its start-up script
    from the docs URL itself; the CSP header allows scripts from 'self' only."""
    client.force_login(world.users.viewer)
    response = client.get("/api/v1/docs/")
    html = response.content.decode()
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, flags=re.S)
    assert scripts and all(body.strip() == "" for _attrs, body in scripts)
    sources = [re.search(r'src="([^"]+)"', attrs).group(1) for attrs, _body in scripts]
    assert all(src.startswith("/") for src in sources), sources
    assert any(src.startswith("/static/drf_spectacular_sidecar/swagger-ui-dist/") for src in sources)
    assert "script-src 'self'" in response["Content-Security-Policy"]
    init = next(src for src in sources if "script" in src.split("?")[-1])
    script = client.get(init)
    assert script.status_code == 200 and "SwaggerUIBundle" in script.content.decode()
    assert "/api/v1/schema/" in script.content.decode()


def test_schema_in_vietnamese_and_english(api):
    english = api("viewer").get("/api/v1/schema/?format=json&lang=en").json()
    assert english["paths"]["/api/v1/communes/"]["get"]["summary"] == "Communes"
    vietnamese = api("viewer").get("/api/v1/schema/?format=json&lang=vi").json()
    assert vietnamese["paths"]["/api/v1/communes/"]["get"]["operationId"] == "communes_list"
