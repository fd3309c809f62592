"""The API's own pages: the schema, and each person's page of API tokens (the resources are in api/resources/)."""

from __future__ import annotations

import threading
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from drf_spectacular.views import SpectacularAPIView
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from common.errors import InputRefused
from common.http import AuthenticatedHttpRequest
from common.pagination import paginate

from . import tokens
from .forms import TokenCreateForm, expiry_moment
from .models import ApiToken
from .selectors import tokens_of


class SchemaView(SpectacularAPIView):
    """The schema (YAML, or JSON with `Accept: application/vnd.oai.openapi+json` or `?format=json`); a
    refusal is the API's JSON error like any other, not a YAML document."""

    # drf-spectacular resolves its extensions' classes on first use, writing the result on the class: two
    # threads generating the schema at once could each fail the import of an optional package's class, the
    # first then setting it to None under the second, which answered 500. One generation at a time; the
    # schema is asked for rarely (clients load it once).
    _generating = threading.Lock()

    # dispatch, not get: drf-spectacular describes this endpoint from its own get.
    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        with self._generating:
            return super().dispatch(request, *args, **kwargs)

    def finalize_response(self, request: Request, response: Response, *args: Any, **kwargs: Any) -> Response:
        if response.exception:
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = JSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)


# ---------------------------------------------------------------------------
# A person's own API tokens (Profile, API tokens)
# ---------------------------------------------------------------------------


def _tokens_page(
    request: AuthenticatedHttpRequest, form: TokenCreateForm, *, created: ApiToken | None = None, secret: str = ""
) -> HttpResponse:
    context = {
        "form": form,
        "page": paginate(request, tokens_of(request.user)),
        "created": created,
        "secret": secret,
        "now": timezone.now(),
    }
    return render(request, "api/token_list.html", context, status=400 if form.errors else 200)


@never_cache
@require_http_methods(["GET", "POST"])
def token_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The person's tokens, and a form for a new one; the new token's secret is shown on the answer to the
    form and never again (the page is not stored: `Cache-Control: no-store`)."""
    if request.method != "POST":
        return _tokens_page(request, TokenCreateForm())
    form = TokenCreateForm(request.POST)
    if not form.is_valid():
        return _tokens_page(request, form)
    try:
        token, secret = tokens.token_create(
            owner=request.user,
            name=form.cleaned_data["name"],
            scope=form.cleaned_data["scope"],
            expires_at=expiry_moment(form.cleaned_data["expires_on"]),
            actor=request.user,
        )
    except InputRefused as refused:
        form.add_error("expires_on" if refused.field == "expires_at" else refused.field, refused.message)
        return _tokens_page(request, form)
    return _tokens_page(request, TokenCreateForm(), created=token, secret=secret)


@require_http_methods(["GET", "POST"])
def token_revoke(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Revoke one of the person's own tokens, after a confirmation (a page of its own: no script needed)."""
    token = get_object_or_404(tokens_of(request.user), pk=pk, revoked_at__isnull=True)
    if request.method != "POST":
        return render(request, "api/token_revoke.html", {"token": token})
    tokens.token_revoke(token=token, actor=request.user)
    messages.success(
        request, _("The token “%(name)s” is revoked: programs using it are refused from now on.") % {"name": token.name}
    )
    return redirect("api:token_list")
