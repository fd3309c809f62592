from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from common.pagination import paginate, query_without_page
from common.permissions import permission_required

from . import selectors
from .details import describe
from .forms import EventFilterForm


@require_GET
@permission_required("audit.view_auditevent")
def event_list(request: HttpRequest) -> HttpResponse:
    form = EventFilterForm(request.GET)
    # Invalid filters show their errors over an empty table, never the unfiltered log.
    found = selectors.events(form.cleaned_data) if form.is_valid() else selectors.events().none()
    page = paginate(request, found)
    rows = [(event, describe(event.details)) for event in page.object_list]
    context = {"form": form, "page": page, "rows": rows, "query": query_without_page(request)}
    return render(request, "audit/event_list.html", context)
