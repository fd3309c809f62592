from __future__ import annotations

import requests
from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from .adapter import SESSION_PROVIDER


@login_not_required
@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    """End the portal session; after a single sign-on, offer the provider's own sign-out too.

    The provider's session is the person's business (other applications use it), so it is offered
    rather than ended behind their back.
    """
    provider_id = request.session.get(SESSION_PROVIDER, "")
    auth_logout(request)
    offer = _end_session(request, provider_id) if provider_id else None
    if offer is None:
        return redirect("login")
    provider_name, end_session_url = offer
    return render(request, "sso/signed_out.html", {"provider_name": provider_name, "end_session_url": end_session_url})


def _end_session(request: HttpRequest, provider_id: str) -> tuple[str, str] | None:
    """The provider's name and its end-session URL, or None when it has none to offer."""
    try:
        provider = get_adapter().get_provider(request, provider_id)
        endpoint = OpenIDConnectOAuth2Adapter(request, provider_id).openid_config.get("end_session_endpoint")
    except (SocialApp.DoesNotExist, requests.RequestException, ValueError):
        # The provider was removed from the settings, or cannot be reached right now: the portal
        # session is over all the same.
        return None
    if not endpoint:
        return None
    query = urlencode(
        {"client_id": provider.app.client_id, "post_logout_redirect_uri": request.build_absolute_uri(reverse("login"))}
    )
    return provider.name, f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"
