import json

import pytest

from criteria.choices import StandardLevel, SubjectKind, TargetScheme
from criteria.loader import CriteriaDataError, load_criteria
from criteria.models import CriteriaSet, Criterion, Indicator, IndicatorTarget

pytestmark = pytest.mark.django_db


def _counts():
    return [m.objects.count() for m in (CriteriaSet, Criterion, Indicator, IndicatorTarget)]


def test_loads_every_set_and_is_idempotent(world):
    summary = load_criteria()
    first = _counts()
    sets = {s.code: s for s in CriteriaSet.objects.all()}
    basic = sets["XA-NTM-2021"]
    assert basic.criteria.count() == 19
    assert basic.groups.count() == 5
    assert Indicator.objects.filter(criterion__criteria_set=basic).count() >= 50
    assert set(basic.criteria.filter(is_revocation_key=True).values_list("number", flat=True)) == {10, 17, 19}
    advanced = sets["XA-NC-2021"]
    assert advanced.level == StandardLevel.ADVANCED
    assert list(advanced.criteria.values_list("code", flat=True)) == [f"NC{n:02d}" for n in range(1, 20)]
    assert all(c.indicators.exists() for c in advanced.criteria.all())
    assert sets["XA-KM-2021"].criteria.count() == 4
    assert sets["HUYEN-NTM-2021"].criteria.count() == 9
    assert sets["HUYEN-NTM-2021"].subject == SubjectKind.DISTRICT
    hamlet = sets["XOM-KM-19"]
    assert hamlet.subject == SubjectKind.HAMLET and hamlet.province == world.province and hamlet.criteria.count() == 10
    new = sets["XA-NTM-2026"]
    assert new.criteria.count() == 10 and new.target_scheme == TargetScheme.COMMUNE_GROUP
    assert IndicatorTarget.objects.filter(indicator__criterion__criteria_set=new, commune_group=3).exists()
    # Unknown targets are flagged provisional; verified ones are not.
    assert IndicatorTarget.objects.filter(is_provisional=True).exists()
    stunting = IndicatorTarget.objects.get(
        indicator__criterion__criteria_set=basic, indicator__code="15.3", region__code="TDMNPB"
    )
    assert stunting.value == 24 and not stunting.is_provisional
    assert "XA-NTM-2021" in summary.sets

    again = load_criteria()
    assert _counts() == first
    assert not again.created


def test_admin_edits_survive_a_reload(world):
    load_criteria()
    target = IndicatorTarget.objects.get(
        indicator__criterion__criteria_set__code="XA-NTM-2021", indicator__code="17.1", region__code="TDMNPB"
    )
    target.value = 88
    target.save()
    load_criteria()
    target.refresh_from_db()
    assert target.value == 88
    load_criteria(update=True)
    target.refresh_from_db()
    assert target.value == 85


def test_province_set_waits_for_its_province(db):
    summary = load_criteria()
    assert not CriteriaSet.objects.filter(code="XOM-KM-19").exists()
    assert any("XOM-KM-19" in s for s in summary.skipped)
    assert CriteriaSet.objects.filter(code="XA-NTM-2021").exists()


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d["criteria"][0]["indicators"][0].update(value_type="money"), "value_type"),
        (lambda d: d["criteria"][0]["indicators"][0]["targets"].append({"region": "XX", "value": 1}), "region 'XX'"),
        (lambda d: d["criteria"][1].update(indicators=[]), "at least one indicator"),
        (lambda d: d.pop("level"), "'level' is missing"),
    ],
)
def test_malformed_file_names_the_record_and_writes_nothing(db, tmp_path, mutate, message):
    from criteria.loader import DATA_DIR

    data = json.loads((DATA_DIR / "commune_basic_2021_2025.json").read_text(encoding="utf-8"))
    mutate(data)
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(CriteriaDataError, match=message) as exc:
        load_criteria([DATA_DIR / "commune_model_2021_2025.json", bad])
    assert "bad.json" in str(exc.value)
    assert _counts() == [0, 0, 0, 0]
