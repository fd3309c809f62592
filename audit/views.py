from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from common.pagination import paginate, query_without_page
from common.permissions import permission_required

from . import selectors
from .forms import EventFilterForm


def detail_pairs(details: Any) -> list[tuple[str, str]]:
    """An event's JSON details as (key, value) text pairs; values that are not text stay compact JSON."""
    if not isinstance(details, dict):
        return [("", _compact(details))] if details not in (None, "", [], {}) else []
    return [(str(key), _compact(value)) for key, value in details.items()]


def _compact(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, separators=(", ", ": "))


@require_GET
@permission_required("audit.view_auditevent")
def event_list(request: HttpRequest) -> HttpResponse:
    form = EventFilterForm(request.GET)
    # Invalid filters show their errors over an empty table, never the unfiltered log.
    found = selectors.events(form.cleaned_data) if form.is_valid() else selectors.events().none()
    page = paginate(request, found)
    rows = [(event, detail_pairs(event.details)) for event in page.object_list]
    context = {"form": form, "page": page, "rows": rows, "query": query_without_page(request)}
    return render(request, "audit/event_list.html", context)
