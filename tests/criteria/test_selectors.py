import datetime
from decimal import Decimal

import pytest
from django.utils import translation

from criteria import evaluation, selectors
from criteria.choices import StandardLevel
from criteria.models import Assessment
from register.models import Recognition

from .conftest import assess
from .factories import simple_set

pytestmark = pytest.mark.django_db


def _stored(commune, criteria_set, met, total, key_unmet, year=2023):
    return Assessment.objects.create(
        commune=commune,
        year=year,
        criteria_set=criteria_set,
        criteria_met=met,
        criteria_total=total,
        key_criteria_unmet=key_unmet,
        is_all_met=met == total,
    )


@pytest.mark.parametrize(
    ("met", "key_unmet", "risk"),
    [(19, 0, False), (14, 1, False), (13, 0, False), (13, 1, True), (10, 0, False), (9, 0, True)],
)
def test_risk_list_applies_the_18_2022_rule_in_sql(world, small_set, met, key_unmet, risk):
    a = _stored(world.pb[0], small_set, met, 19, key_unmet)
    listed = list(selectors.revocation_risk_list(user=world.users.province, year=2023))
    assert (a in listed) is risk
    assert evaluation.is_revocation_risk(criteria_total=19, criteria_met=met, key_criteria_unmet=key_unmet) is risk


def test_risk_list_is_scoped_and_flags_recognised_communes(world, small_set):
    inside = _stored(world.pb[1], small_set, 9, 19, 2)
    outside = _stored(world.dt[0], small_set, 5, 19, 2)
    Recognition.objects.create(
        subject_kind="commune",
        commune=world.pb[1],
        level=StandardLevel.BASIC,
        year=2020,
        decision_number="123/QĐ-UBND",
        decision_date=datetime.date(2020, 12, 30),
    )
    rows = list(selectors.revocation_risk_list(user=world.users.district, year=2023))
    assert rows == [inside] and rows[0].is_recognised
    assert set(selectors.revocation_risk_list(user=world.users.province, year=2023)) == {inside, outside}
    assert not list(selectors.revocation_risk_list(user=world.users.outsider, year=2023))
    assert not list(selectors.revocation_risk_list(user=world.users.province, year=2022))


def test_latest_assessment_by_level_and_year(world, small_set):
    advanced = simple_set(code="TEST-ADV", level=StandardLevel.ADVANCED)
    a2022 = _stored(world.pb[0], small_set, 2, 3, 0, year=2022)
    a2023 = _stored(world.pb[0], small_set, 3, 3, 0, year=2023)
    adv = _stored(world.pb[0], advanced, 1, 3, 0, year=2023)
    assert selectors.latest_assessment(commune=world.pb[0], level=StandardLevel.BASIC) == a2023
    assert selectors.latest_assessment(commune=world.pb[0], level=StandardLevel.BASIC, year=2022) == a2022
    assert selectors.latest_assessment(commune=world.pb[0], level=StandardLevel.ADVANCED) == adv
    assert selectors.latest_assessment(commune=world.pb[0], level=StandardLevel.MODEL) is None
    assert selectors.latest_assessment(commune=world.pb[1], level=StandardLevel.BASIC) is None
    assert selectors.level_reached([a2023, adv]) == StandardLevel.BASIC


def test_unmet_reasons_empty_when_all_met(world, small_set):
    a = assess(world.pb[0], small_set, {"1.1": Decimal(90), "2.1": Decimal(72), "3.1": Decimal(95)})
    with translation.override("en"):
        assert selectors.assessment_unmet_reasons(assessment=a) == ["2.1: 72% < 80% required"]
    a = assess(world.pb[0], small_set, {"2.1": Decimal(80)})
    assert selectors.assessment_unmet_reasons(assessment=a) == []


def test_met_summary_counts_in_sql(world, small_set, django_assert_num_queries):
    _stored(world.pb[0], small_set, 19, 19, 0)
    _stored(world.pb[1], small_set, 17, 19, 0)
    _stored(world.pb[2], small_set, 12, 19, 1)
    _stored(world.dt[0], small_set, 5, 19, 1)
    with django_assert_num_queries(2):  # scope lookup + one aggregate
        summary = selectors.met_summary(user=world.users.district, year=2023)
    assert summary["assessed"] == 3 and summary["all_met"] == 1
    assert (summary["met_15_plus"], summary["met_10_14"], summary["met_below_10"]) == (1, 1, 0)
