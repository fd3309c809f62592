"""The invariants the database holds, whatever path writes the rows."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from training.models import Assignment, AssignmentReason, AssignmentStatus

from .factories import AssignmentFactory, CompletionFactory, CourseFactory, EnrolmentFactory, SessionFactory

pytestmark = pytest.mark.django_db


def today() -> datetime.date:
    return timezone.localdate()


def badge_of(assignment: Assignment) -> str:
    """The status badge a person sees for the assignment."""
    return render_to_string(
        "includes/status_badge.html", {"label": assignment.status_label, "tone": assignment.status_tone}
    )


def test_a_person_has_at_most_one_open_assignment_per_course(agent, course) -> None:
    AssignmentFactory(person=agent, course=course)

    with pytest.raises(IntegrityError), transaction.atomic():
        AssignmentFactory(person=agent, course=course, reason=AssignmentReason.REFRESHER)


def test_a_completed_assignment_leaves_room_for_the_next_open_one(agent, course) -> None:
    AssignmentFactory(person=agent, course=course, status=AssignmentStatus.COMPLETED, completed_at=timezone.now())

    AssignmentFactory(person=agent, course=course, reason=AssignmentReason.REFRESHER)

    assert Assignment.objects.filter(person=agent, course=course).count() == 2


def test_retraining_without_a_note_is_refused_by_the_database(agent, course) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        AssignmentFactory(person=agent, course=course, reason=AssignmentReason.RETRAINING, note="")


def test_a_completed_assignment_needs_its_completion_time(agent, course) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        AssignmentFactory(person=agent, course=course, status=AssignmentStatus.COMPLETED, completed_at=None)


def test_a_session_must_end_after_it_starts(course) -> None:
    starts_at = timezone.now() + datetime.timedelta(days=3)

    with pytest.raises(IntegrityError), transaction.atomic():
        SessionFactory(course=course, starts_at=starts_at, ends_at=starts_at)


def test_a_session_has_at_least_one_seat(course) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        SessionFactory(course=course, capacity=0)


def test_a_person_is_enrolled_once_per_session(agent, session) -> None:
    EnrolmentFactory(session=session, person=agent)

    with pytest.raises(IntegrityError), transaction.atomic():
        EnrolmentFactory(session=session, person=agent)


def test_a_score_above_100_is_refused(agent, course, manager) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        CompletionFactory(person=agent, course=course, recorded_by=manager.user, score=101)


def test_a_session_completes_a_person_once(agent, course, past_session, manager) -> None:
    CompletionFactory(person=agent, course=course, session=past_session, recorded_by=manager.user)

    with pytest.raises(IntegrityError), transaction.atomic():
        CompletionFactory(person=agent, course=course, session=past_session, recorded_by=manager.user)


def test_an_external_id_names_one_completion(agent, teammate, course, manager) -> None:
    CompletionFactory(person=agent, course=course, recorded_by=manager.user, external_id="lms-1")

    with pytest.raises(IntegrityError), transaction.atomic():
        CompletionFactory(person=teammate, course=course, recorded_by=manager.user, external_id="lms-1")


def test_completions_without_an_external_id_may_be_many(agent, course, manager) -> None:
    CompletionFactory.create_batch(2, person=agent, course=course, recorded_by=manager.user, external_id="")

    assert agent.training_completions.count() == 2


def test_course_titles_are_unique_whatever_their_case(course) -> None:
    duplicate = CourseFactory.build(title=course.title.upper())

    with pytest.raises(ValidationError, match="exists already"):
        duplicate.validate_constraints()
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_open_overdue_and_due_between_select_open_assignments_by_due_date(course, agent, manager, second_manager):
    late = AssignmentFactory(person=agent, course=course, due_date=today() - datetime.timedelta(days=1))
    soon = AssignmentFactory(person=manager, course=course, due_date=today() + datetime.timedelta(days=7))
    AssignmentFactory(
        person=second_manager,
        course=course,
        due_date=today() - datetime.timedelta(days=5),
        status=AssignmentStatus.COMPLETED,
        completed_at=timezone.now(),
    )

    assert set(Assignment.objects.open()) == {late, soon}
    assert list(Assignment.objects.overdue(on=today())) == [late]
    assert list(Assignment.objects.overdue(on=today() + datetime.timedelta(days=8))) == [late, soon]
    assert list(Assignment.objects.due_between(today(), today() + datetime.timedelta(days=7))) == [soon]
    assert (
        list(
            Assignment.objects.due_between(today() + datetime.timedelta(days=8), today() + datetime.timedelta(days=30))
        )
        == []
    )


def test_an_open_assignment_past_its_due_date_shows_as_overdue(agent, course) -> None:
    late = AssignmentFactory(person=agent, course=course, due_date=today() - datetime.timedelta(days=1))
    in_time = AssignmentFactory.build(person=agent, course=course, due_date=today())

    assert late.is_overdue
    assert ">Overdue</span>" in badge_of(late)
    assert not in_time.is_overdue
    assert ">Open</span>" in badge_of(in_time)
