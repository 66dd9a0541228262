"""Fixtures: dossiers at any status in the `world`, hamlets, surveys built through the service, a clean cache."""

import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone

from monitoring import services
from monitoring.services import SurveyRow
from offices.choices import OfficeKind, Role
from tests.communes.factories import HamletFactory
from tests.offices.factories import MembershipFactory, OfficeFactory, UserFactory
from tests.verification.factories import DossierFactory
from verification.choices import DossierStatus


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def hamlets(world):
    """Three hamlets in Tân Khánh (world.pb[0]), two in Hùng Sơn (world.dt[0])."""
    return {
        "pb": [HamletFactory(commune=world.pb[0], name=f"Xóm {n}") for n in ("Đồng", "Trại", "Chùa")],
        "dt": [HamletFactory(commune=world.dt[0], name=f"Xóm {n}") for n in ("Núi", "Suối")],
    }


@pytest.fixture
def dossier(world):
    """make(status, commune=…): a commune dossier opened by the commune office."""

    def make(status=DossierStatus.FRONT_SURVEY, *, commune=None, **kw):
        commune = commune or world.pb[0]
        kw.setdefault("consultation_started_on", timezone.localdate() - datetime.timedelta(days=3))
        return DossierFactory(commune=commune, status=status, created_by=world.users.commune, **kw)

    return make


@pytest.fixture
def district_front(world):
    """A Front monitor of Phú Bình district only."""
    office = OfficeFactory(
        name="MTTQ huyện Phú Bình", kind=OfficeKind.FRONT, province=world.province, district=world.phu_binh
    )
    return MembershipFactory(user=UserFactory(username="pb_front"), office=office, role=Role.MONITOR).user


def rows(hamlets, *numbers):
    """rows(hamlets, (surveyed, returned, satisfied), …) → SurveyRow list."""
    return [SurveyRow(h, *n) for h, n in zip(hamlets, numbers, strict=False)]


@pytest.fixture
def survey(world):
    def make(dossier, hamlet_list, *numbers, complete=True, days_ago=1, actor=None):
        end = timezone.localdate() - datetime.timedelta(days=days_ago)
        return services.survey_create(
            dossier=dossier,
            actor=actor or world.users.front,
            period_start=end - datetime.timedelta(days=7),
            period_end=end,
            rows=rows(hamlet_list, *numbers),
            complete=complete,
        )

    return make
