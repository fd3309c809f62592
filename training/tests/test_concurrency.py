"""Many people taking the last seats of a session at the same moment never overfill it; an LMS sending one
completion several times at once records it once."""

from __future__ import annotations

from functools import partial

import pytest
from django.db import connection

from audit.models import AuditEvent
from common.errors import Conflict, DomainError
from common.tests.concurrency import run_at_once
from people.models import StaffProfile
from people.tests.factories import StaffProfileFactory
from training.models import Completion, Course, Enrolment, TrainingSession
from training.services import completions, sessions

from .factories import CourseFactory, SessionFactory
from .services.helpers import days, today

pytestmark = [
    # serialized_rollback restores the roles made by data migrations, which a transactional test flushes.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL (SQLite locks the file)"),
]

PEOPLE = 8
SEATS = 3


def test_concurrent_enrolments_never_exceed_the_capacity(support) -> None:
    session = SessionFactory(course=CourseFactory(), capacity=SEATS)
    people = StaffProfileFactory.create_batch(PEOPLE, department=support)
    outcomes: list[str] = []

    def enrol(person) -> None:
        try:
            sessions.enrolment_create(
                session=TrainingSession.objects.get(pk=session.pk), person=person, actor=person.user
            )
            outcomes.append("enrolled")
        except DomainError as error:
            outcomes.append("full" if "full" in error.message else error.message)

    run_at_once([partial(enrol, person) for person in people])

    assert sorted(outcomes) == ["enrolled"] * SEATS + ["full"] * (PEOPLE - SEATS)
    assert Enrolment.objects.filter(session=session).count() == SEATS


SENDS = 4


def _send_from_lms(person: StaffProfile, course: Course, outcomes: list[object]) -> None:
    """One delivery of the LMS's completion "lms-7", on a connection of its own."""
    try:
        completion, created = completions.completion_get_or_record(
            person=StaffProfile.objects.get(pk=person.pk),
            course=Course.objects.get(pk=course.pk),
            completed_on=today() - days(1),
            score=90,
            actor=StaffProfile.objects.get(pk=person.manager_id).user,
            external_id="lms-7",
        )
        outcomes.append((completion.pk, created))
    except Conflict:
        outcomes.append("conflict")


def test_one_completion_sent_at_once_several_times_is_recorded_once(agent) -> None:
    course = CourseFactory()
    outcomes: list[object] = []

    run_at_once([partial(_send_from_lms, agent, course, outcomes) for _ in range(SENDS)])

    completion = Completion.objects.get(external_id="lms-7")
    assert sorted(outcomes, key=lambda outcome: not outcome[1]) == [(completion.pk, True)] + [
        (completion.pk, False)
    ] * (SENDS - 1)
    assert AuditEvent.objects.filter(action="training.completion.record").count() == 1


def test_one_external_id_sent_at_once_for_two_people_records_one_and_refuses_the_other(agent, manager) -> None:
    # Two people lock two different rows, so only the database constraint stands between the inserts.
    other = StaffProfileFactory(department=agent.department, manager=manager)
    course = CourseFactory()
    outcomes: list[object] = []

    run_at_once([partial(_send_from_lms, agent, course, outcomes), partial(_send_from_lms, other, course, outcomes)])

    completion = Completion.objects.get(external_id="lms-7")
    assert sorted(outcomes, key=str) == sorted([(completion.pk, True), "conflict"], key=str)
