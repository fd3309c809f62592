from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest

PAGE_SIZE = 25


def paginate(request: HttpRequest, queryset: QuerySet, *, per_page: int = PAGE_SIZE, parameter: str = "page") -> Page:
    """The page named by ?page= (the last one when it is past the end, the first when it is not a number).
    A second list on the same page is paginated by a query parameter of its own (`parameter`)."""
    return Paginator(queryset, per_page).get_page(request.GET.get(parameter))


def query_without_page(request: HttpRequest, parameter: str = "page") -> str:
    """The current filters as a query string, for links to other pages of the same list
    (`parameter`: the list's own page parameter, for a second list on the page)."""
    query = request.GET.copy()
    query.pop(parameter, None)
    return query.urlencode()
