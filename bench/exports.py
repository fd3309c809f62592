"""The signatures exports through the view, each against its floor on the very query the view reads.

CSV of every seeded signature, consumed to /dev/null, against `psql \\copy` of the query; and its peak
memory (the child's own, from wait4) against a smaller export. XLSX of the smaller window (whole due
dates), against reading the query's rows on the driver's cursor plus XlsxWriter alone writing them from
memory (`step_xlsx_floor`, in a child of its own: its rows in memory stay out of the export's peak).
"""

from __future__ import annotations

import datetime
import os
import time
from typing import Any
from urllib.parse import urlencode

from bench.plumbing import Bench, Child, Result
from bench.probes import compliance_officer, counting_queries, signed_in_client
from bench.report import Row


def step_export(params: Result) -> Result:
    """One export through the view, as compliance, consumed to /dev/null; time, rows and the SQL it reads."""
    from django.http import StreamingHttpResponse

    client = signed_in_client(compliance_officer())
    url = f"/acknowledgements/export/signatures.{params['format']}"
    if params.get("filters"):
        url += "?" + urlencode(params["filters"])
    lines = size = 0
    with counting_queries() as counter, open(os.devnull, "wb") as sink:
        started = time.perf_counter()
        response = client.get(url)
        assert response.status_code == 200, response.status_code
        chunks = response.streaming_content if isinstance(response, StreamingHttpResponse) else [response.content]
        for chunk in chunks:
            sink.write(chunk)
            size += len(chunk)
            lines += chunk.count(b"\n")
        seconds = time.perf_counter() - started
    return {"seconds": seconds, "bytes": size, "lines": lines, "queries": counter.count, "sql": _export_sql(params)}


def step_xlsx_floor(params: Result) -> Result:
    """The XLSX export's floor: the seconds to read the query's rows (`sql`) on the driver's own cursor, in
    the time zone the export reads them in, plus those XlsxWriter alone takes to write the same cells, typed
    as the export types them, from memory into the same kind of spooled file, with the same workbook options."""
    import tempfile

    from django.conf import settings
    from django.db import connection, transaction
    from xlsxwriter import Workbook

    from acknowledgements.exports import EXPORT
    from common.spreadsheets import DATE_FORMAT, MOMENT_FORMAT, SPOOL_MAX_SIZE, WORKBOOK_OPTIONS, typed

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT set_config('TimeZone', %s, true), set_config('jit', 'off', true)", [settings.TIME_ZONE])
        with connection.connection.cursor() as raw:
            started = time.perf_counter()
            raw.execute(params["sql"])
            rows = raw.fetchall()
            read_seconds = time.perf_counter() - started
        transaction.set_rollback(True)
    cells = [[typed(kind, cell) for kind, cell in zip(EXPORT.kinds, row, strict=True)] for row in rows]
    del rows
    with tempfile.SpooledTemporaryFile(max_size=SPOOL_MAX_SIZE) as spool:
        started = time.perf_counter()
        workbook = Workbook(spool, WORKBOOK_OPTIONS)
        sheet = workbook.add_worksheet()
        formats: dict[type, Any] = {
            datetime.datetime: workbook.add_format({"num_format": MOMENT_FORMAT}),
            datetime.date: workbook.add_format({"num_format": DATE_FORMAT}),
        }
        sheet.write_row(0, 0, EXPORT.header())
        for number, row in enumerate(cells, start=1):
            for column, cell in enumerate(row):
                sheet.write(number, column, cell, formats.get(type(cell)))
        workbook.close()
        write_seconds = time.perf_counter() - started
    return {"read_seconds": read_seconds, "write_seconds": write_seconds, "rows": len(cells)}


def _export_sql(params: Result) -> str:
    """The SQL the signatures export reads for these filters, as the view builds it (for psql's floor)."""
    from django.db import connection

    from acknowledgements import exports, selectors

    # The benchmark filters the exports by due date only (bench.database.step_windows).
    due = {name: datetime.date.fromisoformat(value) for name, value in params.get("filters", {}).items()}
    filters = selectors.Filters(due_from=due.get("due_from"), due_to=due.get("due_to"))
    visible = selectors.requests_visible_to(compliance_officer())
    requests = selectors.for_export(selectors.requests_matching(visible, filters), "signatures")
    sql, sql_params = exports.EXPORT.query(requests).query.sql_with_params()
    with connection.cursor() as cursor:
        return cursor.mogrify(sql, sql_params).decode()


def measure_exports(bench: Bench, windows: Result) -> Child:
    """The exports' rows in the table; the CSV export of every signature, which the API's listing is compared with."""
    small = windows["small"]
    small_filters = {"due_from": small["due_from"], "due_to": small["due_to"]}
    bench.say(f"CSV export of {small['rows']:,} rows (due {small['due_from']} to {small['due_to']})")
    csv_small = bench.child("export", format="csv", filters=small_filters)
    bench.say(f"CSV export of all {windows['signed_total']:,} signatures")
    csv_large = bench.child("export", format="csv", filters={})
    _check_lines(bench, csv_small, small["rows"])
    _check_lines(bench, csv_large, windows["signed_total"])
    _report_csv_against_floor(bench, csv_large, windows["signed_total"])
    _report_csv_memory(bench, csv_small, csv_large, small["rows"], windows["signed_total"])
    bench.say(f"XLSX export of {small['rows']:,} rows")
    xlsx = bench.child("export", format="xlsx", filters=small_filters)
    bench.say("reading the same rows on a cursor, and XlsxWriter alone writing them (the floor)")
    floor = bench.child("xlsx-floor", sql=xlsx.result["sql"]).result
    if floor["rows"] != small["rows"]:
        bench.problems.append(f"the XLSX floor read {floor['rows']:,} rows where {small['rows']:,} were expected")
    _report_xlsx(bench, xlsx, floor, small["rows"])
    return csv_large


def _check_lines(bench: Bench, child: Child, rows: int) -> None:
    # One header line, then one line per row.
    if child.result["lines"] != rows + 1:
        bench.problems.append(f"an export gave {child.result['lines'] - 1:,} rows where {rows:,} were expected")


def _copy_floor(bench: Bench, sql: str) -> float:
    """Seconds psql takes to `\\copy` the export's query to /dev/null: the least any export could take."""
    bench.say("psql \\copy of the same query (the floor)")
    started = time.perf_counter()
    bench.psql(bench.database_url, "-c", f"\\copy ({sql}) to '/dev/null' with (format csv, force_quote *)")
    return time.perf_counter() - started


def _report_csv_against_floor(bench: Bench, csv_large: Child, rows: int) -> None:
    floor = _copy_floor(bench, csv_large.result["sql"])
    seconds = csv_large.result["seconds"]
    ratio = seconds / floor
    bench.rows.append(
        Row(
            f"CSV export, {rows:,} signature rows",
            f"{seconds:.1f} s, peak {csv_large.peak_mb:.0f} MB",
            "≤ 1.2× floor, ≤ 200 MB",
            ratio <= 1.2 and csv_large.peak_mb <= 200,
            floor=f"psql \\copy of the same query: {floor:.1f} s",
            ratio=f"{ratio:.2f}×",
        )
    )


def _report_csv_memory(bench: Bench, csv_small: Child, csv_large: Child, small_rows: int, large_rows: int) -> None:
    growth = csv_large.peak_mb - csv_small.peak_mb
    bench.rows.append(
        Row(
            f"CSV peak memory, {small_rows:,} vs {large_rows:,} rows",
            f"{csv_small.peak_mb:.0f} MB vs {csv_large.peak_mb:.0f} MB ({growth:+.0f} MB; "
            f"{csv_small.result['seconds']:.1f} s for the smaller)",
            "flat: ≤ +20 MB",
            growth <= 20,
        )
    )


def _report_xlsx(bench: Bench, xlsx: Child, floor: Result, rows: int) -> None:
    # The target is 100,000 rows in 20 s; whole due dates give a few more, so the rate is judged.
    seconds_per_100k = xlsx.result["seconds"] * 100_000 / rows
    floor_seconds = floor["read_seconds"] + floor["write_seconds"]
    ratio = xlsx.result["seconds"] / floor_seconds
    bench.rows.append(
        Row(
            f"XLSX export, {rows:,} rows",
            f"{xlsx.result['seconds']:.1f} s ({seconds_per_100k:.1f} s per 100,000 rows), "
            f"peak {xlsx.peak_mb:.0f} MB, {xlsx.result['bytes'] / 2**20:.0f} MiB",
            "100,000 rows ≤ 20 s, ≤ 1.3× floor",
            seconds_per_100k <= 20 and ratio <= 1.3,
            floor=f"cursor read {floor['read_seconds']:.1f} s + XlsxWriter alone {floor['write_seconds']:.1f} s "
            f"= {floor_seconds:.1f} s",
            ratio=f"{ratio:.2f}×",
        )
    )
