"""Many people taking the last seats of a session at the same moment never overfill it."""

from __future__ import annotations

from functools import partial

import pytest
from django.db import connection

from common.errors import DomainError
from common.tests.concurrency import run_at_once
from people.tests.factories import StaffProfileFactory
from training.models import Enrolment, TrainingSession
from training.services import sessions

from .factories import CourseFactory, SessionFactory

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
