"""Open data: the register of recognitions and revocations and the year-end figures per province, as CSV and JSON
at a stable URL per year, without login; cached, with the licence; nothing from dossiers (drafts or in progress),
assessments, residents' comments or users."""

import csv
import datetime
import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from criteria.choices import StandardLevel, SubjectKind
from monitoring.models import PublicComment
from register.models import Recognition
from tests.api.conftest import recognise
from verification.choices import DossierStatus

pytestmark = pytest.mark.django_db


def _csv(response):
    text = response.content.decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[-1].startswith("# Licence: ")
    return list(csv.DictReader(io.StringIO("\n".join(lines[:-1]))))


def test_recognitions_of_a_year_as_csv_and_json(objects, api, world):
    recognise(world.pb[2], level=StandardLevel.MODEL, year=2016, day=datetime.date(2016, 11, 3))
    Recognition.objects.create(
        subject_kind=SubjectKind.DISTRICT,
        district=world.dai_tu,
        level=StandardLevel.BASIC,
        year=2016,
        decision_number="99/QĐ-TTg",
        decision_date=datetime.date(2016, 12, 30),
        issuing_body="Thủ tướng Chính phủ",
    )
    response = api(None).get("/open-data/2016/recognitions.csv")
    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'rel="license"' in response["Link"]
    rows = _csv(response)
    assert [(r["unit_code"], r["level"], r["decision_date"]) for r in rows] == [
        ("05803", "model", "2016-11-03"),
        ("05650", "basic", "2016-12-01"),
        ("05797", "basic", "2016-12-01"),
        ("05800", "basic", "2016-12-01"),
        ("171", "basic", "2016-12-30"),
    ]
    assert rows[0] == {
        "subject_kind": "commune",
        "unit_code": "05803",
        "unit_name": "Xã Bảo Lý",
        "commune_code": "05803",
        "district_code": "173",
        "province_code": "19",
        "level": "model",
        "year_recognised_for": "2016",
        "decision_number": "05803/QĐ-UBND",
        "decision_date": "2016-11-03",
        "issuing_body": "UBND tỉnh Thái Nguyên",
    }
    assert rows[-1]["commune_code"] == "" and rows[-1]["issuing_body"] == "Thủ tướng Chính phủ"
    document = api(None).get("/open-data/2016/recognitions.json").json()
    assert document["licence"].startswith("Licence: ") and document["year"] == 2016
    assert [r["unit_code"] for r in document["rows"]] == [r["unit_code"] for r in rows]


def test_revocations_and_province_figures(objects, api):
    rows = _csv(api(None).get("/open-data/2023/revocations.csv"))
    assert [(r["unit_code"], r["level"], r["revocation_decision"], r["revoked_on"]) for r in rows] == [
        ("05650", "advanced", "R05650/QĐ-UBND", "2023-06-01"),
        ("05797", "advanced", "R05797/QĐ-UBND", "2023-06-01"),
        ("05800", "advanced", "R05800/QĐ-UBND", "2023-06-01"),
    ]
    # On 31 December 2022 the three communes still held the advanced standard; on 31 December 2023 only NTM.
    figures = api(None).get("/open-data/2022/provinces.json").json()["rows"]
    assert figures == [
        {
            "year": 2022,
            "province_code": "19",
            "province_name": "Tỉnh Thái Nguyên",
            "communes": 5,
            "ntm_communes": 3,
            "advanced_communes": 3,
            "model_communes": 0,
            "ntm_share_percent": 60.0,
            "districts": 2,
            "districts_recognised": 0,
        }
    ]
    rows = _csv(api(None).get("/open-data/2023/provinces.csv"))
    assert (rows[0]["ntm_communes"], rows[0]["advanced_communes"]) == ("3", "0")


def test_nothing_from_drafts_assessments_comments_or_people(objects, api, make_dossier, world):
    make_dossier(DossierStatus.DRAFT, commune=world.pb[2], ready=False, decision_number="NHAP-01/QĐ")
    consultation = make_dossier(
        DossierStatus.PUBLIC_CONSULTATION,
        commune=world.dt[1],
        ready=False,
        consultation_started_on=timezone.localdate(),
    )
    PublicComment.objects.create(dossier=consultation, text="Ông Trần Văn B phản ánh đường hỏng")
    bodies = "".join(
        api(None).get(f"/open-data/{year}/{name}.{fmt}").content.decode("utf-8-sig")
        for year in (2016, 2020, 2023, 2024)
        for name in ("recognitions", "revocations", "provinces")
        for fmt in ("csv", "json")
    )
    for secret in [
        "NHAP-01",
        "Trần Văn B",
        "Tiêu chí 17 không còn đạt",  # the revocation's reasoning stays in the authenticated API
        "TEST-SIMPLE",  # assessments
        "verifier",
        "commune@",
        "draft",
        "public_consultation",
    ]:
        assert secret not in bodies, secret


def test_text_that_could_run_as_a_formula_is_escaped(objects, api, world):
    recognise(world.pb[2], year=2016, issuing_body='=HYPERLINK("http://x")')
    rows = _csv(api(None).get("/open-data/2016/recognitions.csv"))
    assert any(r["issuing_body"] == '\'=HYPERLINK("http://x")' for r in rows)


def test_files_are_cached_until_the_register_changes(objects, api, world):
    client = api(None)
    first = client.get("/open-data/2016/recognitions.json").json()
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/open-data/2016/recognitions.json").json() == first
    assert not any("verification_recognition" in q["sql"] for q in captured.captured_queries)
    assert client.get("/open-data/2016/recognitions.json")["Cache-Control"] == "public, max-age=300"
    recognise(world.pb[2], year=2016)  # a write moves the generation on: the next read is fresh
    assert len(client.get("/open-data/2016/recognitions.json").json()["rows"]) == len(first["rows"]) + 1


def test_stable_urls_and_unknown_files(objects, api):
    index = api(None).get("/open-data/").json()
    assert index["files"]["2023"]["recognitions.csv"] == "http://testserver/open-data/2023/recognitions.csv"
    assert api(None).get("/open-data/1999/recognitions.csv").status_code == 404
    assert api(None).get("/open-data/2999/recognitions.csv").status_code == 404
    assert api(None).get("/open-data/2023/dossiers.csv").status_code == 404
    assert api(None).get("/open-data/2023/recognitions.xml").status_code == 404
    # Read-only for everyone.
    assert api(None).post("/open-data/2023/recognitions.csv").status_code == 405


def test_dhis2_data_value_set(objects, api, world):
    data = api("district").get("/api/v1/dhis2/dataValueSets/?year=2023&district=173").json()
    assert data["dataSet"] == objects.criteria_set.code and data["period"] == "2023"
    assert data["dataValues"] == [
        {"dataElement": "1.1", "period": "2023", "orgUnit": "05797", "value": "90"},
        {"dataElement": "2.1", "period": "2023", "orgUnit": "05797", "value": "70"},
        {"dataElement": "1.1", "period": "2023", "orgUnit": "05800", "value": "90"},
        {"dataElement": "2.1", "period": "2023", "orgUnit": "05800", "value": "70"},
    ]
    # The user's scope: the district officer's whole area is Phú Bình; Đại Từ is outside it.
    everything = api("district").get("/api/v1/dhis2/dataValueSets/?year=2023").json()
    assert {v["orgUnit"] for v in everything["dataValues"]} == {"05797", "05800"}
    assert api("district").get("/api/v1/dhis2/dataValueSets/?year=2023&commune=05650").status_code == 404
    assert api("commune").get("/api/v1/dhis2/dataValueSets/?year=2023&district=173").status_code == 404
    assert api("province").get("/api/v1/dhis2/dataValueSets/?year=2023&level=advanced").json()["dataValues"] == []
    response = api("province").get("/api/v1/dhis2/dataValueSets/")
    assert response.status_code == 400 and "year" in response.json()
    # DHIS2 reads yes/no as booleans and numbers without trailing zeros.
    from decimal import Decimal

    from api.selectors import _value

    assert (_value(Decimal("52.5000"), None, ""), _value(None, True, ""), _value(None, None, "Đạt")) == (
        "52.5",
        "true",
        "Đạt",
    )
    json.dumps(data)
