from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from privacy import services


class Command(BaseCommand):
    help = (
        "Pseudonymise now every leaver whose retention has ended (RETENTION_LEAVER_DAYS after they left, or "
        "RETENTION_SIGNATURE_DAYS / RETENTION_TRAINING_DAYS when they signed a code or completed training, "
        "whichever is longest), as the daily task does. A person under a legal hold is left as they are and "
        "counted as held. It cannot be undone. With --dry-run it only counts and changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Count who would be pseudonymised; change nothing.")

    def handle(self, *args: Any, dry_run: bool, **options: Any) -> None:
        summary = services.leavers_pseudonymise(dry_run=dry_run)
        if dry_run:
            self.stdout.write(
                f"Dry run: {summary.pseudonymised} leavers would be pseudonymised, {summary.held} held; "
                "nothing changed."
            )
            return
        self.stdout.write(f"Pseudonymised {summary.pseudonymised} leavers; {summary.held} held by a legal hold.")
