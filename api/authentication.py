"""How an API request says who it is: an API token (`Authorization: Bearer cpt_...`) for programs, or the
browser's session, with Django's CSRF check, for a person trying the API in the documentation pages."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication
from rest_framework.request import Request

from .models import ApiToken
from .tokens import TokenRefused, token_authenticate

KEYWORD = "Bearer"


class TokenAuthentication(BaseAuthentication):
    """`Authorization: Bearer <secret>`. A refused token is answered 401 at once, never treated as
    anonymous; a request without the header is left to the session."""

    def authenticate(self, request: Request) -> tuple[User, ApiToken] | None:
        header = request.META.get("HTTP_AUTHORIZATION", "")
        keyword, _space, secret = header.strip().partition(" ")
        if keyword.lower() != KEYWORD.lower():
            return None
        secret = secret.strip()
        if not secret or " " in secret:
            raise exceptions.AuthenticationFailed(
                _("Give the token after Bearer, as in: Authorization: Bearer cpt_…"),
            )
        try:
            token = token_authenticate(secret=secret)
        except TokenRefused as refused:
            raise exceptions.AuthenticationFailed(refused.message) from refused
        return token.owner, token

    def authenticate_header(self, request: Request) -> str:
        # Makes DRF answer 401 (not 403) with `WWW-Authenticate` when nobody is authenticated.
        return f'{KEYWORD} realm="api"'


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = TokenAuthentication
    name = "apiToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "cpt_…",
            "description": "An API token, made on your profile page (Profile, API tokens).",
        }
