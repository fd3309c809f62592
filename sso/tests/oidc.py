"""A real OpenID Connect provider (sso/provider/provider.mjs, npm's oidc-provider) for the tests.

`running_provider` starts it as a subprocess on a free port of 127.0.0.1 and stops it afterwards;
`provider_sign_in` signs in on its own login page the way a browser would (plain HTTP, no fake).
"""

from __future__ import annotations

import json
import re
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
import requests
from time_machine import escape_hatch

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "sso" / "provider" / "provider.mjs"
PROVIDER_ID = "local"
CLIENT_ID = "conduct-portal"
CLIENT_SECRET = "tests-only-client-secret"
# Another application at the same provider: its ID tokens are not meant for the portal.
OTHER_CLIENT_ID = "another-application"
OTHER_CLIENT_SECRET = "another-application-secret"
OTHER_REDIRECT = "http://127.0.0.1:9/callback"
# The people the provider knows, by subject (its login name).
ACCOUNTS: dict[str, dict[str, Any]] = {
    # Matched by employee id; the email differs from the portal's on purpose.
    "alice": {
        "email": "alice.a@corp.example",
        "email_verified": True,
        "name": "Alice Agent",
        "employee_id": "E-1001",
        "department": "SUP",
        "manager": "E-2001",
    },
    # No employee id: matched by a verified email.
    "bob": {"email": "bob@example.com", "email_verified": True, "name": "Bob"},
    # An address the provider has not verified matches nobody.
    "carol": {"email": "carol@example.com", "email_verified": False, "name": "Carol"},
    # Unknown to the portal.
    "stranger": {"email": "stranger@corp.example", "email_verified": True, "name": "Stranger", "employee_id": "E-9999"},
}


@dataclass(frozen=True)
class RunningProvider:
    issuer: str
    client_id: str = CLIENT_ID
    secret: str = CLIENT_SECRET

    def settings(self, **claims: str) -> list[dict[str, Any]]:
        """SSO_PROVIDERS' value for this provider, already checked (sso.config)."""
        from sso.config import providers_from_env

        entry: dict[str, Any] = {
            "id": PROVIDER_ID,
            "name": "Local ID",
            "issuer": self.issuer,
            "client_id": self.client_id,
            "secret": self.secret,
        }
        if claims:
            entry["claims"] = claims
        return providers_from_env([entry])


# How far the suite's clock (pytest --clock, time-machine) may be from the machine's before the provider
# and the portal disagree about when a token was issued.
CLOCK_AGREEMENT_SECONDS = 60


def _skip_on_a_moved_clock() -> None:
    """Skip under `pytest --clock`: the provider (Node.js) and the browser keep the machine's real clock.

    Its tokens' `iat` and `auth_time`, and its cookies' expiry in Chromium, are in real time, while the
    portal reads them at the moved moment: a token issued "days in the future" is rightly refused. The
    provider is a real peer with a clock of its own, so these tests run in the suite's real-time run.
    """
    if not escape_hatch.is_travelling():
        return
    moved = abs(time.time() - escape_hatch.time.time())
    if moved > CLOCK_AGREEMENT_SECONDS:
        pytest.skip(
            f"the OpenID provider keeps the machine's clock, {moved / 86400:.1f} days from the suite's "
            "(--clock): its tokens cannot agree with the portal's time; these tests run in the real-time run"
        )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def running_provider(portal_urls: list[str], *, id_token_ttl: int = 3600) -> Iterator[RunningProvider]:
    """The provider, with the portal at each of `portal_urls` registered as a client's redirect."""
    node = shutil.which("node")
    if node is None or not (ROOT / "node_modules" / "oidc-provider").is_dir():
        # As scripts/check_system says before the suite starts.
        pytest.skip("the single sign-on tests need Node.js and oidc-provider: apt-get install nodejs npm && npm ci")
    _skip_on_a_moved_clock()
    port = _free_port()
    config = {
        "port": port,
        "id_token_ttl": id_token_ttl,
        "clients": [
            {
                "client_id": CLIENT_ID,
                "client_secret": CLIENT_SECRET,
                "redirect_uris": [f"{url}/sso/oidc/{PROVIDER_ID}/login/callback/" for url in portal_urls],
                "post_logout_redirect_uris": [f"{url}/accounts/login/" for url in portal_urls],
            },
            {"client_id": OTHER_CLIENT_ID, "client_secret": OTHER_CLIENT_SECRET, "redirect_uris": [OTHER_REDIRECT]},
        ],
        "accounts": ACCOUNTS,
    }
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as config_file:
        json.dump(config, config_file)
    process = subprocess.Popen(
        [node, str(SCRIPT), config_file.name],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        if not line.startswith("ready "):
            raise RuntimeError(f"the OpenID provider did not start (exit code {process.poll()}): {line!r}")
        yield RunningProvider(issuer=line.split()[1])
    finally:
        process.terminate()
        process.wait(timeout=10)
        if process.stdout is not None:
            process.stdout.close()
        Path(config_file.name).unlink()


def provider_sign_in(authorize_url: str, *, login: str, session: requests.Session | None = None) -> str:
    """Sign in at the provider from its authorization URL; return where it sends the browser back.

    Like a browser: follow the provider's own redirects, fill its login page, stop at the first
    redirect that leaves the provider (the portal's callback).
    """
    browser = session or requests.Session()
    url = authorize_url
    issuer = re.match(r"^https?://[^/]+", authorize_url)
    assert issuer is not None
    data: dict[str, str] | None = None
    for _ in range(10):
        response = (
            browser.post(url, data=data, allow_redirects=False) if data else browser.get(url, allow_redirects=False)
        )
        data = None
        if response.is_redirect:
            url = urljoin(url, response.headers["Location"])
            if not url.startswith(issuer.group(0)):
                return url
            continue
        form = re.search(r'<form[^>]*action="([^"]+)"', response.text)
        assert form is not None, f"the provider answered {response.status_code} without a form: {response.text[:500]}"
        url = urljoin(url, form.group(1))
        data = (
            {"prompt": "login", "login": login, "password": "any"}
            if 'name="login"' in response.text
            else {"prompt": "consent"}
        )
    raise AssertionError("the provider kept redirecting")


def provider_id_token(provider: RunningProvider, *, login: str, client_id: str, secret: str, redirect_uri: str) -> str:
    """A real ID token the provider issues to `client_id` for `login` (authorization code flow)."""
    session = requests.Session()
    authorize = requests.Request(
        "GET",
        f"{provider.issuer}/auth",
        params={
            "client_id": client_id,
            "response_type": "code",
            "scope": "openid email profile",
            "redirect_uri": redirect_uri,
        },
    ).prepare()
    assert authorize.url is not None
    back = provider_sign_in(authorize.url, login=login, session=session)
    code = re.search(r"[?&]code=([^&]+)", back)
    assert code is not None, back
    token = session.post(
        f"{provider.issuer}/token",
        data={
            "grant_type": "authorization_code",
            "code": code.group(1),
            "redirect_uri": redirect_uri,
            "client_id": client_id,
            "client_secret": secret,
        },
    )
    token.raise_for_status()
    return str(token.json()["id_token"])


def through_provider(client: Any, response: Any, *, login: str) -> Any:
    """Follow the portal's redirect to the provider, sign in there as `login`, and come back with `client`."""
    assert response.status_code == 302, response.content[:500]
    callback = provider_sign_in(str(response["Location"]), login=login)
    parts = urlsplit(callback)
    assert parts.netloc == "testserver", callback
    return client.get(f"{parts.path}?{parts.query}")
