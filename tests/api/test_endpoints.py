"""Every endpoint × every demo role × inside and outside the scope: the API answers like the pages (a row outside
the user's area is 404 on its detail and absent from lists), refuses anonymous requests and every write."""

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from tests.api.conftest import OUTSIDE_AWAY, ROLES, SIDES

pytestmark = pytest.mark.django_db

EVERYONE = frozenset(ROLES)


@dataclass(frozen=True)
class Endpoint:
    """`key(side)` is the object's key (its URL key, or the value `field` holds in list rows); `detail` whether the
    endpoint has a detail URL; `query` the list's required parameters; `readers` the roles that read the own
    object (default: every role)."""

    name: str
    key: Callable
    field: str = "id"
    detail: bool = True
    query: str = ""
    readers: frozenset = EVERYONE
    # Which sides the commune officer (Tân Khánh) reads.
    commune_reads: tuple = ("own",)

    def list_url(self):
        return f"/api/v1/{self.name}/{self.query}"

    def detail_url(self, key):
        return f"/api/v1/{self.name}/{key}/"


ENDPOINTS = [
    Endpoint("communes", lambda s: s.commune.code, field="code"),
    # A commune membership does not cover its district (core.scope).
    Endpoint(
        "districts", lambda s: s.commune.district.code, field="code", readers=EVERYONE - {"commune"}, commune_reads=()
    ),
    Endpoint("standings", lambda s: s.commune.code, field="commune", detail=False, query="?year=2023"),
    Endpoint("assessments", lambda s: s.assessment.pk),
    Endpoint("indicator-values", lambda s: s.assessment.pk, field="assessment", detail=False),
    Endpoint("recognitions", lambda s: s.recognition.pk),
    Endpoint("revocations", lambda s: s.revocation.pk),
    Endpoint("dossiers", lambda s: s.dossier.pk),
    # Plans are the district's: the commune officer reads its district's plan, the neighbour's too.
    Endpoint("plans", lambda s: s.plan.pk, commune_reads=("own", "neighbour")),
    Endpoint("capital-lines", lambda s: s.line.pk),
]


def _list_keys(client, endpoint):
    response = client.get(endpoint.list_url())
    assert response.status_code == 200, (endpoint.name, response.content)
    return {row[endpoint.field] for row in response.json()["results"]}


def _sides_read(endpoint, role):
    if role == "outsider":
        return set()
    if role in ("district", "verifier"):
        return {"own", "neighbour"}
    if role == "commune":
        return set(endpoint.commune_reads)
    return set(SIDES)


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e.name)
def test_every_role_reads_its_area_and_nothing_else(objects, api, endpoint):
    failures = []
    keys = {side: endpoint.key(objects.side[side]) for side in SIDES}
    for role in [*ROLES, "outsider"]:
        client = api(role)
        expected_sides = _sides_read(endpoint, role) if role in endpoint.readers or role == "outsider" else set()
        listed = _list_keys(client, endpoint)
        for side in SIDES:
            if (keys[side] in listed) != (side in expected_sides):
                failures.append(
                    f"{role} list {endpoint.name}: {side} {'missing' if side in expected_sides else 'shown'}"
                )
            if endpoint.detail:
                status = client.get(endpoint.detail_url(keys[side])).status_code
                expected = 200 if side in expected_sides else 404
                if status != expected:
                    failures.append(f"{role} GET {endpoint.name} {side}: {status}, expected {expected}")
    assert failures == []


@pytest.mark.parametrize("endpoint", [e for e in ENDPOINTS if e.detail], ids=lambda e: e.name)
def test_outside_the_scope_is_404(objects, api, endpoint):
    away = endpoint.detail_url(endpoint.key(objects.side["away"]))
    for role in OUTSIDE_AWAY:
        assert api(role).get(away).status_code == 404, role
    assert api("admin").get(away).status_code == 200


def _all_urls(objects):
    urls = ["/api/v1/", "/api/v1/provinces/", "/api/v1/provinces/19/", "/api/v1/criteria-sets/"]
    urls += [f"/api/v1/criteria-sets/{objects.criteria_set.code}/", "/api/v1/schema/", "/api/v1/docs/"]
    urls += ["/api/v1/capital-by-source/?year=2024", "/api/v1/dhis2/dataValueSets/?year=2023"]
    for endpoint in ENDPOINTS:
        urls.append(endpoint.list_url())
        if endpoint.detail:
            urls.append(endpoint.detail_url(endpoint.key(objects.side["own"])))
    return urls


def test_anonymous_is_refused_everywhere(objects, api):
    refused = {url: api(None).get(url).status_code for url in _all_urls(objects)}
    assert {url: status for url, status in refused.items() if status not in (401, 403)} == {}
    # A token that does not exist is refused too (never treated as anonymous).
    client = api(None)
    client.credentials(HTTP_AUTHORIZATION="Bearer ntm_not-a-token")
    assert client.get("/api/v1/communes/").status_code == 401


def test_writes_are_refused(objects, api):
    """Read-only: every write method is refused (403 by the permission, before any view code runs) and nothing
    changes."""
    from communes.models import Commune

    client = api("admin")
    own = objects.side["own"]
    before = list(Commune.objects.order_by("pk").values_list())
    for url in [
        "/api/v1/communes/",
        f"/api/v1/communes/{own.commune.code}/",
        f"/api/v1/assessments/{own.assessment.pk}/",
    ]:
        for method in ("post", "put", "patch", "delete"):
            response = getattr(client, method)(url, {"name": "Xã Mới"}, format="json")
            assert response.status_code in (403, 405), (method, url)
    assert list(Commune.objects.order_by("pk").values_list()) == before
    assert client.options("/api/v1/communes/").status_code == 200
    assert client.head("/api/v1/communes/").status_code == 200


def test_provinces_and_criteria_sets(objects, api, world):
    from tests.communes.factories import ProvinceFactory

    ProvinceFactory(code="02", name="Tỉnh Hà Giang")
    for role in ROLES:
        client = api(role)
        codes = _list_keys(client, Endpoint("provinces", None, field="code"))
        assert codes == ({"02", "19"} if role == "admin" else {"19"}), role
        assert client.get("/api/v1/provinces/02/").status_code == (200 if role == "admin" else 404)
        # National reference data: the same for every signed-in user.
        detail = client.get(f"/api/v1/criteria-sets/{objects.criteria_set.code}/").json()
        assert [c["number"] for c in detail["criteria"]] == [1, 2]
        assert detail["criteria"][0]["indicators"][0]["targets"][0]["value"] == "80.0000"
    assert _list_keys(api("outsider"), Endpoint("provinces", None, field="code")) == set()
    assert api("admin").get("/api/v1/criteria-sets/NO-SUCH-SET/").status_code == 404


def test_filters_take_official_codes(objects, api):
    client = api("province")
    own = objects.side["own"]
    rows = client.get("/api/v1/communes/?district=173").json()["results"]
    assert {r["code"] for r in rows} == {"05797", "05800", "05803"}
    detail = client.get("/api/v1/communes/05797/").json()
    assert detail["predecessors"][0]["code"] == "05803"
    assert detail["predecessors"][0]["resolution"] == "1240/NQ-UBTVQH15"
    assert client.get("/api/v1/communes/05803/").json()["successors"][0]["code"] == "05797"
    rows = client.get("/api/v1/assessments/?commune=05797&year=2023").json()["results"]
    assert [r["id"] for r in rows] == [own.assessment.pk]
    rows = client.get("/api/v1/recognitions/?district=171").json()["results"]
    assert {r["unit_code"] for r in rows} == {"05650"}
    rows = client.get("/api/v1/revocations/?revoked_year=2023&commune=05800").json()["results"]
    assert [r["id"] for r in rows] == [objects.side["neighbour"].revocation.pk]
    rows = client.get("/api/v1/dossiers/?commune=05650&status=under_verification").json()["results"]
    assert [r["id"] for r in rows] == [objects.side["away"].dossier.pk]
    rows = client.get("/api/v1/capital-lines/?commune=05797&source=NSDP").json()["results"]
    assert [r["id"] for r in rows] == [own.line.pk]
    # A value the filter cannot read is a 400 naming the parameter, never a silent full list.
    response = client.get("/api/v1/assessments/?year=abc")
    assert response.status_code == 400 and "year" in response.json()


def test_ntm_communes_of_a_province_at_a_year_end(objects, api):
    """The documented example: communes holding NTM or higher on 31 December."""
    rows = api("viewer").get("/api/v1/standings/?year=2023&province=19&at_least=basic").json()["results"]
    # Each side's commune was recognised NTM in 2016; the advanced recognitions were revoked in 2023.
    assert sorted(r["commune"] for r in rows) == ["05650", "05797", "05800"]
    assert {r["level"] for r in rows} == {"basic"}
    rows = api("viewer").get("/api/v1/standings/?year=2022&province=19&at_least=advanced").json()["results"]
    assert sorted(r["commune"] for r in rows) == ["05650", "05797", "05800"]
    assert api("viewer").get("/api/v1/standings/").status_code == 400  # the year is required


def test_indicator_values_of_a_commune_for_a_year(objects, api):
    rows = api("commune").get("/api/v1/indicator-values/?commune=05797&year=2023").json()["results"]
    assert [(r["indicator"], r["value_number"], r["is_met"]) for r in rows] == [
        ("1.1", "90.0000", True),
        ("2.1", "70.0000", False),
    ]
    assert api("commune").get("/api/v1/indicator-values/?commune=05650&year=2023").json()["results"] == []


def test_assessment_detail_has_values_and_results(objects, api):
    data = api("commune").get(f"/api/v1/assessments/{objects.side['own'].assessment.pk}/").json()
    assert [(v["indicator"], v["is_met"]) for v in data["values"]] == [("1.1", True), ("2.1", False)]
    assert [(r["criterion"], r["is_met"]) for r in data["results"]] == [(1, True), (2, False)]
    assert data["results"][1]["reasons"]
    assert (data["criteria_met"], data["criteria_total"]) == (1, 2)


def test_plan_detail_counts_achieved_from_the_register(objects, api, world):
    from criteria.choices import StandardLevel
    from tests.api.conftest import recognise

    plan = objects.side["own"].plan
    recognise(world.pb[2], level=StandardLevel.BASIC, year=2024)
    data = api("district").get(f"/api/v1/plans/{plan.pk}/").json()
    assert data["progress"] == [
        {"kind": "ntm_communes", "label": "New NTM communes", "target": 3, "registered": 0, "achieved": 1}
    ]
    assert data["partial"] is False
    assert api("commune").get(f"/api/v1/plans/{plan.pk}/").json()["partial"] is True


def test_capital_by_source_and_dossier_events(objects, api):
    data = api("district").get("/api/v1/capital-by-source/?year=2024&district=173").json()
    nsdp = next(r for r in data["rows"] if r["source"] == "NSDP")
    assert (nsdp["planned"], data["planned"], data["area"]) == (2 * 10**9, 2 * 10**9, "173")
    assert api("district").get("/api/v1/capital-by-source/?year=2024&district=171").status_code == 404
    assert api("district").get("/api/v1/capital-by-source/").status_code == 400
    data = api("viewer").get("/api/v1/capital-by-source/?year=2024").json()
    assert data["planned"] == 3 * 10**9 and data["area"] is None


def test_dossier_detail_carries_events_but_no_people(objects, api, world):
    from verification.models import DossierEvent

    dossier = objects.side["own"].dossier
    DossierEvent.objects.create(
        dossier=dossier,
        action="verify",
        from_status="under_verification",
        to_status="verified",
        actor=world.users.verifier,
        comment="Ông Nguyễn Văn A, xóm Đồng, phản ánh",
    )
    data = api("viewer").get(f"/api/v1/dossiers/{dossier.pk}/").json()
    assert [(e["action"], e["to_status"]) for e in data["events"]] == [("verify", "verified")]
    body = str(data)
    assert "Nguyễn Văn A" not in body and "verifier" not in body


@pytest.mark.parametrize(
    "url",
    ["/api/v1/capital-by-source/?year=2024&commune={code}", "/api/v1/dhis2/dataValueSets/?year=2023&commune={code}"],
)
def test_area_endpoints_by_role(objects, api, url):
    """The endpoints that take an area by code: a unit outside the user's scope is 404, whatever the role."""
    failures = []
    commune_like = Endpoint("area", None)
    for role in [*ROLES, "outsider"]:
        client = api(role)
        for side in SIDES:
            status = client.get(url.format(code=objects.side[side].commune.code)).status_code
            expected = 200 if side in _sides_read(commune_like, role) else 404
            if status != expected:
                failures.append(f"{role} {side}: {status}, expected {expected}")
    assert failures == []


def test_malformed_keys_are_not_found(objects, api):
    client = api("admin")
    for url in ["/api/v1/assessments/abc/", "/api/v1/dossiers/1x/", "/api/v1/communes/nope/", "/api/v1/plans/-1/"]:
        assert client.get(url).status_code == 404, url
    assert client.get("/api/v1/recognitions/?cursor=garbage").status_code == 404
