"""Sessions, enrolment and attendance: each service's happy path, and every refusal."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from audit.models import AuditEvent
from common.errors import DomainError
from people.tests.factories import DepartmentFactory
from training import selectors
from training.models import AssignmentReason, AssignmentStatus, Completion, Enrolment
from training.services import completions, sessions
from training.tests.factories import (
    AssignmentFactory,
    CourseFactory,
    EnrolmentFactory,
    SessionFactory,
)

from .helpers import days, open_assignment

pytestmark = pytest.mark.django_db


def test_a_manager_plans_a_session(manager, course) -> None:
    starts_at = timezone.now() + days(3)

    session = sessions.session_create(
        actor=manager.user,
        course=course,
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=2),
        location="Room 4",
        capacity=12,
        trainer=manager.user,
    )

    assert session.capacity == 12
    assert AuditEvent.objects.filter(action="training.session.create", object_id=str(session.pk)).exists()


@pytest.mark.parametrize(
    ("start_in_days", "hours", "message"),
    [(-1, 2, "must start in the future"), (3, 0, "must end after it starts")],
)
def test_a_session_in_the_past_or_ending_before_it_starts_is_refused(manager, course, start_in_days, hours, message):
    starts_at = timezone.now() + days(start_in_days)

    with pytest.raises(DomainError, match=message):
        sessions.session_create(
            actor=manager.user,
            course=course,
            starts_at=starts_at,
            ends_at=starts_at + datetime.timedelta(hours=hours),
            location="Room 4",
            capacity=12,
        )


def test_an_agent_cannot_plan_a_session(agent, course) -> None:
    starts_at = timezone.now() + days(3)

    with pytest.raises(PermissionDenied):
        sessions.session_create(
            actor=agent.user, course=course, starts_at=starts_at, ends_at=starts_at + days(1), location="X", capacity=1
        )


def test_a_session_is_cancelled_before_it_starts(manager, session) -> None:
    sessions.session_cancel(session=session, actor=manager.user)

    session.refresh_from_db()
    assert session.cancelled


def test_a_session_that_started_cannot_be_cancelled(manager, past_session) -> None:
    with pytest.raises(DomainError, match="already started"):
        sessions.session_cancel(session=past_session, actor=manager.user)


# ---------------------------------------------------------------------------
# Enrolment
# ---------------------------------------------------------------------------


def test_an_agent_enrols_themselves(session, agent) -> None:
    enrolment = sessions.enrolment_create(session=session, person=agent, actor=agent.user)

    assert enrolment.attended is None
    assert AuditEvent.objects.filter(action="training.enrolment.create").count() == 1


def test_a_manager_enrols_someone_who_reports_to_them(session, agent, manager) -> None:
    sessions.enrolment_create(session=session, person=agent, actor=manager.user)

    assert Enrolment.objects.filter(session=session, person=agent).exists()


def test_a_manager_cannot_enrol_someone_from_another_team(session, agent, second_manager) -> None:
    with pytest.raises(PermissionDenied):
        sessions.enrolment_create(session=session, person=agent, actor=second_manager.user)


def test_a_full_session_refuses_another_person(session, agent, manager, second_manager) -> None:
    sessions.enrolment_create(session=session, person=manager, actor=manager.user)
    sessions.enrolment_create(session=session, person=second_manager, actor=second_manager.user)

    with pytest.raises(DomainError, match="full"):
        sessions.enrolment_create(session=session, person=agent, actor=agent.user)


def test_a_cancelled_session_refuses_enrolment(session, agent) -> None:
    session.cancelled = True
    session.save()

    with pytest.raises(DomainError, match="cancelled"):
        sessions.enrolment_create(session=session, person=agent, actor=agent.user)


def test_a_session_that_started_refuses_enrolment(past_session, agent) -> None:
    with pytest.raises(DomainError, match="already started"):
        sessions.enrolment_create(session=past_session, person=agent, actor=agent.user)


def test_enrolling_twice_is_refused(session, agent) -> None:
    sessions.enrolment_create(session=session, person=agent, actor=agent.user)

    with pytest.raises(DomainError, match="already enrolled in this session"):
        sessions.enrolment_create(session=session, person=agent, actor=agent.user)


def test_enrolling_in_a_second_date_of_the_same_course_is_refused(session, agent) -> None:
    sessions.enrolment_create(session=session, person=agent, actor=agent.user)
    later = SessionFactory(course=session.course, starts_at=session.starts_at + days(7))

    with pytest.raises(DomainError, match="already enrolled in this course"):
        sessions.enrolment_create(session=later, person=agent, actor=agent.user)


def test_a_course_for_another_department_refuses_enrolment(agent) -> None:
    course = CourseFactory()
    course.audience_departments.set([DepartmentFactory(code="BIL")])

    with pytest.raises(DomainError, match="not offered"):
        sessions.enrolment_create(session=SessionFactory(course=course), person=agent, actor=agent.user)


def test_an_assignment_opens_a_course_of_another_department(agent) -> None:
    course = CourseFactory()
    course.audience_departments.set([DepartmentFactory(code="BIL")])
    AssignmentFactory(person=agent, course=course, reason=AssignmentReason.RETRAINING, note="Complaint of 3 March")
    session = SessionFactory(course=course)

    enrolment = sessions.enrolment_create(session=session, person=agent, actor=agent.user)

    assert Enrolment.objects.get(session=session, person=agent) == enrolment
    # Ana's own page lists the session, with her seat in it.
    [seen] = selectors.upcoming_sessions_for(agent)
    assert (seen, seen.my_enrolment_id) == (session, enrolment.pk)


def test_cancelling_an_enrolment_frees_the_seat(session, agent) -> None:
    enrolment = sessions.enrolment_create(session=session, person=agent, actor=agent.user)

    sessions.enrolment_cancel(enrolment=enrolment, actor=agent.user)

    assert not Enrolment.objects.filter(session=session).exists()
    assert AuditEvent.objects.filter(action="training.enrolment.cancel").count() == 1


def test_an_enrolment_cannot_be_cancelled_once_the_session_started(past_session, agent) -> None:
    enrolment = EnrolmentFactory(session=past_session, person=agent)

    with pytest.raises(DomainError, match="already started"):
        sessions.enrolment_cancel(enrolment=enrolment, actor=agent.user)


def test_someone_else_cannot_cancel_an_agents_enrolment(session, agent, second_manager) -> None:
    enrolment = sessions.enrolment_create(session=session, person=agent, actor=agent.user)

    with pytest.raises(PermissionDenied):
        sessions.enrolment_cancel(enrolment=enrolment, actor=second_manager.user)


# ---------------------------------------------------------------------------
# Attendance
# ---------------------------------------------------------------------------


@pytest.fixture
def attended(past_session, agent, teammate):
    """Ana and Bogdan (both in Maria's team) enrolled in yesterday's session."""
    EnrolmentFactory(session=past_session, person=agent)
    EnrolmentFactory(session=past_session, person=teammate)
    return past_session


def test_attendance_marks_everyone_and_completes_those_present(attended, agent, teammate, manager) -> None:
    made = sessions.attendance_record(session=attended, actor=manager.user, attended_ids={agent.pk})

    assert {e.person_id: e.attended for e in attended.enrolments.all()} == {agent.pk: True, teammate.pk: False}
    assert [c.person for c in made] == [agent]
    completion = Completion.objects.get(person=agent)
    assert completion.session == attended
    assert completion.recorded_by == manager.user
    assert completion.completed_on == timezone.localdate(attended.ends_at)
    assert not Completion.objects.filter(person=teammate).exists()


def test_attendance_closes_the_assignment_and_sets_the_refresher(attended, agent, manager, course) -> None:
    assignment = AssignmentFactory(person=agent, course=course)

    sessions.attendance_record(session=attended, actor=manager.user, attended_ids={agent.pk})

    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.COMPLETED
    refresher = open_assignment(agent, course)
    assert refresher.reason == AssignmentReason.REFRESHER
    assert refresher.due_date == completions.next_refresher_date(timezone.localdate(attended.ends_at), 12)


def test_recording_attendance_again_never_completes_anyone_twice(attended, agent, teammate, manager) -> None:
    sessions.attendance_record(session=attended, actor=manager.user, attended_ids={agent.pk})

    made = sessions.attendance_record(session=attended, actor=manager.user, attended_ids={agent.pk, teammate.pk})

    assert [c.person for c in made] == [teammate]
    assert Completion.objects.filter(session=attended).count() == 2


def test_someone_completed_cannot_be_marked_absent(attended, agent, manager) -> None:
    sessions.attendance_record(session=attended, actor=manager.user, attended_ids={agent.pk})

    with pytest.raises(DomainError, match="cannot be marked absent"):
        sessions.attendance_record(session=attended, actor=manager.user, attended_ids=set())


def test_attendance_of_someone_not_enrolled_is_refused(attended, compliance_officer, manager) -> None:
    with pytest.raises(DomainError, match="Only people enrolled"):
        sessions.attendance_record(session=attended, actor=manager.user, attended_ids={compliance_officer.pk})


def test_attendance_before_the_session_is_refused(session, manager) -> None:
    with pytest.raises(DomainError, match="once the session has taken place"):
        sessions.attendance_record(session=session, actor=manager.user, attended_ids=set())


def test_attendance_of_a_cancelled_session_is_refused(attended, manager) -> None:
    attended.cancelled = True
    attended.save()

    with pytest.raises(DomainError, match="cancelled"):
        sessions.attendance_record(session=attended, actor=manager.user, attended_ids=set())


def test_an_agent_cannot_record_attendance(attended, agent) -> None:
    with pytest.raises(PermissionDenied):
        sessions.attendance_record(session=attended, actor=agent.user, attended_ids={agent.pk})
