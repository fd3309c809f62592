"""Training's own fixtures, on top of the project's cast (agent, manager, compliance officer, ...)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from people.models import StaffProfile
from people.tests.factories import DepartmentFactory, StaffProfileFactory
from training.models import Course, TrainingSession

from .factories import CourseFactory, SessionFactory


@pytest.fixture
def course(db) -> Course:
    """A mandatory course for all staff with a 12-month refresher (nobody assigned yet)."""
    return CourseFactory(title="Customer service essentials", refresher_interval_months=12)


@pytest.fixture
def session(course, manager) -> TrainingSession:
    """A session of the course a week from now, with two seats, planned by Maria (the manager)."""
    return SessionFactory(course=course, capacity=2, created_by=manager.user)


@pytest.fixture
def past_session(course, manager) -> TrainingSession:
    """A session of the course that took place yesterday morning, planned and given by Maria."""
    starts_at = timezone.now() - datetime.timedelta(days=1)
    return SessionFactory(
        course=course,
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=2),
        trainer=manager.user,
        created_by=manager.user,
    )


@pytest.fixture
def teammate(support, manager) -> StaffProfile:
    """Bogdan, an agent who reports to Maria as Ana does."""
    return StaffProfileFactory(
        user__username="bogdan", user__first_name="Bogdan", user__roles=["Agent"], department=support, manager=manager
    )


@pytest.fixture
def sales_agent(second_manager) -> StaffProfile:
    """Sorin, an agent of another department, who reports to Radu (the second manager)."""
    return StaffProfileFactory(
        user__username="sorin",
        user__first_name="Sorin",
        user__roles=["Agent"],
        department=DepartmentFactory(name="Sales", code="SAL"),
        manager=second_manager,
    )
