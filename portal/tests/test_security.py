"""Sign-in is required everywhere but the sign-in pages, and every HTML page carries a strict CSP."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from people.tests.factories import StaffProfileFactory
from portal.tests.urls import all_url_paths

PUBLIC_PATHS = {
    "/accounts/login/",
    "/accounts/logout/",
    "/accounts/password_reset/",
    "/accounts/password_reset/done/",
    "/accounts/reset/1/1/",
    "/accounts/reset/done/",
    "/admin/login/",
    # A redirect to the portal's icon, which browsers ask for before anybody signs in.
    "/favicon.ico",
    "/healthz",
    "/i18n/setlang/",
    # Signing in through an identity provider (django-allauth's OpenID Connect views) starts before
    # anybody is signed in; an unknown provider is a 404 (sso/tests).
    "/sso/oidc/1/login/",
    "/sso/oidc/1/login/callback/",
    # An address under /api/ that names no endpoint is the API's JSON 404, the same for everybody.
    "/api/",
}
# The API's documentation pages are pages: an anonymous visitor is sent to sign in.
API_PAGES = {"/api/v1/docs/", "/api/v1/redoc/"}
# The SCIM endpoint answers identity providers, and the REST API programs: a bearer token opens them
# (the API also a browser's session), and an anonymous request is refused, never sent to a sign-in page.
TOKEN_PATHS = [
    path
    for path in all_url_paths()
    if path.startswith("/scim/v2/") or (path.startswith("/api/") and path not in PUBLIC_PATHS | API_PAGES)
]
PRIVATE_PATHS = [path for path in all_url_paths() if path not in PUBLIC_PATHS and path not in TOKEN_PATHS]


def test_the_walk_finds_the_portal_pages() -> None:
    assert {"/", "/people/team/", "/people/staff/", "/codes/", "/admin/"} <= set(PRIVATE_PATHS)


@pytest.mark.django_db
@pytest.mark.parametrize("path", PRIVATE_PATHS)
def test_an_anonymous_visitor_is_sent_to_sign_in(client: Client, path: str) -> None:
    response = client.get(path)

    assert response.status_code == 302
    assert re.match(r"^/(admin|accounts)/login/\?next=", response["Location"])


@pytest.mark.django_db
@pytest.mark.parametrize("path", TOKEN_PATHS)
def test_an_anonymous_client_gets_401_from_scim_and_the_api(client: Client, path: str) -> None:
    response = client.get(path)

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "shown"),
    [("/accounts/login/", 'name="password"'), ("/accounts/password_reset/", 'name="email"'), ("/healthz", "ok")],
)
def test_sign_in_pages_are_open_to_anonymous_visitors(client: Client, path: str, shown: str) -> None:
    response = client.get(path)

    assert response.status_code == 200
    assert shown in response.content.decode()


def csp_directives(response) -> dict[str, str]:
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part.strip() for part in policy.split(";") if part.strip()}


HTML_PAGES = [
    "/accounts/login/",
    "/accounts/password_reset/",
    "/",
    "/people/me/",
    "/people/team/",
    "/people/staff/",
    "/people/departments/",
    "/codes/",
    "/accounts/password_change/",
    "/admin/",
    "/admin/people/staffprofile/",
]


@pytest.mark.django_db
@pytest.mark.parametrize("path", HTML_PAGES)
def test_every_html_page_has_a_strict_content_security_policy(client: Client, path: str) -> None:
    superuser = StaffProfileFactory(user__is_superuser=True, user__is_staff=True).user
    if not path.startswith(("/accounts/login", "/accounts/password_reset")):
        client.force_login(superuser)

    response = client.get(path)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    directives = csp_directives(response)
    assert directives["default-src"] == "default-src 'self'"
    assert directives["script-src"] == "script-src 'self'"
    assert directives["style-src"] == "style-src 'self'"
    assert directives["object-src"] == "object-src 'none'"
    assert directives["base-uri"] == "base-uri 'none'"
    assert directives["frame-ancestors"] == "frame-ancestors 'none'"
    assert "unsafe-inline" not in response["Content-Security-Policy"]


@pytest.mark.django_db
@pytest.mark.parametrize("path", [p for p in HTML_PAGES if not p.startswith("/admin")])
def test_our_pages_need_no_inline_script_or_style(client: Client, path: str) -> None:
    client.force_login(StaffProfileFactory(user__is_superuser=True).user)

    html = client.get(path).content.decode()

    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline <script> found"
    assert not re.search(r"<style\b", html), "inline <style> found"
    assert not re.search(r"\sstyle=", html), "style attribute found"
    assert not re.search(r"\son[a-z]+=", html), "event-handler attribute found"
