"""Exports of the training status (one row per assignment) as CSV and XLSX, for compliance and auditors.

This module knows the columns, each a database expression that gives the text of a cell, already
neutralised against formula injection (see `common.spreadsheets`, which writes them). The
caller passes a queryset already filtered to what the viewer may see.
"""

from __future__ import annotations

from django.db.models import Expression, TextField, Value, When
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from common import spreadsheets
from common.spreadsheets import CellKind, choice_label, neutralised, text
from people.selectors import full_name

from .models import Assignment, AssignmentReason, AssignmentStatus
from .selectors import Filters, assignment_list, completion_list

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


def _person_and_course() -> list[Expression]:
    """The first five columns, the same for an assignment and a completion; text people typed is neutralised."""
    return [
        neutralised(text("person__employee_id")),
        neutralised(text(full_name("person"))),
        neutralised(text("person__department__name")),
        neutralised(text(full_name("person__manager"))),
        neutralised(text("course__title")),
    ]


def _assignment_cells() -> list[Expression]:
    """One expression per column of an assignment, in the active language."""
    overdue = When(Assignment.overdue_q(), then=Value(gettext("Overdue")))
    return [
        *_person_and_course(),
        choice_label("reason", AssignmentReason.choices),
        text("due_date"),
        choice_label("status", AssignmentStatus.choices, first=[overdue]),
        text("completion__completed_on"),
        text("completion__score"),
    ]


def _completion_cells() -> list[Expression]:
    """One expression per column of a completion: the reason and due date are those of the assignment it
    closed, empty when it closed none (see `selectors.completion_list`)."""
    return [
        *_person_and_course(),
        text("closed_reason"),
        text("closed_due_date"),
        Value(str(AssignmentStatus.COMPLETED.label), output_field=TextField()),
        text("completed_on"),
        text("score"),
    ]


TEXT, NUMBER, DATE = CellKind.TEXT, CellKind.NUMBER, CellKind.DATE
KINDS = [TEXT, TEXT, TEXT, TEXT, TEXT, TEXT, DATE, TEXT, DATE, NUMBER]

ASSIGNMENTS = spreadsheets.Export(
    columns=COLUMNS, cells=_assignment_cells, listed=assignment_list, sheet_title="Training", kinds=KINDS
)
COMPLETIONS = spreadsheets.Export(
    columns=COLUMNS, cells=_completion_cells, listed=completion_list, sheet_title="Training", kinds=KINDS
)


def export_of(filters: Filters) -> spreadsheets.Export:
    """The export of the rows `selectors.status_rows` lists for these filters."""
    return COMPLETIONS if filters.status == AssignmentStatus.COMPLETED else ASSIGNMENTS
