"""What a test expects to read back from an XLSX export, given the same export's CSV."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from common.spreadsheets import CellKind, typed


def _as_read(value: Any) -> Any:
    # openpyxl reads a date cell as a datetime at midnight, and every number as an int or a float.
    if isinstance(value, datetime.datetime):
        return value
    if isinstance(value, datetime.date):
        return datetime.datetime(value.year, value.month, value.day)
    if isinstance(value, Decimal):
        return float(value)
    return value


def as_read_from_xlsx(csv_rows: Sequence[Sequence[str]], kinds: Sequence[CellKind]) -> list[list[Any]]:
    """The CSV's rows (its header first) as openpyxl reads the XLSX's: the header as text, then typed cells."""
    header, *rows = csv_rows
    typed_rows = [[_as_read(typed(kind, cell)) for kind, cell in zip(kinds, row, strict=True)] for row in rows]
    return [list(header), *typed_rows]
