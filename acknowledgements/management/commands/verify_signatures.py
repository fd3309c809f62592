from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from acknowledgements.chain import verify_chain


class Command(BaseCommand):
    help = (
        "Check that the signature records are intact: recompute every record's hash, check that each "
        "record links to the one before it, and check that the text of every signed version still matches "
        "the content hash it was published with. Prints the first broken record and exits non-zero if "
        "anything is broken. Changes nothing."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        result = verify_chain()
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
