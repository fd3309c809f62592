"""The demo training: courses on the demo code, sessions, a year of history, and seeding twice changes nothing."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from audit.models import AuditEvent
from codes.demo import DEMO_SLUG, seed_code
from common.tests.once_per_module import made_once_for_the_module
from people.demo import seed_people
from training.demo import RETRAINING_COURSE, RETRAINING_PERSON, seed_training
from training.models import Assignment, AssignmentReason, Completion, Course, Enrolment, TrainingSession

pytestmark = pytest.mark.django_db


def seed() -> int:
    seed_people()
    seed_code(manager_username="manager", reviewer_username="reviewer")
    return seed_training()


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker) -> Iterator[int]:
    """The demo's people, code and training, made once for the module's tests."""
    yield from made_once_for_the_module(django_db_blocker, seed)


def today() -> datetime.date:
    return timezone.localdate()


def test_the_demo_has_three_courses_on_the_demo_code(seeded) -> None:
    courses = {course.title: course for course in Course.objects.all()}

    assert seeded == 3
    assert set(courses) == {"Customer service essentials", "Privacy and data protection", RETRAINING_COURSE}
    essentials = courses["Customer service essentials"]
    assert (essentials.is_mandatory, essentials.refresher_interval_months) == (True, 12)
    assert essentials.document.slug == DEMO_SLUG
    assert essentials.sections.count() >= 3
    assert list(courses["Privacy and data protection"].sections.values_list("category", flat=True)) == ["privacy"]
    assert not courses[RETRAINING_COURSE].is_mandatory


def test_refreshers_fall_due_within_7_and_30_days_and_a_few_are_overdue(seeded) -> None:
    refreshers = Assignment.objects.filter(reason=AssignmentReason.REFRESHER)

    within_7 = refreshers.due_between(today(), today() + datetime.timedelta(days=7)).count()
    within_30 = refreshers.due_between(today() + datetime.timedelta(days=8), today() + datetime.timedelta(days=30))
    overdue = refreshers.overdue(on=today()).count()

    assert within_7 >= 3
    assert within_30.count() >= 3
    assert 0 < overdue < Completion.objects.count() / 4


def test_most_staff_completed_the_mandatory_courses(seeded) -> None:
    essentials = Course.objects.get(title="Customer service essentials")
    open_initial = Assignment.objects.open().filter(course=essentials, reason=AssignmentReason.INITIAL).count()

    # Those who report to nobody have no history (only a person's own manager records it), so they all
    # have the course to do.
    assert Completion.objects.filter(course=essentials).count() > 2 * open_initial > 0


def test_the_demo_agent_has_a_refresher_coming_due_and_a_course_to_do(seeded) -> None:
    mine = {a.course.title: a for a in Assignment.objects.open().filter(person__user__username="agent")}

    assert mine["Customer service essentials"].reason == AssignmentReason.REFRESHER
    assert mine["Customer service essentials"].due_date <= today() + datetime.timedelta(days=7)
    assert mine["Privacy and data protection"].reason == AssignmentReason.INITIAL


def test_there_are_upcoming_sessions_with_some_seats_taken(seeded) -> None:
    assert TrainingSession.objects.upcoming().count() == 6
    assert Enrolment.objects.count() == 6


def test_one_person_has_retraining_with_its_reason(seeded) -> None:
    retraining = Assignment.objects.get(reason=AssignmentReason.RETRAINING)

    assert retraining.person.user.username == RETRAINING_PERSON
    assert retraining.course.title == RETRAINING_COURSE
    assert "Breach of the code" in retraining.note


def test_seeding_twice_changes_nothing(seeded) -> None:
    counts = [
        model.objects.count() for model in (Course, TrainingSession, Enrolment, Completion, Assignment, AuditEvent)
    ]

    assert seed_training() == 0
    assert [
        model.objects.count() for model in (Course, TrainingSession, Enrolment, Completion, Assignment, AuditEvent)
    ] == counts


@pytest.mark.parametrize("state", ["open", "overdue", "completed"])
def test_on_the_demo_each_status_figure_is_the_number_listed(seeded, client, state) -> None:
    client.force_login(get_user_model().objects.get(username="compliance"))

    response = client.get("/training/status/", {"status": state})

    assert response.context["totals"][state] == response.context["page"].paginator.count > 0
