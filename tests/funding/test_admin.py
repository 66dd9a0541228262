"""Admin changelists load with a fixed query count and show a staff user only the rows of their area."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from funding.models import CapitalPlanLine, ConstructionDebt, Disbursement, Project
from programs.models import AnnualPlan, OcopProduct, PlanTarget, Registration
from tests.programs.factories import AnnualPlanFactory, OcopProductFactory, PlanTargetFactory, RegistrationFactory

from .factories import DebtFactory, DisbursementFactory, LineFactory, ProjectFactory

pytestmark = pytest.mark.django_db
MODELS = [CapitalPlanLine, Disbursement, Project, ConstructionDebt, AnnualPlan, PlanTarget, Registration, OcopProduct]


@pytest.fixture
def rows(world):
    for commune in (world.pb[0], world.dt[0]):
        line = LineFactory(commune=commune)
        DisbursementFactory(line=line)
        ProjectFactory(commune=commune)
        DebtFactory(commune=commune)
        OcopProductFactory(commune=commune)
    plan = AnnualPlanFactory(province=world.province)
    target = PlanTargetFactory(plan=plan)
    RegistrationFactory(target=target, commune=world.pb[0])
    RegistrationFactory(target=target, commune=world.dt[0])


def changelist(model):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_superuser_changelists(client, world, rows, model):
    client.force_login(world.users.admin)
    response = client.get(changelist(model))
    assert response.status_code == 200


@pytest.mark.parametrize(
    "model, expected",
    [
        (CapitalPlanLine, 1),
        (Disbursement, 1),
        (Project, 1),
        (ConstructionDebt, 1),
        (OcopProduct, 1),
        (Registration, 1),
        (AnnualPlan, 0),
    ],  # fmt: skip
    ids=lambda v: getattr(v, "__name__", str(v)),
)
def test_district_staff_sees_its_area_only(client, world, rows, model, expected):
    user = world.users.district
    user.is_staff = True
    user.save()
    user.user_permissions.set(Permission.objects.filter(content_type__app_label__in=["funding", "programs"]))
    client.force_login(user)
    response = client.get(changelist(model))
    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == expected
