"""A certificate's number, fingerprint and refresher date."""

from __future__ import annotations

import datetime
import hashlib
import json

import pytest

from training.certificates import certificate_of
from training.models import Completion, Course
from training.tests.factories import CompletionFactory, CourseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def completion(agent, manager, course) -> Completion:
    return CompletionFactory(
        person=agent, course=course, completed_on=datetime.date(2024, 8, 31), recorded_by=manager.user, score=80
    )


def test_the_number_is_made_from_the_completions_id(completion) -> None:
    assert certificate_of(completion).number == f"TC-{completion.pk:08d}"


def test_the_fingerprint_is_sha256_of_the_recorded_facts_as_canonical_json(completion, agent, manager, course) -> None:
    facts = {
        "certificate": f"TC-{completion.pk:08d}",
        "completed_on": "2024-08-31",
        "course": course.pk,
        "evidence": "",
        "external_id": "",
        "person": agent.pk,
        "recorded_at": completion.created_at.astimezone(datetime.UTC).isoformat(),
        "recorded_by": manager.user.pk,
        "score": 80,
        "session": None,
    }
    canonical = json.dumps(facts, sort_keys=True, separators=(",", ":"))

    assert certificate_of(completion).fingerprint == hashlib.sha256(canonical.encode()).hexdigest()


def test_the_fingerprint_outlives_a_renamed_course_and_person(completion, agent, course) -> None:
    printed = certificate_of(completion).fingerprint
    Course.objects.filter(pk=course.pk).update(title="Customer service, revised")
    agent.user.last_name = "Married-Name"
    agent.user.save(update_fields=["last_name"])

    assert certificate_of(Completion.objects.get(pk=completion.pk)).fingerprint == printed


def test_two_completions_have_fingerprints_of_their_own(completion, agent, course) -> None:
    other = CompletionFactory(person=agent, course=course, completed_on=completion.completed_on, score=80)

    assert certificate_of(other).fingerprint != certificate_of(completion).fingerprint


def test_the_refresher_falls_due_the_courses_interval_after_the_completion(completion) -> None:
    # 31 August + 12 months: the day the month has, as the refresher assignment is dated.
    assert certificate_of(completion).refresher_due == datetime.date(2025, 8, 31)


def test_a_course_without_a_refresher_gives_no_refresher_date(agent) -> None:
    completion = CompletionFactory(person=agent, course=CourseFactory(refresher_interval_months=None))

    assert certificate_of(completion).refresher_due is None
