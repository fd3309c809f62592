"""Every API token in the admin: seen and revoked by those whose roles allow it, never made or edited there."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.utils import timezone

from api.models import ApiToken, TokenScope
from api.tokens import token_create
from audit.models import AuditEvent
from people.tests.factories import StaffProfileFactory

pytestmark = pytest.mark.django_db

LIST_URL = "/admin/api/apitoken/"


@pytest.fixture
def token(agent) -> ApiToken:
    expires_at = timezone.now() + datetime.timedelta(days=10)
    made, _secret = token_create(
        owner=agent.user, name="GRC tool", scope=TokenScope.READ, expires_at=expires_at, actor=agent.user
    )
    return made


def test_an_administrator_sees_every_token_without_its_secret(client: Client, administrator, token) -> None:
    client.force_login(administrator.user)

    page = client.get(LIST_URL).content.decode()
    detail = client.get(f"{LIST_URL}{token.pk}/change/").content.decode()

    assert "GRC tool" in page
    assert token.prefix in page
    assert token.digest not in page + detail
    assert 'name="name"' not in detail  # Nothing to edit.


def test_an_administrator_revokes_selected_tokens_through_the_service(client: Client, administrator, token) -> None:
    client.force_login(administrator.user)

    response = client.post(LIST_URL, {"action": "revoke", "_selected_action": [token.pk]}, follow=True)

    assert "Revoked 1 API token." in response.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditEvent.objects.get(action="api.token.revoke").actor == administrator.user


def test_no_token_is_added_or_deleted_in_the_admin(client: Client, administrator, token) -> None:
    client.force_login(administrator.user)

    assert client.get(f"{LIST_URL}add/").status_code == 403
    assert client.post(f"{LIST_URL}{token.pk}/delete/", {"post": "yes"}).status_code == 403
    assert ApiToken.objects.filter(pk=token.pk).exists()


def test_a_staff_account_with_only_the_view_permission_sees_but_cannot_revoke(client: Client, token) -> None:
    viewer = StaffProfileFactory(user__is_staff=True).user
    viewer.user_permissions.add(Permission.objects.get(codename="view_apitoken"))
    client.force_login(viewer)

    page = client.get(LIST_URL)
    client.post(LIST_URL, {"action": "revoke", "_selected_action": [token.pk]})

    assert page.status_code == 200
    assert "Revoke selected API tokens" not in page.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is None


def test_a_staff_account_without_the_permissions_is_refused(client: Client, token) -> None:
    client.force_login(StaffProfileFactory(user__is_staff=True).user)

    assert client.get(LIST_URL).status_code == 403


def test_the_administrator_role_sees_and_revokes_every_token(administrator) -> None:
    assert administrator.user.has_perm("api.view_apitoken")
    assert administrator.user.has_perm("api.manage_apitoken")


@pytest.mark.parametrize("role", ["agent", "manager", "compliance_officer"])
def test_no_other_role_manages_tokens(request: pytest.FixtureRequest, role: str) -> None:
    user = request.getfixturevalue(role).user

    assert not user.has_perm("api.view_apitoken")
    assert not user.has_perm("api.manage_apitoken")
