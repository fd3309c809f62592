from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from webhooks import services


class Command(BaseCommand):
    help = (
        "Delete the webhook history that has nothing left to send: events older than --days (default "
        "WEBHOOK_KEEP_DAYS) whose deliveries all succeeded or were abandoned, with those deliveries. Outstanding "
        "deliveries, and their events, are never deleted. Celery beat does this every day; with --dry-run it "
        "counts what would go and deletes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=None, help="Keep this many days (default WEBHOOK_KEEP_DAYS).")
        parser.add_argument("--dry-run", action="store_true", help="Count what would be deleted; delete nothing.")

    def handle(self, *args: Any, days: int | None, dry_run: bool, **options: Any) -> None:
        days = settings.WEBHOOK_KEEP_DAYS if days is None else days
        before = timezone.now() - datetime.timedelta(days=days)
        if dry_run:
            count = services.prunable_events(before=before).count()
            self.stdout.write(f"Dry run: {count} events older than {days} days would be deleted; nothing deleted.")
            return
        pruned = services.events_prune(before=before)
        self.stdout.write(f"Deleted {pruned} events older than {days} days, with their deliveries.")
