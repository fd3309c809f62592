"""Training reacts to people's announcements only: a hire or a move assigns what applies, a change of job title
or language assigns nothing."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from audit.models import AuditEvent
from people import services as people_services
from people.tests.factories import DepartmentFactory, StaffProfileFactory, UserFactory
from training.models import Assignment
from training.services.assignments import assignments_create_for_people

pytestmark = pytest.mark.django_db


def test_a_new_joiner_is_assigned_once_the_hire_is_committed(course, support, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        newcomer = people_services.person_hire(
            profile=StaffProfileFactory.build(user=UserFactory(), department=support), actor=None
        )
        assert not Assignment.objects.exists(), "not before the commit"

    assignment = Assignment.objects.open().get(person=newcomer, course=course)
    assert assignment.due_date == timezone.localdate() + datetime.timedelta(days=30)


def test_a_change_of_job_title_or_language_assigns_nothing_and_a_move_does(
    course, agent, administrator, django_capture_on_commit_callbacks
) -> None:
    # Ana is in the course's audience but not yet assigned it: any reaction would assign it.
    with django_capture_on_commit_callbacks(execute=True):
        agent.job_title = "Team lead"
        people_services.profile_update(profile=agent, actor=administrator.user)
        people_services.profile_set_language(profile=agent, language="ro")
        agent.save()  # a plain save of the record, as anything outside the services might do

    assert not Assignment.objects.exists()
    assert not AuditEvent.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        people_services.person_move(
            person=agent, department=DepartmentFactory(code="SAL"), manager=agent.manager, actor=administrator.user
        )

    assert list(Assignment.objects.open().filter(person=agent).values_list("course", flat=True)) == [course.pk]
    assert list(AuditEvent.objects.values_list("action", "actor")) == [("people.person.move", administrator.user.pk)]


def test_assigning_people_costs_the_same_queries_for_1_or_20_of_them(course, support) -> None:
    """The reaction to an HR import's announcement: joiners assigned what applies, leavers nothing, for one
    person of each or for twenty, in the same queries."""

    def assign(people: int) -> int:
        joiners = StaffProfileFactory.create_batch(people, department=support)
        leavers = StaffProfileFactory.create_batch(people, department=support, user__is_active=False)
        with CaptureQueriesContext(connection) as queries:
            made = assignments_create_for_people(person_ids=[person.pk for person in (*joiners, *leavers)])
        assert made == people
        assert Assignment.objects.open().filter(person__in=joiners, course=course).count() == people
        assert not Assignment.objects.filter(person__in=leavers).exists()
        return len(queries)

    assert assign(1) == assign(20)
