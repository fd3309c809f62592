"""Leavers and returners in the account admin: an Administrator's job, whatever rights the person holds."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from audit.models import AuditEvent
from people.rights import AccountChangeRefused
from people.services import person_deactivate, person_reactivate
from people.tests.admin_client import add_a_role, set_password

pytestmark = pytest.mark.django_db


def act_in_bulk(client: Client, action: str, user: User) -> Any:
    return client.post("/admin/auth/user/", {"action": action, "_selected_action": [user.pk]}, follow=True)


@pytest.mark.parametrize("target", ["manager", "compliance_officer"])
def test_an_administrator_deactivates_and_reactivates_a_leaver_with_rights_beyond_their_own(
    request, client: Client, administrator, target: str
) -> None:
    person = request.getfixturevalue(target).user
    client.force_login(administrator.user)

    left = act_in_bulk(client, "deactivate_people", person)
    person.refresh_from_db()
    assert not person.is_active
    assert "1 person deactivated; they can no longer sign in." in left.content.decode()

    back = act_in_bulk(client, "reactivate_people", person)
    person.refresh_from_db()
    assert person.is_active
    assert "1 person reactivated; they can sign in again." in back.content.decode()
    assert list(
        AuditEvent.objects.filter(object_id=str(person.pk), action__startswith="people.person")
        .order_by("pk")
        .values_list("action", "actor")
    ) == [
        ("people.person.deactivate", administrator.user.pk),
        ("people.person.reactivate", administrator.user.pk),
    ]


@pytest.mark.parametrize("target", ["manager", "compliance_officer"])
def test_an_administrator_who_may_deactivate_someone_still_cannot_set_their_password_or_roles(
    request, client: Client, administrator, target: str
) -> None:
    person = request.getfixturevalue(target).user
    client.force_login(administrator.user)

    assert not set_password(client, person)
    assert not add_a_role(client, person)


def test_an_administrator_cannot_reactivate_a_superuser(client: Client, administrator, superuser) -> None:
    person_deactivate(user=superuser.user, actor=None)
    client.force_login(administrator.user)

    assert act_in_bulk(client, "reactivate_people", superuser.user).status_code == 403
    superuser.user.refresh_from_db()
    assert not superuser.user.is_active


def test_an_administrator_cannot_deactivate_themselves(client: Client, administrator) -> None:
    client.force_login(administrator.user)

    response = act_in_bulk(client, "deactivate_people", administrator.user)

    assert response.status_code == 403
    administrator.user.refresh_from_db()
    assert administrator.user.is_active


def test_the_services_refuse_an_activity_change_the_rules_refuse(administrator, superuser) -> None:
    with pytest.raises(AccountChangeRefused):
        person_deactivate(user=superuser.user, actor=administrator.user)
    with pytest.raises(AccountChangeRefused):
        person_reactivate(user=administrator.user, actor=administrator.user)
