from __future__ import annotations

import datetime

import factory
from django.utils import timezone

from people.tests.factories import StaffProfileFactory, UserFactory
from training.models import Assignment, AssignmentReason, Completion, Course, Enrolment, TrainingSession

__all__ = ["AssignmentFactory", "CompletionFactory", "CourseFactory", "EnrolmentFactory", "SessionFactory"]


class CourseFactory(factory.django.DjangoModelFactory):
    """A course straight into the database: no assignments are made (the services make those)."""

    class Meta:
        model = Course

    title = factory.Sequence(lambda n: f"Course {n}")
    description = "What every agent needs to know."
    refresher_interval_months = 12
    is_mandatory = True
    is_active = True


class SessionFactory(factory.django.DjangoModelFactory):
    """A session a week from now, three hours long, with ten seats."""

    class Meta:
        model = TrainingSession

    course = factory.SubFactory(CourseFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=7))
    ends_at = factory.LazyAttribute(lambda session: session.starts_at + datetime.timedelta(hours=3))
    location = "Training room 2"
    capacity = 10


class EnrolmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrolment

    session = factory.SubFactory(SessionFactory)
    person = factory.SubFactory(StaffProfileFactory)


class CompletionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Completion

    person = factory.SubFactory(StaffProfileFactory)
    course = factory.SubFactory(CourseFactory)
    completed_on = factory.LazyFunction(timezone.localdate)
    recorded_by = factory.SubFactory(UserFactory)


class AssignmentFactory(factory.django.DjangoModelFactory):
    """An open initial assignment due in 30 days."""

    class Meta:
        model = Assignment

    person = factory.SubFactory(StaffProfileFactory)
    course = factory.SubFactory(CourseFactory)
    reason = AssignmentReason.INITIAL
    due_date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=30))
