"""Exports of acknowledgement requests as CSV and XLSX, for compliance reports and auditors.

Constant memory, however many rows: the requests are read from the database in chunks through
`.iterator()` (a server-side cursor on PostgreSQL), the CSV is streamed to the client line by line,
and the XLSX is built by openpyxl's write-only workbook (rows go to disk, not memory) into a
spooled temporary file. The caller passes a queryset that is already filtered and scoped to what
the viewer may see; this module only formats it.

Formula injection: a spreadsheet runs a cell that begins with =, +, -, @, a tab or a carriage
return as a formula, so any such text (a name typed by a person, say) is written with a single
quote (') in front of it, which shows it as plain text. Every cell is neutralised in both formats.
"""

from __future__ import annotations

import csv
import datetime
import tempfile
from collections.abc import Iterable, Iterator
from typing import IO

from django.db.models import QuerySet
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone, translation
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

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
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSX_MAX_ROWS = 1_048_576  # Excel's limit per sheet
SHEET_TITLE = "Acknowledgements"
SPOOL_MAX_SIZE = 8 * 1024 * 1024  # larger workbooks roll over from memory to a file on disk


def neutralise(value: str) -> str:
    """Text a spreadsheet will show as it is, never run as a formula."""
    return f"'{value}" if value.startswith(FORMULA_TRIGGERS) else value


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


class _Echo:
    """A file-like object whose write() hands back what it was given, for csv.writer to stream through."""

    def write(self, value: str) -> str:
        return value


def _csv_lines(rows: Iterable[list[str]], language: str | None) -> Iterator[str]:
    # The response is iterated after the view returns: keep the language the request asked for.
    with translation.override(language):
        yield "\ufeff"  # the byte order mark tells Excel the file is UTF-8
        writer = csv.writer(_Echo())
        for row in rows:
            yield writer.writerow([neutralise(cell) for cell in row])


def stream_csv(requests: QuerySet[AcknowledgementRequest], *, filename: str) -> StreamingHttpResponse:
    lines = _csv_lines(export_rows(requests), translation.get_language())
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    # Never None for an attachment; the fallback only satisfies the type checker.
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename) or "attachment"
    return response


def _xlsx_cell(value: str) -> str:
    # XML cannot hold most control characters; openpyxl refuses them rather than drop them.
    return ILLEGAL_CHARACTERS_RE.sub("", neutralise(value))


def build_xlsx(
    requests: QuerySet[AcknowledgementRequest], destination: IO[bytes], *, sheet_rows: int = XLSX_MAX_ROWS
) -> int:
    """Write the export as a workbook to `destination`; return the number of data rows.

    Rows that do not fit on one sheet (`sheet_rows`, header included) continue on
    "Acknowledgements 2", "Acknowledgements 3" and so on, each with its own header.
    """
    if sheet_rows < 2:
        raise ValueError("A sheet needs room for the header and at least one row.")
    workbook = Workbook(write_only=True)
    rows = export_rows(requests)
    header = [_xlsx_cell(cell) for cell in next(rows)]
    sheet = workbook.create_sheet(SHEET_TITLE)
    sheet.append(header)
    on_sheet = written = 0
    for row in rows:
        if on_sheet == sheet_rows - 1:
            sheet = workbook.create_sheet(f"{SHEET_TITLE} {len(workbook.worksheets) + 1}")
            sheet.append(header)
            on_sheet = 0
        sheet.append([_xlsx_cell(cell) for cell in row])
        on_sheet += 1
        written += 1
    workbook.save(destination)
    return written


def xlsx_response(requests: QuerySet[AcknowledgementRequest], *, filename: str) -> FileResponse:
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_MAX_SIZE)  # noqa: SIM115 - FileResponse closes it
    build_xlsx(requests, spool)
    spool.seek(0)
    return FileResponse(spool, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE)
