"""List pages whose rows PostgreSQL writes as JSON: the page's one query returns each row as its JSON object.

A client that copies a large list (a warehouse walking every signature, 1,000 a page) spent nearly all of
each page's time in Django REST framework's per-field serialization and JSON rendering. Here the page's
query writes each row as `json_build_object(...)::text` and joins them into the page's results array
(`string_agg`), beside the ids in the pagination's order: Python reads one text and one array of numbers
a page, no object per row, no field per value.

The serializer stays the one definition of a row: the fields, their order and names (so the OpenAPI schema
and the retrieve action are unchanged), and for most fields their SQL, derived from it: numbers, text and
choices are written as the database holds them, a related row as its id. A field that Python writes in a
form of its own (a moment, an address) has its SQL given by the view (`row_sql`), and a serializer field
with neither is refused when the page is built, never written differently. The pagination is DRF's own,
given each row as its id (all its cursor and links read): the same cursor, links, filters and one query
per page. The tests hold each list's pages equal to what the serializer writes for the same rows
(api/tests/test_json_pages.py).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import connections
from django.db.models import F, Func, QuerySet, TextField, Value
from django.db.models.expressions import Combinable
from django.http import HttpResponse
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request
from rest_framework.settings import api_settings

# Fields whose JSON is the column's value as the database holds it, through json_build_object (a big integer
# unless DRF is told to write it as a string).
AS_STORED = (
    serializers.IntegerField,
    serializers.BigIntegerField,
    serializers.CharField,
    serializers.ChoiceField,
    serializers.BooleanField,
)
# The column that holds each row's JSON, beside the id the cursor reads.
ROW_JSON = "row_json"


class JsonObjectText(Func):
    """`json_build_object(key, value, …)` as text, its keys in the order given (jsonb would sort them)."""

    function = "json_build_object"
    template = "%(function)s(%(expressions)s)::text"
    output_field = TextField()

    def __init__(self, fields: Mapping[str, Any]) -> None:
        super().__init__(*(part for name, value in fields.items() for part in (Value(name), value)))


def row_json(serializer: serializers.Serializer[Any], row_sql: Mapping[str, Any]) -> JsonObjectText:
    """The object `serializer` writes for a row, built by the database: each field's SQL from `row_sql`, else
    derived from the field (see the module); a field with neither is refused."""
    columns: dict[str, Any] = {}
    for name, field in serializer.fields.items():
        if name in row_sql:
            columns[name] = row_sql[name]
        elif isinstance(field, serializers.PrimaryKeyRelatedField):
            columns[name] = F(f"{field.source}_id")
        elif type(field) in AS_STORED and not getattr(field, "coerce_to_string", api_settings.COERCE_BIGINT_TO_STRING):
            columns[name] = F(field.source)
        else:
            raise ImproperlyConfigured(
                f"{type(serializer).__name__}.{name} ({type(field).__name__}) needs its SQL in the view's row_sql"
            )
    return JsonObjectText(columns)


# The page's one query, around the slice of rows DRF reads: the ids in the slice's order, then the results
# array, the rows' JSON in id order but for the row beyond the page (`place` counts in the slice's order).
PAGE_SQL = f"""
SELECT array_agg(id ORDER BY place),
       '[' || coalesce(string_agg({ROW_JSON}, ',' ORDER BY id) FILTER (WHERE place <= %s), '') || ']'
FROM (SELECT id, {ROW_JSON}, row_number() OVER (ORDER BY id {{direction}}) AS place
      FROM ({{rows}}) AS slice) AS numbered
"""  # noqa: S608 - the ORM's own SQL and our names


class PageRows:
    """The list's rows as DRF's cursor pagination pages them: it orders, filters and slices them as it would
    a queryset, and reading the slice runs the page's one query. That query returns the ids of the slice's
    rows in the slice's order, which is all the pagination reads of a row (it gives them back as the page,
    `{"id": …}` each), and the page's results array, written by PostgreSQL: the rows' JSON in id order, joined.

    The slice holds one row more than the page when another row follows it (how DRF knows there is a next
    page): the results leave that row out, as DRF's page does."""

    def __init__(self, rows: QuerySet[Any]) -> None:
        self.rows = rows
        # The slice's order, as DRF asks for it: ascending, or descending for a previous page.
        self.direction = "ASC"
        self.results_json = "[]"

    # DRF reassigns what these return; the rows are narrowed in place, so that the view reads the results here.
    def order_by(self, *ordering: str) -> PageRows:
        assert ordering in {("id",), ("-id",)}, "the pages are in id order (api.pagination)"
        self.rows = self.rows.order_by(*ordering)
        self.direction = "DESC" if ordering == ("-id",) else "ASC"
        return self

    def filter(self, **conditions: Any) -> PageRows:
        self.rows = self.rows.filter(**conditions)
        return self

    def __getitem__(self, window: slice) -> list[dict[str, int]]:
        page_size = window.stop - window.start - 1
        connection = connections[self.rows.db]
        rows_sql, params = self.rows[window].query.get_compiler(connection=connection).as_sql()
        with connection.cursor() as cursor:
            cursor.execute(PAGE_SQL.format(rows=rows_sql, direction=self.direction), (page_size, *params))
            ids, self.results_json = cursor.fetchone()
        return [{"id": id_} for id_ in ids or ()]


class ListsJsonFromDatabase(GenericAPIView):
    """For a read-only view set: the list action's pages written by PostgreSQL (see the module)."""

    def row_sql(self, serializer: serializers.Serializer[Any]) -> Mapping[str, Combinable]:
        """The SQL of the serializer's fields that are not written as stored (the serializer's context is the
        request's, for fields that depend on who asks)."""
        return {}

    def list(self, request: Request, *args: Any, **kwargs: Any) -> HttpResponse:
        serializer = self.get_serializer()
        rows = PageRows(
            self.filter_queryset(self.get_queryset()).values(
                "id", **{ROW_JSON: row_json(serializer, self.row_sql(serializer))}
            )
        )
        self.paginate_queryset(rows)
        paginator = self.paginator
        assert isinstance(paginator, CursorPagination), "every list is paginated by cursor (api.pagination)"
        links = json.dumps(
            {"next": paginator.get_next_link(), "previous": paginator.get_previous_link()},
            ensure_ascii=False,
            separators=(",", ":"),
        )
        # The links' object, its closing brace replaced by the results: the page DRF's JSON renderer writes.
        body = f'{links[:-1]},"results":{rows.results_json}}}'
        return HttpResponse(body.encode(), content_type="application/json")
