"""Writing many rows at the speed of the database: COPY on PostgreSQL, batched INSERTs elsewhere.

Rows are tuples in the order of `columns` (model field names; a foreign key by its `<name>_id` attname); every other
column but the primary key gets its field's default, as `Model()` would. Values go through each field's
`get_db_prep_value`, so dates, decimals and JSON are written as the ORM would write them. `rows` may be a
generator, but it must not query the database itself (the connection is busy with the COPY). No model `save()`, no
signals: callers that need history or evaluation do it themselves, in bulk.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import islice

from django.db import connection, models

__all__ = ["copy_rows"]

BATCH = 5_000


def _fields(model: type[models.Model], columns: Sequence[str]) -> list[models.Field]:
    by_name = {f.attname: f for f in model._meta.concrete_fields} | {f.name: f for f in model._meta.concrete_fields}
    return [by_name[c] for c in columns]


def copy_rows(model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence]) -> int:
    """Insert `rows` into `model`'s table; returns how many. Runs in the caller's transaction."""
    given = _fields(model, columns)
    rest = [f for f in model._meta.concrete_fields if f not in given and not f.primary_key]
    defaults = tuple(f.get_default() for f in rest)
    fields = given + rest
    if rest:
        rows = (tuple(row) + defaults for row in rows)
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    prep = [(f.get_db_prep_value, f) for f in fields]
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row([p(v, connection, prepared=False) for (p, _f), v in zip(prep, row, strict=True)])
                    count += 1
            return count
        placeholders = ", ".join(["%s"] * len(fields))
        sql = f"INSERT INTO {table} ({names}) VALUES ({placeholders})"
        iterator = iter(rows)
        while batch := list(islice(iterator, BATCH)):
            cursor.executemany(
                sql, [[p(v, connection, prepared=False) for (p, _f), v in zip(prep, row, strict=True)] for row in batch]
            )
            count += len(batch)
    return count
