"""core.scope: each model declares its unit path once; `visible_to` (SQL) and `covers` (a loaded row) read the same
declaration and give the same answer, for every role, on rows of every shape (a unit itself, a row through a
relation, a row that carries its lowest unit, a row whose unit depends on its subject)."""

import datetime

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Q

from communes.models import Commune, District, Hamlet, Province
from core import scope
from core.registry import Registry, Slot
from criteria.choices import StandardLevel, SubjectKind
from criteria.models import Assessment, CriteriaSet
from funding.models import CapitalPlanLine, Disbursement
from monitoring.choices import ReportSubject
from monitoring.models import SupervisionReport
from offices.models import Office
from programs.models import AnnualPlan, Registration
from register.models import Recognition
from tests.communes.factories import HamletFactory
from tests.funding.factories import DisbursementFactory, LineFactory
from tests.programs.factories import PlanTargetFactory, RegistrationFactory
from tests.verification.factories import DossierFactory
from verification.choices import Route
from verification.models import Dossier

pytestmark = pytest.mark.django_db

USERS = ["admin", "province", "district", "commune", "verifier", "front", "viewer", "outsider"]


@pytest.fixture
def rows(world):
    """Rows of every shape in Phú Bình and in Đại Từ."""
    pb, dt = world.pb[0], world.dt[0]
    hamlets = [HamletFactory(commune=pb, code="PB-1"), HamletFactory(commune=dt, code="DT-1")]
    for commune in (pb, world.pb[1], dt):
        DossierFactory(commune=commune, created_by=world.users.commune)
    DossierFactory(commune=pb, hamlet=hamlets[0], subject_kind=SubjectKind.HAMLET, created_by=world.users.commune)
    for district in (world.phu_binh, world.dai_tu):
        DossierFactory(
            subject_kind=SubjectKind.DISTRICT, district=district, route=Route.NATIONAL, created_by=world.users.district
        )
    day = datetime.date(2023, 12, 1)
    decision = {"level": StandardLevel.BASIC, "year": 2023, "decision_number": "1/QĐ", "decision_date": day}
    for commune in (pb, dt):
        Recognition.objects.create(subject_kind=SubjectKind.COMMUNE, commune=commune, **decision)
    for hamlet in hamlets:
        Recognition.objects.create(subject_kind=SubjectKind.HAMLET, hamlet=hamlet, commune=hamlet.commune, **decision)
    for district in (world.phu_binh, world.dai_tu):
        Recognition.objects.create(subject_kind=SubjectKind.DISTRICT, district=district, **decision)
    target = PlanTargetFactory(plan__province=world.province)
    RegistrationFactory(target=target, commune=world.pb[1])
    RegistrationFactory(target=target, commune=pb, hamlet=hamlets[0])
    RegistrationFactory(target=target, commune=None, district=world.dai_tu)
    AnnualPlan.objects.create(province=world.province, district=world.phu_binh, year=2024)
    for line in (
        LineFactory(commune=None, district=None, province=world.province),
        LineFactory(commune=None, district=world.phu_binh),
        LineFactory(commune=pb),
        LineFactory(commune=dt),
    ):
        DisbursementFactory(line=line)
    period = {"period_start": day, "period_end": day, "created_by": world.users.front, "title": "Giám sát"}
    SupervisionReport.objects.create(
        subject_kind=ReportSubject.COMMUNE, commune=pb, district=pb.district, province=pb.province, **period
    )
    SupervisionReport.objects.create(
        subject_kind=ReportSubject.DOSSIER,
        dossier=Dossier.objects.get(district=world.dai_tu, subject_kind=SubjectKind.DISTRICT),
        district=world.dai_tu,
        province=world.province,
        **period,
    )
    return world


MODELS = [
    Province,
    District,
    Commune,
    Hamlet,
    Office,
    Dossier,
    Recognition,
    Registration,
    AnnualPlan,
    CapitalPlanLine,
    Disbursement,
    SupervisionReport,
]


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
@pytest.mark.parametrize("username", USERS)
def test_visible_to_and_covers_agree(rows, model, username):
    user = getattr(rows.users, username)
    visible = set(model.objects.visible_to(user))
    assert visible == {obj for obj in model.objects.all() if scope.covers(user, obj)}
    if username == "admin":
        assert visible == set(model.objects.all())
    if username == "outsider":
        assert visible == set()


def test_the_rules(rows):
    w = rows
    district, commune = w.users.district, w.users.commune
    # District dossiers by district, the others by commune; a commune membership does not cover its district.
    assert {d.district for d in Dossier.objects.visible_to(district).filter(subject_kind=SubjectKind.DISTRICT)} == {
        w.phu_binh
    }
    assert not Dossier.objects.visible_to(commune).filter(subject_kind=SubjectKind.DISTRICT).exists()
    assert set(Dossier.objects.visible_to(commune).values_list("commune", flat=True)) == {w.pb[0].pk}
    # Hamlet recognitions through the hamlet's commune.
    assert set(Recognition.objects.visible_to(commune).values_list("subject_kind", flat=True)) == {
        SubjectKind.COMMUNE,
        SubjectKind.HAMLET,
    }
    # Rows with province/district/commune fields belong to their lowest unit.
    levels = {line.unit_level for line in CapitalPlanLine.objects.visible_to(district)}
    assert levels == {"district", "commune"}
    assert {line.commune for line in CapitalPlanLine.objects.visible_to(commune)} == {w.pb[0]}
    # Roles narrow the scope.
    assert not Dossier.objects.visible_to(w.users.viewer, roles=["editor"]).exists()
    assert Dossier.objects.visible_to(w.users.viewer).count() == Dossier.objects.count()


def test_get_visible_or_404(rows):
    from django.http import Http404

    away = Dossier.objects.get(commune=rows.dt[0], subject_kind=SubjectKind.COMMUNE)
    with pytest.raises(Http404):
        scope.get_visible_or_404(Dossier, rows.users.district, pk=away.pk)
    assert scope.get_visible_or_404(Dossier.objects.all(), rows.users.province, pk=away.pk) == away


def test_prefix_reaches_rows_through_a_relation(rows):
    """visible_q with a prefix filters the related rows inside a larger query (an annotation)."""
    from django.db.models import Count

    target = Registration.objects.first().target
    counted = target.__class__.objects.filter(pk=target.pk).annotate(
        n=Count("registrations", filter=scope.visible_q(Registration, rows.users.district, prefix="registrations"))
    )
    assert counted.get().n == Registration.objects.visible_to(rows.users.district).count() == 2


def test_every_declaration_names_real_fields():
    assert scope.check_unit_paths() == []
    assert scope.commune("nowhere").check(Assessment) == ["criteria.Assessment has no field 'nowhere'"]
    assert scope.district("commune__district", when=Q(commune__district=1)).check(Assessment)
    assert scope.through("criteria_set").check(Assessment) == ["criteria.CriteriaSet declares no unit_path"]


def test_a_model_without_declaration_is_an_error(world):
    with pytest.raises(ImproperlyConfigured):
        scope.visible_q(CriteriaSet, world.users.province)


def test_scope_needs_the_membership_lookup(world, monkeypatch):
    monkeypatch.setattr(scope, "resolver", Slot("test"))
    scope.clear_cache(world.users.district)
    with pytest.raises(ImproperlyConfigured):
        scope.scope_for(world.users.district)
    assert scope.scope_for(world.users.admin).everything  # superusers need no membership


def test_registries_keep_order_and_add_once():
    registry = Registry("test")
    for entry in ("b", "a", "b"):
        registry.add(entry)
    assert list(registry) == ["b", "a"] and len(registry) == 2
    slot = Slot("test")
    assert not slot.provided
    slot.provide(len)
    assert slot.get() is len
