from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from reminders import selectors, services


class Command(BaseCommand):
    help = (
        "Run the reminder sweep now, in this process: acknowledgements coming due, overdue and escalated to "
        "managers (one digest each), refresher training coming due and overdue, and code reviews coming due "
        "and overdue (owners, with compliance copied). Each reminder goes to each person once, however often "
        "this runs. With --dry-run it lists what would be sent and changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="List what would be sent; send nothing.")

    def handle(self, *args: Any, dry_run: bool, **options: Any) -> None:
        today = timezone.localdate()
        if dry_run:
            due = 0
            for rule, object_id, recipient_id in selectors.reminders_due(day=today):
                self.stdout.write(f"  {rule.kind:<16} {rule.stage:<13} object {object_id:<8} to user {recipient_id}")
                due += 1
            self.stdout.write(f"Dry run for {today}: {due} reminders would be sent; nothing sent.")
            return
        claimed, delivered = services.sweep_now(day=today)
        self.stdout.write(
            f"Sweep for {today}: claimed {claimed.claimed}, sent {delivered.sent}, "
            f"failed {len(delivered.failed)} (failed ones stay queued for the next run)."
        )
