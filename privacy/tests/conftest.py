from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager

import pytest
import time_machine
from django.utils import timezone

from people.models import StaffProfile
from people.services import person_deactivate
from people.tests.factories import StaffProfileFactory


@pytest.fixture
def leaver(support, manager) -> StaffProfile:
    """Zenobia Quillfeather, who left today: her name, email and employee id are found nowhere else."""
    person = StaffProfileFactory(
        user__username="zenobia.quillfeather",
        user__first_name="Zenobia",
        user__last_name="Quillfeather",
        user__email="zenobia.quillfeather@example.com",
        employee_id="HR-7731-ZQ",
        job_title="Senior escalations agent",
        department=support,
        manager=manager,
    )
    person_deactivate(user=person.user, actor=None)
    return person


@pytest.fixture
def days_later() -> Callable[[int], AbstractContextManager[None]]:
    """The clock moved on this many days from now, ticking."""

    @contextmanager
    def travel(days: int) -> Iterator[None]:
        with time_machine.travel(timezone.now() + datetime.timedelta(days=days)):
            yield

    return travel
