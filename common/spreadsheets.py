"""CSV and XLSX downloads in constant memory, however many rows, with no cell ever run as a formula.

Each app's exports module describes its columns as database expressions that give text
(`text`, `choice_label`, `local_iso_time`, `neutralised`), so that the database does the
formatting and a row arrives as a tuple of strings. On PostgreSQL the CSV is then written by COPY
of that very query and streamed as it comes, which is what lets a CSV of millions of rows cost
about what `psql \\copy` of the same query costs; elsewhere Python writes it. The XLSX is built
from rows read in chunks through `.iterator()` (a server-side cursor on PostgreSQL) by
XlsxWriter in constant-memory mode (rows go to disk, not memory) in a spooled temporary file.
In the XLSX, a column declared a date, a moment or a number (`CellKind`) is written as one, and
each sheet is a table: a bold header frozen in view, filters, and columns as wide as their content.

Formula injection: a spreadsheet runs a cell that begins with =, +, -, @, a tab or a carriage
return (or the full-width ＝ ＋ － ＠) as a formula, so such text (a name typed by a person, say) is
written with a single quote (') in front of it, which shows it as plain text. Where the list
separator is ";" (Romanian Excel, among others) a reader splits our comma-separated lines at every
";" – and a quoted field stops protecting what follows it once a reader has mistaken its closing
quote – and a line break inside a cell starts a new line for a reader that does not honour quotes;
so the quote goes in front of a formula's character wherever a cell could begin: at the start of
the text, and after a ",", ";", tab or line break in it (spaces and double quotes between them
do not count). That is one rule, `FORMULA_START` and `FORMULA_QUOTED`, which Python
(`neutralise`) and the database (`neutralised`: the COPY and the XLSX's rows) both apply. Every
CSV field is quoted, too. The exports neutralise every cell of text that people typed, in both
formats.
"""

from __future__ import annotations

import contextlib
import csv
import datetime
import enum
import io
import queue
import re
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any

from django.conf import settings
from django.db import connections, transaction
from django.db.models import Case, Expression, F, Func, QuerySet, TextField, Value, When
from django.db.models.functions import Cast, Coalesce
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone, translation
from django.utils.http import content_disposition_header
from xlsxwriter import Workbook

from common.chunks import batched

# Where a cell may begin (the text's start, or a separator or line break in it, then any spaces and
# double quotes), followed by a character that makes a spreadsheet read a formula: the quote goes
# before that character. The separator is looked behind, not consumed, since a tab is both. The
# pattern means the same to Python's `re` and to PostgreSQL (no escapes; "-" last in its class), as
# does the replacement to re.sub and regexp_replace.
FORMULA_TRIGGERS = "=+@\t\r＝＋＠－-"
FORMULA_START = f'(?:^|(?<=[,;\t\r\n]))([ "]*)([{FORMULA_TRIGGERS}])'
FORMULA_QUOTED = "\\1'\\2"
_FORMULA_START = re.compile(FORMULA_START)
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSX_MAX_ROWS = 1_048_576  # Excel's limit per sheet
SPOOL_MAX_SIZE = 8 * 1024 * 1024  # larger workbooks roll over from memory to a file on disk
CHUNK_SIZE = 5000  # rows fetched, and CSV lines written, at a time
COPY_CHUNK_BYTES = 256 * 1024  # what COPY writes is sent on in chunks of this size…
QUEUED_CHUNKS = 8  # …and at most this many wait to be sent

Column = str | Expression | F


def neutralise(value: str) -> str:
    """Text a spreadsheet shows as it is, never runs as a formula, whatever its list separator."""
    return _FORMULA_START.sub(FORMULA_QUOTED, value)


# ---------------------------------------------------------------------------
# Columns as database expressions that give text
# ---------------------------------------------------------------------------


def text(column: Column) -> Expression:
    """A column as text, and '' where it is NULL (a missing value is never written as "None")."""
    expression = F(column) if isinstance(column, str) else column
    return Coalesce(Cast(expression, TextField()), Value(""), output_field=TextField())


class Neutralised(Func):
    """The database's `neutralise`: PostgreSQL's regexp_replace with the same pattern and replacement."""

    function = "regexp_replace"
    template = "%(function)s(%(expressions)s, 'g')"
    output_field = TextField()

    def __init__(self, expression: Expression) -> None:
        super().__init__(expression, Value(FORMULA_START), Value(FORMULA_QUOTED))

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        # SQLite has no regexp_replace: Python's re.sub stands in, registered on this connection
        # right before the query that calls it (see `LocalIsoTime`).
        connection.ensure_connection()
        connection.connection.create_function("conduct_regexp_replace", 3, _regexp_replace, deterministic=True)
        return super().as_sql(
            compiler, connection, function="conduct_regexp_replace", template="%(function)s(%(expressions)s)", **extra
        )


def _regexp_replace(value: str | None, pattern: str, replacement: str) -> str | None:
    return None if value is None else re.sub(pattern, replacement, value)


def neutralised(expression: Expression) -> Expression:
    """The database's version of `neutralise`."""
    return Neutralised(expression)


def choice_label(column: str, choices: Iterable[tuple[str, Any]], *, first: Sequence[When] = ()) -> Expression:
    """The label of a choices field, in the active language (`first`: cases that come before the labels)."""
    labels = [When(**{column: value}, then=Value(str(label))) for value, label in choices]
    return Case(*first, *labels, default=Value(""), output_field=TextField())


class HostAddress(Func):
    """An IP address as text without a netmask (PostgreSQL's inet text would append /32)."""

    function = "HOST"
    output_field = TextField()
    arity = 1

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return compiler.compile(self.source_expressions[0])  # stored as plain text


def _local_iso_time(value: str | None) -> str | None:
    if value is None:
        return None
    moment = datetime.datetime.fromisoformat(value).replace(tzinfo=datetime.UTC)
    return timezone.localtime(moment, timezone.get_default_timezone()).isoformat(timespec="seconds")


class LocalIsoTime(Func):
    """A timestamp in the organisation's time zone, to the second, as ISO 8601: 2027-01-15T12:00:00+02:00.

    Only valid in what `_export_transaction` reads (the XLSX's rows, the CSV's COPY): on PostgreSQL
    it formats in the session's time zone, which that transaction sets to the organisation's (one
    call to to_char per row, where converting with AT TIME ZONE would cost three). NULL stays NULL."""

    function = "to_char"
    template = "%(function)s(%(expressions)s, 'YYYY-MM-DD\"T\"HH24:MI:SSTZH:TZM')"
    output_field = TextField()
    arity = 1

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        # SQLite knows no time zones: a Python function does the conversion, registered on this
        # connection right before the query that calls it (registering again is harmless).
        connection.ensure_connection()
        connection.connection.create_function("conduct_local_iso_time", 1, _local_iso_time, deterministic=True)
        return super().as_sql(
            compiler, connection, function="conduct_local_iso_time", template="%(function)s(%(expressions)s)", **extra
        )


def local_iso_time(column: str) -> Expression:
    return text(LocalIsoTime(F(column)))


# ---------------------------------------------------------------------------
# Reading and writing
# ---------------------------------------------------------------------------


@contextlib.contextmanager
def _export_transaction(alias: str) -> Iterator[Any]:
    """A PostgreSQL transaction set up for reading a whole export, and a cursor in it.

    In a transaction a server-side cursor hands rows over as they are produced (outside one it is
    declared WITH HOLD, and PostgreSQL first copies the whole result), and the export is one
    consistent snapshot. For the transaction, the session's time zone is the organisation's (see
    `LocalIsoTime`); the plan is for the whole result rather than its first rows (a cursor's
    default); and there is no JIT compilation, which costs an export more than it saves. The
    transaction only reads, and is rolled back: that also undoes these settings when it is a
    savepoint inside another transaction.
    """
    with transaction.atomic(using=alias), connections[alias].cursor() as cursor:
        cursor.execute(
            "SELECT set_config('TimeZone', %s, true), set_config('cursor_tuple_fraction', '1.0', true),"
            " set_config('jit', 'off', true)",
            [settings.TIME_ZONE],
        )
        try:
            yield cursor
        finally:
            transaction.set_rollback(True, using=alias)


def export_rows(rows: QuerySet) -> Iterator[Any]:
    """The rows of an export query, read a chunk at a time (on PostgreSQL, in `_export_transaction`).

    SQLite reads in chunks on the client side and needs no transaction (an IMMEDIATE one would hold
    its write lock for the whole export).
    """
    if connections[rows.db].vendor != "postgresql":
        yield from rows.iterator(chunk_size=CHUNK_SIZE)
        return
    with _export_transaction(rows.db):
        yield from rows.iterator(chunk_size=CHUNK_SIZE)


class _Relay(io.RawIOBase):
    """Where COPY writes (through a buffer): hands each chunk to the queue the response reads, and
    gives up as soon as the response has stopped reading (the client went away)."""

    def __init__(self, chunks: queue.Queue[bytes | BaseException | None], stopped: threading.Event) -> None:
        super().__init__()
        self.chunks = chunks
        self.stopped = stopped

    def writable(self) -> bool:
        return True

    def put(self, item: bytes | BaseException | None) -> None:
        while not self.stopped.is_set():
            try:
                self.chunks.put(item, timeout=0.5)
                return
            except queue.Full:
                continue
        raise ExportStopped

    def write(self, data: Any) -> int:
        self.put(bytes(data))
        return len(data)


class ExportStopped(Exception):
    """The response stopped reading before the export was written."""


def _copied_csv(rows: QuerySet) -> Iterator[bytes]:
    """The rows as CSV written by PostgreSQL's COPY, the floor of what a CSV export can cost.

    psycopg2 can run a COPY only into a file, not as an iterator, so a thread runs it on this
    request's connection (which nothing else uses meanwhile: the response is waiting for it) while
    the response relays what it writes, a few chunks ahead at most. The COPY runs in
    `_export_transaction`.
    """
    chunks: queue.Queue[bytes | BaseException | None] = queue.Queue(maxsize=QUEUED_CHUNKS)
    stopped = threading.Event()
    relay = _Relay(chunks, stopped)
    with _export_transaction(rows.db) as cursor:
        statement = _copy_statement(cursor, rows)
        psycopg_cursor = cursor.cursor  # Django's wrapper refuses to be used from another thread

        def copy() -> None:
            try:
                with io.BufferedWriter(relay, COPY_CHUNK_BYTES) as sink:
                    psycopg_cursor.copy_expert(statement, sink)
                relay.put(None)
            except ExportStopped:
                pass
            except BaseException as error:
                with contextlib.suppress(ExportStopped):
                    relay.put(error)

        copier = threading.Thread(target=copy, name="csv-export", daemon=True)
        copier.start()
        try:
            while (chunk := chunks.get()) is not None:
                if isinstance(chunk, BaseException):
                    raise chunk
                yield chunk
        finally:
            stopped.set()
            copier.join()


def _copy_statement(cursor: Any, rows: QuerySet) -> str:
    sql, params = rows.query.sql_with_params()
    return f"COPY ({cursor.mogrify(sql, params).decode()}) TO STDOUT WITH (FORMAT csv, FORCE_QUOTE *)"


def write_csv_rows(rows: QuerySet, destination: IO[bytes] | io.RawIOBase) -> None:
    """Write `rows` (a values_list of text cells) as CSV lines, without a header, to a file: by COPY on
    PostgreSQL, which writes straight into `destination` a chunk at a time, by Python elsewhere. For a
    file built by a task (an evidence pack), where nothing waits for a response."""
    if connections[rows.db].vendor != "postgresql":
        for chunk in _written_csv(rows):
            destination.write(chunk)
        return
    with _export_transaction(rows.db) as cursor:
        cursor.cursor.copy_expert(_copy_statement(cursor, rows), destination, size=COPY_CHUNK_BYTES)


def _written_csv(rows: QuerySet | Iterable[Sequence[Cell]]) -> Iterator[bytes]:
    """The same CSV written by Python, where there is no COPY (SQLite), or of rows computed in Python."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL)
    for chunk in batched(export_rows(rows) if isinstance(rows, QuerySet) else rows, CHUNK_SIZE):
        writer.writerows(chunk)
        yield out.getvalue().encode()
        out.seek(0)
        out.truncate()


def _csv_chunks(
    header: list[str], rows: QuerySet | Iterable[Sequence[Cell]], *, language: str | None, copy: bool
) -> Iterator[bytes]:
    # The response is iterated after the view returns: keep the language the request asked for.
    with translation.override(language):
        first = io.StringIO()
        csv.writer(first, lineterminator="\n", quoting=csv.QUOTE_ALL).writerow([neutralise(cell) for cell in header])
        yield ("\ufeff" + first.getvalue()).encode()  # the byte order mark tells Excel the file is UTF-8
        yield from _copied_csv(rows) if copy and isinstance(rows, QuerySet) else _written_csv(rows)


def csv_response(
    header: list[str], rows: QuerySet | Iterable[Sequence[Cell]], *, filename: str, copy: bool | None = None
) -> StreamingHttpResponse:
    """Stream the header and `rows` (a values_list of text cells, or rows of text computed in Python,
    such as a report's few figures) as a UTF-8 CSV attachment.

    `copy`: have PostgreSQL's COPY write the CSV (the default for a query on PostgreSQL), or Python.
    """
    if copy is None:
        copy = isinstance(rows, QuerySet) and connections[rows.db].vendor == "postgresql"
    chunks = _csv_chunks(header, rows, language=translation.get_language(), copy=copy)
    response = StreamingHttpResponse(chunks, content_type="text/csv; charset=utf-8")
    # Never None for an attachment; the fallback only satisfies the type checker.
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename) or "attachment"
    return response


# A cell computed in Python: neutralised text, or a figure (the CSV writes it as text).
Cell = str | int | float | Decimal

# XML cannot hold most control characters (tab, line feed and carriage return aside). XlsxWriter
# would write them escaped (_x0001_), which Excel decodes and other readers show as it is: drop them.
_ILLEGAL_IN_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


class CellKind(enum.Enum):
    """What a column's text cells stand for, so that the XLSX writes them as such (the CSV keeps the text)."""

    TEXT = "text"
    NUMBER = "number"
    DATE = "date"  # 2027-03-09
    MOMENT = "moment"  # 2027-03-01T14:05:09+02:00, already in the organisation's time zone (`local_iso_time`)


# Unambiguous in every language a spreadsheet may be set to, and in the order that sorts.
DATE_FORMAT = "yyyy-mm-dd"
MOMENT_FORMAT = "yyyy-mm-dd hh:mm:ss"
# Rows written as they come (memory stays flat), and text that stays text.
WORKBOOK_OPTIONS = {
    "constant_memory": True,
    "strings_to_formulas": False,
    "strings_to_numbers": False,
    "strings_to_urls": False,
}
MAX_COLUMN_WIDTH = 60  # characters: a long text wraps its column no wider than a screen
FILTER_BUTTON_WIDTH = 3  # the header's filter arrow sits over the end of its text


# Excel keeps a date as a number: the days since 1899-12-31, the time of day as a fraction of a day, and one
# day more from 1 March 1900 on (Excel counts a 29 February 1900 that never was).
_EXCEL_EPOCH = datetime.datetime(1899, 12, 31)
_EXCEL_EPOCH_DAY = _EXCEL_EPOCH.toordinal()
_EXCEL_LEAP_DAY = 60
# 1 March 1900, from which `_excel_serial` computes what XlsxWriter does; before it, XlsxWriter's own rules apply.
_EXCEL_FIRST_SERIAL_DAY = _EXCEL_LEAP_DAY + 1


def _number(cell: str) -> int | Decimal:
    return Decimal(cell) if "." in cell else int(cell)


def _local_moment(cell: str) -> datetime.datetime:
    """A MOMENT cell's local time: its first 19 characters (it is to the second, and its offset only names the
    organisation's time zone, which a spreadsheet does not have). Parsing the offset would take five times
    as long, for every moment of an export."""
    return datetime.datetime.fromisoformat(cell[:19])


def typed(kind: CellKind, cell: Cell) -> Cell | datetime.date | datetime.datetime:
    """The cell as the XLSX writes it: a date, a moment (a spreadsheet has no time zones: the local time) or a
    number parsed from its text; text, an empty cell and a figure computed in Python stay as they are."""
    if not isinstance(cell, str) or not cell or kind is CellKind.TEXT:
        return cell
    if kind is CellKind.DATE:
        return datetime.date.fromisoformat(cell)
    if kind is CellKind.MOMENT:
        return _local_moment(cell)
    return _number(cell)


def _excel_serial(value: datetime.date) -> float | None:
    """The number XlsxWriter's write_datetime writes for a date or a naive moment, computed as it computes it
    (to the same float) but without its conversions and checks for every kind of time; None before 1 March
    1900, where its own rules for Excel's first two months apply."""
    if isinstance(value, datetime.datetime):
        delta = value - _EXCEL_EPOCH
        days, fraction = delta.days, (delta.seconds + delta.microseconds / 1e6) / 86400
    else:
        days, fraction = value.toordinal() - _EXCEL_EPOCH_DAY, 0.0
    if days < _EXCEL_FIRST_SERIAL_DAY:
        return None
    return days + fraction + 1


class _Sheets:
    """The sheets of one workbook, each a table: a bold header frozen in view, filters over the rows and
    columns as wide as their longest cell (measured as rows are written: constant memory keeps no rows).

    An export's rows (with `kinds`) are text cells, converted by column: each column's kind chooses, once per
    sheet, the XlsxWriter method that writes its cells (dates and moments as numbers in their format), so that
    a cell costs one call. Rows computed in Python (without `kinds`) are written as what each cell is."""

    def __init__(self, workbook: Workbook, header: list[str], title: str, kinds: Sequence[CellKind]) -> None:
        self.workbook = workbook
        self.header = header
        self.title = title
        self.kinds = kinds
        self.bold = workbook.add_format({"bold": True})
        self.date = workbook.add_format({"num_format": DATE_FORMAT})
        self.moment = workbook.add_format({"num_format": MOMENT_FORMAT})
        self.sheet: Any = None
        self.rows = 0
        self.header_widths = [len(cell) + FILTER_BUTTON_WIDTH for cell in header]
        # The widest cell of each column so far, as its text reads (see `_write_text` and `finish`).
        self.widths: list[int] = []
        self.cell_writers: list[Callable[[int, int, str], Any]] = []

    def start(self) -> None:
        """Start a sheet (the second and later titled "<title> 2", "<title> 3"…) with its header."""
        self.finish()
        count = len(self.workbook.worksheets())
        self.sheet = self.workbook.add_worksheet(self.title if count == 0 else f"{self.title} {count + 1}")
        self.sheet.write_row(0, 0, self.header, self.bold)
        self.sheet.freeze_panes(1, 0)
        self.rows = 0
        self.widths = [0] * len(self.header)
        self.cell_writers = [self._cell_writer(kind) for kind in self.kinds]

    def _cell_writer(self, kind: CellKind) -> Callable[[int, int, str], Any]:
        """How this sheet writes a column's non-empty text cells of this kind."""
        sheet = self.sheet
        if kind is CellKind.TEXT:
            return sheet.write_string
        if kind is CellKind.NUMBER:
            return lambda row, column, cell: sheet.write_number(row, column, _number(cell))
        when_format, parse = (
            (self.date, datetime.date.fromisoformat) if kind is CellKind.DATE else (self.moment, _local_moment)
        )

        def write_when(row: int, column: int, cell: str) -> Any:
            when = parse(cell)
            serial = _excel_serial(when)
            if serial is None:
                return sheet.write_datetime(row, column, when, when_format)
            return sheet.write_number(row, column, serial, when_format)

        return write_when

    def write(self, row: Sequence[Any]) -> None:
        if self.kinds:
            self._write_text(row)
        else:
            self._write_cells(row)

    def _write_text(self, row: Sequence[str]) -> None:
        self.rows += 1
        # One search of the row's text, which almost never finds a control character, instead of one per cell.
        if _ILLEGAL_IN_XML.search("".join(row)):
            row = [_ILLEGAL_IN_XML.sub("", cell) for cell in row]
        # A cell's text is as wide as the cell shows it, but for a moment's offset (see `finish`).
        self.widths = list(map(max, self.widths, map(len, row)))
        number = self.rows
        for column, (cell, write) in enumerate(zip(row, self.cell_writers, strict=True)):
            if cell:  # an empty cell stays empty
                write(number, column, cell)

    def _write_cells(self, row: Sequence[Any]) -> None:
        self.rows += 1
        for column, cell in enumerate(row):
            cell = _ILLEGAL_IN_XML.sub("", cell) if isinstance(cell, str) else cell
            self.sheet.write(self.rows, column, cell)
            shown = len(str(cell))
            if shown > self.widths[column]:
                self.widths[column] = shown

    def finish(self) -> None:
        if self.sheet is None:
            return
        self.sheet.autofilter(0, 0, self.rows, len(self.header) - 1)
        for column, (header, width) in enumerate(zip(self.header_widths, self.widths, strict=True)):
            if self.kinds and self.kinds[column] is CellKind.MOMENT:
                width = min(width, len(MOMENT_FORMAT))  # shown without the offset its text ends with
            self.sheet.set_column(column, column, min(max(header, width) + 1, MAX_COLUMN_WIDTH))


def write_xlsx(
    header: list[str],
    rows: Iterable[Sequence[Cell]],
    destination: IO[bytes],
    *,
    sheet_title: str,
    sheet_rows: int = XLSX_MAX_ROWS,
    kinds: Sequence[CellKind] = (),
) -> int:
    """Write the header and `rows` as a workbook to `destination`; return the number of data rows. With
    `kinds`, the rows are an export's neutralised text cells, and a column of kind DATE, MOMENT or NUMBER is
    written as dates or numbers (see `typed`); without, a row's cells are neutralised text or figures computed
    in Python, which stay numbers. So a spreadsheet can sort, filter and add them up; a text cell stays text,
    never a formula or link. Each sheet is a table (see `_Sheets`).

    Rows that do not fit on one sheet (`sheet_rows`, header included) continue on sheets titled
    "<sheet_title> 2", "<sheet_title> 3" and so on, each with its own copy of the header.
    """
    if sheet_rows < 2:
        raise ValueError("A sheet needs room for the header and at least one row.")
    workbook = Workbook(destination, WORKBOOK_OPTIONS)
    sheets = _Sheets(workbook, [neutralise(cell) for cell in header], sheet_title, kinds)
    sheets.start()
    written = 0
    for row in rows:
        if sheets.rows == sheet_rows - 1:
            sheets.start()
        sheets.write(row)
        written += 1
    sheets.finish()
    workbook.close()
    return written


def xlsx_response(
    header: list[str],
    rows: QuerySet | Iterable[Sequence[Cell]],
    *,
    filename: str,
    sheet_title: str,
    kinds: Sequence[CellKind] = (),
) -> FileResponse:
    """The header and `rows` (a values_list of text cells, or rows of text computed in Python) as an
    XLSX attachment, built in a spooled file."""
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_MAX_SIZE)  # noqa: SIM115 - FileResponse closes it
    cells = export_rows(rows) if isinstance(rows, QuerySet) else rows
    write_xlsx(header, cells, spool, sheet_title=sheet_title, kinds=kinds)
    spool.seek(0)
    return FileResponse(spool, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE)


@dataclass(frozen=True)
class Export:
    """One export, as CSV and XLSX: its column headers, one text expression per column (built when
    the export runs, in the active language), how to list the objects, and the XLSX sheet's title.
    Each app's exports module describes its own; the reading and writing are the same for all."""

    columns: Sequence[Any]  # the headers, lazily translated
    cells: Callable[[], list[Expression]]
    listed: Callable[[QuerySet], QuerySet]  # joins and order
    sheet_title: str
    kinds: Sequence[CellKind] = ()  # what each column stands for in the XLSX; all text when empty

    def __post_init__(self) -> None:
        if self.kinds and len(self.kinds) != len(self.columns):
            raise ValueError("An export names the kind of every column, or of none.")

    def header(self) -> list[str]:
        return [str(column) for column in self.columns]

    def query(self, objects: QuerySet) -> QuerySet:
        """What the CSV and the XLSX read: one tuple of text cells per object, in the list's order."""
        return self.listed(objects).values_list(*self.cells())

    def rows(self, objects: QuerySet) -> Iterator[list[str]]:
        """The header (in the active language), then one row per object in the list's order."""
        yield self.header()
        for row in export_rows(self.query(objects)):
            yield list(row)

    def csv_response(self, objects: QuerySet, *, filename: str) -> StreamingHttpResponse:
        return csv_response(self.header(), self.query(objects), filename=filename)

    def write_xlsx(self, objects: QuerySet, destination: IO[bytes], *, sheet_rows: int = XLSX_MAX_ROWS) -> int:
        """Write the export as a workbook to `destination`; return the number of data rows (see `write_xlsx`)."""
        rows = export_rows(self.query(objects))
        return write_xlsx(
            self.header(), rows, destination, sheet_title=self.sheet_title, sheet_rows=sheet_rows, kinds=self.kinds
        )

    def xlsx_response(self, objects: QuerySet, *, filename: str) -> FileResponse:
        return xlsx_response(
            self.header(), self.query(objects), filename=filename, sheet_title=self.sheet_title, kinds=self.kinds
        )
