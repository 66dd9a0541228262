"""The criteria demo matches the published Thái Nguyên figures and loads twice without duplicating."""

import io
import json

import pytest

from communes.models import Commune, District, Province
from criteria import demo
from criteria.choices import StandardLevel
from criteria.models import Assessment, IndicatorValue
from criteria.selectors import assessment_unmet_reasons, revocation_risk_list
from tests.offices.factories import UserFactory


def test_demo_levels_match_the_published_counts():
    levels = demo.demo_levels()
    assert len(levels) == 126
    values = list(levels.values())
    assert sum(v is not None for v in values) == 118
    assert sum(v in (StandardLevel.ADVANCED, StandardLevel.MODEL) for v in values) == 33
    assert values.count(StandardLevel.MODEL) == 10
    assert levels["05917"] is None
    assert demo.demo_levels() == levels  # deterministic
    met = demo.demo_basic_met()
    assert met["05917"] == 17
    assert set(met) == {c for c, v in levels.items() if v is None}
    assert all(12 <= n <= 18 for n in met.values())


def _load_units():
    data = json.loads(demo.DATA_FILE.read_text(encoding="utf-8"))["provinces"][0]
    province = Province.objects.create(code=data["code"], name=data["name"], has_district_tier=True)
    for d in data["districts"]:
        district = District.objects.create(code=d["code"], name=d["name"], unit_type=d["unit_type"], province=province)
        Commune.objects.bulk_create(
            Commune(
                code=c["code"],
                name=c["name"],
                search_name=c["name"].lower(),
                unit_type=c["unit_type"],
                province=province,
                district=district,
            )
            for c in d["communes"]
        )
    return province


@pytest.mark.django_db
def test_demo_assessments_are_consistent_and_idempotent(django_assert_max_num_queries):
    _load_units()
    out = io.StringIO()
    with django_assert_max_num_queries(1500):  # bulk: not one query per value
        demo.load(stdout=out)
    basic = Assessment.objects.filter(year=2023, criteria_set__code="XA-NTM-2021")
    assert basic.count() == 126
    assert basic.filter(is_all_met=True).count() == 118
    assert Assessment.objects.filter(year=2023, criteria_set__code="XA-NC-2021", is_all_met=True).count() == 33
    assert Assessment.objects.filter(year=2023, criteria_set__code="XA-KM-2021", is_all_met=True).count() == 10
    tan_khanh = basic.get(commune__code="05917")
    assert (tan_khanh.criteria_met, tan_khanh.criteria_total) == (17, 19)
    reasons = assessment_unmet_reasons(assessment=tan_khanh)
    assert any(r.startswith("17.1: 72%") and "Trung du và miền núi phía Bắc" in r for r in reasons), reasons
    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    assert revocation_risk_list(user=admin, year=2023).filter(criteria_met=12).exists()

    counts = (Assessment.objects.count(), IndicatorValue.objects.count())
    demo.load(stdout=io.StringIO())
    assert (Assessment.objects.count(), IndicatorValue.objects.count()) == counts
