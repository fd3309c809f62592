"""SCIM tokens in the admin: an Administrator makes one and sees it once, and revokes it; nobody else may."""

from __future__ import annotations

import hashlib
import re

import pytest
from django.test import Client

from audit.models import AuditEvent
from scim.models import ScimToken
from scim.services import token_create

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/scim/scimtoken/add/"
LIST_URL = "/admin/scim/scimtoken/"


def test_an_administrator_creates_a_token_shown_once_and_stored_as_a_digest(client: Client, administrator) -> None:
    client.force_login(administrator.user)

    response = client.post(ADD_URL, {"name": "Entra ID"})

    assert response.status_code == 200
    secret = re.search(r'value="(scim_[^"]+)"', response.content.decode()).group(1)
    token = ScimToken.objects.get()
    assert (token.name, token.created_by, token.revoked_at) == ("Entra ID", administrator.user, None)
    assert token.digest == hashlib.sha256(secret.encode()).hexdigest()
    assert secret.startswith(token.prefix)
    assert len(secret) > 40
    assert secret not in str(ScimToken.objects.values().get())
    event = AuditEvent.objects.get(action="scim.token.create")
    assert (event.actor, event.object_id, event.details) == (
        administrator.user,
        str(token.pk),
        {"prefix": token.prefix},
    )
    # Its page never shows the secret again.
    assert secret not in client.get(f"{LIST_URL}{token.pk}/change/").content.decode()
    assert secret not in client.get(LIST_URL).content.decode()


def test_a_token_needs_a_name(client: Client, administrator) -> None:
    client.force_login(administrator.user)

    response = client.post(ADD_URL, {"name": ""})

    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert not ScimToken.objects.exists()


def test_an_administrator_revokes_a_token(client: Client, administrator) -> None:
    token, _secret = token_create(name="Okta", actor=administrator.user)
    client.force_login(administrator.user)

    response = client.post(LIST_URL, {"action": "revoke", "_selected_action": [token.pk]}, follow=True)

    assert response.status_code == 200
    token.refresh_from_db()
    assert token.revoked_at is not None
    event = AuditEvent.objects.get(action="scim.token.revoke")
    assert (event.actor, event.object_id) == (administrator.user, str(token.pk))


@pytest.mark.parametrize("actor", ["agent", "manager", "compliance_officer"])
def test_other_roles_may_neither_see_nor_make_tokens(request, client: Client, administrator, actor: str) -> None:
    token, _secret = token_create(name="Okta", actor=administrator.user)
    client.force_login(request.getfixturevalue(actor).user)

    # The admin sends an account that is not staff to its sign-in page, and refuses a staff one.
    assert client.get(LIST_URL).status_code in (302, 403)
    assert client.post(ADD_URL, {"name": "Mine"}).status_code in (302, 403)
    client.post(LIST_URL, {"action": "revoke", "_selected_action": [token.pk]})
    token.refresh_from_db()
    assert token.revoked_at is None
    assert ScimToken.objects.count() == 1


def test_tokens_are_neither_edited_nor_deleted(client: Client, administrator) -> None:
    token, _secret = token_create(name="Okta", actor=administrator.user)
    client.force_login(administrator.user)

    client.post(f"{LIST_URL}{token.pk}/change/", {"name": "Renamed"})
    assert client.post(f"{LIST_URL}{token.pk}/delete/", {"post": "yes"}).status_code == 403
    token.refresh_from_db()
    assert token.name == "Okta"
