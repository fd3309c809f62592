"""The staff record admin: hires and moves go through the people services, a superuser's record is out of reach."""

from __future__ import annotations

import pytest
from django.test import Client

from audit.models import AuditEvent
from people.models import StaffProfile
from people.tests.admin_client import NEW_PASSWORD, form_data
from people.tests.factories import StaffProfileFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_an_administrator_cannot_change_a_superusers_staff_record(client: Client, administrator, superuser) -> None:
    client.force_login(administrator.user)

    response = client.post(f"/admin/people/staffprofile/{superuser.pk}/change/", {"job_title": "Changed"})

    superuser.refresh_from_db()
    assert response.status_code == 403
    assert superuser.job_title != "Changed"


def test_a_staff_record_stays_with_its_account_and_a_move_is_audited(client: Client, administrator, agent) -> None:
    other = StaffProfileFactory(user__roles=["Agent"])
    new_department = StaffProfileFactory().department
    client.force_login(administrator.user)
    url = f"/admin/people/staffprofile/{agent.pk}/change/"

    client.post(url, {**form_data(client.get(url)), "user": str(other.user.pk), "department": str(new_department.pk)})

    agent.refresh_from_db()
    assert agent.user.username == "ana"
    assert agent.department == new_department
    event = AuditEvent.objects.get(action="people.person.move")
    assert event.actor == administrator.user
    assert event.details == {"department": ["Support", str(new_department)]}


def test_a_staff_record_added_in_the_admin_is_a_hire(
    client: Client, administrator, support, announced, django_capture_on_commit_callbacks
) -> None:
    account = UserFactory(username="newbie")
    client.force_login(administrator.user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/people/staffprofile/add/",
            {"user": account.pk, "department": support.pk, "employee_id": "E90001", "preferred_language": "en"},
        )

    assert response.status_code == 302
    hired = StaffProfile.objects.get(user=account)
    assert (hired.department, hired.employee_id) == (support, "E90001")
    event = AuditEvent.objects.get(action="people.person.hire")
    assert (event.actor, event.object_id, event.details) == (
        administrator.user,
        str(hired.pk),
        {"department": "Support", "manager": ""},
    )
    assert announced == [(hired.pk, administrator.user.pk)]


def test_an_account_created_with_its_staff_record_in_the_admin_is_a_hire(
    client: Client, administrator, support, announced, django_capture_on_commit_callbacks
) -> None:
    client.force_login(administrator.user)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/admin/auth/user/add/",
            {
                "username": "newcomer",
                "usable_password": "true",
                "password1": NEW_PASSWORD,
                "password2": NEW_PASSWORD,
                "profile-TOTAL_FORMS": "1",
                "profile-INITIAL_FORMS": "0",
                "profile-0-department": support.pk,
                "profile-0-employee_id": "E90002",
                "profile-0-preferred_language": "en",
            },
        )

    hired = StaffProfile.objects.get(user__username="newcomer")
    assert list(AuditEvent.objects.order_by("pk").values_list("action", "actor")) == [
        ("people.account.create", administrator.user.pk),
        ("people.person.hire", administrator.user.pk),
    ]
    assert announced == [(hired.pk, administrator.user.pk)]


def test_a_move_in_the_admin_is_announced_once_committed_as_the_administrator(
    client: Client, administrator, agent, announced, django_capture_on_commit_callbacks
) -> None:
    new_department = StaffProfileFactory().department
    client.force_login(administrator.user)
    url = f"/admin/people/staffprofile/{agent.pk}/change/"

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {**form_data(client.get(url)), "department": str(new_department.pk)})

    assert StaffProfile.objects.get(pk=agent.pk).department == new_department
    assert AuditEvent.objects.get(action="people.person.move").actor == administrator.user
    assert announced == [(agent.pk, administrator.user.pk)]


def test_a_new_job_title_in_the_admin_is_saved_and_moves_nobody(
    client: Client, administrator, agent, announced, django_capture_on_commit_callbacks
) -> None:
    client.force_login(administrator.user)
    url = f"/admin/people/staffprofile/{agent.pk}/change/"

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {**form_data(client.get(url)), "job_title": "Team lead"})

    assert response.status_code == 302
    assert StaffProfile.objects.get(pk=agent.pk).job_title == "Team lead"
    assert not AuditEvent.objects.filter(action__startswith="people.person").exists()
    assert announced == []
