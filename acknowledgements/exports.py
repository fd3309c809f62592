"""Exports of acknowledgement requests as CSV and XLSX, for compliance reports and auditors.

This module knows the columns and how a request becomes a row; the requests are read from the
database in chunks through `.iterator()` (a server-side cursor on PostgreSQL). Writing the rows, in
constant memory and with every cell neutralised against formula injection, is left to
`conduct_portal.spreadsheets`. The caller passes a queryset that is already filtered and scoped to
what the viewer may see; this module only formats it.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import IO

from django.db.models import QuerySet
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from conduct_portal import spreadsheets
from conduct_portal.spreadsheets import XLSX_MAX_ROWS
from conduct_portal.spreadsheets import neutralise as neutralise  # re-exported for callers of this module

from .models import AcknowledgementRequest, Signature
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

CHUNK_SIZE = 2000
SHEET_TITLE = "Acknowledgements"


def _signed_at(value: datetime.datetime | None) -> str:
    # The organisation's time zone (settings.TIME_ZONE), not whichever a request happened to activate.
    return timezone.localtime(value, timezone.get_default_timezone()).isoformat() if value else ""


def _row(request: AcknowledgementRequest) -> list[str]:
    person = request.person
    try:
        signature: Signature | None = request.signature
    except Signature.DoesNotExist:
        signature = None
    return [
        person.employee_id,
        person.full_name,
        person.department.name,
        person.manager.full_name if person.manager else "",
        request.version.document.title,
        str(request.version.number),
        request.display_status,
        request.due_date.isoformat(),
        _signed_at(signature.signed_at) if signature else "",
        signature.typed_name if signature else "",
        (signature.ip_address or "") if signature else "",
        signature.content_hash if signature else "",
        signature.record_hash if signature else "",
    ]


def export_rows(requests: QuerySet[AcknowledgementRequest]) -> Iterator[list[str]]:
    """The header (in the active language), then one row per request in the list's order."""
    yield [str(header) for header in COLUMNS]
    for request in request_list(requests).iterator(chunk_size=CHUNK_SIZE):
        yield _row(request)


def stream_csv(requests: QuerySet[AcknowledgementRequest], *, filename: str) -> StreamingHttpResponse:
    return spreadsheets.csv_response(export_rows(requests), filename=filename)


def build_xlsx(
    requests: QuerySet[AcknowledgementRequest], destination: IO[bytes], *, sheet_rows: int = XLSX_MAX_ROWS
) -> int:
    """Write the export as a workbook to `destination`; return the number of data rows.

    Rows that do not fit on one sheet (`sheet_rows`, header included) continue on
    "Acknowledgements 2", "Acknowledgements 3" and so on, each with its own header.
    """
    return spreadsheets.write_xlsx(export_rows(requests), destination, sheet_title=SHEET_TITLE, sheet_rows=sheet_rows)


def xlsx_response(requests: QuerySet[AcknowledgementRequest], *, filename: str) -> FileResponse:
    return spreadsheets.xlsx_response(export_rows(requests), filename=filename, sheet_title=SHEET_TITLE)
