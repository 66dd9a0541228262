"""criteria.evaluation: every value type and comparison, regional / group / yearly targets, the revocation rule."""

from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import translation

from criteria import evaluation
from criteria.choices import Comparator, ValueType

REGION_N = SimpleNamespace(name="Trung du và miền núi phía Bắc")


def ind(value_type, comparator, code="17.1", unit="%"):
    return SimpleNamespace(pk=1, code=code, value_type=value_type, comparator=comparator, unit=unit)


def target(value=None, text="", region_id=None, group=None, year_from=None, year_to=None, region=None):
    t = SimpleNamespace(
        value=None if value is None else Decimal(str(value)),
        text_value=text,
        region_id=region_id,
        region=region,
        commune_group=group,
        year_from=year_from,
        year_to=year_to,
    )
    t.covers_year = lambda y: (year_from is None or year_from <= y) and (year_to is None or y <= year_to)
    return t


def val(number=None, boolean=None, text=""):
    return SimpleNamespace(
        value_number=None if number is None else Decimal(str(number)), value_bool=boolean, value_text=text
    )


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.mark.parametrize(
    ("value_type", "comparator", "goal", "value", "met"),
    [
        (ValueType.PERCENT, Comparator.GTE, 85, val(85), True),
        (ValueType.PERCENT, Comparator.GTE, 85, val("84.9"), False),
        (ValueType.PERCENT, Comparator.LTE, 24, val(24), True),
        (ValueType.PERCENT, Comparator.LTE, 24, val("24.1"), False),
        (ValueType.PERCENT, Comparator.EQ, 100, val(100), True),
        (ValueType.PERCENT, Comparator.EQ, 100, val(99), False),
        (ValueType.AMOUNT, Comparator.GTE, 39, val("39.5"), True),
        (ValueType.AMOUNT, Comparator.GTE, 39, val(38), False),
        (ValueType.AMOUNT, Comparator.LTE, 1500000, val(1500000), True),
        (ValueType.COUNT, Comparator.GTE, 1, val(1), True),
        (ValueType.COUNT, Comparator.GTE, 1, val(0), False),
        (ValueType.COUNT, Comparator.LTE, 0, val(0), True),
        (ValueType.COUNT, Comparator.LTE, 0, val(3), False),
        (ValueType.COUNT, Comparator.EQ, 2, val(2), True),
        (ValueType.BOOL, Comparator.MET, None, val(boolean=True), True),
        (ValueType.BOOL, Comparator.MET, None, val(boolean=False), False),
        (ValueType.BOOL, Comparator.EQ, 0, val(boolean=False), True),
        (ValueType.BOOL, Comparator.EQ, 0, val(boolean=True), False),
        (ValueType.TEXT, Comparator.MET, None, val(text="Giáo dục"), True),
        (ValueType.TEXT, Comparator.MET, None, val(text="  "), False),
    ],
)
def test_value_types_and_comparisons(value_type, comparator, goal, value, met):
    outcome = evaluation.evaluate_indicator(
        ind(value_type, comparator), target(goal) if goal is not None else None, value, year=2023
    )
    assert outcome.is_met is met
    assert (outcome.detail is None) is met


def test_text_equal_ignores_case_and_diacritics():
    i = ind(ValueType.TEXT, Comparator.EQ)
    assert evaluation.evaluate_indicator(i, target(text="Đạt chuẩn"), val(text="dat chuan"), year=2023).is_met
    out = evaluation.evaluate_indicator(i, target(text="Đạt chuẩn"), val(text="chưa"), year=2023)
    assert not out.is_met and evaluation.format_reason(out.detail) == "17.1: chưa instead of Đạt chuẩn required"


@pytest.mark.parametrize("value_type", [ValueType.PERCENT, ValueType.BOOL, ValueType.TEXT, ValueType.COUNT])
def test_missing_value_is_not_met_with_a_reason(value_type):
    comparator = Comparator.MET if value_type in (ValueType.BOOL, ValueType.TEXT) else Comparator.GTE
    out = evaluation.evaluate_indicator(ind(value_type, comparator), target(1), None, year=2023)
    assert not out.is_met
    assert evaluation.format_reason(out.detail) == "17.1: no value entered"


def test_numeric_indicator_without_target_is_not_met():
    out = evaluation.evaluate_indicator(ind(ValueType.PERCENT, Comparator.GTE), None, val(99), year=2023)
    assert not out.is_met
    assert evaluation.format_reason(out.detail) == "17.1: no target set for 2023"


def test_regional_target_beats_the_general_one_and_says_so():
    general, north, delta = target(90), target(85, region_id=1, region=REGION_N), target(95, region_id=2)
    targets = [general, north, delta]
    assert evaluation.target_for(targets, year=2023, region_id=1, commune_group=None) is north
    assert evaluation.target_for(targets, year=2023, region_id=2, commune_group=None) is delta
    assert evaluation.target_for(targets, year=2023, region_id=7, commune_group=None) is general
    assert evaluation.target_for(targets, year=2023, region_id=None, commune_group=None) is general
    out = evaluation.evaluate_indicator(ind(ValueType.PERCENT, Comparator.GTE), north, val(72), year=2023)
    assert (
        evaluation.format_reason(out.detail) == "17.1: 72% < 85% required in the Trung du và miền núi phía Bắc region"
    )
    assert evaluation.format_gap(out.detail) == "13 percentage points short"
    # The same 72% meets nothing in the delta but 88% meets the north and not the general target.
    assert evaluation.evaluate_indicator(ind(ValueType.PERCENT, Comparator.GTE), north, val(88), year=2023).is_met
    assert not evaluation.evaluate_indicator(ind(ValueType.PERCENT, Comparator.GTE), general, val(88), year=2023).is_met


def test_commune_group_targets_and_year_limited_targets():
    g1, g3, general = target(90, group=1), target(60, group=3), target(75)
    assert evaluation.target_for([g1, g3, general], year=2027, region_id=1, commune_group=3) is g3
    assert evaluation.target_for([g1, g3, general], year=2027, region_id=1, commune_group=2) is general
    out = evaluation.evaluate_indicator(
        ind(ValueType.AMOUNT, Comparator.GTE, "3.1", "triệu đồng"), g3, val(50), year=2027
    )
    assert evaluation.format_reason(out.detail) == "3.1: 50 triệu đồng < 60 triệu đồng required for commune group 3"
    early, late, always = target(36, year_to=2021), target(39, year_from=2022), target(45)
    assert evaluation.target_for([early, late, always], year=2021, region_id=None, commune_group=None) is early
    assert evaluation.target_for([early, late, always], year=2024, region_id=None, commune_group=None) is late


def test_upper_limit_reason_and_vietnamese_numbers():
    out = evaluation.evaluate_indicator(
        ind(ValueType.PERCENT, Comparator.LTE, "15.3"), target("24"), val("26.5"), year=2023
    )
    assert evaluation.format_reason(out.detail) == "15.3: 26.5% > 24% allowed at most"
    with translation.override("vi"):
        assert "26,5%" in evaluation.format_reason(out.detail)


def test_criterion_met_only_when_all_indicators_are():
    criteria = [
        SimpleNamespace(pk=10, code="C1", is_revocation_key=True),
        SimpleNamespace(pk=11, code="C2", is_revocation_key=False),
    ]
    i1 = SimpleNamespace(pk=1, code="1.1", value_type=ValueType.BOOL, comparator=Comparator.MET, unit="")
    i2 = SimpleNamespace(pk=2, code="1.2", value_type=ValueType.PERCENT, comparator=Comparator.GTE, unit="%")
    i3 = SimpleNamespace(pk=3, code="2.1", value_type=ValueType.BOOL, comparator=Comparator.MET, unit="")
    outcome = evaluation.evaluate(
        criteria=criteria,
        indicators_by_criterion={10: [i1, i2], 11: [i3]},
        targets_by_indicator={2: [target(80)]},
        values_by_indicator={1: val(boolean=True), 2: val(79), 3: val(boolean=True)},
        year=2023,
        region_id=None,
        commune_group=None,
    )
    assert [c.is_met for c in outcome.criteria] == [False, True]
    assert (outcome.criteria_met, outcome.criteria_total, outcome.key_criteria_unmet) == (1, 2, 1)
    assert not outcome.is_all_met
    assert [d["code"] for d in outcome.criteria[0].details] == ["1.2"]


@pytest.mark.parametrize(
    ("total", "met", "key_unmet", "risk"),
    [
        (19, 19, 0, False),
        (19, 14, 1, False),  # 5 unmet = 26%: below 30% even with a key criterion
        (19, 13, 0, False),  # 6 unmet = 31.6% but no key criterion
        (19, 13, 1, True),  # 31.6% including a key criterion
        (19, 10, 0, False),  # 9 unmet = 47%: no key criterion
        (19, 9, 0, True),  # 10 unmet = 52.6%: at risk whatever they are
        (10, 7, 1, True),  # exactly 30%
        (10, 5, 0, True),  # exactly 50%
        (0, 0, 0, False),
    ],
)
def test_revocation_rule(total, met, key_unmet, risk):
    assert evaluation.is_revocation_risk(criteria_total=total, criteria_met=met, key_criteria_unmet=key_unmet) is risk
