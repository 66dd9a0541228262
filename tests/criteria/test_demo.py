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
    assert levels["05917"] == StandardLevel.BASIC  # Tân Khánh: NTM like all of Phú Bình, not advanced yet
    assert demo.demo_levels() == levels  # deterministic
    # The xã not yet NTM all lie in the three district-level units not recognised at the end of 2023.
    by_district = demo._xa_by_district()
    not_ntm = {c for c, v in levels.items() if v is None}
    assert not_ntm <= {c for d in demo.UNRECOGNISED_DISTRICTS for c in by_district[d]}
    assert all(levels[c] is not None for c in by_district["173"])
    met = demo.demo_basic_met()
    assert set(met) == not_ntm
    assert all(12 <= n <= 18 for n in met.values()) and 12 in met.values()


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
    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    assert revocation_risk_list(user=admin, year=2023).filter(criteria_met=12).exists()

    # Xã Tân Khánh: NTM in 2023 (all basic criteria met, no advanced scorecard); in 2024 all basic criteria, and
    # 17 of 19 advanced ones, the first indicators of criteria 14 and 17 well short of their targets.
    tan_khanh = Assessment.objects.filter(commune__code="05917")
    assert set(tan_khanh.values_list("year", "criteria_set__code", "is_all_met")) == {
        (2023, "XA-NTM-2021", True),
        (2024, "XA-NTM-2021", True),
        (2024, "XA-NC-2021", False),
    }
    advanced = tan_khanh.get(year=2024, criteria_set__code="XA-NC-2021")
    assert (advanced.criteria_met, advanced.criteria_total) == (17, 19)
    reasons = assessment_unmet_reasons(assessment=advanced)
    assert [r.split(":")[0] for r in reasons] == ["14.1", "17.1"], reasons
    assert reasons[0].startswith("14.1: 86%") and reasons[1].startswith("17.1: 82%"), reasons
    assert all("Trung du và miền núi phía Bắc" in r for r in reasons), reasons
    assert not Assessment.objects.filter(year=2024).exclude(commune__code="05917").exists()

    # Scorecards other demos ask for: all met, up to the level asked, created once.
    communes = {c.code: c for c in Commune.objects.filter(code__in=["05590", "05917"])}
    wanted = [(communes["05590"], StandardLevel.MODEL), (communes["05917"], StandardLevel.ADVANCED)]
    assert demo.scorecards_ensure(wanted=wanted, year=2024) == 3  # Tân Khánh's two 2024 scorecards are kept
    made = Assessment.objects.filter(year=2024, commune__code="05590")
    assert sorted(made.values_list("criteria_set__level", "is_all_met")) == [
        ("advanced", True),
        ("basic", True),
        ("model", True),
    ]
    assert not Assessment.objects.get(pk=advanced.pk).is_all_met
    assert demo.scorecards_ensure(wanted=wanted, year=2024) == 0

    counts = (Assessment.objects.count(), IndicatorValue.objects.count())
    demo.load(stdout=io.StringIO())
    assert (Assessment.objects.count(), IndicatorValue.objects.count()) == counts
