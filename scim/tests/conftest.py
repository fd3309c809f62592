from __future__ import annotations

import pytest
from django.test import Client

from scim.services import token_create


@pytest.fixture
def scim_token(administrator):
    """A SCIM token of the Administrator's and its secret."""
    return token_create(name="Entra ID", actor=administrator.user)


@pytest.fixture
def scim(scim_token, settings):
    """A client that speaks to /scim/v2/ with the token, as an identity provider would."""
    settings.SCIM_DEFAULT_DEPARTMENT = "HR"
    _token, secret = scim_token
    return Client(headers={"Authorization": f"Bearer {secret}"}, enforce_csrf_checks=True)
