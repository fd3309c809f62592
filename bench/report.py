"""The benchmark's table: one row per figure, with its target and PASS or MISS."""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass
class Row:
    measurement: str
    result: str
    target: str
    passed: bool | None  # None: for information, no target

    @property
    def verdict(self) -> str:
        return "" if self.passed is None else ("PASS" if self.passed else "MISS")


def print_table(heading: str, rows: list[Row], notes: list[str]) -> None:
    print()
    print(heading)
    header = ("measurement", "result", "target")
    measurement_width = max(len(header[0]), *(len(row.measurement) for row in rows))
    target_width = max(len(header[2]), *(len(row.target) for row in rows))
    print(f"{header[0]:<{measurement_width}}  {header[2]:<{target_width}}  {'':4}  {header[1]}")
    print(f"{'-' * measurement_width}  {'-' * target_width}  ----  {'-' * 60}")
    for row in rows:
        print(f"{row.measurement:<{measurement_width}}  {row.target:<{target_width}}  {row.verdict:<4}  {row.result}")
    for note in notes:
        print(f"note: {note}")


def heading(
    *, people: int, documents: int, signed: int, database: str, size: str, load: tuple[float, float], minutes: float
) -> str:
    return (
        f"Conduct Portal benchmark: {people:,} people, {documents} documents, "
        f"{signed:,} seeded signatures; database {database} ({size}); "
        f"{os.cpu_count()} cores; load average {load[0]:.1f} before, {load[1]:.1f} after; "
        f"{minutes:.0f} min in all."
    )
