from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from api.models import TokenScope
from api.tokens import token_create
from people.models import StaffProfile


@pytest.fixture(autouse=True)
def own_cache(settings, request) -> None:
    """Each test counts its requests in a cache of its own: the throttle starts from zero, and nothing is
    left in a cache shared with other test runs (Redis in CI)."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": request.node.nodeid}
    }


@pytest.fixture
def make_token() -> Callable[..., str]:
    """Make a token for a person (read-and-write, valid 30 days unless told) and return its secret."""

    def make(profile: StaffProfile, *, scope: str = TokenScope.READ_WRITE, days: int = 30) -> str:
        expires_at = timezone.now() + datetime.timedelta(days=days)
        _token, secret = token_create(
            owner=profile.user, name="Script", scope=scope, expires_at=expires_at, actor=profile.user
        )
        return secret

    return make


@pytest.fixture
def api_as(make_token) -> Callable[..., APIClient]:
    """An API client that sends a new token of `profile` (read-and-write unless told) with every request."""

    def client_for(profile: StaffProfile, *, scope: str = TokenScope.READ_WRITE) -> APIClient:
        client = APIClient(enforce_csrf_checks=True)
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {make_token(profile, scope=scope)}")
        return client

    return client_for
