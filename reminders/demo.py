"""Demo reminders for `manage.py seed_demo`: a first sweep soon after start."""

from __future__ import annotations

from django.db import transaction
from django_celery_beat.models import IntervalSchedule, PeriodicTask

FIRST_SWEEP = "Demo: first reminder sweep"


@transaction.atomic
def seed_reminders() -> None:
    """Let beat run one sweep within a minute of starting.

    The daily sweep (setup_reminder_schedule) would otherwise wait until its hour; the demo
    should show reminders going out at once. The one-off task disables itself after its run.
    (The demo code keeps the review date its interval gives: published today, reviewed in a year.)
    """
    every_minute, _created = IntervalSchedule.objects.get_or_create(every=1, period=IntervalSchedule.MINUTES)
    PeriodicTask.objects.get_or_create(
        name=FIRST_SWEEP, defaults={"task": "reminders.sweep", "interval": every_minute, "one_off": True}
    )
