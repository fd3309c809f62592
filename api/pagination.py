"""Cursor pagination for every API list: it holds at millions of rows (no COUNT, no OFFSET scan)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import Cursor, CursorPagination
from rest_framework.request import Request

DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000
# The largest primary key PostgreSQL's bigint holds: a cursor naming a larger one was not made by us.
MAX_POSITION = 2**63 - 1


class IdCursorPagination(CursorPagination):
    """Pages in primary-key order, the one order that is stable and indexed on every table: a client that
    walks the pages while rows are added sees each row once. Each page costs one indexed range query
    (`id > position ORDER BY id LIMIT n+1`), whatever the size of the table.

    A cursor or page size that is not ours is refused with 400 `validation_error` (never a 404 or 500),
    naming the parameter in `errors`."""

    ordering = "id"
    page_size = DEFAULT_PAGE_SIZE
    max_page_size = MAX_PAGE_SIZE
    page_size_query_param = "page_size"
    cursor_query_description = gettext_lazy("The `next` or `previous` link of the page before: an opaque value.")
    page_size_query_description = gettext_lazy("How many rows per page (default 100, at most 1000).")
    # No browsable-API page controls: the API answers JSON only.
    template = None

    @property
    def query_parameters(self) -> tuple[str, str]:
        return (self.cursor_query_param, self.page_size_query_param)

    def get_page_size(self, request: Request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= self.max_page_size:
            raise ValidationError(
                {
                    self.page_size_query_param: [
                        _("Give a whole number from 1 to %(max)d.") % {"max": self.max_page_size}
                    ]
                }
            )
        return int(raw)

    def decode_cursor(self, request: Request) -> Cursor | None:
        cursor = None
        try:
            cursor = super().decode_cursor(request)
            if cursor is not None and cursor.position is not None:
                position = int(cursor.position)
                if not 0 <= position <= MAX_POSITION:
                    raise ValueError(position)
        except (NotFound, ValueError, TypeError) as refused:
            raise ValidationError(
                {self.cursor_query_param: [_("This cursor is not valid: use the next or previous link of a page.")]}
            ) from refused
        return cursor

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"].update(minimum=1, maximum=self.max_page_size, default=self.page_size)
        return parameters

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        paginated = super().get_paginated_response_schema(schema)
        paginated["required"] = ["next", "previous", "results"]
        return paginated
