"""Writing rows fast: COPY on PostgreSQL (bulk_create on SQLite), with the constraints lifted during the load."""

from __future__ import annotations

import datetime
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.db import connection, models
from django.db.models import Max

BATCH_SIZE = 5000
# Rows per COPY statement on PostgreSQL.
COPY_BATCH_SIZE = 50_000


_NEEDS_ESCAPE = re.compile(r"[\\\t\n\r]")
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_text(value: Any) -> str:
    """One value in PostgreSQL's COPY text format."""
    if value is None:
        return "\\N"
    if isinstance(value, str):
        # translate() is slow on long text; most values have nothing to escape.
        return value.translate(_COPY_ESCAPES) if _NEEDS_ESCAPE.search(value) else value
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime.date):  # dates and aware datetimes alike
        return value.isoformat()
    return str(value)


class Rows:
    """Plain rows (tuples in `columns` order) for one model's table, written in large batches.

    On PostgreSQL they go in with COPY, about twenty times faster than building model instances
    for bulk_create, which is what SQLite gets (a tiny test run). Columns not given take their
    model default (or `now`, for the automatic timestamps), or the database's where the field has one;
    nullable ones are left NULL. COPY,
    like bulk_create, sends no signals and calls no save(): these are seed rows, written as the
    services would have left them.
    """

    def __init__(self, model: type[models.Model], columns: Sequence[str], *, now: datetime.datetime) -> None:
        self.model = model
        self.columns = list(columns)
        self.defaults: dict[str, Any] = {}
        for model_field in model._meta.concrete_fields:
            if model_field.primary_key or model_field.attname in self.columns:
                continue
            if model_field.db_default is not models.NOT_PROVIDED:
                continue  # the database fills it in
            if getattr(model_field, "auto_now", False) or getattr(model_field, "auto_now_add", False):
                self.defaults[model_field.attname] = now
            elif model_field.has_default() or not model_field.null:
                # Without a default of its own a text field's is "" (what a form would save).
                self.defaults[model_field.attname] = model_field.get_default()
                if self.defaults[model_field.attname] is None:
                    raise ValueError(f"{model.__name__}.{model_field.attname} needs a value.")
        self.pending: list[Sequence[Any]] = []
        self.written = 0

    def add(self, row: Sequence[Any]) -> None:
        self.pending.append(row)
        if len(self.pending) >= COPY_BATCH_SIZE:
            self.flush()

    def extend(self, rows: Iterable[Sequence[Any]]) -> None:
        for row in rows:
            self.add(row)

    def flush(self) -> None:
        if not self.pending:
            return
        if connection.vendor == "postgresql":
            self._copy()
        else:
            self._create()
        self.written += len(self.pending)
        self.pending = []

    def _create(self) -> None:
        names = [*self.columns, *self.defaults]
        defaults = list(self.defaults.values())
        self.model._default_manager.bulk_create(
            [self.model(**dict(zip(names, [*row, *defaults], strict=True))) for row in self.pending],
            batch_size=BATCH_SIZE,
        )

    def _copy(self) -> None:
        meta = self.model._meta
        quote = connection.ops.quote_name
        names = ", ".join(quote(_column(meta, name)) for name in [*self.columns, *self.defaults])
        tail = "".join("\t" + _copy_text(value) for value in self.defaults.values()) + "\n"
        separators = len(self.columns) - 1
        buffer = io.StringIO()
        for row in self.pending:
            # Most rows are numbers, moments and text with nothing to escape, which str() writes as COPY reads
            # them (True as "True", a moment as "2026-03-01 07:30:00+00:00"): a row is written whole, and value
            # by value only when it holds a NULL or its line something to escape (more tabs than separators,
            # a backslash, a line break). Value by value cost most of a million people's seeding.
            line = "\t".join(map(str, row))
            if None in row or line.count("\t") != separators or "\\" in line or "\n" in line or "\r" in line:
                line = "\t".join([_copy_text(value) for value in row])
            buffer.write(line)
            buffer.write(tail)
        buffer.seek(0)
        with connection.cursor() as cursor:
            cursor.copy_expert(f"COPY {quote(meta.db_table)} ({names}) FROM STDIN", buffer)


def ids_reserve(model: type[models.Model], count: int) -> int:
    """The first of `count` consecutive primary keys that nothing else will take, for rows written with
    their keys: then rows that refer to them need no query to learn them (at a million people, reading
    the keys back cost more than writing the rows).

    On PostgreSQL the table is locked against other writers until the seed's transaction ends, and its
    sequence moved past the keys reserved; SQLite gives a new row the largest key plus one.
    """
    if connection.vendor != "postgresql":
        return (model._default_manager.aggregate(last=Max("pk"))["last"] or 0) + 1
    table = model._meta.db_table
    with connection.cursor() as cursor:
        # No other writer takes a key from the sequence between our nextval and setval.
        cursor.execute(f"LOCK TABLE {connection.ops.quote_name(table)} IN SHARE ROW EXCLUSIVE MODE")
        cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, model._meta.pk.column])
        (sequence,) = cursor.fetchone()
        cursor.execute("SELECT nextval(%s)", [sequence])
        (first,) = cursor.fetchone()
        if count > 1:
            cursor.execute("SELECT setval(%s, %s)", [sequence, first + count - 1])
    return int(first)


def _column(meta: Any, name: str) -> str:
    """The database column of a concrete field."""
    field = meta.get_field(name)
    return str(field.column)


# Memory for each index the load rebuilds: with the server's default (64 MB) the sort of a few million keys
# spills to disk in many passes, and PostgreSQL gives a parallel build fewer workers.
INDEX_BUILD_MEMORY = "512MB"


@contextmanager
def checked_after_loading(*loaded: type[models.Model]) -> Iterator[None]:
    """On PostgreSQL, drop the tables' foreign keys, unique constraints and indexes (all but the primary
    keys) for a bulk load, and put them back afterwards, as pg_restore does.

    Checked row by row, the foreign keys of a few million rows cost minutes at commit, and each index
    kept makes every inserted row touch one more page, at random for keys such as record hashes or
    (person, version); added back, each is one validating query or one sorted index build. All of it
    happens inside the seed's transaction, so a failure restores them as they were, and nobody else
    sees the tables meanwhile. Queries during the load read the tables without their indexes.
    """
    if connection.vendor != "postgresql":
        yield
        return
    tables = [model._meta.db_table for model in loaded]
    with connection.cursor() as cursor:
        constraints = _constraints(cursor, tables)
        plain_indexes = _plain_indexes(cursor, tables)
        # Django's foreign keys are deferred; a table with checks still queued cannot be altered.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for table, name, _definition in constraints:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {connection.ops.quote_name(name)}")
        for name, _definition in plain_indexes:
            cursor.execute(f"DROP INDEX {name}")
    yield
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"SET LOCAL maintenance_work_mem = '{INDEX_BUILD_MEMORY}'")
        for _name, definition in plain_indexes:
            cursor.execute(definition)
        # In the order read: unique constraints, then foreign keys.
        for table, name, definition in constraints:
            cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {connection.ops.quote_name(name)} {definition}")


def _constraints(cursor: Any, tables: list[str]) -> list[tuple[str, str, str]]:
    """(table, name, definition) of the tables' unique constraints and foreign keys, unique ones first."""
    cursor.execute(
        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint"
        " WHERE conrelid = ANY(%s::regclass[]) AND contype IN ('u', 'f') ORDER BY contype DESC, conname",
        [tables],
    )
    return list(cursor.fetchall())


def _plain_indexes(cursor: Any, tables: list[str]) -> list[tuple[str, str]]:
    """(name, definition) of the tables' indexes that are neither a primary key nor a constraint's."""
    cursor.execute(
        "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index"
        " WHERE indrelid = ANY(%s::regclass[]) AND NOT indisprimary"
        " AND NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conindid = indexrelid)",
        [tables],
    )
    return list(cursor.fetchall())
