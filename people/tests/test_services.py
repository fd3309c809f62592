"""State changes for people: checking a password again; account rights, where the rules of people.rights hold
outside the admin too and every change is audited."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import RequestFactory

from audit.models import AuditEvent
from people import services
from people.rights import AccountChangeRefused, holds_administration
from people.services import PasswordRefused, person_reauthenticate
from people.tests.factories import TEST_PASSWORD, StaffProfileFactory

pytestmark = pytest.mark.django_db


def request_from(address: str = "10.0.0.1"):  # type: ignore[no-untyped-def]
    return RequestFactory().post("/anywhere/", REMOTE_ADDR=address)


def test_the_right_password_passes_and_records_nothing(agent) -> None:
    person_reauthenticate(request=request_from(), user=agent.user, password=TEST_PASSWORD, purpose="signing")

    assert not AuditEvent.objects.exists()


def test_a_wrong_password_is_refused_and_audited(agent) -> None:
    with pytest.raises(PasswordRefused, match="That is not your password"):
        person_reauthenticate(request=request_from(), user=agent.user, password="not-it", purpose="signing")

    event = AuditEvent.objects.get()
    assert (event.action, event.actor_id, event.object_id) == (
        "people.reauthentication.fail",
        agent.user.pk,
        str(agent.user.pk),
    )


def test_after_the_failure_limit_the_right_password_is_refused_too(agent, settings) -> None:
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        with pytest.raises(PasswordRefused):
            person_reauthenticate(request=request_from(), user=agent.user, password="not-it", purpose="signing")

    with pytest.raises(PasswordRefused, match="Too many wrong passwords"):
        person_reauthenticate(request=request_from(), user=agent.user, password=TEST_PASSWORD, purpose="signing")


def test_the_lockout_is_per_address_as_for_sign_in(agent, settings) -> None:
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        with pytest.raises(PasswordRefused):
            person_reauthenticate(request=request_from(), user=agent.user, password="not-it", purpose="signing")

    person_reauthenticate(request=request_from("10.0.0.2"), user=agent.user, password=TEST_PASSWORD, purpose="signing")


@pytest.fixture
def superuser(db):
    return StaffProfileFactory(user__is_superuser=True, user__is_staff=True).user


def test_it_refuses_anyone_their_own_roles(superuser) -> None:
    with pytest.raises(AccountChangeRefused, match="Nobody may change their own roles"):
        services.account_set_rights(user=superuser, actor=superuser, roles=[Group.objects.get(name="Agent")])

    assert not superuser.groups.exists()


def test_it_refuses_an_administrator_the_administrator_role_for_someone_else(administrator, agent) -> None:
    with pytest.raises(AccountChangeRefused, match="Only a superuser may grant"):
        services.account_set_rights(
            user=agent.user, actor=administrator.user, roles=[Group.objects.get(name="Administrator")]
        )

    assert list(agent.user.groups.values_list("name", flat=True)) == ["Agent"]
    assert not AuditEvent.objects.exists()


def test_a_superuser_grants_staff_and_it_is_audited(superuser, agent) -> None:
    services.account_set_rights(user=agent.user, actor=superuser, is_staff=True)

    agent.user.refresh_from_db()
    assert agent.user.is_staff
    event = AuditEvent.objects.get()
    assert (event.action, event.actor, event.details) == (
        "people.account.rights_change",
        superuser,
        {"is_staff": True, "is_superuser": False},
    )


def test_an_unchanged_set_of_rights_writes_no_event(administrator, agent) -> None:
    services.account_set_rights(user=agent.user, actor=administrator.user, roles=agent.user.groups.all())

    assert not AuditEvent.objects.exists()


def test_a_one_off_permission_that_changes_accounts_makes_an_administrator(agent) -> None:
    agent.user.user_permissions.add(Permission.objects.get(codename="change_user"))

    assert holds_administration(agent.user)


def test_a_deletion_is_audited_with_the_name_it_had(superuser, agent) -> None:
    user_id = agent.user.pk

    services.account_delete(user=agent.user, actor=superuser)

    event = AuditEvent.objects.get()
    assert (event.action, event.object_id) == ("people.account.delete", str(user_id))
    assert event.details == {"username": "ana"}


def test_only_a_superuser_changes_what_a_role_may_do(administrator) -> None:
    role = Group.objects.get(name="Agent")

    with pytest.raises(AccountChangeRefused, match="Only a superuser may change what a role may do"):
        services.role_update(role=role, actor=administrator.user, name="Agent", permissions=Permission.objects.all())

    with pytest.raises(AccountChangeRefused):
        services.role_delete(role=role, actor=administrator.user)
    assert Group.objects.filter(name="Agent").exists()
