"""The identity providers the portal accepts, read from the environment (settings.py calls this).

SSO_PROVIDERS holds a JSON list, one object per provider:

    [{"id": "corp", "name": "Contoso", "issuer": "https://login.example.com/tenant/v2.0",
      "client_id": "...", "secret": "...",
      "claims": {"employee_id": "employee_id", "email": "email", "name": "name",
                 "department": "department", "manager": "manager"}}]

Only id, name, issuer, client_id and secret are required; "claims" names, per provider, the claims
that carry each piece of the person (the defaults above). A malformed value stops the portal at
start-up with the reason, rather than leaving a provider half-configured.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

DEFAULT_CLAIMS = {
    "employee_id": "employee_id",
    "email": "email",
    "email_verified": "email_verified",
    "name": "name",
    "department": "department",
    "manager": "manager",
}
REQUIRED = ("id", "name", "issuer", "client_id", "secret")
# The id appears in the callback URL each provider must be told about.
PROVIDER_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")


def providers_from_env(raw: Any) -> list[dict[str, Any]]:
    """Check SSO_PROVIDERS and turn it into django-allauth's openid_connect APPS list."""
    if not isinstance(raw, list):
        raise ImproperlyConfigured("SSO_PROVIDERS must be a JSON list of providers.")
    apps: list[dict[str, Any]] = []
    seen: set[str] = set()
    for position, entry in enumerate(raw, start=1):
        if not isinstance(entry, dict):
            raise ImproperlyConfigured(f"SSO_PROVIDERS entry {position} must be a JSON object.")
        missing = [key for key in REQUIRED if not isinstance(entry.get(key), str) or not entry[key]]
        if missing:
            raise ImproperlyConfigured(f"SSO_PROVIDERS entry {position} lacks {', '.join(missing)}.")
        if not PROVIDER_ID.match(entry["id"]):
            raise ImproperlyConfigured(
                f"SSO_PROVIDERS entry {position}: id {entry['id']!r} must be lower-case letters, digits and hyphens."
            )
        if entry["id"] in seen:
            raise ImproperlyConfigured(f"SSO_PROVIDERS entry {position}: id {entry['id']!r} is used twice.")
        seen.add(entry["id"])
        claims = entry.get("claims", {})
        unknown = set(claims) - set(DEFAULT_CLAIMS) if isinstance(claims, dict) else {"(not an object)"}
        if unknown:
            raise ImproperlyConfigured(
                f"SSO_PROVIDERS entry {position}: unknown claims {', '.join(sorted(unknown))}; "
                f"known: {', '.join(DEFAULT_CLAIMS)}."
            )
        apps.append(
            {
                "provider_id": entry["id"],
                "name": entry["name"],
                "client_id": entry["client_id"],
                "secret": entry["secret"],
                "settings": {
                    "server_url": entry["issuer"],
                    # PKCE binds the code to the browser that asked for it, on top of the state.
                    "oauth_pkce_enabled": True,
                    "claims": {**DEFAULT_CLAIMS, **claims},
                },
            }
        )
    return apps


def provider_origins(apps: list[dict[str, Any]]) -> list[str]:
    """The origins of the providers' issuers, for the CSP's form-action (a sign-in form redirects there)."""
    origins = []
    for app in apps:
        parts = urlsplit(app["settings"]["server_url"])
        origins.append(f"{parts.scheme}://{parts.netloc}")
    return sorted(set(origins))
