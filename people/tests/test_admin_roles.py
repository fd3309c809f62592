"""The role admin: only a superuser changes what a role may do, and the change is audited."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_a_superuser_renaming_a_role_is_audited(client: Client, superuser) -> None:
    role = Group.objects.get(name="Agent")
    client.force_login(superuser.user)

    client.post(
        f"/admin/auth/group/{role.pk}/change/",
        {"name": "Customer agent", "permissions": list(role.permissions.values_list("pk", flat=True))},
    )

    role.refresh_from_db()
    assert role.name == "Customer agent"
    assert AuditEvent.objects.get(action="people.role.change").details == {"name": ["Agent", "Customer agent"]}
