from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from sso.config import DEFAULT_CLAIMS, provider_origins, providers_from_env

ENTRY = {"id": "corp", "name": "Contoso", "issuer": "https://id.example.com", "client_id": "portal", "secret": "s"}


def test_an_entry_becomes_an_allauth_app_with_the_default_claims() -> None:
    (app,) = providers_from_env([ENTRY])

    assert app["provider_id"] == "corp"
    assert app["settings"]["server_url"] == "https://id.example.com"
    assert app["settings"]["claims"] == DEFAULT_CLAIMS
    assert app["settings"]["oauth_pkce_enabled"] is True


def test_the_claims_can_be_renamed_one_by_one() -> None:
    (app,) = providers_from_env([{**ENTRY, "claims": {"employee_id": "employeeid"}}])

    assert app["settings"]["claims"] == {**DEFAULT_CLAIMS, "employee_id": "employeeid"}


def test_nothing_configured_means_no_provider() -> None:
    assert providers_from_env([]) == []


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ({"id": "corp"}, "must be a JSON list"),
        (["corp"], "must be a JSON object"),
        ([{**ENTRY, "secret": ""}], "lacks secret"),
        ([{"id": "corp"}], "lacks name, issuer, client_id, secret"),
        ([{**ENTRY, "id": "Corp/1"}], "lower-case letters"),
        ([ENTRY, ENTRY], "used twice"),
        ([{**ENTRY, "claims": {"employee_number": "x"}}], "unknown claims employee_number"),
        ([{**ENTRY, "claims": ["employee_id"]}], "unknown claims"),
    ],
)
def test_a_malformed_value_stops_the_portal_with_the_reason(raw: object, reason: str) -> None:
    with pytest.raises(ImproperlyConfigured, match=reason):
        providers_from_env(raw)


def test_the_form_targets_are_the_issuers_origins() -> None:
    apps = providers_from_env([ENTRY, {**ENTRY, "id": "other", "issuer": "https://login.example.org:8443/tenant/v2.0"}])

    assert provider_origins(apps) == ["https://id.example.com", "https://login.example.org:8443"]
