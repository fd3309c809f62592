"""Rows made from a query, inside the database: for the writes that touch a whole organisation at once."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connections
from django.db.models import Field, Model, QuerySet


def insert_from_query(model: type[Model], rows: QuerySet, fields: Sequence[str], **values: Any) -> int:
    """Insert one `model` row per row of `rows`, skipping any that a unique constraint refuses.

    `rows` is a values_list giving `fields`, in that order; every other column comes from `values`
    or, failing that, from the field's default (auto_now_add included), as `bulk_create` would set
    it. The rows go from the SELECT to the INSERT inside the database (INSERT … SELECT … ON CONFLICT
    DO NOTHING): nothing travels to Python and back, whatever their number. Returns how many rows
    were inserted.
    """
    connection = connections[rows.db]
    sql, params = _insert_sql(model, rows, fields, values)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def insert_from_query_returning(
    model: type[Model], rows: QuerySet, fields: Sequence[str], returning: str, **values: Any
) -> list[Any]:
    """`insert_from_query`, giving the column `returning` of each row it inserted (and of no row a unique
    constraint refused): what a claim newly claimed, exactly, even with another claim running at once."""
    connection = connections[rows.db]
    sql, params = _insert_sql(model, rows, fields, values)
    field = model._meta.get_field(returning)
    assert isinstance(field, Field)
    with connection.cursor() as cursor:
        cursor.execute(f"{sql} RETURNING {connection.ops.quote_name(field.get_attname_column()[1])}", params)
        return [row[0] for row in cursor.fetchall()]


def _insert_sql(
    model: type[Model], rows: QuerySet, fields: Sequence[str], values: dict[str, Any]
) -> tuple[str, list[Any]]:
    meta = model._meta
    connection = connections[rows.db]
    quote = connection.ops.quote_name
    selected = [field for name in fields if isinstance(field := meta.get_field(name), Field)]
    others = [field for field in meta.concrete_fields if field not in selected and not field.primary_key]
    template = model(**values)
    constants = [field.get_db_prep_save(field.pre_save(template, add=True), connection) for field in others]
    select, params = rows.query.sql_with_params()
    names = ", ".join(quote(field.column) for field in selected)
    columns = ", ".join(quote(field.column) for field in [*selected, *others])
    placeholders = ", ".join(["%s"] * len(others))
    # The WITH goes inside the INSERT: SQLite's driver counts the rows only of a statement that
    # begins with INSERT. "WHERE true" tells SQLite's parser that ON CONFLICT belongs to the INSERT.
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({columns}) "  # noqa: S608 - the ORM's own SQL and our names
        f"WITH selected ({names}) AS ({select}) "
        f"SELECT {names}, {placeholders} FROM selected WHERE true ON CONFLICT DO NOTHING"
    )
    return sql, [*params, *constants]
