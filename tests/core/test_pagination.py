"""EstimatedCountPaginator: no exact COUNT over a big table; a capped count for filtered lists."""

import pytest
from django.db import connection

from communes.models import Region
from core import pagination
from core.pagination import EstimatedCountPaginator

pytestmark = pytest.mark.django_db


@pytest.fixture
def regions(monkeypatch):
    monkeypatch.setattr(pagination, "CAP", 10)
    Region.objects.all().delete()
    Region.objects.bulk_create(Region(code=f"R{i:02d}", name=f"Vùng {i}") for i in range(30))
    return Region.objects.order_by("code")


def test_a_filtered_list_is_counted_up_to_the_cap(regions):
    few = EstimatedCountPaginator(regions.filter(code__lt="R05"), 5)
    assert (few.count, few.is_estimate) == (5, False)
    many = EstimatedCountPaginator(regions.filter(code__gte="R05"), 5)
    if connection.vendor == "postgresql":
        assert (many.count, many.is_estimate) == (11, True)  # "more than 10"
    else:
        assert many.count == 25
    assert [r.code for r in many.page(2)] == ["R10", "R11", "R12", "R13", "R14"]


@pytest.mark.postgres
def test_an_unfiltered_big_table_takes_postgresqls_estimate(regions):
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE communes_region")
    paginator = EstimatedCountPaginator(regions, 5)
    assert paginator.count == 30 and paginator.is_estimate
