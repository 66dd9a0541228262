"""Pagination that does not count millions of rows.

A page of a big table (indicator values, assessments, events, history) needs to know roughly how many rows there are,
not the exact number: `EstimatedCountPaginator` takes PostgreSQL's own estimate of the table size (pg_class.reltuples,
kept by ANALYZE/autovacuum) when the list is unfiltered, and otherwise counts at most CAP rows (a filtered list is
usually small; past the cap it says "more than"). Exact on other databases, whose tables here are small.
"""

from django.core.paginator import Paginator
from django.db import connections
from django.utils.functional import cached_property

CAP = 10_000

__all__ = ["CAP", "EstimatedCountPaginator"]


class EstimatedCountPaginator(Paginator):
    @cached_property
    def count(self) -> int:
        qs = self.object_list
        query = getattr(qs, "query", None)
        if query is None:
            return super().count
        connection = connections[qs.db]
        if connection.vendor != "postgresql":
            return super().count
        if not query.where and not query.distinct:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass", [qs.model._meta.db_table]
                )
                row = cursor.fetchone()
            if row and row[0] > CAP:
                return int(row[0])
        return qs.order_by()[: CAP + 1].count()

    @property
    def is_estimate(self) -> bool:
        return self.count > CAP
