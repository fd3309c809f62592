"""My training: a person's assignments, upcoming sessions and completions; enrolling and cancelling."""

from __future__ import annotations

import pytest
from django.utils import formats, timezone

from people.tests.factories import DepartmentFactory
from training.models import Enrolment
from training.tests.factories import (
    AssignmentFactory,
    CompletionFactory,
    CourseFactory,
    EnrolmentFactory,
    SessionFactory,
)

from .helpers import MINE, NOT_FOUND, days, messages_of, page_of, shows, today

pytestmark = pytest.mark.django_db


def test_an_agent_sees_open_assignments_with_due_dates_and_overdue_marked(client, agent, course) -> None:
    AssignmentFactory(person=agent, course=course, due_date=today() - days(2))
    AssignmentFactory(person=agent, course=CourseFactory(title="Privacy basics"), due_date=today() + days(9))
    client.force_login(agent.user)

    response = client.get(MINE)

    assert response.status_code == 200
    assert [a.course.title for a in response.context["assignments"]] == [
        "Customer service essentials",
        "Privacy basics",
    ]
    page = page_of(response)
    assert "Overdue" in page
    assert formats.date_format(today() + days(9), "DATE_FORMAT") in page


def test_an_agent_sees_upcoming_sessions_of_their_courses_with_seats_left(client, agent, session, manager) -> None:
    EnrolmentFactory(session=session, person=manager)
    elsewhere = CourseFactory(title="Billing rules")
    elsewhere.audience_departments.set([DepartmentFactory(code="BIL")])
    SessionFactory(course=elsewhere)
    client.force_login(agent.user)

    sessions = client.get(MINE).context["sessions"]

    assert [(s.course.title, s.seats_left, s.my_enrolment_id) for s in sessions] == [
        ("Customer service essentials", 1, None)
    ]


def test_an_agent_sees_their_completions(client, agent, course, manager) -> None:
    CompletionFactory(person=agent, course=course, recorded_by=manager.user, score=87)
    client.force_login(agent.user)

    response = client.get(MINE)

    assert [c.course for c in response.context["page"]] == [course]
    assert "87%" in page_of(response)


def test_an_agent_enrols_in_a_session(client, agent, session) -> None:
    client.force_login(agent.user)

    response = client.post(f"/training/sessions/{session.pk}/enrol/")

    assert response.status_code == 302
    assert response["Location"] == MINE
    assert Enrolment.objects.filter(session=session, person=agent).exists()
    followed = client.get(MINE)
    assert followed.context["sessions"][0].my_enrolment_id is not None
    assert "Cancel enrolment" in page_of(followed)


def test_enrolling_in_a_full_session_shows_a_message_not_an_error(client, agent, session, manager, second_manager):
    EnrolmentFactory(session=session, person=manager)
    EnrolmentFactory(session=session, person=second_manager)
    client.force_login(agent.user)

    response = client.post(f"/training/sessions/{session.pk}/enrol/", follow=True)

    assert response.status_code == 200
    assert "This session is full. Choose another date." in messages_of(response)
    assert not Enrolment.objects.filter(person=agent).exists()


def test_an_agent_cancels_their_enrolment(client, agent, session) -> None:
    enrolment = EnrolmentFactory(session=session, person=agent)
    client.force_login(agent.user)

    response = client.post(f"/training/enrolments/{enrolment.pk}/cancel/", follow=True)

    assert response.redirect_chain == [(MINE, 302)]
    assert "The enrolment is cancelled and the seat is free for someone else." in messages_of(response)
    assert not Enrolment.objects.filter(pk=enrolment.pk).exists()
    assert response.context["sessions"][0].my_enrolment_id is None


def test_nobody_else_finds_an_agents_enrolment(client, agent, session, second_manager) -> None:
    enrolment = EnrolmentFactory(session=session, person=agent)
    client.force_login(second_manager.user)

    response = client.post(f"/training/enrolments/{enrolment.pk}/cancel/")

    assert response.status_code == 404
    assert shows(response, NOT_FOUND)
    assert Enrolment.objects.filter(pk=enrolment.pk).exists()


@pytest.mark.parametrize("path", ["/training/sessions/{pk}/enrol/", "/training/sessions/{pk}/attendance/"])
def test_state_changes_refuse_get(client, manager, session, path) -> None:
    client.force_login(manager.user)

    response = client.get(path.format(pk=session.pk))

    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert not session.enrolments.exists()


@pytest.mark.parametrize("rows", [1, 20])
def test_my_training_costs_the_same_queries_for_1_or_20_rows(
    client, agent, manager, rows, django_assert_num_queries
) -> None:
    for number in range(rows):
        course = CourseFactory()
        AssignmentFactory(person=agent, course=course)
        CompletionFactory(person=agent, course=course, recorded_by=manager.user)
        EnrolmentFactory(session=SessionFactory(course=course), person=agent)
        SessionFactory(course=course, starts_at=timezone.now() + days(number + 10))
    client.force_login(agent.user)

    # session, user, permissions (own and roles', one query), the profile, open assignments with their courses,
    # the department tree (for courses of parent departments), upcoming sessions with seats left and the person's
    # enrolment, count of completions, unread notifications, my tasks (navigation), one page of completions
    with django_assert_num_queries(11):
        response = client.get(MINE)
    assert response.status_code == 200
    # The counted queries drew every open assignment, and the courses of all of them are on the page.
    assert len(response.context["assignments"]) == rows
    assert shows(response, *(assignment.course.title for assignment in response.context["assignments"]))
