"""The pages where a manager adds staff without a sign-in and issues their kiosk PINs and one-time codes."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.hashers import check_password
from django.http import HttpResponse

from common.pagination import PAGE_SIZE
from people.models import KioskCredential, StaffProfile
from people.tests.factories import DepartmentFactory, KioskPersonFactory, StaffProfileFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker(support, manager) -> StaffProfile:
    return KioskPersonFactory(
        user__first_name="Ion", user__last_name="Popa", employee_id="K-100", department=support, manager=manager
    )


def test_a_manager_sees_their_people_without_a_sign_in(client, manager, worker, agent) -> None:
    client.force_login(manager.user)

    page = client.get("/people/kiosk/").content.decode()

    assert "Ion Popa" in page
    assert agent.full_name not in page


def test_the_team_page_links_to_them_and_to_the_kiosk(client, manager) -> None:
    client.force_login(manager.user)

    page = client.get("/people/team/").content.decode()

    assert 'href="/people/kiosk/"' in page
    assert 'href="/kiosk/open/"' in page


def test_an_agent_may_not_open_the_list(client, agent) -> None:
    client.force_login(agent.user)

    assert client.get("/people/kiosk/").status_code == 403


def test_an_anonymous_visitor_is_sent_to_sign_in(client) -> None:
    assert client.get("/people/kiosk/")["Location"].startswith("/accounts/login/")


def test_issuing_takes_only_a_post(client, manager, worker) -> None:
    client.force_login(manager.user)

    assert client.get(f"/people/kiosk/{worker.pk}/issue/").status_code == 405


def test_a_new_pin_is_shown_once_and_kept_as_a_hash(client, manager, worker) -> None:
    client.force_login(manager.user)

    response = client.post(f"/people/kiosk/{worker.pk}/issue/", {"kind": "pin"})

    match = re.search(r'data-testid="kiosk-secret">(\d{6})<', response.content.decode())
    assert match, response.content.decode()[:2000]
    assert check_password(match.group(1), KioskCredential.objects.get(person=worker).pin_hash)
    assert "no-store" in response["Cache-Control"]


def test_a_one_time_code_says_when_it_expires(client, manager, worker, settings) -> None:
    settings.KIOSK_CODE_VALID_HOURS = 24
    client.force_login(manager.user)

    page = client.post(f"/people/kiosk/{worker.pk}/issue/", {"kind": "code"}).content.decode()

    assert "expires in 24 hours" in page
    assert KioskCredential.objects.get(person=worker).code_hash


def test_another_managers_person_is_not_found(client, second_manager, worker) -> None:
    client.force_login(second_manager.user)

    assert client.post(f"/people/kiosk/{worker.pk}/issue/", {"kind": "pin"}).status_code == 404
    assert not KioskCredential.objects.exists()


def add_person(client, employee_id: str, department) -> HttpResponse:
    return client.post(
        "/people/kiosk/add/",
        {"employee_id": employee_id, "first_name": "Dan", "last_name": "Ene", "department": department.pk},
    )


def test_a_manager_adds_a_person_to_their_team(client, manager, support) -> None:
    client.force_login(manager.user)

    response = add_person(client, "K-7", support)

    assert response["Location"] == "/people/kiosk/"
    person = StaffProfile.objects.get(employee_id="K-7")
    assert (person.signs_in, person.manager) == (False, manager)


def test_a_manager_is_offered_only_the_departments_of_their_team(client, manager, support) -> None:
    StaffProfileFactory(manager=manager, department=DepartmentFactory(name="Sales", code="SAL"))
    DepartmentFactory(name="Warehouse", code="WHS")
    client.force_login(manager.user)

    page = client.get("/people/kiosk/add/").content.decode()

    assert ">Support</option>" in page
    assert ">Sales</option>" in page
    assert "Warehouse" not in page


def test_a_manager_may_not_add_a_person_to_another_department(client, manager, support) -> None:
    warehouse = DepartmentFactory(name="Warehouse", code="WHS")
    client.force_login(manager.user)

    response = add_person(client, "K-7", warehouse)

    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not StaffProfile.objects.filter(employee_id="K-7").exists()


def test_an_administrator_is_offered_every_department(client, administrator, support) -> None:
    DepartmentFactory(name="Warehouse", code="WHS")
    client.force_login(administrator.user)

    page = client.get("/people/kiosk/add/").content.decode()

    assert ">Support</option>" in page
    assert ">Warehouse</option>" in page


def test_a_taken_employee_id_is_shown_on_the_form(client, manager, support, worker) -> None:
    client.force_login(manager.user)

    response = add_person(client, "K-100", support)

    assert response.status_code == 400
    assert "already exists" in response.content.decode()


@pytest.mark.parametrize("people", [1, PAGE_SIZE + 1])
def test_the_list_reads_a_constant_number_of_queries(
    client, manager, support, people, django_assert_num_queries
) -> None:
    for _ in range(people):
        KioskPersonFactory(department=support, manager=manager)
    client.force_login(manager.user)

    # The session and its user; the user's permissions (their own and their roles', one query); the page's count and its
    # people with their departments and credentials; the navigation's counts of their unread notifications and
    # of their tasks.
    with django_assert_num_queries(7):
        response = client.get("/people/kiosk/")

    assert response.content.decode().count("New PIN") == min(people, PAGE_SIZE)
