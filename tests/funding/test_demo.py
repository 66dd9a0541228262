"""The demo reproduces Thái Nguyên's published money and 2024 targets from records, and loads only once."""

import importlib
import io

import pytest
from django.contrib.auth import get_user_model

from communes.models import Commune
from criteria.demo import demo_levels
from funding.models import CapitalPlanLine, ConstructionDebt, Disbursement
from funding.selectors import capital_by_source, outstanding_construction_debt
from programs.choices import TargetKind
from programs.models import OcopProduct, Registration
from programs.selectors import plan_progress
from tests.conftest import kept_for_the_module

pytestmark = pytest.mark.django_db
B = 1_000_000_000


def load(*apps):
    for app in apps:
        importlib.import_module(f"{app}.demo").load(stdout=io.StringIO())


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demos up to funding, loaded once for the module's tests (tests.conftest.kept_for_the_module)."""
    with kept_for_the_module(django_db_blocker):
        load("communes", "offices", "criteria", "programs", "funding")
        yield get_user_model().objects.get(username="province")


def test_published_figures(demo):
    y2023 = capital_by_source(user=demo, year=2023)
    assert y2023.total.mobilised > 2_088 * B
    assert y2023.total.mobilised == 2_088_600_000_000
    assert len({u.unit.code for u in y2023.units if u.unit}) == 9
    assert len([r for r in y2023.rows if r.mobilised]) == 10
    y2024 = capital_by_source(user=demo, year=2024)
    assert 13_900 * B < y2024.total.planned < 14_100 * B
    assert 11_900 * B < y2024.credit.planned < 12_200 * B
    assert y2024.non_credit.planned > 1_700 * B
    progress = plan_progress(user=demo, year=2024)
    targets = {r.kind: r.target for r in progress.rows}
    assert targets == {
        TargetKind.NEW_NTM_COMMUNES: 2,
        TargetKind.ADVANCED_COMMUNES: 12,
        TargetKind.MODEL_COMMUNES: 2,
        TargetKind.DISTRICTS: 1,
    }
    assert all(r.registered >= r.target for r in progress.rows)
    tan_khanh = Registration.objects.get(commune__code="05917")  # the demo commune goes for advanced in 2024
    assert tan_khanh.target.kind == TargetKind.ADVANCED_COMMUNES
    new_ntm = Registration.objects.filter(target__kind=TargetKind.NEW_NTM_COMMUNES)
    levels = demo_levels()
    assert new_ntm.count() == 3 and all(
        levels[code] is None for code in new_ntm.values_list("commune__code", flat=True)
    )
    assert OcopProduct.objects.count() >= 10
    assert Disbursement.objects.filter(exceeds_plan=True).exclude(note="").count() == 1


def test_demo_commune_is_debt_free_and_others_are_not(demo):
    assert outstanding_construction_debt(commune=Commune.objects.get(code="05917")) == 0
    outstanding = ConstructionDebt.objects.filter(settled=False)
    assert outstanding.count() >= 1
    assert not outstanding.filter(commune__code="05917").exists()


def test_loading_again_adds_nothing(demo):
    counts = (CapitalPlanLine.objects.count(), Disbursement.objects.count(), Registration.objects.count(),
              OcopProduct.objects.count(), ConstructionDebt.objects.count())  # fmt: skip
    load("programs", "funding")
    assert counts == (
        CapitalPlanLine.objects.count(),
        Disbursement.objects.count(),
        Registration.objects.count(),
        OcopProduct.objects.count(),
        ConstructionDebt.objects.count(),
    )
