"""Exports of the training status (one row per assignment) as CSV and XLSX, for compliance and auditors.

This module knows the columns, each a database expression that gives the text of a cell, already
neutralised against formula injection (see `conduct_portal.spreadsheets`, which writes them). The
caller passes a queryset already filtered to what the viewer may see.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO

from django.db.models import Expression, Q, QuerySet, Value, When
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from conduct_portal import spreadsheets
from conduct_portal.spreadsheets import XLSX_MAX_ROWS, choice_label, neutralised, text
from people.selectors import full_name

from .models import Assignment, AssignmentReason, AssignmentStatus
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

SHEET_TITLE = "Training"


def _cells() -> list[Expression]:
    """One expression per column, in the active language; text that people typed is neutralised."""
    overdue = When(Q(status=AssignmentStatus.OPEN, due_date__lt=timezone.localdate()), then=Value(gettext("Overdue")))
    return [
        neutralised(text("person__employee_id")),
        neutralised(text(full_name("person"))),
        neutralised(text("person__department__name")),
        neutralised(text(full_name("person__manager"))),
        neutralised(text("course__title")),
        choice_label("reason", AssignmentReason.choices),
        text("due_date"),
        choice_label("status", AssignmentStatus.choices, first=[overdue]),
        text("completion__completed_on"),
        text("completion__score"),
    ]


def _header() -> list[str]:
    return [str(header) for header in COLUMNS]


def export_query(assignments: QuerySet[Assignment]) -> QuerySet:
    """What the CSV and the XLSX read: one tuple of text cells per assignment, in the drill-down's order."""
    return assignment_list(assignments).values_list(*_cells())


def export_rows(assignments: QuerySet[Assignment]) -> Iterator[list[str]]:
    """The header (in the active language), then one row per assignment in the drill-down's order."""
    yield _header()
    for row in spreadsheets.export_rows(export_query(assignments)):
        yield list(row)


def stream_csv(assignments: QuerySet[Assignment], *, filename: str) -> StreamingHttpResponse:
    return spreadsheets.csv_response(_header(), export_query(assignments), filename=filename)


def build_xlsx(assignments: QuerySet[Assignment], destination: IO[bytes], *, sheet_rows: int = XLSX_MAX_ROWS) -> int:
    """Write the export as a workbook to `destination`; return the number of data rows.

    Rows that do not fit on one sheet (`sheet_rows`, header included) continue on "Training 2",
    "Training 3" and so on, each with its own header.
    """
    rows = spreadsheets.export_rows(export_query(assignments))
    return spreadsheets.write_xlsx(_header(), rows, destination, sheet_title=SHEET_TITLE, sheet_rows=sheet_rows)


def xlsx_response(assignments: QuerySet[Assignment], *, filename: str) -> FileResponse:
    return spreadsheets.xlsx_response(_header(), export_query(assignments), filename=filename, sheet_title=SHEET_TITLE)
