"""core.bulk: COPY on PostgreSQL, batched INSERT/UPDATE elsewhere, with the ORM's value preparation and defaults."""

import datetime

import pytest

from communes.models import Commune, Region
from core.bulk import copy_rows, update_rows
from criteria.models import CriterionResult
from tests.criteria.conftest import assess
from tests.criteria.factories import simple_set

pytestmark = pytest.mark.django_db


def test_copy_rows_writes_every_row_with_the_other_fields_defaults(world):
    n = copy_rows(
        Commune,
        ["code", "name", "search_name", "province_id", "valid_to"],
        [(f"9{i:04d}", f"Xã Thử {i}", f"xa thu {i}", world.province.pk, datetime.date(2025, 7, 1)) for i in range(30)],
    )
    assert n == 30
    rows = Commune.objects.filter(code__startswith="9")
    assert rows.count() == 30
    first = rows.get(code="90000")
    assert (first.unit_type, first.is_extremely_disadvantaged, first.valid_to) == (
        "xa",
        False,
        datetime.date(2025, 7, 1),
    )


def test_copy_rows_writes_json_as_the_orm_does(world):
    assessment = assess(world.pb[0], simple_set(n_criteria=1), {})
    criterion = assessment.criteria_set.criteria.get()
    CriterionResult.objects.filter(assessment=assessment).delete()
    details = [{"code": "1.1", "kind": "below", "value": "72"}]
    copy_rows(
        CriterionResult,
        ["assessment_id", "criterion_id", "is_met", "reasons", "details"],
        [(assessment.pk, criterion.pk, False, "1.1: 72% < 80%", details)],
    )
    assert CriterionResult.objects.get(assessment=assessment).details == details


def test_update_rows_sets_the_columns_of_the_rows_named_by_primary_key():
    regions = [Region.objects.create(code=f"R{i}", name=f"Vùng {i}") for i in range(3)]
    assert update_rows(Region, ["name"], [(regions[0].pk, "Vùng A"), (regions[2].pk, "Vùng C")]) == 2
    assert list(
        Region.objects.filter(pk__in=[r.pk for r in regions]).order_by("code").values_list("name", flat=True)
    ) == [
        "Vùng A",
        "Vùng 1",
        "Vùng C",
    ]
    assert update_rows(Region, ["name"], []) == 0
