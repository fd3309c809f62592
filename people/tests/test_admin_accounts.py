"""The account admin without escalation: who may change which account, and the audit of it."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from audit.models import AuditEvent
from people.tests.admin_client import (
    NEW_PASSWORD,
    change_details,
    change_url,
    post_change,
    post_password,
    role_id,
    set_password,
)
from people.tests.factories import StaffProfileFactory

pytestmark = pytest.mark.django_db


# --- The holes the audit found ------------------------------------------------------------------


def test_an_administrator_cannot_take_over_a_superuser_by_setting_their_password(
    client: Client, administrator, superuser
) -> None:
    client.force_login(administrator.user)

    response = post_password(client, superuser.user)

    superuser.user.refresh_from_db()
    assert response.status_code == 403
    assert not superuser.user.check_password(NEW_PASSWORD)
    assert not AuditEvent.objects.filter(action__startswith="people.account").exists()


def test_an_administrator_is_offered_only_the_roles_they_may_hand_out(client: Client, administrator, agent) -> None:
    client.force_login(administrator.user)

    offered = client.get(change_url(agent.user)).context["adminform"].form.fields["groups"].queryset

    # Manager and Compliance officer hold rights the Administrator does not (publishing, exports).
    assert set(offered.values_list("name", flat=True)) == {"Agent"}


def test_an_administrator_cannot_take_over_a_compliance_officer_by_setting_their_password(
    client: Client, administrator, compliance_officer
) -> None:
    client.force_login(administrator.user)

    response = post_password(client, compliance_officer.user)

    compliance_officer.user.refresh_from_db()
    assert response.status_code == 403
    assert "holds rights you do not hold" in response.content.decode()
    assert not compliance_officer.user.check_password(NEW_PASSWORD)


def test_an_administrator_cannot_give_an_account_they_control_rights_they_lack(
    client: Client, administrator, agent
) -> None:
    client.force_login(administrator.user)
    post_password(client, agent.user)

    response = post_change(client, agent.user, groups=[role_id("Agent"), role_id("Compliance officer")])

    assert response.status_code == 200  # The form refuses a role it does not offer.
    assert set(agent.user.groups.values_list("name", flat=True)) == {"Agent"}
    assert not AuditEvent.objects.filter(action="people.account.rights_change").exists()


def test_an_administrator_manages_an_account_whose_rights_are_within_their_own(
    client: Client, administrator, agent
) -> None:
    client.force_login(administrator.user)

    assert change_details(client, agent.user)
    assert set_password(client, agent.user)


def test_a_role_change_is_audited_with_what_was_added(client: Client, superuser, agent) -> None:
    client.force_login(superuser.user)

    response = post_change(client, agent.user, groups=[role_id("Agent"), role_id("Manager")])

    assert response.status_code == 302
    event = AuditEvent.objects.get(action="people.account.rights_change")
    assert event.actor == superuser.user
    assert event.object_id == str(agent.user.pk)
    assert event.details == {"roles_added": ["Manager"], "roles_removed": []}


def test_a_password_set_in_the_admin_is_audited_and_works(client: Client, administrator, agent) -> None:
    client.force_login(administrator.user)

    response = post_password(client, agent.user)

    agent.user.refresh_from_db()
    assert response.status_code == 302
    assert agent.user.check_password(NEW_PASSWORD)
    event = AuditEvent.objects.get(action="people.account.password_set")
    assert (event.actor, event.object_id, event.details) == (administrator.user, str(agent.user.pk), {"usable": True})


def test_ones_own_password_is_changed_on_the_account_page(client: Client, administrator) -> None:
    client.force_login(administrator.user)

    response = post_password(client, administrator.user)

    administrator.user.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password_change/"
    assert not administrator.user.check_password(NEW_PASSWORD)


def test_a_mistyped_password_is_shown_again_and_nothing_is_set(client: Client, administrator, agent) -> None:
    client.force_login(administrator.user)

    response = post_password(client, agent.user, confirmation="something else")

    agent.user.refresh_from_db()
    assert response.status_code == 200
    assert "didn’t match" in response.content.decode()
    assert not agent.user.check_password(NEW_PASSWORD)
    assert not AuditEvent.objects.exists()


def test_a_deactivated_administrator_stays_out_of_another_administrators_reach(client: Client, administrator) -> None:
    other = StaffProfileFactory(user__roles=["Administrator"], user__is_active=False)
    client.force_login(administrator.user)

    response = post_change(client, other.user, is_active="on")

    other.user.refresh_from_db()
    assert response.status_code == 403
    assert not other.user.is_active


def test_a_refusal_in_the_admin_says_why(client: Client, administrator, superuser) -> None:
    client.force_login(administrator.user)

    response = client.get(f"/admin/auth/user/{superuser.user.pk}/password/")

    assert response.status_code == 403
    assert "Only a superuser may change the account of a superuser" in response.content.decode()


def test_the_change_form_of_an_account_takes_a_bounded_number_of_queries(
    client: Client, superuser, agent, django_assert_max_num_queries
) -> None:
    client.force_login(superuser.user)

    with django_assert_max_num_queries(25):
        response = client.get(change_url(agent.user))
    assert response.status_code == 200
    assert 'name="username" value="ana"' in response.content.decode()


def test_an_account_created_in_the_admin_is_audited(client: Client, administrator) -> None:
    client.force_login(administrator.user)

    response = client.post(
        "/admin/auth/user/add/",
        {
            "username": "newcomer",
            "usable_password": "true",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
            "profile-TOTAL_FORMS": "0",
            "profile-INITIAL_FORMS": "0",
        },
    )

    user = User.objects.get(username="newcomer")
    assert response.status_code == 302
    assert user.check_password(NEW_PASSWORD)
    assert not user.is_staff
    assert not user.is_superuser
    event = AuditEvent.objects.get(action="people.account.create")
    assert (event.actor, event.object_id) == (administrator.user, str(user.pk))
