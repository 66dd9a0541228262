import datetime

import factory
from django.utils import timezone

from programs.choices import OcopGroup, TargetKind
from programs.models import AnnualPlan, OcopProduct, PlanTarget, Registration
from tests.communes.factories import CommuneFactory, ProvinceFactory


class AnnualPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AnnualPlan

    province = factory.SubFactory(ProvinceFactory)
    year = 2024
    title = factory.LazyAttribute(lambda o: f"Kế hoạch NTM năm {o.year}")


class PlanTargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanTarget

    plan = factory.SubFactory(AnnualPlanFactory)
    kind = TargetKind.NEW_NTM_COMMUNES
    target = 2


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Registration

    target = factory.SubFactory(PlanTargetFactory)
    commune = factory.SubFactory(CommuneFactory)


class OcopProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OcopProduct

    commune = factory.SubFactory(CommuneFactory)
    code = factory.Sequence(lambda n: f"OCOP-{n:04d}")
    name = factory.Sequence(lambda n: f"Chè Tân Cương {n}")
    owner = "HTX Chè"
    group = OcopGroup.BEVERAGES
    score = 75
    decision_number = "123/QĐ-UBND"
    # In force today whatever today is (tests that need fixed dates pass them).
    decision_date = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=100))
    expires_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=900))
