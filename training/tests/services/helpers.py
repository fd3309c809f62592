"""What the service tests share: today, a number of days, and who holds an open assignment."""

from __future__ import annotations

import datetime

from django.utils import timezone

from training.models import Assignment


def today() -> datetime.date:
    return timezone.localdate()


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


def open_assignment(person, course) -> Assignment:
    return Assignment.objects.open().get(person=person, course=course)


def assigned(course) -> set[str]:
    return set(Assignment.objects.open().filter(course=course).values_list("person__user__username", flat=True))
