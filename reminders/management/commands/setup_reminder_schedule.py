from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django_celery_beat.models import CrontabSchedule, PeriodicTask

TASK_NAME = "Daily reminder sweep"


class Command(BaseCommand):
    help = (
        "Create the daily reminder sweep in the database schedule that Celery beat reads (once; an "
        "administrator can change its time in the admin afterwards). The time comes from "
        "REMINDERS_SWEEP_HOUR in the organisation's time zone. Run exactly one beat process."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        schedule, _created = CrontabSchedule.objects.get_or_create(
            minute="0",
            hour=str(settings.REMINDERS["sweep_hour"]),
            day_of_week="*",
            day_of_month="*",
            month_of_year="*",
            timezone=settings.TIME_ZONE,
        )
        task, created = PeriodicTask.objects.get_or_create(
            name=TASK_NAME, defaults={"task": "reminders.sweep", "crontab": schedule}
        )
        state = "created" if created else "left as it was"
        self.stdout.write(f"{TASK_NAME}: {state} ({task.crontab}).")
