from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from acknowledgements import selectors as acknowledgement_selectors
from codes import selectors as codes_selectors
from people import selectors as people_selectors
from training import selectors as training_selectors

HOME_DOCUMENTS_SHOWN = 5


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """One home for everybody, made of the panels the person's permissions open."""
    user = request.user
    profile = people_selectors.profile_of(user)
    context: dict[str, object] = {"profile": profile}
    if profile is not None:
        context["waiting"] = list(acknowledgement_selectors.pending_for(user)[:HOME_DOCUMENTS_SHOWN])
        context["training_due"] = list(training_selectors.open_assignments_of(profile)[:HOME_DOCUMENTS_SHOWN])
    if profile is not None and user.has_perm("codes.view_codedocument"):
        # The list links to the reader of each code, which needs this permission: show no link that would refuse.
        context["codes_for_me"] = list(codes_selectors.versions_visible_to(user).published()[:HOME_DOCUMENTS_SHOWN])
    if user.has_perm("codes.add_codedocument"):
        context["my_documents"] = list(codes_selectors.document_list(owner_id=user.pk)[:HOME_DOCUMENTS_SHOWN])
    if user.has_perm("people.view_team") and profile is not None:
        context["team_size"] = people_selectors.managed_by(user).count()
    if user.has_perm("people.view_organisation"):
        context["organisation"] = people_selectors.organisation_totals()
        context["published_documents"] = codes_selectors.published_document_count()
    return render(request, "portal/home.html", context)


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """For load balancers: 200 when the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


@login_not_required
@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico on pages that name no icon (the admin's): send them the portal's."""
    return redirect(static("img/favicon.svg"), permanent=True)
