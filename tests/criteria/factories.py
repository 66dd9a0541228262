from decimal import Decimal

import factory

from criteria.choices import Comparator, StandardLevel, SubjectKind, TargetScheme, ValueType
from criteria.models import CriteriaSet, Criterion, Indicator, IndicatorTarget


class CriteriaSetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CriteriaSet
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"TEST-{n}")
    name = factory.Sequence(lambda n: f"Bộ tiêu chí thử {n}")
    subject = SubjectKind.COMMUNE
    level = StandardLevel.BASIC
    year_from = 2021
    year_to = 2025
    target_scheme = TargetScheme.REGION


class CriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Criterion

    criteria_set = factory.SubFactory(CriteriaSetFactory)
    number = factory.Sequence(lambda n: n + 1)
    code = factory.LazyAttribute(lambda o: f"C{o.number:02d}")
    name = factory.LazyAttribute(lambda o: f"Tiêu chí {o.number}")


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Indicator

    criterion = factory.SubFactory(CriterionFactory)
    code = factory.LazyAttribute(lambda o: f"{o.criterion.number}.1")
    name = factory.LazyAttribute(lambda o: f"Chỉ tiêu {o.code}")
    value_type = ValueType.PERCENT
    comparator = Comparator.GTE
    unit = "%"


class IndicatorTargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IndicatorTarget

    indicator = factory.SubFactory(IndicatorFactory)
    value = Decimal("85")


def simple_set(*, n_criteria=3, indicators_per_criterion=1, code="TEST-SIMPLE", level=StandardLevel.BASIC, key=()):
    """A set of percent ≥ 80 indicators (general target), criterion numbers 1..n; `key` numbers are revocation keys."""
    criteria_set = CriteriaSetFactory(code=code, level=level)
    for n in range(1, n_criteria + 1):
        criterion = CriterionFactory(criteria_set=criteria_set, number=n, is_revocation_key=n in key)
        for k in range(1, indicators_per_criterion + 1):
            indicator = IndicatorFactory(criterion=criterion, code=f"{n}.{k}", order=k)
            IndicatorTargetFactory(indicator=indicator, value=Decimal("80"))
    return criteria_set
