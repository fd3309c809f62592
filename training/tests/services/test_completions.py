"""Completions close the open assignment and set the next refresher; every refusal."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from audit.models import AuditEvent
from common.errors import Conflict, DomainError
from training.models import Assignment, AssignmentReason, AssignmentStatus, Completion
from training.services import completions
from training.tests.factories import (
    AssignmentFactory,
    CompletionFactory,
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


def _record_from_lms(person, course, manager, **changes):
    arguments = {"completed_on": today() - days(1), "score": 88, "external_id": "lms-42", **changes}
    return completions.completion_get_or_record(person=person, course=course, actor=manager.user, **arguments)


def test_a_completion_sent_again_under_its_external_id_is_the_one_on_record(course, agent, manager) -> None:
    first, created = _record_from_lms(agent, course, manager)

    again, created_again = _record_from_lms(agent, course, manager)

    assert (created, created_again) == (True, False)
    assert again == first
    assert first.external_id == "lms-42"


def test_a_completion_sent_again_changes_no_assignment_and_writes_no_second_event(course, agent, manager) -> None:
    AssignmentFactory(person=agent, course=course)
    _record_from_lms(agent, course, manager)
    refresher = open_assignment(agent, course)

    _record_from_lms(agent, course, manager)

    assert open_assignment(agent, course) == refresher
    assert Assignment.objects.filter(person=agent, course=course).count() == 2
    assert Completion.objects.filter(person=agent, course=course).count() == 1
    assert AuditEvent.objects.filter(action="training.completion.record").count() == 1


def test_the_audit_event_keeps_the_external_id(course, agent, manager) -> None:
    completion, _created = _record_from_lms(agent, course, manager)

    event = AuditEvent.objects.get(action="training.completion.record")
    assert event.details["external_id"] == "lms-42"
    assert event.object_id == str(completion.pk)


@pytest.mark.parametrize("changed", ["person", "course", "completed_on", "score"])
def test_an_external_id_sent_again_with_other_details_is_a_conflict(changed, course, agent, teammate, manager) -> None:
    _record_from_lms(agent, course, manager)
    other = {
        "person": {"person": teammate},
        "course": {"course": CourseFactory()},
        "completed_on": {"completed_on": today() - days(2)},
        "score": {"score": None},
    }[changed]
    arguments = {"person": agent, "course": course, **other}

    with pytest.raises(Conflict, match="another person, course, date or score"):
        _record_from_lms(manager=manager, **arguments)

    assert Completion.objects.count() == 1


def test_completions_recorded_without_an_external_id_are_never_taken_for_one_another(course, agent, manager) -> None:
    completions.completion_record(person=agent, course=course, completed_on=today(), actor=manager.user)
    completions.completion_record(person=agent, course=course, completed_on=today(), actor=manager.user)

    assert Completion.objects.filter(person=agent, course=course, external_id="").count() == 2


def test_an_external_id_is_stored_without_surrounding_spaces(course, agent, manager) -> None:
    completion, _created = _record_from_lms(agent, course, manager, external_id="  lms-42 ")

    assert completion.external_id == "lms-42"
    assert _record_from_lms(agent, course, manager) == (completion, False)


def test_an_external_id_longer_than_255_characters_is_refused(course, agent, manager) -> None:
    with pytest.raises(DomainError, match="at most 255 characters"):
        _record_from_lms(agent, course, manager, external_id="x" * 256)


def test_a_completion_sent_again_by_someone_without_the_right_is_refused(course, agent, manager) -> None:
    CompletionFactory(person=agent, course=course, recorded_by=manager.user, external_id="lms-42")

    with pytest.raises(PermissionDenied):
        completions.completion_get_or_record(
            person=agent, course=course, completed_on=today(), actor=agent.user, external_id="lms-42"
        )


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
