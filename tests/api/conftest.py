"""The API's world: the shared `world` (province 19, Phú Bình and Đại Từ, one user per role) with one object of
each kind in three communes: own (Tân Khánh, the commune officer's), neighbour (Tân Kim, same district) and away
(Hùng Sơn, Đại Từ), and an API token per user."""

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from rest_framework.test import APIClient

from api.services import api_token_issue
from communes.models import UnitSuccession
from criteria.choices import StandardLevel, SubjectKind
from programs.choices import TargetKind
from register.models import Recognition
from tests.criteria.conftest import assess
from tests.criteria.factories import simple_set
from tests.funding.factories import LineFactory
from tests.programs.factories import AnnualPlanFactory, PlanTargetFactory
from tests.verification import conftest as verification_fixtures
from verification.choices import DossierStatus

fakes = verification_fixtures.fakes
make_dossier = verification_fixtures.make_dossier

ROLES = ("admin", "province", "district", "commune", "verifier", "appraiser", "approver", "front", "viewer")
SIDES = ("own", "neighbour", "away")
# Users whose scope does not hold the away commune (Đại Từ): district-level, commune-level and no membership.
OUTSIDE_AWAY = ("district", "verifier", "commune", "outsider")


def recognise(commune, *, level=StandardLevel.BASIC, year=2016, day=None, **kw):
    kw.setdefault("issuing_body", "UBND tỉnh Thái Nguyên")
    return Recognition.objects.create(
        subject_kind=SubjectKind.COMMUNE,
        commune=commune,
        level=level,
        year=year,
        decision_number=f"{commune.code}/QĐ-UBND",
        decision_date=day or datetime.date(year, 12, 1),
        **kw,
    )


@pytest.fixture
def objects(world, make_dossier, settings):
    """One of each object per side, built as the apps' services build them."""
    criteria_set = simple_set(n_criteria=2)
    built = SimpleNamespace(criteria_set=criteria_set, side={})
    communes = {"own": world.pb[0], "neighbour": world.pb[1], "away": world.dt[0]}
    plans = {}
    for district in (world.phu_binh, world.dai_tu):
        plan = AnnualPlanFactory(province=world.province, district=district, year=2024)
        PlanTargetFactory(plan=plan, kind=TargetKind.NEW_NTM_COMMUNES, target=3)
        plans[district.pk] = plan
    for side, commune in communes.items():
        built.side[side] = SimpleNamespace(
            commune=commune,
            assessment=assess(commune, criteria_set, {"1.1": Decimal(90), "2.1": Decimal(70)}),
            recognition=recognise(commune),
            revocation=recognise(
                commune,
                level=StandardLevel.ADVANCED,
                year=2020,
                revoked_on=datetime.date(2023, 6, 1),
                revocation_decision=f"R{commune.code}/QĐ-UBND",
                revocation_reason="Tiêu chí 17 không còn đạt",
            ),
            dossier=make_dossier(DossierStatus.UNDER_VERIFICATION, commune=commune),
            plan=plans[commune.district_id],
            line=LineFactory(commune=commune, planned_amount=10**9),
        )
    UnitSuccession.objects.create(
        level="commune",
        predecessor_commune=world.pb[2],
        successor_commune=world.pb[0],
        effective_date=datetime.date(2024, 12, 1),
        resolution="1240/NQ-UBTVQH15",
    )
    return built


@pytest.fixture
def tokens(world):
    """An API token for every user of the world (and the outsider)."""
    users = {name: getattr(world.users, name) for name in [*ROLES, "outsider"]}
    return {name: api_token_issue(user=user, name="test", days=30)[1] for name, user in users.items()}


@pytest.fixture
def api(tokens):
    """api(username) → an APIClient sending that user's token; api(None) → anonymous."""

    def make(username=None):
        client = APIClient()
        if username:
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens[username]}")
        return client

    return make
