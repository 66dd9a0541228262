"""Plan and OCOP pages: access per role, registration through the page, fixed query counts with 3 and 30 rows."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from criteria.choices import SubjectKind
from programs.choices import TargetKind
from programs.models import Registration
from register.models import Recognition
from tests.communes.factories import CommuneFactory

from .factories import AnnualPlanFactory, OcopProductFactory, PlanTargetFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(world):
    plan = AnnualPlanFactory(province=world.province, year=2024)
    PlanTargetFactory(plan=plan, kind=TargetKind.NEW_NTM_COMMUNES, target=2)
    PlanTargetFactory(plan=plan, kind=TargetKind.ADVANCED_COMMUNES, target=12)
    return plan


def count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx)


def add_registrations(world, plan, n):
    target = plan.targets.get(kind=TargetKind.NEW_NTM_COMMUNES)
    for _ in range(n):
        commune = CommuneFactory(district=world.phu_binh)
        RegistrationFactory(target=target, commune=commune)
        Recognition.objects.create(
            subject_kind=SubjectKind.COMMUNE, commune=commune, level="basic", year=2024,
            decision_number="9/QĐ", decision_date=datetime.date(2024, 10, 1),
        )  # fmt: skip


def test_plan_detail_query_count_is_fixed(client, world, plan, django_assert_max_num_queries):
    client.force_login(world.users.province)
    url = reverse("programs:plan_detail", args=[plan.pk])
    add_registrations(world, plan, 3)
    few = count_queries(client, url)
    add_registrations(world, plan, 27)
    with django_assert_max_num_queries(few):
        many = count_queries(client, url)
    assert few == many


@pytest.mark.parametrize("name", ["programs:plan_list", "programs:ocop_list"])
def test_list_query_count_is_fixed(client, world, name, django_assert_max_num_queries):
    client.force_login(world.users.province)

    def add(n):
        for i in range(n):
            plan = AnnualPlanFactory(province=world.province, year=2000 + AnnualPlanFactory._meta.model.objects.count())
            PlanTargetFactory(plan=plan)
            OcopProductFactory(commune=world.communes[i % 5])

    add(3)
    few = count_queries(client, reverse(name))
    add(27)
    with django_assert_max_num_queries(few):
        many = count_queries(client, reverse(name))
    assert few == many


def test_plan_page_shows_target_registered_achieved(client, world, plan):
    add_registrations(world, plan, 3)
    client.force_login(world.users.viewer)
    response = client.get(reverse("programs:plan_detail", args=[plan.pk]))
    progress = response.context["progress"]
    assert [(r.kind, r.target, r.registered, r.achieved) for r in progress.rows] == [
        (TargetKind.NEW_NTM_COMMUNES, 2, 3, 3),
        (TargetKind.ADVANCED_COMMUNES, 12, 0, 0),
    ]
    assert response.context["form"] is None  # read-only role: no registration form


@pytest.mark.parametrize("role, status", [("province", 200), ("district", 200), ("commune", 200), ("outsider", 404)])
def test_plan_detail_per_role(client, world, plan, role, status):
    client.force_login(getattr(world.users, role))
    assert client.get(reverse("programs:plan_detail", args=[plan.pk])).status_code == status


def test_commune_officer_registers_own_commune_only(client, world, plan):
    client.force_login(world.users.commune)
    url = reverse("programs:plan_detail", args=[plan.pk])
    target = plan.targets.get(kind=TargetKind.NEW_NTM_COMMUNES)
    response = client.post(url, {"target": target.pk, "unit_code": world.pb[0].code})
    assert response.status_code == 302
    assert Registration.objects.filter(target=target, commune=world.pb[0]).exists()
    response = client.post(url, {"target": target.pk, "unit_code": world.pb[1].code})
    assert response.status_code == 404
    client.force_login(world.users.viewer)
    response = client.post(url, {"target": target.pk, "unit_code": world.pb[2].code})
    assert response.status_code == 403
    assert Registration.objects.count() == 1


def test_registration_twice_is_refused_with_a_message(client, world, plan):
    client.force_login(world.users.district)
    url = reverse("programs:plan_detail", args=[plan.pk])
    target = plan.targets.get(kind=TargetKind.NEW_NTM_COMMUNES)
    client.post(url, {"target": target.pk, "unit_code": world.pb[1].code})
    response = client.post(url, {"target": target.pk, "unit_code": world.pb[1].code}, follow=True)
    assert "already registered" in response.content.decode()
    assert Registration.objects.count() == 1


def test_registration_delete_respects_scope(client, world, plan):
    target = plan.targets.get(kind=TargetKind.NEW_NTM_COMMUNES)
    reg = RegistrationFactory(target=target, commune=world.dt[0])
    client.force_login(world.users.district)
    assert client.post(reverse("programs:registration_delete", args=[reg.pk])).status_code == 404
    client.force_login(world.users.province)
    assert client.post(reverse("programs:registration_delete", args=[reg.pk])).status_code == 302
    assert not Registration.objects.exists()


def test_ocop_export_and_import_permissions(client, world):
    OcopProductFactory(commune=world.pb[0])
    client.force_login(world.users.viewer)
    response = client.get(reverse("programs:ocop_list"), {"export": "xlsx"})
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    assert client.get(reverse("programs:ocop_import")).status_code == 403
    client.force_login(world.users.commune)
    assert client.get(reverse("programs:ocop_import")).status_code == 200
