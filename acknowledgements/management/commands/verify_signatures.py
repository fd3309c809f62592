from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from acknowledgements.chain import default_workers, verify_records


class Command(BaseCommand):
    help = (
        "Check that the signature records are intact: recompute every record's hash and check its MAC "
        "(made with SIGNATURE_CHECKPOINT_KEY, which the database does not hold), check that each record "
        "links to the one before it, that the text of every signed version still matches the content "
        "hash it was published with, that the chain still holds every record the checkpoints counted "
        "(with the hash they recorded), that every checkpoint's MAC matches, and that a request is "
        "marked signed exactly when a signature record exists for it. Names every problem (the error "
        "names the first) and exits non-zero if there is any. Changes nothing."
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
        report = verify_records(workers=max(1, workers))
        seconds = time.perf_counter() - started
        checkpoint = report.latest_checkpoint
        if checkpoint is None:
            self.stdout.write(f"No checkpoint yet: none of the {_records(report.uncovered)} is covered by one.")
        else:
            self.stdout.write(
                f"Latest checkpoint: {_records(checkpoint.count)} up to #{checkpoint.head_sequence} at "
                f"{timezone.localtime(checkpoint.created_at):%Y-%m-%d %H:%M:%S}; signed since, not covered by a "
                f"checkpoint yet: {_records(report.uncovered)} (their MACs are checked, but deleting them "
                "from the end of the chain would go unnoticed)."
            )
            if report.checkpoint_is_late:
                self.stdout.write(
                    "Warning: the latest checkpoint is more than two intervals old; is Celery beat running?"
                )
        if report.problems:
            for problem in report.problems[1:]:
                self.stdout.write(f"Also: {problem}.")
            raise CommandError(
                f"BROKEN at {report.problems[0]}. {_records(report.chain.checked)} read, "
                f"{_counted('problem', 'problems', len(report.problems))} found."
            )
        rate = report.chain.checked / seconds if seconds else 0
        self.stdout.write(
            f"Intact: {_records(report.chain.checked)} and "
            f"{_counted('signed version', 'signed versions', report.chain.versions_checked)} checked "
            f"in {seconds:.2f} s ({rate:,.0f} records/s)."
        )


def _counted(one: str, many: str, count: int) -> str:
    # The command speaks English only, to operators: "1 record", "2 records".
    return f"{count} {one if count == 1 else many}"


def _records(count: int) -> str:
    return _counted("record", "records", count)
