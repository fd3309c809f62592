"""Reading an HR file: its encoding, its separator, its header, and its rows with their line numbers."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from django.utils.translation import gettext as _

COLUMNS = (
    "employee_id",
    "first_name",
    "last_name",
    "email",
    "department_code",
    "manager_employee_id",
    "job_title",
    "language",
    "active",
)
# The columns a file must have; the others may be left out (read as empty).
REQUIRED_COLUMNS = ("employee_id", "first_name", "last_name", "email", "department_code")


@dataclass(frozen=True)
class Problem:
    """Why a row (or the whole file, at line 1) is refused."""

    line: int
    message: str

    def __str__(self) -> str:
        return _("line %(line)d: %(message)s") % {"line": self.line, "message": self.message}


@dataclass(frozen=True)
class Row:
    line: int
    values: dict[str, str]


@dataclass
class Reading:
    rows: list[Row]
    problems: list[Problem]


def decode(content: bytes) -> str | None:
    """The file as text: UTF-8, with or without a byte-order mark; None when it is not UTF-8."""
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


def read_rows(content: bytes) -> Reading:
    """The rows of the file, keyed by column, each with the line it starts on (the header is line 1).

    The separator is a comma or a semicolon (what a spreadsheet saves in many European locales),
    whichever the header uses. A file refused as a whole (not UTF-8, no header, a required column
    missing) has no rows and one problem at line 1.
    """
    text = decode(content)
    if text is None:
        return Reading([], [Problem(1, _("the file is not UTF-8 text: save it as “CSV UTF-8” and upload it again."))])
    header_line = text.split("\n", 1)[0]
    delimiter = ";" if header_line.count(";") > header_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = [name.strip().lower() for name in next(reader, [])]
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    if missing:
        message = _("the header row must name the columns %(columns)s; missing: %(missing)s.") % {
            "columns": ", ".join(COLUMNS),
            "missing": ", ".join(missing),
        }
        return Reading([], [Problem(1, message)])
    positions = {column: header.index(column) for column in COLUMNS if column in header}
    rows: list[Row] = []
    problems: list[Problem] = []
    line = reader.line_num + 1
    for cells in reader:
        if any(cell.strip() for cell in cells):
            if len(cells) > len(header):
                problems.append(Problem(line, _("the row has more cells than the header has columns.")))
            rows.append(Row(line, {column: _cell(cells, positions.get(column)) for column in COLUMNS}))
        # A quoted cell may span lines: the next row starts after the last line this one used.
        line = reader.line_num + 1
    return Reading(rows, problems)


def _cell(cells: list[str], position: int | None) -> str:
    # A column the header leaves out, or a short row, reads as empty.
    return cells[position].strip() if position is not None and position < len(cells) else ""
