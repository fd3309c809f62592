"""The search pages: the code texts a person may read, and for compliance, the people of the organisation."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from codes.search import Search, section_hits, sections_matching, version_hits, versions_matching
from common.http import AuthenticatedHttpRequest
from common.pagination import paginate, query_without_page
from common.permissions import permission_required
from common.replica import reads_from_replica
from people.selectors import people_matching

from .forms import SearchForm

VERSIONS_PAGE = "versions_page"


def _context(request: AuthenticatedHttpRequest) -> tuple[SearchForm, dict[str, Any]]:
    form = SearchForm(request.GET or None)
    context = {"form": form, "query": query_without_page(request)}
    return form, context


@require_GET
@permission_required("codes.view_codedocument")
@reads_from_replica
def results(request: AuthenticatedHttpRequest) -> HttpResponse:
    form, context = _context(request)
    if form.is_valid():
        search = Search.in_current_language(form.cleaned_data["q"])
        sections = paginate(request, sections_matching(request.user, search))
        versions = paginate(request, versions_matching(request.user, search), parameter=VERSIONS_PAGE)
        context.update(
            sections=sections,
            section_hits=section_hits(sections, search),
            versions=versions,
            version_hits=version_hits(versions, search),
            versions_query=query_without_page(request, VERSIONS_PAGE),
        )
    return render(request, "search/results.html", context)


@require_GET
@permission_required("people.view_organisation")
@reads_from_replica
def people(request: AuthenticatedHttpRequest) -> HttpResponse:
    form, context = _context(request)
    if form.is_valid():
        context["page"] = paginate(request, people_matching(form.cleaned_data["q"]).order_by("employee_id"))
    return render(request, "search/people.html", context)
