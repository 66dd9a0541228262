"""Issue 13: revocation under Decision 18/2022. The criteria ground (30–50 % unmet with a key criterion, or 50 % or
more), a district's communes ground (30 % or more revoked), model communes judged against the advanced set, and the
district revocation-risk list (scope, query count)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from criteria import selectors as criteria_selectors
from criteria.choices import StandardLevel, SubjectKind
from criteria.models import Assessment
from register import rules
from register.models import Recognition
from register.selectors import district_revocation_risk, revocation_grounds
from tests.communes.factories import CommuneFactory, DistrictFactory
from tests.criteria.factories import simple_set

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2025, 6, 1)


@pytest.mark.parametrize(
    ("total", "unmet", "key", "found"),
    [
        (19, 0, 0, False),
        (19, 5, 1, False),  # 26 %: below 30 %
        (19, 6, 0, False),  # 32 % without a key criterion
        (19, 6, 1, True),  # 32 % with a key criterion
        (19, 9, 0, False),  # 47 % without a key criterion
        (19, 10, 0, True),  # 53 %: 50 % or more
        (9, 3, 1, True),  # a district: 33 % with a key criterion
        (9, 2, 2, False),  # 22 %
        (0, 0, 0, False),
    ],
)
def test_criteria_ground(total, unmet, key, found):
    assert (rules.criteria_ground(total=total, unmet=unmet, key_unmet=key) is not None) is found


@pytest.mark.parametrize(("total", "revoked", "found"), [(10, 3, True), (10, 2, False), (3, 1, True), (0, 0, False)])
def test_communes_ground(total, revoked, found):
    assert (rules.communes_ground(total=total, revoked=revoked) is not None) is found


def _recognise(unit, level=StandardLevel.BASIC, year=2018, revoked_on=None, kind=SubjectKind.COMMUNE):
    field = "district" if kind == SubjectKind.DISTRICT else "commune"
    return Recognition.objects.create(
        subject_kind=kind,
        level=level,
        year=year,
        decision_number=f"{unit.code}/{level}",
        decision_date=datetime.date(year, 12, 1),
        revoked_on=revoked_on,
        **{field: unit},
    )


def test_district_ground_from_its_communes(world):
    _recognise(world.phu_binh, kind=SubjectKind.DISTRICT, year=2022)
    for commune in world.pb:
        _recognise(commune)
    grounds = revocation_grounds(
        subject_kind=SubjectKind.DISTRICT, commune=None, district=world.phu_binh, level="basic", on=TODAY
    )
    assert grounds[0] is False and "0 of 3" in grounds[1][0]
    Recognition.objects.filter(commune=world.pb[0]).update(revoked_on=datetime.date(2024, 1, 1))
    found, reasons = revocation_grounds(
        subject_kind=SubjectKind.DISTRICT, commune=None, district=world.phu_binh, level="basic", on=TODAY
    )
    assert found and "1 of 3" in reasons[0]
    # Recognised again later: it no longer counts as lost.
    _recognise(world.pb[0], year=2024)
    found, _reasons = revocation_grounds(
        subject_kind=SubjectKind.DISTRICT, commune=None, district=world.phu_binh, level="basic", on=TODAY
    )
    assert not found


def test_commune_ground_from_its_scorecard_and_model_against_advanced(world, settings):
    advanced = simple_set(code="ADV", level=StandardLevel.ADVANCED, n_criteria=10)
    model = simple_set(code="MOD", level=StandardLevel.MODEL, n_criteria=10)
    commune = world.pb[1]
    found, reasons = revocation_grounds(
        subject_kind=SubjectKind.COMMUNE, commune=commune, district=None, level="model", on=TODAY
    )
    assert not found and "Advanced" in reasons[0]  # judged against the advanced set: none yet
    Assessment.objects.create(
        commune=commune, year=2025, criteria_set=model, criteria_met=2, criteria_total=10, key_criteria_unmet=0
    )
    assert not revocation_grounds(
        subject_kind=SubjectKind.COMMUNE, commune=commune, district=None, level="model", on=TODAY
    )[0]  # the model set's scorecard is not what a model commune is judged against
    Assessment.objects.create(
        commune=commune, year=2025, criteria_set=advanced, criteria_met=6, criteria_total=10, key_criteria_unmet=1
    )
    found, reasons = revocation_grounds(
        subject_kind=SubjectKind.COMMUNE, commune=commune, district=None, level="model", on=TODAY
    )
    assert found and "4 of 10" in reasons[0]
    settings.NTM_REVOCATION_JUDGED_AGAINST = {**settings.NTM_REVOCATION_JUDGED_AGAINST, "model": "model"}
    found, reasons = revocation_grounds(
        subject_kind=SubjectKind.COMMUNE, commune=commune, district=None, level="model", on=TODAY
    )
    assert found and "8 of 10" in reasons[0]


def test_risk_list_judges_model_communes_against_the_advanced_set(world):
    advanced = simple_set(code="ADV", level=StandardLevel.ADVANCED, n_criteria=10)
    model = simple_set(code="MOD", level=StandardLevel.MODEL, n_criteria=10)
    commune = world.pb[1]
    _recognise(commune, StandardLevel.MODEL, 2023)
    on_advanced = Assessment.objects.create(
        commune=commune, year=2025, criteria_set=advanced, criteria_met=4, criteria_total=10, key_criteria_unmet=1
    )
    on_model = Assessment.objects.create(
        commune=commune, year=2025, criteria_set=model, criteria_met=4, criteria_total=10, key_criteria_unmet=1
    )
    flagged = {
        a.pk: a.is_recognised for a in criteria_selectors.revocation_risk_list(user=world.users.province, year=2025)
    }
    assert flagged == {on_advanced.pk: True, on_model.pk: False}


def test_district_risk_list(world):
    _recognise(world.phu_binh, kind=SubjectKind.DISTRICT, year=2022)
    _recognise(world.dai_tu, kind=SubjectKind.DISTRICT, year=2023)
    for commune in world.communes:
        _recognise(commune)
    Recognition.objects.filter(commune=world.dt[0]).update(revoked_on=datetime.date(2024, 5, 1))
    rows = list(district_revocation_risk(user=world.users.province, on=TODAY))
    assert [(r.district, r.communes_total, r.communes_revoked, r.at_risk) for r in rows] == [
        (world.dai_tu, 2, 1, True),
        (world.phu_binh, 3, 0, False),
    ]
    assert [r.district for r in district_revocation_risk(user=world.users.district, on=TODAY)] == [world.phu_binh]
    assert list(district_revocation_risk(user=world.users.outsider, on=TODAY)) == []
    assert [
        r.district for r in district_revocation_risk(user=world.users.province, on=datetime.date(2022, 12, 31))
    ] == [world.phu_binh]


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response


def test_district_risk_page_scope_and_query_count(client, world):
    url = reverse("verification:district_risk")
    client.force_login(world.users.province)

    def add(n):
        for _i in range(n):
            district = DistrictFactory(province=world.province)
            _recognise(district, kind=SubjectKind.DISTRICT, year=2022)
            _recognise(CommuneFactory(district=district), revoked_on=datetime.date(2023, 1, 1))

    add(3)
    small, _response = _count(client, url)
    add(27)
    large, response = _count(client, url)
    assert response.context["page_obj"].paginator.count == 30 and small == large
    assert 'id="district-risk-table"' in response.content.decode()
    assert client.get(url + "?export=xlsx").status_code == 200
