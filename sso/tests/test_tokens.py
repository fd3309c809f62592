"""The portal's check of real ID tokens from the provider: its own are accepted, others' and old ones refused.

The callback decodes the ID token with the same code (allauth's OpenIDConnectOAuth2Adapter); here the
token comes from the provider directly, so that a token meant for another application, or one
that has expired, can be handed over as an attacker would.
"""

from __future__ import annotations

import datetime

import pytest
import time_machine
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter
from django.test import RequestFactory

from .oidc import (
    OTHER_CLIENT_ID,
    OTHER_CLIENT_SECRET,
    OTHER_REDIRECT,
    PROVIDER_ID,
    RunningProvider,
    provider_id_token,
)

pytestmark = pytest.mark.django_db


def portal_decodes(id_token: str) -> dict:
    adapter = OpenIDConnectOAuth2Adapter(RequestFactory().get("/"), PROVIDER_ID)
    return adapter._decode_id_token(adapter.get_provider().app, id_token)


def portal_token(provider: RunningProvider) -> str:
    return provider_id_token(
        provider,
        login="alice",
        client_id=provider.client_id,
        secret=provider.secret,
        redirect_uri=f"http://testserver/sso/oidc/{PROVIDER_ID}/login/callback/",
    )


def test_a_token_issued_to_the_portal_is_accepted(sso_settings: RunningProvider) -> None:
    claims = portal_decodes(portal_token(sso_settings))

    assert claims["sub"] == "alice"
    assert claims["aud"] == sso_settings.client_id
    assert "auth_time" in claims


def test_a_token_issued_to_another_application_is_refused(sso_settings: RunningProvider) -> None:
    token = provider_id_token(
        sso_settings, login="alice", client_id=OTHER_CLIENT_ID, secret=OTHER_CLIENT_SECRET, redirect_uri=OTHER_REDIRECT
    )

    with pytest.raises(OAuth2Error):
        portal_decodes(token)


def test_an_expired_token_is_refused(sso_settings: RunningProvider) -> None:
    token = portal_token(sso_settings)

    # The provider issues ID tokens for an hour.
    later = datetime.datetime.now(datetime.UTC) + datetime.timedelta(hours=2)
    with time_machine.travel(later), pytest.raises(OAuth2Error):
        portal_decodes(token)


def test_a_tampered_token_is_refused(sso_settings: RunningProvider) -> None:
    header, payload, signature = portal_token(sso_settings).split(".")
    forged = ".".join([header, payload, signature[:-4] + ("AAAA" if not signature.endswith("AAAA") else "BBBB")])

    with pytest.raises(OAuth2Error):
        portal_decodes(forged)
