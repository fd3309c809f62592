"""List pages whose rows PostgreSQL writes as JSON: the page's one query returns each row as its JSON object.

A client that copies a large list (a warehouse walking every signature, 1,000 a page) spent nearly all of
each page's time in Django REST framework's per-field serialization and JSON rendering. Here the page's
query adds `json_build_object(...)::text` for each row, and the view joins those texts into the page:
no object per row, no field per value in Python.

The serializer stays the one definition of a row: the fields, their order and names (so the OpenAPI schema
and the retrieve action are unchanged), and for most fields their SQL, derived from it: numbers, text and
choices are written as the database holds them, a related row as its id. A field that Python writes in a
form of its own (a moment, an address) has its SQL given by the view (`row_sql`), and a serializer field
with neither is refused when the page is built, never written differently. The pagination is DRF's own,
given rows as dicts: the same cursor, links, filters and one query per page. The tests hold each list's
pages equal to what the serializer writes for the same rows (api/tests/test_json_pages.py).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db.models import F, Func, TextField, Value
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


class ListsJsonFromDatabase(GenericAPIView):
    """For a read-only view set: the list action's pages written by PostgreSQL (see the module)."""

    def row_sql(self, serializer: serializers.Serializer[Any]) -> Mapping[str, Combinable]:
        """The SQL of the serializer's fields that are not written as stored (the serializer's context is the
        request's, for fields that depend on who asks)."""
        return {}

    def list(self, request: Request, *args: Any, **kwargs: Any) -> HttpResponse:
        serializer = self.get_serializer()
        rows = self.filter_queryset(self.get_queryset()).values(
            "id", **{ROW_JSON: row_json(serializer, self.row_sql(serializer))}
        )
        page = self.paginate_queryset(rows)
        paginator = self.paginator
        assert isinstance(paginator, CursorPagination), "every list is paginated by cursor (api.pagination)"
        assert page is not None
        links = json.dumps(
            {"next": paginator.get_next_link(), "previous": paginator.get_previous_link()},
            ensure_ascii=False,
            separators=(",", ":"),
        )
        # The links' object, its closing brace replaced by the results: the page DRF's JSON renderer writes.
        body = f'{links[:-1]},"results":[{",".join(row[ROW_JSON] for row in page)}]}}'
        return HttpResponse(body.encode(), content_type="application/json")
