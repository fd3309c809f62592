"""What the training services share: the actor, how a day reads in a message,
and the lock on a person's assignments."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import User
from django.utils import formats

from people.models import StaffProfile

Actor = User


def day_text(value: datetime.date) -> str:
    return formats.date_format(value, "DATE_FORMAT")


def person_lock(person: StaffProfile) -> None:
    """Lock the person's row, so that two changes to their assignments at once happen one after the other."""
    list(StaffProfile.objects.select_for_update(of=("self",)).filter(pk=person.pk).order_by().values_list("pk"))
