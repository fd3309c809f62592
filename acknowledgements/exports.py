"""Exports of acknowledgement requests as CSV and XLSX, for compliance reports and auditors.

This module knows the columns, each a database expression that gives the text of a cell, already
neutralised against formula injection (see `conduct_portal.spreadsheets`, which writes them). The
caller passes a queryset that is already filtered and scoped to what the viewer may see; this
module only formats it, in the list's order.
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
from conduct_portal.spreadsheets import XLSX_MAX_ROWS, choice_label, local_iso_time, neutralised, text
from conduct_portal.spreadsheets import neutralise as neutralise  # re-exported for callers of this module
from people.selectors import full_name

from .models import AcknowledgementRequest, RequestStatus
from .selectors import request_list

COLUMNS = [
    _("Employee id"),
    _("Name"),
    _("Department"),
    _("Manager"),
    _("Document"),
    _("Version"),
    _("Status"),
    _("Due date"),
    _("Signed at"),
    _("Typed name"),
    _("IP address"),
    _("Content hash"),
    _("Record hash"),
]

SHEET_TITLE = "Acknowledgements"


def _cells() -> list[Expression]:
    """One expression per column, in the active language; times in the organisation's time zone.

    Text that people typed is neutralised; the other cells are numbers, dates, addresses, hashes and
    our own labels, which never begin with a formula's character."""
    overdue = When(Q(status=RequestStatus.PENDING, due_date__lt=timezone.localdate()), then=Value(gettext("Overdue")))
    return [
        neutralised(text("person__employee_id")),
        neutralised(text(full_name("person"))),
        neutralised(text("person__department__name")),
        neutralised(text(full_name("person__manager"))),
        neutralised(text("version__document__title")),
        text("version__number"),
        choice_label("status", RequestStatus.choices, first=[overdue]),
        text("due_date"),
        local_iso_time("signature__signed_at"),
        neutralised(text("signature__typed_name")),
        text(spreadsheets.HostAddress("signature__ip_address")),
        text("signature__content_hash"),
        text("signature__record_hash"),
    ]


def _header() -> list[str]:
    return [str(header) for header in COLUMNS]


def export_query(requests: QuerySet[AcknowledgementRequest]) -> QuerySet:
    """What the CSV and the XLSX read: one tuple of text cells per request, in the list's order."""
    return request_list(requests).values_list(*_cells())


def export_rows(requests: QuerySet[AcknowledgementRequest]) -> Iterator[list[str]]:
    """The header (in the active language), then one row per request in the list's order."""
    yield _header()
    for row in spreadsheets.export_rows(export_query(requests)):
        yield list(row)


def stream_csv(requests: QuerySet[AcknowledgementRequest], *, filename: str) -> StreamingHttpResponse:
    return spreadsheets.csv_response(_header(), export_query(requests), filename=filename)


def build_xlsx(
    requests: QuerySet[AcknowledgementRequest], destination: IO[bytes], *, sheet_rows: int = XLSX_MAX_ROWS
) -> int:
    """Write the export as a workbook to `destination`; return the number of data rows.

    Rows that do not fit on one sheet (`sheet_rows`, header included) continue on
    "Acknowledgements 2", "Acknowledgements 3" and so on, each with its own header.
    """
    rows = spreadsheets.export_rows(export_query(requests))
    return spreadsheets.write_xlsx(_header(), rows, destination, sheet_title=SHEET_TITLE, sheet_rows=sheet_rows)


def xlsx_response(requests: QuerySet[AcknowledgementRequest], *, filename: str) -> FileResponse:
    return spreadsheets.xlsx_response(_header(), export_query(requests), filename=filename, sheet_title=SHEET_TITLE)
