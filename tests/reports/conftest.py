"""Records for the report tests: recognitions with decision dates (and revocations), assessments with stored
results, and a generator that multiplies the communes tenfold to check that query counts stay fixed."""

import datetime
from types import SimpleNamespace

import pytest

from communes.choices import CommuneType
from criteria.choices import StandardLevel, SubjectKind
from criteria.models import Assessment, CriterionResult
from tests.communes.factories import CommuneFactory, DistrictFactory, HamletFactory
from tests.criteria.factories import simple_set
from verification.models import Recognition

D = datetime.date
DEFAULT_DECISION = D(2022, 11, 1)


def recognise(unit, level=StandardLevel.BASIC, *, on=DEFAULT_DECISION, revoked_on=None, year=None):
    """A register entry for a commune, hamlet or district, decided `on` (and revoked on `revoked_on`)."""
    kind = {"Commune": SubjectKind.COMMUNE, "Hamlet": SubjectKind.HAMLET, "District": SubjectKind.DISTRICT}[
        type(unit).__name__
    ]
    return Recognition.objects.create(
        subject_kind=kind,
        commune=unit if kind == SubjectKind.COMMUNE else (unit.commune if kind == SubjectKind.HAMLET else None),
        hamlet=unit if kind == SubjectKind.HAMLET else None,
        district=unit if kind == SubjectKind.DISTRICT else None,
        level=level,
        year=year or on.year,
        decision_number=f"{Recognition.objects.count() + 1}/QĐ-UBND",
        decision_date=on,
        revoked_on=revoked_on,
        revocation_decision="9/QĐ-UBND" if revoked_on else "",
    )


def stored_assessment(commune, criteria_set, met_numbers, *, year=2023):
    """An assessment with stored counts and per-criterion results, as criteria.evaluation leaves them."""
    criteria = list(criteria_set.criteria.order_by("number"))
    met = [c for c in criteria if c.number in met_numbers]
    assessment = Assessment.objects.create(
        commune=commune,
        year=year,
        criteria_set=criteria_set,
        criteria_met=len(met),
        criteria_total=len(criteria),
        key_criteria_unmet=sum(1 for c in criteria if c.is_revocation_key and c not in met),
        is_all_met=len(met) == len(criteria),
        level_reached=criteria_set.level if len(met) == len(criteria) else "",
    )
    CriterionResult.objects.bulk_create(
        CriterionResult(assessment=assessment, criterion=c, is_met=c in met) for c in criteria
    )
    return assessment


@pytest.fixture
def records(world):
    """In the `world`: at the end of 2023, Phú Bình has 2 of 3 xã NTM (one advanced, one model), 1 model hamlet
    and is a recognised district; Đại Từ has 1 of 2 (a second was revoked in 2023), not recognised. A ward of
    Phú Bình is not counted among xã. 2023 assessments against a 19-criteria basic set: 19, 19, 16, 12, 8 met."""
    pb, dt = world.pb, world.dt
    ward = CommuneFactory(
        code="05790", name="Thị trấn Hương Sơn", district=world.phu_binh, unit_type=CommuneType.TOWNSHIP
    )
    recognise(pb[0], on=D(2019, 12, 1))
    recognise(pb[1], on=D(2018, 12, 1))
    recognise(pb[1], StandardLevel.ADVANCED, on=D(2021, 12, 1))
    recognise(pb[1], StandardLevel.MODEL, on=D(2023, 10, 1))
    recognise(dt[0], on=D(2020, 12, 1))
    recognise(dt[1], on=D(2021, 12, 1), revoked_on=D(2023, 6, 30))
    recognise(ward, on=D(2020, 12, 1))  # wards are not subjects: never counted
    recognise(pb[2], on=D(2024, 1, 15))  # after the end of 2023
    hamlet = HamletFactory(commune=pb[0], name="Xóm Đồng Bầu")
    HamletFactory(commune=pb[0], name="Xóm Cầu Ca")
    recognise(hamlet, StandardLevel.MODEL, on=D(2023, 8, 1))
    recognise(world.phu_binh, on=D(2023, 5, 22), year=2022)
    basic = simple_set(n_criteria=19, code="TEST-NTM-19", key=(10, 17, 19))
    met = {pb[0]: 19, pb[1]: 19, pb[2]: 16, dt[0]: 12, dt[1]: 8}
    assessments = {c: stored_assessment(c, basic, set(range(1, n + 1))) for c, n in met.items()}
    return SimpleNamespace(ward=ward, hamlet=hamlet, basic=basic, assessments=assessments)


def grow(world, records, *, districts=2, per_district=12):
    """Ten times the communes of the `world`: new districts of generated xã with recognitions at every level,
    model hamlets, district recognitions and assessments, so that every query path has rows."""
    levels = [None, StandardLevel.BASIC, StandardLevel.ADVANCED, StandardLevel.MODEL]
    for d in range(districts):
        district = DistrictFactory(province=world.province)
        if d % 2 == 0:
            recognise(district, on=D(2021, 6, 1))
        for i in range(per_district):
            commune = CommuneFactory(district=district)
            level = levels[i % len(levels)]
            if level:
                for lv in [StandardLevel.BASIC, StandardLevel.ADVANCED, StandardLevel.MODEL][
                    : [StandardLevel.BASIC, StandardLevel.ADVANCED, StandardLevel.MODEL].index(level) + 1
                ]:
                    recognise(commune, lv, on=D(2020, 3, 1))
            if i % 5 == 0:
                recognise(HamletFactory(commune=commune), StandardLevel.MODEL, on=D(2022, 3, 1))
            stored_assessment(commune, records.basic, set(range(1, 20 - (i % 12))))
    # Communes of the world's districts too, so district and commune users see more rows.
    for district in (world.phu_binh, world.dai_tu):
        for i in range(per_district):
            commune = CommuneFactory(district=district)
            recognise(commune, on=D(2021, 3, 1))
            stored_assessment(commune, records.basic, set(range(1, 18 - (i % 10))))
