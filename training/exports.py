"""Exports of the training status (one row per assignment) as CSV and XLSX, for compliance and auditors.

This module knows the columns, each a database expression that gives the text of a cell, already
neutralised against formula injection (see `conduct_portal.spreadsheets`, which writes them). The
caller passes a queryset already filtered to what the viewer may see.
"""

from __future__ import annotations

from django.db.models import Expression, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from conduct_portal import spreadsheets
from conduct_portal.spreadsheets import choice_label, neutralised, text
from people.selectors import full_name

from .models import AssignmentReason, AssignmentStatus
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


EXPORT = spreadsheets.Export(columns=COLUMNS, cells=_cells, listed=assignment_list, sheet_title="Training")

# The module's own names, for views and tests.
export_query = EXPORT.query
export_rows = EXPORT.rows
stream_csv = EXPORT.csv_response
build_xlsx = EXPORT.write_xlsx
xlsx_response = EXPORT.xlsx_response
