"""Account and role administration (people's admin) against another app's rights: an administrator
neither escalates to the exports of acknowledgements nor hands a role the right to them."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client

from audit.models import AuditEvent
from people.tests.admin_client import ACTORS, post_change, role_id

pytestmark = pytest.mark.django_db


def test_an_administrator_cannot_give_themselves_a_role_and_the_exports_stay_closed(
    client: Client, administrator
) -> None:
    client.force_login(administrator.user)

    post_change(client, administrator.user, groups=[role_id("Administrator"), role_id("Compliance officer")])

    assert set(administrator.user.groups.values_list("name", flat=True)) == {"Administrator"}
    assert client.get("/acknowledgements/export/signatures.csv").status_code == 403


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
