import datetime

import factory

from funding.choices import Component
from funding.models import CapitalPlanLine, CapitalSource, ConstructionDebt, Disbursement, Project
from tests.communes.factories import CommuneFactory


def source(code: str) -> CapitalSource:
    """The reference sources are loaded by migration; transactional tests elsewhere may have flushed them, so
    put them back from the migration's own list when missing."""
    found = CapitalSource.objects.filter(code=code).first()
    if found is not None:
        return found
    from importlib import import_module

    sources = import_module("funding.migrations.0002_capital_sources").SOURCES
    for order, (c, name, short, group) in enumerate(sources, start=1):
        CapitalSource.objects.get_or_create(
            code=c, defaults={"name": name, "short_name": short, "group": group, "order": order}
        )
    return CapitalSource.objects.get(code=code)


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    code = factory.Sequence(lambda n: f"DA-{n:04d}")
    name = factory.Sequence(lambda n: f"Đường giao thông xóm {n}")
    commune = factory.SubFactory(CommuneFactory)
    district = factory.LazyAttribute(lambda o: o.commune.district)
    province = factory.LazyAttribute(lambda o: o.commune.province)


class LineFactory(factory.django.DjangoModelFactory):
    """A commune line by default; pass commune=None and district/province for higher units."""

    class Meta:
        model = CapitalPlanLine

    year = 2024
    commune = factory.SubFactory(CommuneFactory)
    district = factory.LazyAttribute(lambda o: o.commune.district if o.commune else None)
    province = factory.LazyAttribute(lambda o: o.commune.province if o.commune else o.district.province)
    source = factory.LazyFunction(lambda: source("NSDP"))
    component = Component.INFRASTRUCTURE
    planned_amount = 1_000_000_000
    mobilised_amount = 800_000_000


class DisbursementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Disbursement

    line = factory.SubFactory(LineFactory)
    reference = factory.Sequence(lambda n: f"UNC-{n:05d}")
    paid_on = datetime.date(2024, 6, 1)
    amount = 100_000_000


class DebtFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConstructionDebt

    commune = factory.SubFactory(CommuneFactory)
    amount = 350_000_000
    as_of = datetime.date(2023, 12, 31)
