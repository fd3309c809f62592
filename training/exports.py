"""Exports of the training status (one row per assignment) as CSV and XLSX, for compliance and auditors.

This module knows the columns and how an assignment becomes a row; the assignments are read in
chunks through `.iterator()`. Writing the rows, in constant memory and with every cell neutralised
so that no text is ever run as a spreadsheet formula, is left to `conduct_portal.spreadsheets`.
The caller passes a queryset already filtered to what the viewer may see.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO

from django.db.models import QuerySet
from django.http import FileResponse, StreamingHttpResponse
from django.utils.translation import gettext_lazy as _

from conduct_portal import spreadsheets
from conduct_portal.spreadsheets import XLSX_MAX_ROWS

from .models import Assignment
from .selectors import assignment_list

COLUMNS = [
    _("Employee id"),
    _("Name"),
    _("Department"),
    _("Manager"),
    _("Course"),
    _("Reason"),
    _("Due date"),
    _("Status"),
    _("Completed on"),
    _("Score"),
]

CHUNK_SIZE = 2000
SHEET_TITLE = "Training"


def _row(assignment: Assignment) -> list[str]:
    person = assignment.person
    completion = assignment.completion
    return [
        person.employee_id,
        person.full_name,
        person.department.name,
        person.manager.full_name if person.manager else "",
        assignment.course.title,
        str(assignment.get_reason_display()),
        assignment.due_date.isoformat(),
        assignment.display_status,
        completion.completed_on.isoformat() if completion else "",
        str(completion.score) if completion and completion.score is not None else "",
    ]


def export_rows(assignments: QuerySet[Assignment]) -> Iterator[list[str]]:
    """The header (in the active language), then one row per assignment in the drill-down's order."""
    yield [str(header) for header in COLUMNS]
    for assignment in assignment_list(assignments).iterator(chunk_size=CHUNK_SIZE):
        yield _row(assignment)


def stream_csv(assignments: QuerySet[Assignment], *, filename: str) -> StreamingHttpResponse:
    return spreadsheets.csv_response(export_rows(assignments), filename=filename)


def build_xlsx(assignments: QuerySet[Assignment], destination: IO[bytes], *, sheet_rows: int = XLSX_MAX_ROWS) -> int:
    """Write the export as a workbook to `destination`; return the number of data rows.

    Rows that do not fit on one sheet (`sheet_rows`, header included) continue on "Training 2",
    "Training 3" and so on, each with its own header.
    """
    return spreadsheets.write_xlsx(
        export_rows(assignments), destination, sheet_title=SHEET_TITLE, sheet_rows=sheet_rows
    )


def xlsx_response(assignments: QuerySet[Assignment], *, filename: str) -> FileResponse:
    return spreadsheets.xlsx_response(export_rows(assignments), filename=filename, sheet_title=SHEET_TITLE)
