"""Records for the report tests: recognitions with decision dates (and revocations), assessments with stored
results, and a generator that multiplies the communes tenfold to check that query counts stay fixed."""

import datetime
from types import SimpleNamespace

import pytest

from communes.choices import CommuneType
from criteria.choices import StandardLevel, SubjectKind
from criteria.models import Assessment, CriterionResult
from register.models import Recognition
from tests.communes.factories import CommuneFactory, DistrictFactory, HamletFactory
from tests.criteria.factories import simple_set

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


B = 1_000_000_000
M = 1_000_000


@pytest.fixture
def plans(world, records):
    """The province's 2023 plan (2 new NTM, 1 advanced, 1 model, 2 model hamlets, 1 district) and Phú Bình's own
    2023 plan (1 new NTM). Against the `records`: Tân Kim's model decision (Oct 2023) and Xóm Đồng Bầu's (Aug 2023)
    achieve their targets; Bảo Lý (16 of 19 met in 2023, decided only in 2024) and Phú Xuyên (8 of 19) are
    registered for NTM and still short; Tân Khánh is registered for advanced without an advanced scorecard."""
    from programs.choices import TargetKind
    from tests.programs.factories import AnnualPlanFactory, PlanTargetFactory, RegistrationFactory

    pb, dt = world.pb, world.dt
    province = AnnualPlanFactory(province=world.province, year=2023, title="Kế hoạch NTM tỉnh năm 2023")
    t = {
        kind: PlanTargetFactory(plan=province, kind=kind, target=n)
        for kind, n in [
            (TargetKind.NEW_NTM_COMMUNES, 2),
            (TargetKind.ADVANCED_COMMUNES, 1),
            (TargetKind.MODEL_COMMUNES, 1),
            (TargetKind.MODEL_HAMLETS, 2),
            (TargetKind.DISTRICTS, 1),
        ]
    }
    RegistrationFactory(target=t[TargetKind.NEW_NTM_COMMUNES], commune=pb[2])
    RegistrationFactory(target=t[TargetKind.NEW_NTM_COMMUNES], commune=dt[1])
    RegistrationFactory(target=t[TargetKind.ADVANCED_COMMUNES], commune=pb[0])
    RegistrationFactory(target=t[TargetKind.MODEL_COMMUNES], commune=pb[1])
    RegistrationFactory(target=t[TargetKind.MODEL_HAMLETS], commune=pb[0], hamlet=records.hamlet)
    RegistrationFactory(target=t[TargetKind.DISTRICTS], commune=None, district=world.dai_tu)
    district = AnnualPlanFactory(
        province=world.province, district=world.phu_binh, year=2023, title="Kế hoạch NTM huyện Phú Bình năm 2023"
    )
    d_target = PlanTargetFactory(plan=district, kind=TargetKind.NEW_NTM_COMMUNES, target=1)
    RegistrationFactory(target=d_target, commune=pb[2])
    return SimpleNamespace(province=province, district=district, targets=t, district_target=d_target)


@pytest.fixture
def money(world):
    """Capital lines of 2023 at every level (and one of 2022): 78 bn planned, 45.5 bn mobilised of which credit
    60 / 30 bn; 5.5 bn disbursed by the end of 2023 (one more billion paid in February 2024)."""
    from tests.funding.factories import DisbursementFactory, LineFactory, source

    pb0, dt0 = world.pb[0], world.dt[0]
    prov = {"commune": None, "district": None, "province": world.province}
    lines = {
        "prov_budget": LineFactory(year=2023, source=source("NSTW-DTPT"), planned_amount=10 * B,
                                   mobilised_amount=9 * B, **prov),
        "prov_credit": LineFactory(year=2023, source=source("TIN-DUNG"), planned_amount=60 * B,
                                   mobilised_amount=30 * B, **prov),
        "pb_district": LineFactory(year=2023, commune=None, district=world.phu_binh, source=source("NSDP"),
                                   planned_amount=5 * B, mobilised_amount=4 * B),
        "pb0": LineFactory(year=2023, commune=pb0, source=source("NSDP"), planned_amount=2 * B, mobilised_amount=2 * B),
        "dt0": LineFactory(year=2023, commune=dt0, source=source("LONG-GHEP"), planned_amount=1 * B,
                           mobilised_amount=500 * M),
        "old": LineFactory(year=2022, source=source("NSDP"), planned_amount=3 * B, mobilised_amount=3 * B, **prov),
    }  # fmt: skip
    DisbursementFactory(line=lines["prov_budget"], amount=4 * B, paid_on=D(2023, 6, 1))
    DisbursementFactory(line=lines["prov_budget"], amount=1 * B, paid_on=D(2024, 2, 1))
    DisbursementFactory(line=lines["pb0"], amount=1_500 * M, paid_on=D(2023, 9, 1))
    return lines


def grow_plans(world, records, plans, *, n: int):
    """`n` more registered communes (with a 2023 scorecard short of two criteria) and `n` more commune lines in
    Phú Bình and Đại Từ, so that the plan and capital reports have more rows."""
    from programs.choices import TargetKind
    from tests.funding.factories import DisbursementFactory, LineFactory, source
    from tests.programs.factories import RegistrationFactory

    codes = ["NSDP", "TIN-DUNG", "DAN-CONG", "LONG-GHEP"]
    for i in range(n):
        district = world.phu_binh if i % 2 else world.dai_tu
        commune = CommuneFactory(district=district)
        RegistrationFactory(target=plans.targets[TargetKind.NEW_NTM_COMMUNES], commune=commune)
        if i % 2:
            RegistrationFactory(target=plans.district_target, commune=commune)
        stored_assessment(commune, records.basic, set(range(1, 18)))
        line = LineFactory(year=2023, commune=commune, source=source(codes[i % len(codes)]))
        DisbursementFactory(line=line, amount=10 * M, paid_on=D(2023, 5, 1))
