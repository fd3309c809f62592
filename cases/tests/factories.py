"""Cases recorded the way compliance records them, through the services."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import User

from cases import services
from cases.models import Case
from codes.models import Section
from people.models import StaffProfile


def record(
    person: StaffProfile,
    section: Section,
    *,
    actor: User,
    occurred_on: datetime.date,
    description: str = "Read a customer's card number aloud in the open office.",
    **outcome: object,
) -> Case:
    return services.case_open(
        person=person,
        occurred_on=occurred_on,
        section=section,
        description=description,
        actor=actor,
        **outcome,
    )
