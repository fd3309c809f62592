from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from conduct_portal.pagination import paginate
from people.access import permission_required

from . import selectors


@require_GET
@permission_required("codes.view_codedocument")
def document_list(request: HttpRequest) -> HttpResponse:
    return render(request, "codes/document_list.html", {"page": paginate(request, selectors.document_list())})
