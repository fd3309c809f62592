"""The home page and navigation follow the person's permissions."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils.formats import date_format

from codes.tests.factories import CodeDocumentFactory
from people.tests.factories import StaffProfileFactory

# Ordered with the other database tests (the cast fixtures open the database).
pytestmark = pytest.mark.django_db


def navigation_labels(html: str) -> list[str]:
    menu = re.search(r'data-testid="navigation">(.*?)</ul>', html, re.S)
    assert menu, "no navigation on the page"
    return re.findall(r'<a class="nav-link[^"]*" href="[^"]+"\s*(?:aria-current="page")?>([^<]+)</a>', menu.group(1))


@pytest.mark.parametrize(
    ("person", "expected"),
    [
        ("agent", ["Home", "My acknowledgements", "My training", "Documents"]),
        ("manager", ["Home", "My acknowledgements", "My training", "Documents", "Courses", "My team", "Dashboard"]),
        (
            "compliance_officer",
            [
                "Home",
                "My acknowledgements",
                "My training",
                "Documents",
                "Dashboard",
                "Training status",
                "Breach cases",
                "Departments",
                "Staff",
                "Audit log",
                "Legal holds",
            ],
        ),
        (
            "administrator",
            [
                "Home",
                "My acknowledgements",
                "My training",
                "Documents",
                "Dashboard",
                "Training status",
                "Departments",
                "Staff",
                "Audit log",
                "Legal holds",
                "Administration",
            ],
        ),
        ("outsider", ["Home", "My acknowledgements"]),
    ],
)
def test_navigation_shows_what_the_role_may_open(request, client, person: str, expected: list[str]) -> None:
    client.force_login(request.getfixturevalue(person).user)

    assert navigation_labels(client.get("/").content.decode()) == expected


def test_an_agent_home_shows_an_honest_empty_waiting_list(client, agent) -> None:
    client.force_login(agent.user)

    page = client.get("/").content.decode()

    assert "My tasks" in page
    assert "Nothing waits for you" in page
    assert 'data-testid="panel-documents"' not in page
    assert 'data-testid="panel-status"' not in page


def test_a_manager_home_lists_the_documents_they_own(client, manager, second_manager) -> None:
    CodeDocumentFactory(title="Customer Service Code of Conduct", owner=manager.user)
    CodeDocumentFactory(title="Someone else's code", owner=second_manager.user)
    client.force_login(manager.user)

    page = client.get("/").content.decode()

    assert "Customer Service Code of Conduct" in page
    assert "Someone else&#x27;s code" not in page


def test_the_date_beside_a_managers_document_says_it_is_the_next_review(client, manager) -> None:
    document = CodeDocumentFactory(owner=manager.user, next_review_due=datetime.date(2027, 12, 7))
    client.force_login(manager.user)

    page = client.get("/").content.decode()

    panel = page.split('data-testid="panel-documents"')[1].split("</section>")[0]
    text = " ".join(re.sub(r"<[^>]+>", " ", panel).split())
    assert f"Next review {date_format(document.next_review_due)}" in text


def test_a_manager_without_documents_sees_an_empty_state(client, manager, agent) -> None:
    client.force_login(manager.user)

    page = client.get("/").content.decode()

    assert "You own no code documents yet." in page
    assert "1 person reports to you." in page


def test_a_compliance_home_counts_real_people(client, compliance_officer, agent, manager) -> None:
    StaffProfileFactory(department=agent.department, user__is_active=False)
    client.force_login(compliance_officer.user)

    page = client.get("/").content.decode()

    assert "3 active people" in page, "agent, manager and the officer; the leaver is not counted"
    assert "No code version has been published yet" in page


def test_an_account_without_profile_or_role_is_told_what_to_do(client, django_user_model) -> None:
    client.force_login(django_user_model.objects.create_user("technical", password="x" * 12))

    assert "Ask a portal administrator" in client.get("/").content.decode()


def test_the_health_check_answers_without_sign_in(client, db) -> None:
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.content == b"ok"


def test_the_browsers_favicon_request_finds_the_portals_icon_without_sign_in(client, db) -> None:
    response = client.get("/favicon.ico")

    assert response.status_code == 301
    assert response["Location"].startswith("/static/img/favicon")
    assert response["Location"].endswith(".svg")


def test_an_agent_home_lists_the_codes_that_apply_to_them(client, agent, published) -> None:
    client.force_login(agent.user)

    page = client.get("/").content.decode()

    assert "The codes of conduct that apply to you:" in page
    assert f'href="/codes/{published.document.slug}/v1/"' in page


def test_a_compliance_home_counts_published_codes(client, compliance_officer, published) -> None:
    client.force_login(compliance_officer.user)

    assert "1 code of conduct is published." in client.get("/").content.decode()


def test_an_agent_home_lists_training_to_complete(client, agent) -> None:
    from training.tests.factories import AssignmentFactory

    assignment = AssignmentFactory(person=agent, course__title="Privacy essentials")
    client.force_login(agent.user)

    page = client.get("/").content.decode()

    assert "Training: Privacy essentials" in page
    assert f"Complete by {date_format(assignment.due_date)}" in page
