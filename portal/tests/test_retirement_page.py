"""The retirement confirmation page names what each app will change: the requests acknowledgements will
withdraw and the training courses that link to the document (the `retirement_consequences` panels)."""

from __future__ import annotations

import pytest

from acknowledgements import services
from acknowledgements.tests.test_retire import pending
from training.tests.factories import CourseFactory

pytestmark = pytest.mark.django_db


def test_the_confirmation_page_counts_the_requests_it_withdraws_and_names_the_courses(client, manager, asked) -> None:
    CourseFactory(title="Customer care basics", document=asked.document)
    client.force_login(manager.user)

    page = client.get(f"/codes/{asked.document.slug}/retire/").content.decode()

    assert f"{pending(asked)} pending requests to sign it will be withdrawn" in page
    assert "1 training course links to this document" in page
    assert "Customer care basics" in page


@pytest.mark.parametrize("extra_people", [0, 20])
def test_the_confirmation_page_costs_the_same_queries_for_1_or_20_people_and_courses(
    client, manager, published, agent, extra_people, django_assert_num_queries
) -> None:
    from people.tests.factories import StaffProfileFactory

    StaffProfileFactory.create_batch(extra_people, department=agent.department)
    services.requests_create_for_version(version=published)
    courses = CourseFactory.create_batch(1 + extra_people, document=published.document)
    client.force_login(manager.user)

    # session, unread notifications, my tasks, user, permissions (own and roles', one query), the document,
    # its published version, the pending requests counted, the linked courses' titles
    with django_assert_num_queries(9):
        response = client.get(f"/codes/{published.document.slug}/retire/")
    assert response.status_code == 200
    # The counted queries found every pending request and every course.
    page = response.content.decode()
    assert f"{pending(published)} pending requests to sign it will be withdrawn" in page
    assert all(f"<li>{course.title}</li>" in page for course in courses)
