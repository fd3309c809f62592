"""Demo reminders for `manage.py seed_demo`: a code review coming due, and a first sweep soon after start."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from codes.models import CodeDocument

FIRST_SWEEP = "Demo: first reminder sweep"


@transaction.atomic
def seed_reminders(*, document_slug: str) -> None:
    """Bring the demo code's review close, and let beat run one sweep within a minute of starting.

    The daily sweep (setup_reminder_schedule) would otherwise wait until its hour; the demo
    should show reminders going out at once. The one-off task disables itself after its run.
    """
    CodeDocument.objects.filter(
        slug=document_slug, next_review_due__gt=timezone.localdate() + datetime.timedelta(days=30)
    ).update(next_review_due=timezone.localdate() + datetime.timedelta(days=5))
    every_minute, _created = IntervalSchedule.objects.get_or_create(every=1, period=IntervalSchedule.MINUTES)
    PeriodicTask.objects.get_or_create(
        name=FIRST_SWEEP, defaults={"task": "reminders.sweep", "interval": every_minute, "one_off": True}
    )
