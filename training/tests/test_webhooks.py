"""A recorded completion is announced to webhook receivers."""

from __future__ import annotations

import pytest
from django.utils import timezone

from training.services import completions
from webhooks.models import EventType
from webhooks.tests.factories import EndpointFactory, announced

pytestmark = pytest.mark.django_db


def test_a_completion_is_announced_with_who_completed_which_course_when(course, agent, manager) -> None:
    EndpointFactory(events=[EventType.COMPLETION_RECORDED])
    today = timezone.localdate()

    completion = completions.completion_record(
        person=agent, course=course, completed_on=today, actor=manager.user, score=88
    )

    assert announced(EventType.COMPLETION_RECORDED) == [
        {
            "completion": completion.pk,
            "course": course.pk,
            "person": agent.pk,
            "completed_on": today.isoformat(),
            "score": 88,
            "session": None,
            "external_id": None,
        }
    ]


def test_a_completion_sent_again_under_its_external_id_is_announced_once(course, agent, manager) -> None:
    EndpointFactory(events=[EventType.COMPLETION_RECORDED])
    sent = {"person": agent, "course": course, "completed_on": timezone.localdate(), "actor": manager.user}

    completions.completion_get_or_record(**sent, external_id="lms-42")
    completions.completion_get_or_record(**sent, external_id="lms-42")

    [payload] = announced(EventType.COMPLETION_RECORDED)
    assert payload["external_id"] == "lms-42"
