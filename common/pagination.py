from __future__ import annotations

from functools import cached_property

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest

PAGE_SIZE = 25


class _CountedPaginator(Paginator):
    """A paginator given the number of rows, counted already with others in one query: it does not count again."""

    def __init__(self, object_list: QuerySet, per_page: int, *, count: int) -> None:
        super().__init__(object_list, per_page)
        self.known_count = count

    @cached_property
    def count(self) -> int:
        return self.known_count


def paginate(
    request: HttpRequest,
    queryset: QuerySet,
    *,
    per_page: int = PAGE_SIZE,
    parameter: str = "page",
    count: int | None = None,
) -> Page:
    """The page named by ?page= (the last one when it is past the end, the first when it is not a number).
    A second list on the same page is paginated by a query parameter of its own (`parameter`). `count`, the
    number of rows when the caller has it already, spares the count query."""
    if count is None:
        return Paginator(queryset, per_page).get_page(request.GET.get(parameter))
    return _CountedPaginator(queryset, per_page, count=count).get_page(request.GET.get(parameter))


def query_without_page(request: HttpRequest, parameter: str = "page") -> str:
    """The current filters as a query string, for links to other pages of the same list
    (`parameter`: the list's own page parameter, for a second list on the page)."""
    query = request.GET.copy()
    query.pop(parameter, None)
    return query.urlencode()
