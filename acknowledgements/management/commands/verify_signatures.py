from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from acknowledgements.chain import default_workers, verify_chain


class Command(BaseCommand):
    help = (
        "Check that the signature records are intact: recompute every record's hash, check that each "
        "record links to the one before it, and check that the text of every signed version still matches "
        "the content hash it was published with. Prints the first broken record and exits non-zero if "
        "anything is broken. Changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--workers",
            type=int,
            default=default_workers(),
            help="Processes that check a long chain (over 100,000 records) at once, each a consecutive range "
            "of it (default: the number of CPUs, at most 4). The checks are the same as with one.",
        )

    def handle(self, *args: Any, workers: int, **options: Any) -> None:
        started = time.perf_counter()
        result = verify_chain(workers=max(1, workers))
        seconds = time.perf_counter() - started
        rate = result.checked / seconds if seconds else 0
        if result.first_breach is not None:
            breach = result.first_breach
            raise CommandError(
                f"BROKEN at record #{breach.sequence} (id {breach.signature_id}): {breach.problem}. "
                f"{result.checked} records read."
            )
        self.stdout.write(
            f"Intact: {result.checked} records and {result.versions_checked} signed versions checked "
            f"in {seconds:.2f} s ({rate:,.0f} records/s)."
        )
