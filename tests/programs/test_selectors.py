"""Plan progress: achieved from the recognition register only (year, level, in force, area, scope); registered
per scope; still-short communes with their unmet criteria; OCOP stars and counts."""

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.http import Http404

from criteria.choices import StandardLevel, SubjectKind
from programs import selectors
from programs.choices import OCOP_STAR_BANDS, TargetKind, star_band_label, stars_for_score
from programs.models import OcopProduct
from register.models import Recognition
from tests.communes.factories import HamletFactory
from tests.criteria.conftest import assess
from tests.criteria.factories import simple_set

from .factories import AnnualPlanFactory, OcopProductFactory, PlanTargetFactory, RegistrationFactory

pytestmark = pytest.mark.django_db
DAY = datetime.date(2024, 12, 20)


def recognise(commune=None, level=StandardLevel.BASIC, year=2024, decided=DAY, revoked=None, **kw):
    kind = kw.pop("subject_kind", SubjectKind.COMMUNE)
    return Recognition.objects.create(
        subject_kind=kind,
        commune=commune,
        level=level,
        year=year,
        decision_number="1/QĐ",
        decision_date=decided,
        revoked_on=revoked,
        **kw,
    )


@pytest.fixture
def plan(world):
    plan = AnnualPlanFactory(province=world.province, year=2024)
    for kind, n in [
        (TargetKind.NEW_NTM_COMMUNES, 2),
        (TargetKind.ADVANCED_COMMUNES, 3),
        (TargetKind.MODEL_HAMLETS, 4),
        (TargetKind.DISTRICTS, 1),
    ]:
        PlanTargetFactory(plan=plan, kind=kind, target=n)
    return plan


def rows(progress):
    return {r.kind: (r.target, r.registered, r.achieved) for r in progress.rows}


def test_achieved_counts_come_from_recognitions(world, plan):
    pb, dt = world.pb, world.dt
    recognise(pb[0])  # counts
    recognise(dt[0])  # counts
    recognise(pb[1], year=2023, decided=datetime.date(2023, 12, 1))  # another year
    recognise(pb[2], revoked=datetime.date(2025, 1, 2))  # revoked after the date looked at: counts on DAY
    recognise(pb[1], level=StandardLevel.ADVANCED)
    recognise(dt[1], decided=datetime.date(2025, 2, 1))  # decided after the date looked at
    hamlet = HamletFactory(commune=pb[0])
    recognise(pb[0], level=StandardLevel.MODEL, subject_kind=SubjectKind.HAMLET, hamlet=hamlet)
    recognise(None, subject_kind=SubjectKind.DISTRICT, district=world.phu_binh)
    progress = selectors.plan_progress(user=world.users.province, plan=plan, as_of=DAY)
    assert rows(progress) == {
        TargetKind.NEW_NTM_COMMUNES: (2, 0, 3),
        TargetKind.ADVANCED_COMMUNES: (3, 0, 1),
        TargetKind.MODEL_HAMLETS: (4, 0, 1),
        TargetKind.DISTRICTS: (1, 0, 1),
    }
    assert not progress.partial
    later = selectors.plan_progress(user=world.users.province, plan=plan, as_of=datetime.date(2025, 3, 1))
    assert rows(later)[TargetKind.NEW_NTM_COMMUNES] == (2, 0, 3)  # pb[2] revoked, dt[1] decided
    assert progress.rows[0].achieved_pct == Decimal(150)


def test_registered_and_achieved_follow_the_scope(world, plan):
    target = plan.targets.get(kind=TargetKind.NEW_NTM_COMMUNES)
    for commune in world.communes:
        RegistrationFactory(target=target, commune=commune)
    recognise(world.pb[0])
    recognise(world.dt[0])
    expected = {"province": (5, 2), "viewer": (5, 2), "district": (3, 1), "commune": (1, 1), "front": (5, 2)}
    for role, (registered, achieved) in expected.items():
        progress = selectors.plan_progress(user=getattr(world.users, role), plan=plan, as_of=DAY)
        assert rows(progress)[TargetKind.NEW_NTM_COMMUNES][1:] == (registered, achieved), role
    assert selectors.plan_progress(user=world.users.district, plan=plan).partial


def test_district_plan_counts_its_own_area(world):
    plan = AnnualPlanFactory(province=world.province, district=world.phu_binh)
    PlanTargetFactory(plan=plan, kind=TargetKind.NEW_NTM_COMMUNES, target=1)
    recognise(world.pb[0])
    recognise(world.dt[0])
    assert rows(selectors.plan_progress(user=world.users.province, plan=plan, as_of=DAY)) == {
        TargetKind.NEW_NTM_COMMUNES: (1, 0, 1)
    }


def test_plan_progress_by_year_for_the_dashboard(world, plan):
    assert selectors.plan_progress(user=world.users.province, year=2024).plan == plan
    # A district plan of the same year does not replace the province's (NULLs sort last on PostgreSQL).
    AnnualPlanFactory(province=world.province, district=world.phu_binh, year=2024)
    assert selectors.plan_progress(user=world.users.province, year=2024).plan == plan
    assert selectors.plan_progress(user=world.users.district, year=2024).plan == plan
    assert selectors.plan_progress(user=world.users.province, year=2019) is None
    assert selectors.plan_progress(user=world.users.outsider, year=2024) is None


@pytest.mark.parametrize(
    "role, sees_province_plan, sees_dai_tu_plan",
    [
        ("admin", True, True),
        ("province", True, True),
        ("district", True, False),
        ("commune", True, False),
        ("viewer", True, True),
        ("outsider", False, False),
    ],
)
def test_visible_plans_per_role(world, plan, role, sees_province_plan, sees_dai_tu_plan):
    dai_tu_plan = AnnualPlanFactory(province=world.province, district=world.dai_tu)
    visible = set(selectors.visible_plans(user=getattr(world.users, role)))
    assert (plan in visible, dai_tu_plan in visible) == (sees_province_plan, sees_dai_tu_plan)
    if not sees_dai_tu_plan:
        with pytest.raises(Http404):
            selectors.access_plan(user=getattr(world.users, role), pk=dai_tu_plan.pk)


def test_registered_communes_still_short_and_of_what(world, plan):
    basic = simple_set(n_criteria=3, code="TEST-BASIC")
    assess(world.pb[0], basic, {"1.1": 90, "2.1": 50, "3.1": 70}, year=2023)
    assess(world.pb[1], basic, {"1.1": 90, "2.1": 90, "3.1": 90}, year=2023)
    target = plan.targets.get(kind=TargetKind.NEW_NTM_COMMUNES)
    for commune in world.pb:
        RegistrationFactory(target=target, commune=commune)
    recognise(world.pb[1])
    result = {r.commune.code: r for r in selectors.registration_rows(user=world.users.province, plan=plan, as_of=DAY)}
    short = result[world.pb[0].code]
    assert not short.achieved
    assert [c.number for c, _reasons in short.shortfall.criteria] == [2, 3]
    assert "2.1" in short.shortfall.criteria[0][1][0]
    assert result[world.pb[1].code].achieved and result[world.pb[1].code].shortfall is None
    assert result[world.pb[2].code].shortfall is None  # no scorecard
    only_mine = selectors.registration_rows(user=world.users.commune, plan=plan, as_of=DAY)
    assert [r.commune for r in only_mine] == [world.pb[0]]


def test_star_bands_are_one_definition():
    assert [stars_for_score(s) for s in (100, 90, 89, 70, 69, 50, 49, 30, 29, 0)] == [5, 5, 4, 4, 3, 3, 2, 2, 1, 1]
    assert [star_band_label(s) for _low, s in OCOP_STAR_BANDS] == ["90–100", "70–89", "50–69", "30–49", "0–29"]


def test_sql_stars_match_python_and_counts_per_commune(world):
    dates = {"decision_date": datetime.date(2023, 6, 1), "expires_on": datetime.date(2026, 5, 31)}
    for score in (95, 90, 75, 50, 49, 10):
        OcopProductFactory(commune=world.pb[0], score=score, **dates)
    OcopProductFactory(
        commune=world.pb[1], score=80, decision_date=datetime.date(2021, 1, 1), expires_on=datetime.date(2024, 1, 1)
    )
    OcopProductFactory(commune=world.dt[0], score=60, **dates)
    for p in OcopProduct.objects.with_stars():
        assert p.stars == stars_for_score(p.score)
    on = datetime.date(2024, 6, 1)
    assert selectors.ocop_count_by_commune(on=on) == {world.pb[0].pk: 6, world.dt[0].pk: 1}
    assert selectors.ocop_count_by_commune(on=on, min_stars=3) == {world.pb[0].pk: 4, world.dt[0].pk: 1}
    assert selectors.ocop_count_by_commune(on=on, user=world.users.district) == {world.pb[0].pk: 6}


@pytest.mark.parametrize("role, count", [("province", 3), ("district", 2), ("commune", 1), ("outsider", 0)])
def test_ocop_list_scope(world, role, count):
    OcopProductFactory(commune=world.pb[0])
    OcopProductFactory(commune=world.pb[1])
    OcopProductFactory(commune=world.dt[0])
    products, _ = selectors.ocop_list(user=getattr(world.users, role))
    assert products.count() == count


def test_ocop_filters(world):
    OcopProductFactory(commune=world.pb[0], score=92, name="Chè đặc biệt")
    OcopProductFactory(commune=world.pb[1], score=72, group="food", name="Miến dong")
    OcopProductFactory(
        commune=world.dt[0], score=55, expires_on=datetime.date(2020, 1, 1), decision_date=datetime.date(2017, 1, 1)
    )
    user = world.users.province

    def names(**filters):
        request = SimpleNamespace(user=user)
        return sorted(p.name for p in selectors.ocop_list(user=user, filters=filters, request=request)[0])

    assert names(stars="5") == ["Chè đặc biệt"]
    assert names(min_stars="4") == ["Chè đặc biệt", "Miến dong"]
    assert names(group="food") == ["Miến dong"]
    assert names(district=str(world.phu_binh.pk)) == ["Chè đặc biệt", "Miến dong"]
    assert len(names(in_force="false")) == 1
    assert names(q="Miến") == ["Miến dong"]
    assert names(commune=world.pb[0].code) == ["Chè đặc biệt"]


def test_a_phase_names_its_period_once():
    from programs.models import Phase

    assert str(Phase(name="Giai đoạn 2021-2025", year_from=2021, year_to=2025)) == "Giai đoạn 2021-2025"
    assert str(Phase(name="Chương trình MTQG", year_from=2026, year_to=2030)) == "Chương trình MTQG (2026–2030)"
