"""Completions close the open assignment and set the next refresher; every refusal."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from audit.models import AuditEvent
from common.errors import DomainError
from training.models import Assignment, AssignmentReason, AssignmentStatus, Completion
from training.services import completions
from training.tests.factories import (
    AssignmentFactory,
    CourseFactory,
)

from .helpers import days, open_assignment, today

pytestmark = pytest.mark.django_db


def test_a_completion_closes_the_open_assignment_and_links_it(course, agent, manager) -> None:
    assignment = AssignmentFactory(person=agent, course=course)

    completion = completions.completion_record(
        person=agent, course=course, completed_on=today(), actor=manager.user, score=92, evidence_note="E-learning"
    )

    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.COMPLETED
    assert assignment.completion == completion
    assert assignment.completed_at is not None
    assert AuditEvent.objects.filter(action="training.completion.record").count() == 1


@time_machine.travel(datetime.datetime(2027, 9, 1, 9, tzinfo=datetime.UTC), tick=False)
def test_a_completion_sets_the_next_refresher_at_the_end_of_a_short_month(course, agent, manager) -> None:
    course.refresher_interval_months = 6
    course.save()

    completions.completion_record(
        person=agent, course=course, completed_on=datetime.date(2027, 8, 31), actor=manager.user
    )

    refresher = open_assignment(agent, course)
    assert refresher.reason == AssignmentReason.REFRESHER
    assert refresher.due_date == datetime.date(2028, 2, 29)


def test_a_course_without_refresher_sets_none(agent, manager) -> None:
    course = CourseFactory(refresher_interval_months=None)
    AssignmentFactory(person=agent, course=course)

    completions.completion_record(person=agent, course=course, completed_on=today(), actor=manager.user)

    assert not Assignment.objects.open().filter(person=agent, course=course).exists()


def test_an_older_completion_is_kept_as_history_and_changes_no_assignment(course, agent, manager) -> None:
    completions.completion_record(person=agent, course=course, completed_on=today(), actor=manager.user)
    refresher = open_assignment(agent, course)

    completions.completion_record(person=agent, course=course, completed_on=today() - days(200), actor=manager.user)

    assert open_assignment(agent, course) == refresher
    assert Completion.objects.filter(person=agent, course=course).count() == 2


def test_a_completion_in_the_future_is_refused(course, agent, manager) -> None:
    with pytest.raises(DomainError, match="future"):
        completions.completion_record(person=agent, course=course, completed_on=today() + days(1), actor=manager.user)


def test_a_score_outside_0_to_100_is_refused(course, agent, manager) -> None:
    with pytest.raises(DomainError, match="percentage"):
        completions.completion_record(person=agent, course=course, completed_on=today(), actor=manager.user, score=120)


def test_an_agent_cannot_record_a_completion(course, agent) -> None:
    with pytest.raises(PermissionDenied):
        completions.completion_record(person=agent, course=course, completed_on=today(), actor=agent.user)


@pytest.mark.parametrize(
    ("completed_on", "months", "due"),
    [
        (datetime.date(2026, 3, 15), 12, datetime.date(2027, 3, 15)),
        (datetime.date(2026, 1, 31), 1, datetime.date(2026, 2, 28)),
        (datetime.date(2027, 8, 31), 6, datetime.date(2028, 2, 29)),
        (datetime.date(2026, 8, 31), 6, datetime.date(2027, 2, 28)),
        (datetime.date(2028, 2, 29), 12, datetime.date(2029, 2, 28)),
        (datetime.date(2028, 2, 29), 48, datetime.date(2032, 2, 29)),
        (datetime.date(2026, 10, 31), 4, datetime.date(2027, 2, 28)),
        (datetime.date(2026, 5, 31), 1, datetime.date(2026, 6, 30)),
        (datetime.date(2026, 12, 31), 12, datetime.date(2027, 12, 31)),
    ],
)
def test_the_refresher_is_due_the_interval_later_or_on_the_last_day_of_a_shorter_month(completed_on, months, due):
    assert completions.next_refresher_date(completed_on, months) == due
