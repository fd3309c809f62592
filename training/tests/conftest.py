"""Training's own fixtures, on top of the project's cast (agent, manager, compliance officer, ...)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from training.models import Course, TrainingSession

from .factories import CourseFactory, SessionFactory


@pytest.fixture
def course(db) -> Course:
    """A mandatory course for all staff with a 12-month refresher (nobody assigned yet)."""
    return CourseFactory(title="Customer service essentials", refresher_interval_months=12)


@pytest.fixture
def session(course) -> TrainingSession:
    """A session of the course a week from now, with two seats."""
    return SessionFactory(course=course, capacity=2)


@pytest.fixture
def past_session(course, manager) -> TrainingSession:
    """A session of the course that took place yesterday morning."""
    starts_at = timezone.now() - datetime.timedelta(days=1)
    return SessionFactory(
        course=course, starts_at=starts_at, ends_at=starts_at + datetime.timedelta(hours=2), trainer=manager.user
    )
