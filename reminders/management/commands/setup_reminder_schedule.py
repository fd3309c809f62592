from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

TASK_NAME = "Daily reminder sweep"
CHECKPOINT_TASK_NAME = "Signature chain checkpoint"
WEBHOOK_SWEEP_TASK_NAME = "Webhook delivery sweep"
WEBHOOK_PRUNE_TASK_NAME = "Webhook history pruning"
RETENTION_TASK_NAME = "Pseudonymisation of leavers past retention"


def _daily_at(hour: int) -> CrontabSchedule:
    """Every day at `hour` o'clock in the organisation's time zone."""
    schedule, _created = CrontabSchedule.objects.get_or_create(
        minute="0", hour=str(hour), day_of_week="*", day_of_month="*", month_of_year="*", timezone=settings.TIME_ZONE
    )
    return schedule


class Command(BaseCommand):
    help = (
        "Create the periodic tasks in the database schedule that Celery beat reads (once; an "
        "administrator can change them in the admin afterwards): the daily reminder sweep, at "
        "REMINDERS_SWEEP_HOUR in the organisation's time zone, and the checkpoint of the signature "
        "chain, every SIGNATURE_CHECKPOINT_EVERY_MINUTES; and the webhook sweep, which sends the deliveries "
        "whose retry is due (or whose hand-over to the workers was lost), every WEBHOOK_SWEEP_EVERY_MINUTES, "
        "and the daily pruning of webhook history older than WEBHOOK_KEEP_DAYS; and the daily pseudonymisation of "
        "leavers whose retention has ended, at RETENTION_SWEEP_HOUR. Run exactly one beat process."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        task, created = PeriodicTask.objects.get_or_create(
            name=TASK_NAME, defaults={"task": "reminders.sweep", "crontab": _daily_at(settings.REMINDERS["sweep_hour"])}
        )
        self._report(task, created, task.crontab)
        every, _created = IntervalSchedule.objects.get_or_create(
            every=settings.SIGNATURE_CHECKPOINT_EVERY_MINUTES, period=IntervalSchedule.MINUTES
        )
        task, created = PeriodicTask.objects.get_or_create(
            name=CHECKPOINT_TASK_NAME, defaults={"task": "acknowledgements.checkpoint", "interval": every}
        )
        self._report(task, created, task.interval)
        every, _created = IntervalSchedule.objects.get_or_create(
            every=settings.WEBHOOK_SWEEP_EVERY_MINUTES, period=IntervalSchedule.MINUTES
        )
        task, created = PeriodicTask.objects.get_or_create(
            name=WEBHOOK_SWEEP_TASK_NAME, defaults={"task": "webhooks.sweep", "interval": every}
        )
        self._report(task, created, task.interval)
        daily, _created = IntervalSchedule.objects.get_or_create(every=1, period=IntervalSchedule.DAYS)
        task, created = PeriodicTask.objects.get_or_create(
            name=WEBHOOK_PRUNE_TASK_NAME, defaults={"task": "webhooks.prune", "interval": daily}
        )
        self._report(task, created, task.interval)
        task, created = PeriodicTask.objects.get_or_create(
            name=RETENTION_TASK_NAME,
            defaults={"task": "privacy.pseudonymise_leavers", "crontab": _daily_at(settings.RETENTION_SWEEP_HOUR)},
        )
        self._report(task, created, task.crontab)

    def _report(self, task: PeriodicTask, created: bool, schedule: object) -> None:
        state = "created" if created else "left as it was"
        self.stdout.write(f"{task.name}: {state} ({schedule}).")
