"""The account admin's matrix: each role × each admin action × each kind of account."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Permission, User
from django.test import Client

from audit.models import AuditEvent
from people.tests.admin_client import (
    ACTORS,
    add_a_role,
    change_details,
    change_url,
    form_data,
    post_change,
    set_password,
)
from people.tests.factories import StaffProfileFactory

pytestmark = pytest.mark.django_db

TARGETS = ["self", "agent", "manager", "compliance_officer", "administrator", "superuser"]


TARGET_ACCOUNTS: dict[str, dict[str, Any]] = {
    "agent": {"user__roles": ["Agent"]},
    "manager": {"user__roles": ["Manager"]},
    "compliance_officer": {"user__roles": ["Compliance officer"]},
    "administrator": {"user__roles": ["Administrator"], "user__is_staff": True},
    "superuser": {"user__is_superuser": True, "user__is_staff": True},
}


def flip(flag: str) -> Any:
    def action(client: Client, user: User) -> bool:
        before = getattr(user, flag)
        changes = {flag: "on"} if not before else {}
        page = client.get(change_url(user))
        data = form_data(page) if page.status_code == 200 and "adminform" in page.context else {}
        data.pop(flag, None)
        client.post(change_url(user), {**data, **changes})
        user.refresh_from_db()
        return getattr(user, flag) != before

    return action


def give_a_permission(client: Client, user: User) -> bool:
    permission = Permission.objects.get(codename="export_acknowledgements")
    post_change(client, user, user_permissions=[str(permission.pk)])
    return user.user_permissions.filter(pk=permission.pk).exists()


def delete(client: Client, user: User) -> bool:
    client.post(f"/admin/auth/user/{user.pk}/delete/", {"post": "yes"})
    return not User.objects.filter(pk=user.pk).exists()


def delete_in_bulk(client: Client, user: User) -> bool:
    client.post("/admin/auth/user/", {"action": "delete_selected", "_selected_action": [user.pk], "post": "yes"})
    return not User.objects.filter(pk=user.pk).exists()


def deactivate_in_bulk(client: Client, user: User) -> bool:
    client.post("/admin/auth/user/", {"action": "deactivate_people", "_selected_action": [user.pk]})
    user.refresh_from_db()
    return not user.is_active


ACTIONS = {
    "change details": change_details,
    "set password": set_password,
    "add a role": add_a_role,
    "give a one-off permission": give_a_permission,
    "flip staff": flip("is_staff"),
    "flip superuser": flip("is_superuser"),
    "delete": delete,
    "delete in bulk": delete_in_bulk,
    "deactivate in bulk": deactivate_in_bulk,
}

# The audit event each successful action leaves (changing details and deactivating are Django's log).
AUDITED = {
    "set password": "people.account.password_set",
    "add a role": "people.account.rights_change",
    "give a one-off permission": "people.account.rights_change",
    "flip staff": "people.account.rights_change",
    "flip superuser": "people.account.rights_change",
    "delete": "people.account.delete",
    "delete in bulk": "people.account.delete",
}


def may(actor: str, action: str, target: str) -> bool:
    """The rules of people.rights, written out as the table a reviewer checks."""
    if actor not in ("administrator", "superuser"):
        return False  # No access to the admin at all.
    if target == "self":
        return action == "change details"
    if actor == "superuser":
        return True
    if action == "deactivate in bulk":
        # Deactivating grants nothing: only the accounts that hand out rights are a superuser's.
        return target not in ("administrator", "superuser")
    if target != "agent":
        # Nobody raises their own rights: a manager, a compliance officer, an administrator and a
        # superuser each hold a permission the Administrator does not.
        return False
    # Every role left to add (Compliance officer, Manager) holds rights the Administrator lacks.
    return action in ("change details", "set password", "deactivate in bulk")


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("action", sorted(ACTIONS))
@pytest.mark.parametrize("actor", ACTORS)
def test_admin_matrix(request, client: Client, actor: str, action: str, target: str) -> None:
    actor_user = request.getfixturevalue(actor).user
    target_user = actor_user if target == "self" else StaffProfileFactory(**TARGET_ACCOUNTS[target]).user
    client.force_login(actor_user)

    done = ACTIONS[action](client, target_user)

    allowed = may(actor, action, target)
    assert done == allowed
    events = AuditEvent.objects.filter(action__startswith="people.account", object_id=str(target_user.pk))
    if allowed and action in AUDITED:
        assert list(events.values_list("action", "actor")) == [(AUDITED[action], actor_user.pk)]
    else:
        assert not events.exists()
