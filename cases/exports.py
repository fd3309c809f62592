"""Exports of breach cases (one row per case) as CSV and XLSX, for compliance and auditors.

Each column is a database expression that gives the text of a cell; text people typed is neutralised against
formula injection (see `common.spreadsheets`, which writes them). The caller passes the cases the viewer may see,
filtered as the list is.
"""

from __future__ import annotations

from django.db.models import Expression, QuerySet
from django.utils.translation import gettext_lazy as _

from common import spreadsheets
from common.spreadsheets import CellKind, choice_label, local_iso_time, neutralised, text
from people.selectors import full_name

from .models import Case, Outcome

COLUMNS = [
    _("Case"),
    _("Date of the breach"),
    _("Employee id"),
    _("Name"),
    _("Department"),
    _("Code"),
    _("Version"),
    _("Clause"),
    _("Clause title"),
    _("What happened"),
    _("Outcome"),
    _("Note on the outcome"),
    _("Retraining course"),
    _("Retraining due"),
    _("Recorded by"),
    _("Recorded"),
]


def _cells() -> list[Expression]:
    """One expression per column, in the active language."""
    return [
        text("pk"),
        text("occurred_on"),
        neutralised(text("person__employee_id")),
        neutralised(text(full_name("person"))),
        neutralised(text("person__department__name")),
        neutralised(text("section__version__document__title")),
        text("section__version__number"),
        text("section__position"),
        neutralised(text("section__title")),
        neutralised(text("description")),
        choice_label("outcome", Outcome.choices),
        neutralised(text("outcome_note")),
        neutralised(text("assignment__course__title")),
        text("assignment__due_date"),
        neutralised(text("recorded_by__username")),
        local_iso_time("recorded_at"),
    ]


def _listed(cases: QuerySet[Case]) -> QuerySet[Case]:
    return cases.order_by("-occurred_on", "-pk")


TEXT, NUMBER, DATE, MOMENT = CellKind.TEXT, CellKind.NUMBER, CellKind.DATE, CellKind.MOMENT
CASES = spreadsheets.Export(
    columns=COLUMNS,
    cells=_cells,
    listed=_listed,
    sheet_title="Breach cases",
    kinds=[NUMBER, DATE, TEXT, TEXT, TEXT, TEXT, NUMBER, NUMBER, TEXT, TEXT, TEXT, TEXT, TEXT, DATE, TEXT, MOMENT],
)
