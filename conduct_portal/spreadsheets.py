"""CSV and XLSX downloads in constant memory, however many rows, with no cell ever run as a formula.

Each app's exports module turns its own queryset into rows (lists of strings, the header first, read
in chunks through `.iterator()`, a server-side cursor on PostgreSQL); this module only writes them.
The CSV is streamed to the client line by line, and the XLSX is built by openpyxl's write-only
workbook (rows go to disk, not memory) into a spooled temporary file.

Formula injection: a spreadsheet runs a cell that begins with =, +, -, @, a tab or a carriage
return as a formula, so any such text (a name typed by a person, say) is written with a single
quote (') in front of it, which shows it as plain text. Every cell is neutralised in both formats.
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Iterable, Iterator
from typing import IO

from django.http import FileResponse, StreamingHttpResponse
from django.utils import translation
from django.utils.http import content_disposition_header
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSX_MAX_ROWS = 1_048_576  # Excel's limit per sheet
SPOOL_MAX_SIZE = 8 * 1024 * 1024  # larger workbooks roll over from memory to a file on disk


def neutralise(value: str) -> str:
    """Text a spreadsheet will show as it is, never run as a formula."""
    return f"'{value}" if value.startswith(FORMULA_TRIGGERS) else value


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


def csv_response(rows: Iterator[list[str]], *, filename: str) -> StreamingHttpResponse:
    """Stream `rows` (the header first) as a UTF-8 CSV attachment, in the language active now."""
    lines = _csv_lines(rows, translation.get_language())
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    # Never None for an attachment; the fallback only satisfies the type checker.
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename) or "attachment"
    return response


def _xlsx_cell(value: str) -> str:
    # XML cannot hold most control characters; openpyxl refuses them rather than drop them.
    return ILLEGAL_CHARACTERS_RE.sub("", neutralise(value))


def write_xlsx(
    rows: Iterator[list[str]], destination: IO[bytes], *, sheet_title: str, sheet_rows: int = XLSX_MAX_ROWS
) -> int:
    """Write `rows` (the header first) as a workbook to `destination`; return the number of data rows.

    Rows that do not fit on one sheet (`sheet_rows`, header included) continue on sheets titled
    "<sheet_title> 2", "<sheet_title> 3" and so on, each with its own copy of the header.
    """
    if sheet_rows < 2:
        raise ValueError("A sheet needs room for the header and at least one row.")
    workbook = Workbook(write_only=True)
    header = [_xlsx_cell(cell) for cell in next(rows)]
    sheet = workbook.create_sheet(sheet_title)
    sheet.append(header)
    on_sheet = written = 0
    for row in rows:
        if on_sheet == sheet_rows - 1:
            sheet = workbook.create_sheet(f"{sheet_title} {len(workbook.worksheets) + 1}")
            sheet.append(header)
            on_sheet = 0
        sheet.append([_xlsx_cell(cell) for cell in row])
        on_sheet += 1
        written += 1
    workbook.save(destination)
    return written


def xlsx_response(rows: Iterator[list[str]], *, filename: str, sheet_title: str) -> FileResponse:
    """`rows` (the header first) as an XLSX attachment, built in a spooled temporary file."""
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_MAX_SIZE)  # noqa: SIM115 - FileResponse closes it
    write_xlsx(rows, spool, sheet_title=sheet_title)
    spool.seek(0)
    return FileResponse(spool, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE)
