from __future__ import annotations

import re

import pytest
from django.urls import reverse

from people.models import Department, StaffProfile
from people.tests.factories import DepartmentFactory, StaffProfileFactory

# Ordered with the other database tests (the cast fixtures open the database).
pytestmark = pytest.mark.django_db


def test_the_team_page_lists_only_my_direct_reports(client, manager, second_manager, agent) -> None:
    someone_elses = StaffProfileFactory(manager=second_manager, user__last_name="Elsewhere")
    client.force_login(manager.user)

    page = client.get("/people/team/").content.decode()

    assert agent.full_name in page
    assert someone_elses.full_name not in page


def test_a_manager_with_nobody_reporting_sees_an_empty_team(client, second_manager) -> None:
    client.force_login(second_manager.user)

    assert "Nobody reports to you in the portal yet." in client.get("/people/team/").content.decode()


def test_the_staff_list_filters_by_department(client, compliance_officer, agent) -> None:
    billing = StaffProfileFactory(department=DepartmentFactory(name="Billing", code="BIL"))
    client.force_login(compliance_officer.user)

    page = client.get("/people/staff/", {"department": agent.department.pk}).content.decode()

    assert agent.employee_id in page
    assert billing.employee_id not in page


def test_the_staff_list_searches_names_and_employee_ids(client, compliance_officer, agent, manager) -> None:
    client.force_login(compliance_officer.user)

    page = client.get("/people/staff/", {"q": agent.employee_id}).content.decode()

    assert agent.full_name in page
    assert manager.employee_id not in page


def test_the_staff_list_keeps_the_filters_on_the_next_page_link(client, compliance_officer, support) -> None:
    StaffProfileFactory.create_batch(30, department=support)
    client.force_login(compliance_officer.user)

    page = client.get("/people/staff/", {"department": support.pk}).content.decode()

    assert f"?department={support.pk}&amp;page=2" in page


def test_the_department_list_counts_active_staff_and_leavers(client, compliance_officer, support) -> None:
    StaffProfileFactory.create_batch(3, department=support)
    StaffProfileFactory(department=support, user__is_active=False)
    client.force_login(compliance_officer.user)

    response = client.get("/people/departments/")

    support_row = next(d for d in response.context["page"] if d.code == "SUP")
    assert (support_row.active_staff, support_row.inactive_staff) == (3, 1)


@pytest.mark.parametrize("path", ["/people/team/", "/people/staff/", "/people/departments/"])
def test_lists_refuse_writes(client, administrator, manager, path) -> None:
    client.force_login(manager.user if path == "/people/team/" else administrator.user)

    response = client.post(path)

    assert response.status_code == 405
    assert response["Allow"] == "GET"


@pytest.mark.parametrize("rows", [1, 30])
def test_the_staff_list_costs_the_same_queries_for_1_or_30_people(
    client, compliance_officer, support, rows, django_assert_num_queries
) -> None:
    StaffProfileFactory.create_batch(rows, department=support)
    client.force_login(compliance_officer.user)

    # session, unread notifications, my tasks, user, permissions (own and roles', one query), departments for the
    # filter,
    # count, one page of people with user, department and manager joined
    with django_assert_num_queries(8):
        response = client.get("/people/staff/")
    assert response.status_code == 200
    # The counted queries drew the whole first page.
    assert len(re.findall(r"<td>E\d{5}</td>", response.content.decode())) == min(StaffProfile.objects.count(), 25)


@pytest.mark.parametrize("rows", [1, 30])
def test_the_team_list_costs_the_same_queries_for_1_or_30_people(
    client, manager, support, rows, django_assert_num_queries
) -> None:
    StaffProfileFactory.create_batch(rows, department=support, manager=manager)
    client.force_login(manager.user)

    # session, unread notifications, my tasks, user, permissions (own and roles', one query), count, one page of my
    # team
    with django_assert_num_queries(7):
        response = client.get("/people/team/")
    assert response.status_code == 200
    # The counted queries drew the whole first page.
    assert len(re.findall(r"<td>E\d{5}</td>", response.content.decode())) == min(rows, 25)


@pytest.mark.parametrize("rows", [1, 30])
def test_the_department_list_costs_the_same_queries_for_1_or_30_departments(
    client, compliance_officer, rows, django_assert_num_queries
) -> None:
    for _ in range(rows):
        StaffProfileFactory(department=DepartmentFactory(parent=compliance_officer.department))
    client.force_login(compliance_officer.user)

    # session, unread notifications, my tasks, user, permissions (own and roles', one query), count,
    # one page of departments with headcounts
    with django_assert_num_queries(7):
        response = client.get("/people/departments/")
    assert response.status_code == 200
    # The counted queries drew the whole first page.
    assert response.content.decode().count('<td><a href="/people/staff/?department=') == min(
        Department.objects.count(), 25
    )


def test_a_person_changes_their_language_and_the_portal_follows(client, agent) -> None:
    client.force_login(agent.user)

    response = client.post("/people/me/", {"preferred_language": "ro"}, follow=True)

    agent.refresh_from_db()
    assert agent.preferred_language == "ro"
    assert response.headers["Content-Language"] == "ro"
    assert "Profilul meu" in response.content.decode()


def test_an_unknown_language_is_refused_with_a_field_error(client, agent) -> None:
    client.force_login(agent.user)

    response = client.post("/people/me/", {"preferred_language": "klingon"})

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    agent.refresh_from_db()
    assert agent.preferred_language == "en"


def test_the_profile_shows_my_department_and_manager(client, agent) -> None:
    client.force_login(agent.user)

    page = client.get("/people/me/").content.decode()

    assert agent.employee_id in page
    assert "Support" in page
    assert agent.manager.full_name in page


def test_the_profile_leads_to_everything_kept_about_me(client, agent) -> None:
    client.force_login(agent.user)

    page = client.get("/people/me/").content.decode()

    my_data = reverse("privacy:my_data")
    assert f'href="{my_data}"' in page.split("<main", 1)[1]
    assert client.get(my_data).status_code == 200


def test_profiles_are_ordered_by_surname(support) -> None:
    StaffProfileFactory(user__last_name="Zamfir", department=support)
    StaffProfileFactory(user__last_name="Albu", department=support)

    assert [p.user.last_name for p in StaffProfile.objects.all()] == ["Albu", "Zamfir"]
