"""The benchmark's table: one row per figure, with its floor, the ratio to it, its target and PASS or MISS."""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass
class Row:
    measurement: str
    result: str
    target: str
    passed: bool | None  # None: for information, no target
    # What the best possible takes on the same data in the same run (psql, the writer alone, …), and
    # the result against it as the target judges it ("1.04×", "62%"). Empty where no floor applies.
    floor: str = ""
    ratio: str = ""

    @property
    def verdict(self) -> str:
        return "" if self.passed is None else ("PASS" if self.passed else "MISS")


def print_table(heading: str, rows: list[Row], notes: list[str]) -> None:
    print()
    print(heading)
    columns = ("measurement", "target", "", "ratio", "result", "floor")
    cells = [(row.measurement, row.target, row.verdict, row.ratio, row.result, row.floor) for row in rows]
    widths = [max(len(column), *(len(cell[i]) for cell in cells)) for i, column in enumerate(columns)]
    # The last column is not padded.
    widths[-1] = 0
    print(_line(columns, widths))
    print(_line(tuple("-" * max(width, 5) for width in widths), widths))
    for cell in cells:
        print(_line(cell, widths))
    for note in notes:
        print(f"note: {note}")


def _line(cells: tuple[str, ...], widths: list[int]) -> str:
    return "  ".join(f"{cell:<{width}}" for cell, width in zip(cells, widths, strict=True)).rstrip()


def heading(
    *, people: int, documents: int, signed: int, database: str, size: str, load: tuple[float, float], minutes: float
) -> str:
    return (
        f"Conduct Portal benchmark: {people:,} people, {documents} documents, "
        f"{signed:,} seeded signatures; database {database} ({size}); "
        f"{os.cpu_count()} cores; load average {load[0]:.1f} before, {load[1]:.1f} after; "
        f"{minutes:.0f} min in all."
    )
