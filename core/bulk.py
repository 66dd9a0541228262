"""Writing many rows at the speed of the database: COPY on PostgreSQL, batched INSERTs elsewhere.

Rows are tuples in the order of `columns` (model field names; a foreign key by its `<name>_id` attname); every other
column but the primary key gets its field's default, as `Model()` would (and the time now for auto_now fields). Values go through each field's
`get_db_prep_value`, so dates, decimals and JSON are written as the ORM would write them. `rows` may be a
generator, but it must not query the database itself (the connection is busy with the COPY). No model `save()`, no
signals: callers that need history or evaluation do it themselves, in bulk.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from itertools import islice
from typing import TYPE_CHECKING, Any

from django.db import DEFAULT_DB_ALIAS, connection, connections, models, transaction
from django.utils import timezone

if TYPE_CHECKING:
    from datetime import datetime

    from django.contrib.auth.models import User

__all__ = ["copy_history", "copy_rows", "update_rows"]

BATCH = 5_000


def _fields(model: type[models.Model], columns: Sequence[str]) -> list[models.Field[Any, Any]]:
    by_name = {f.attname: f for f in model._meta.concrete_fields} | {f.name: f for f in model._meta.concrete_fields}
    return [by_name[c] for c in columns]


def _preparer(fields: Sequence[models.Field[Any, Any]]) -> Callable[[Sequence[Any]], list[Any]]:
    """A function turning a row of Python values into database values, as the ORM would.

    psycopg adapts numbers, text, booleans, dates, decimals and UUIDs itself, so on PostgreSQL only JSON goes through
    the field (3× faster on a million values); other databases get every field's `get_db_prep_value`."""
    db = connections[DEFAULT_DB_ALIAS]  # the wrapper itself: the `connection` proxy costs a lookup per attribute
    if db.vendor == "postgresql":
        steps = [(i, f.get_db_prep_value) for i, f in enumerate(fields) if isinstance(f, models.JSONField)]
        if not steps:
            return list

        def prepare(row: Sequence[Any]) -> list[Any]:
            values = list(row)
            for i, prep in steps:
                values[i] = prep(values[i], db, prepared=False)
            return values

        return prepare
    preps = [f.get_db_prep_value for f in fields]
    return lambda row: [p(v, db, prepared=False) for p, v in zip(preps, row, strict=True)]


def copy_rows(model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Insert `rows` into `model`'s table; returns how many. Runs in the caller's transaction."""
    given = _fields(model, columns)
    rest = [f for f in model._meta.concrete_fields if f not in given and not f.primary_key]
    now = timezone.now()
    defaults = tuple(
        now if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False) else f.get_default() for f in rest
    )
    fields = given + rest
    if rest:
        rows = (tuple(row) + defaults for row in rows)
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    prepare = _preparer(fields)
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(prepare(row))
                    count += 1
            return count
        placeholders = ", ".join(["%s"] * len(fields))
        sql = f"INSERT INTO {table} ({names}) VALUES ({placeholders})"
        iterator = iter(rows)
        while batch := list(islice(iterator, BATCH)):
            cursor.executemany(sql, [prepare(row) for row in batch])
            count += len(batch)
    return count


def update_rows(model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Set `columns` on the rows whose primary key is the first item of each tuple: (pk, value, value, …).

    PostgreSQL: the new values are COPYed into a temporary table and applied by one UPDATE … FROM, whatever the
    number of rows (an ORM bulk_update writes a CASE per row and field). Elsewhere: one executemany UPDATE."""
    rows = list(rows)
    if not rows:
        return 0
    fields = _fields(model, columns)
    pk = model._meta.pk
    table = connection.ops.quote_name(model._meta.db_table)
    quote = connection.ops.quote_name
    prepared = _preparer([pk, *fields])

    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            temp = quote(f"_upd_{model._meta.db_table}")
            definition = ", ".join(f"{quote(f.column)} {f.db_type(connection)}" for f in [pk, *fields])
            definition = definition.replace(" bigserial", " bigint").replace(" serial", " integer")
            cursor.execute(f"CREATE TEMP TABLE {temp} ({definition})")
            names = ", ".join(quote(f.column) for f in [pk, *fields])
            with cursor.cursor.copy(f"COPY {temp} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(prepared(row))
            assignments = ", ".join(f"{quote(f.column)} = u.{quote(f.column)}" for f in fields)
            cursor.execute(
                f"UPDATE {table} AS t SET {assignments} FROM {temp} AS u WHERE t.{quote(pk.column)} = u.{quote(pk.column)}"
            )
            cursor.execute(f"DROP TABLE {temp}")
        else:
            assignments = ", ".join(f"{quote(f.column)} = %s" for f in fields)
            sql = f"UPDATE {table} SET {assignments} WHERE {quote(pk.column)} = %s"
            cursor.executemany(sql, [[*values[1:], values[0]] for values in map(prepared, rows)])
    return len(rows)


def copy_history(queryset: models.QuerySet[Any], *, history_type: str, user: User | None, when: datetime) -> int:
    """Write the django-simple-history rows of the records `queryset` selects as they are now, in one
    INSERT … SELECT run by the database (what `bulk_create_with_history` does row by row in Python).

    `history_type` is "+" (created), "~" (changed) or "-" (deleted); `when` the history date; `user` the actor."""
    model = queryset.model
    history = model.history.model
    tracked = [f for f in history._meta.concrete_fields if not f.name.startswith("history_")]
    sql, params = queryset.order_by().values_list(*[f.attname for f in tracked]).query.sql_with_params()
    quote = connection.ops.quote_name
    columns = [quote(f.column) for f in tracked] + [
        quote(history._meta.get_field(name).column)
        for name in ("history_date", "history_type", "history_user", "history_change_reason")
    ]
    insert = (
        f"INSERT INTO {quote(history._meta.db_table)} ({', '.join(columns)}) "
        f"SELECT s.*, %s, %s, %s, NULL FROM ({sql}) AS s"
    )
    db = connections[DEFAULT_DB_ALIAS]
    date = history._meta.get_field("history_date").get_db_prep_value(when, db, prepared=False)
    with connection.cursor() as cursor:
        cursor.execute(insert, (date, history_type, getattr(user, "pk", None), *params))
        return cursor.rowcount  # type: ignore[no-any-return]
