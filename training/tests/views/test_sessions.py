"""The session pages: planning one, its page, enrolling someone from the team, attendance and cancelling."""

from __future__ import annotations

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from people.tests.factories import StaffProfileFactory
from training.models import Assignment, AssignmentReason, AssignmentStatus, Completion, Enrolment
from training.tests.factories import AssignmentFactory, EnrolmentFactory

from .helpers import MINE, NOT_FOUND, REFUSED, days, messages_of, page_of, shows

pytestmark = pytest.mark.django_db


def test_a_manager_plans_a_session(client, manager, course) -> None:
    client.force_login(manager.user)
    starts_at = timezone.localtime() + days(5)

    response = client.post(
        "/training/sessions/new/",
        {
            "course": course.pk,
            "starts_at": starts_at.strftime("%Y-%m-%dT09:00"),
            "ends_at": starts_at.strftime("%Y-%m-%dT12:00"),
            "location": "Online",
            "capacity": 15,
            "trainer": manager.user.pk,
        },
    )

    session = course.sessions.get()
    assert response["Location"] == f"/training/sessions/{session.pk}/"
    assert (session.capacity, session.trainer, session.location) == (15, manager.user, "Online")


def test_the_session_form_refuses_an_end_before_the_start(client, manager, course) -> None:
    client.force_login(manager.user)
    starts_at = timezone.localtime() + days(5)

    response = client.post(
        "/training/sessions/new/",
        {
            "course": course.pk,
            "starts_at": starts_at.strftime("%Y-%m-%dT09:00"),
            "ends_at": starts_at.strftime("%Y-%m-%dT08:00"),
            "location": "Online",
            "capacity": 15,
        },
    )

    assert response.status_code == 200
    assert "A session must end after it starts." in page_of(response)
    assert not course.sessions.exists()


def test_an_agent_cannot_open_a_session_page_or_plan_one(client, agent, session) -> None:
    client.force_login(agent.user)

    page = client.get(f"/training/sessions/{session.pk}/")
    form = client.get("/training/sessions/new/")

    assert (page.status_code, form.status_code) == (403, 403)
    assert shows(page, REFUSED)
    assert shows(form, REFUSED)


@pytest.fixture
def held(past_session, agent, teammate):
    """Yesterday's session, with Ana and Bogdan (both in Maria's team) enrolled."""
    EnrolmentFactory(session=past_session, person=agent)
    EnrolmentFactory(session=past_session, person=teammate)
    return past_session


def test_the_attendance_form_has_a_tick_per_enrolled_person(client, manager, held, agent, teammate) -> None:
    client.force_login(manager.user)

    page = page_of(client.get(f"/training/sessions/{held.pk}/"))

    assert page.count('name="present"') == 2
    assert agent.full_name in page
    assert "Save attendance" in page


def test_the_attendance_form_records_completions_and_refreshers(client, manager, held, agent, teammate, course):
    AssignmentFactory(person=agent, course=course)
    enrolment = Enrolment.objects.get(session=held, person=agent)
    client.force_login(manager.user)

    response = client.post(f"/training/sessions/{held.pk}/attendance/", {"present": [enrolment.pk]})

    assert response["Location"] == f"/training/sessions/{held.pk}/"
    enrolment.refresh_from_db()
    assert enrolment.attended is True
    assert Enrolment.objects.get(session=held, person=teammate).attended is False
    completion = Completion.objects.get(person=agent, session=held)
    assert Assignment.objects.get(person=agent, status=AssignmentStatus.COMPLETED).completion == completion
    refresher = Assignment.objects.open().get(person=agent, course=course)
    assert refresher.reason == AssignmentReason.REFRESHER
    assert refresher.due_date.year == completion.completed_on.year + 1
    assert AuditEvent.objects.filter(action="training.attendance.record").count() == 1


def test_recorded_attendance_counts_one_completion_in_the_singular(client, manager, held, agent) -> None:
    enrolment = Enrolment.objects.get(session=held, person=agent)
    client.force_login(manager.user)

    response = client.post(f"/training/sessions/{held.pk}/attendance/", {"present": [enrolment.pk]}, follow=True)

    assert "Attendance recorded: 1 present, 1 new completion." in messages_of(response)


def test_attendance_before_the_session_is_a_message_not_an_error(client, manager, session, agent) -> None:
    enrolment = EnrolmentFactory(session=session, person=agent)
    client.force_login(manager.user)

    response = client.post(f"/training/sessions/{session.pk}/attendance/", {"present": [enrolment.pk]})

    assert response.status_code == 400
    assert "Record the attendance once the session has taken place." in page_of(response)
    assert not Completion.objects.exists()


def test_compliance_cannot_record_attendance(client, compliance_officer, held) -> None:
    client.force_login(compliance_officer.user)

    response = client.post(f"/training/sessions/{held.pk}/attendance/", {"present": []})

    assert response.status_code == 403
    assert shows(response, REFUSED)
    assert list(held.enrolments.values_list("attended", flat=True)) == [None, None]
    assert not Completion.objects.exists()


def test_a_manager_enrols_someone_from_their_team(client, manager, agent, session) -> None:
    client.force_login(manager.user)
    page = page_of(client.get(f"/training/sessions/{session.pk}/"))
    assert "Enrol from my team" in page

    response = client.post(f"/training/sessions/{session.pk}/enrol/", {"person": agent.pk}, follow=True)

    assert response.redirect_chain == [(MINE, 302)]
    assert any(f"{agent.full_name} is enrolled in “{session.course.title}”" in m for m in messages_of(response))
    assert Enrolment.objects.filter(session=session, person=agent).exists()


def test_a_manager_does_not_find_someone_from_another_team_to_enrol(client, second_manager, agent, session) -> None:
    client.force_login(second_manager.user)

    response = client.post(f"/training/sessions/{session.pk}/enrol/", {"person": agent.pk})

    assert response.status_code == 404
    assert shows(response, NOT_FOUND)
    assert not session.enrolments.exists()


def test_a_manager_cancels_a_session(client, manager, session) -> None:
    client.force_login(manager.user)

    response = client.post(f"/training/sessions/{session.pk}/cancel/", follow=True)

    assert response.redirect_chain == [(f"/training/sessions/{session.pk}/", 302)]
    assert "The session is cancelled. Let the people enrolled know." in messages_of(response)
    session.refresh_from_db()
    assert session.cancelled


@pytest.mark.parametrize("rows", [1, 20])
def test_the_session_page_costs_the_same_queries_for_1_or_20_enrolments(
    client, manager, past_session, support, rows, django_assert_num_queries
) -> None:
    for person in StaffProfileFactory.create_batch(rows, department=support, manager=manager):
        EnrolmentFactory(session=past_session, person=person)
    client.force_login(manager.user)

    # session, user, permissions (own and roles', one query), the session with its course, trainer and seats
    # taken, the enrolments of the manager's team with each person and whether their completion is recorded,
    # unread notifications, my tasks (navigation)
    with django_assert_num_queries(7):
        response = client.get(f"/training/sessions/{past_session.pk}/")
    assert len(response.context["enrolments"]) == rows
    assert shows(response, *(enrolment.person.full_name for enrolment in response.context["enrolments"]))


def test_unticking_someone_whose_completion_is_recorded_is_a_message(client, manager, held, agent) -> None:
    enrolment = Enrolment.objects.get(session=held, person=agent)
    client.force_login(manager.user)
    client.post(f"/training/sessions/{held.pk}/attendance/", {"present": [enrolment.pk]})

    response = client.post(f"/training/sessions/{held.pk}/attendance/", {"present": []})

    assert response.status_code == 400
    assert "cannot be marked absent" in page_of(response)
    assert Completion.objects.filter(session=held, person=agent).exists()
