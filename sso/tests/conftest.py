from __future__ import annotations

from collections.abc import Iterator

import pytest

from .oidc import RunningProvider, running_provider


@pytest.fixture(scope="session")
def oidc_provider() -> Iterator[RunningProvider]:
    """The real provider, for Django's test client (which calls itself http://testserver)."""
    with running_provider(["http://testserver"]) as provider:
        yield provider


@pytest.fixture
def sso_settings(settings, oidc_provider: RunningProvider) -> RunningProvider:
    """The portal configured with the provider, as SSO_PROVIDERS would configure it."""
    settings.SSO_PROVIDERS = oidc_provider.settings()
    settings.SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"APPS": settings.SSO_PROVIDERS}}
    return oidc_provider
