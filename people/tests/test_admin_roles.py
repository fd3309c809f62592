"""The role admin: only a superuser changes what a role may do, and the change is audited."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client

from audit.models import AuditEvent
from people.tests.admin_client import ACTORS

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("actor", ACTORS)
def test_only_a_superuser_changes_what_a_role_may_do(request, client: Client, actor: str) -> None:
    role = Group.objects.get(name="Agent")
    permission = Permission.objects.get(codename="export_acknowledgements")
    client.force_login(request.getfixturevalue(actor).user)

    client.post(
        f"/admin/auth/group/{role.pk}/change/",
        {"name": "Agent", "permissions": [*role.permissions.values_list("pk", flat=True), permission.pk]},
    )

    granted = role.permissions.filter(pk=permission.pk).exists()
    assert granted == (actor == "superuser")
    events = AuditEvent.objects.filter(action="people.role.change")
    assert events.count() == (1 if granted else 0)
    if granted:
        assert events.get().details == {
            "permissions_added": ["acknowledgements.export_acknowledgements"],
            "permissions_removed": [],
        }


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
