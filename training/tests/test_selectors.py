"""Reads for the pages: who sees which sessions, and the figures by department."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from people.tests.factories import DepartmentFactory
from training import selectors

from .factories import AssignmentFactory, CompletionFactory, CourseFactory, EnrolmentFactory, SessionFactory

pytestmark = pytest.mark.django_db


def today() -> datetime.date:
    return timezone.localdate()


def test_a_session_of_a_parent_departments_course_is_offered_to_its_sub_departments(agent) -> None:
    operations = DepartmentFactory(name="Operations", code="OPS")
    agent.department.parent = operations
    agent.department.save()
    course = CourseFactory()
    course.audience_departments.set([operations])
    session = SessionFactory(course=course)

    assert list(selectors.upcoming_sessions_for(agent)) == [session]


def test_cancelled_past_and_inactive_sessions_are_not_offered(agent, course, past_session) -> None:
    SessionFactory(course=course, cancelled=True)
    SessionFactory(course=CourseFactory(is_active=False))

    assert list(selectors.upcoming_sessions_for(agent)) == []


def test_seats_left_count_every_enrolment(agent, manager, session) -> None:
    EnrolmentFactory(session=session, person=manager)

    offered = selectors.upcoming_sessions_for(agent).get()

    assert (offered.taken, offered.seats_left, offered.my_enrolment_id) == (1, 1, None)


def test_completed_counts_only_the_last_12_months(course, agent, manager) -> None:
    CompletionFactory(
        person=agent, course=course, recorded_by=manager.user, completed_on=today() - datetime.timedelta(days=30)
    )
    CompletionFactory(
        person=agent, course=course, recorded_by=manager.user, completed_on=today() - datetime.timedelta(days=400)
    )

    rows = selectors.status_by_department(selectors.Filters())

    assert [(row["person__department__name"], row["completed"]) for row in rows] == [("Support", 1)]


def test_the_course_filter_applies_to_every_figure(course, agent, manager) -> None:
    other = CourseFactory()
    AssignmentFactory(person=agent, course=course)
    AssignmentFactory(person=agent, course=other)
    CompletionFactory(person=agent, course=other, recorded_by=manager.user)

    rows = selectors.status_by_department(selectors.Filters(course_id=course.pk))

    assert [(row["open"], row["overdue"], row["completed"]) for row in rows] == [(1, 0, 0)]


def test_a_manager_sees_only_their_direct_reports(manager, second_manager, agent) -> None:
    assert list(selectors.people_visible_to(manager.user)) == [agent]
    assert list(selectors.people_visible_to(second_manager.user)) == []


def test_compliance_sees_everyone_and_an_agent_nobody(compliance_officer, agent, manager) -> None:
    assert agent in selectors.people_visible_to(compliance_officer.user)
    assert list(selectors.people_visible_to(agent.user)) == []
