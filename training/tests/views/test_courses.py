"""The course pages: the list, a course, creating and editing one; who may do which."""

from __future__ import annotations

import pytest
from django.utils import timezone

from training.models import Assignment, AssignmentReason, Course
from training.tests.factories import CourseFactory, SessionFactory

from .helpers import COURSES, REFUSED, days, page_of, shows

pytestmark = pytest.mark.django_db


def test_a_manager_creates_a_course_and_its_audience_is_assigned(client, manager, agent, published) -> None:
    client.force_login(manager.user)
    section = published.sections.get(title="Privacy")

    response = client.post(
        "/training/courses/new/",
        {
            "title": "Privacy and data protection",
            "description": "Verify identity first.",
            "document": published.document.pk,
            "sections": [section.pk],
            "refresher_interval_months": 12,
            "is_mandatory": "on",
            "is_active": "on",
        },
    )

    course = Course.objects.get(title="Privacy and data protection")
    assert response["Location"] == f"/training/courses/{course.pk}/"
    assert list(course.sections.all()) == [section]
    assert Assignment.objects.filter(course=course, person=agent, reason=AssignmentReason.INITIAL).exists()


def test_the_course_form_shows_its_errors(client, manager, course) -> None:
    client.force_login(manager.user)

    response = client.post("/training/courses/new/", {"title": "", "refresher_interval_months": 0})

    assert response.status_code == 200
    page = page_of(response)
    assert "This field is required." in page
    assert "Ensure this value is greater than or equal to 1." in page
    duplicate = client.post("/training/courses/new/", {"title": course.title.lower()})
    assert "exists already" in page_of(duplicate)


def test_a_manager_edits_a_course(client, manager, course) -> None:
    client.force_login(manager.user)

    response = client.post(
        f"/training/courses/{course.pk}/edit/",
        {"title": "Customer service essentials", "refresher_interval_months": 24, "is_active": "on"},
    )

    assert response["Location"] == f"/training/courses/{course.pk}/"
    course.refresh_from_db()
    assert course.refresher_interval_months == 24
    assert course.is_mandatory is False


def test_an_agent_reads_courses_but_cannot_create_or_edit_them(client, agent, course) -> None:
    client.force_login(agent.user)

    listed = client.get(COURSES)
    detail = client.get(f"/training/courses/{course.pk}/")
    create = client.get("/training/courses/new/")
    edit = client.get(f"/training/courses/{course.pk}/edit/")

    assert (listed.status_code, detail.status_code, create.status_code, edit.status_code) == (200, 200, 403, 403)
    assert shows(listed, course.title)
    assert shows(detail, course.title)
    assert not shows(detail, "Edit details")
    assert shows(create, REFUSED)
    assert shows(edit, REFUSED)


def test_an_agent_does_not_find_an_inactive_course(client, agent) -> None:
    course = CourseFactory(is_active=False)
    client.force_login(agent.user)

    assert client.get(f"/training/courses/{course.pk}/").status_code == 404
    assert course.title not in page_of(client.get(COURSES))


@pytest.mark.parametrize("rows", [1, 20])
def test_the_course_list_costs_the_same_queries_for_1_or_20_courses(
    client, manager, rows, django_assert_num_queries
) -> None:
    for _ in range(rows):
        SessionFactory(course=CourseFactory())
    client.force_login(manager.user)

    # session, user, permissions (own and roles', one query), count, unread notifications, my tasks (navigation),
    # one page of courses with their document and upcoming session counts
    with django_assert_num_queries(7):
        response = client.get(COURSES)
    assert response.status_code == 200
    courses = list(response.context["page"])
    assert len(courses) == rows
    assert all(course.upcoming_sessions == 1 for course in courses)
    assert shows(response, *(course.title for course in courses))


@pytest.mark.parametrize("rows", [1, 20])
def test_the_course_page_costs_the_same_queries_for_1_or_20_sessions(
    client, manager, course, rows, django_assert_num_queries
) -> None:
    for number in range(rows):
        SessionFactory(course=course, starts_at=timezone.now() + days(number + 1), trainer=manager.user)
    client.force_login(manager.user)

    # session, user, permissions (own and roles', one query), the course with its document, its sections,
    # its departments, count of sessions, unread notifications, my tasks (navigation), one page of sessions with
    # trainer and seats
    with django_assert_num_queries(10):
        response = client.get(f"/training/courses/{course.pk}/")
    assert response.status_code == 200
    assert len(response.context["page"]) == rows
    assert shows(response, course.title)
