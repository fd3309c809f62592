"""The whole run: the database, each measurement in a child of its own, the table, the verdict."""

from __future__ import annotations

import os
import time

from bench.api_listing import measure_api_listing
from bench.campaign import measure_campaign
from bench.dashboard import measure_dashboard
from bench.database import database_create, database_drop, database_seed, database_size
from bench.evidence_pack import measure_pack
from bench.exports import measure_exports
from bench.hr_import import measure_hr_import
from bench.options import MEASUREMENTS
from bench.plumbing import Bench, Result
from bench.publishing import measure_publish
from bench.report import heading, print_table
from bench.searching import measure_search
from bench.signing import measure_signing
from bench.sweep import measure_sweep
from bench.verification import measure_verify


def conduct(bench: Bench) -> int:
    """Measure, print the table, drop the database unless kept; the exit status."""
    load_before = os.getloadavg()
    started = time.perf_counter()
    windows = _prepare(bench)
    _measure(bench, windows)
    size = database_size(bench)
    table_heading = heading(
        people=windows["people"],
        documents=bench.args.documents,
        signed=windows["signed_total"],
        database=bench.args.database,
        size=size,
        load=(load_before[0], os.getloadavg()[0]),
        minutes=(time.perf_counter() - started) / 60,
    )
    print_table(table_heading, bench.rows, bench.notes)
    _keep_or_drop(bench, size)
    return _exit_status(bench)


def _prepare(bench: Bench) -> Result:
    """The database ready to measure (unless --reuse), and what to measure in it."""
    if not bench.args.reuse:
        database_create(bench)
        database_seed(bench)
    bench.var_dir.mkdir(parents=True, exist_ok=True)
    bench.say("collecting static files (the pages render with the production storage)")
    bench.manage("collectstatic", "--no-input", "-v", "0")
    return bench.child("windows", small_rows=bench.args.small_rows or bench.args.people).result


def _measure(bench: Bench, windows: Result) -> None:
    only = set(bench.args.only.split(",")) if bench.args.only else set(MEASUREMENTS)
    version_id = windows["version_id"]
    if "dashboard" in only:
        measure_dashboard(bench, version_id, windows["people"])
    # Before publishing supersedes the dashboard's version, whose campaign this is.
    if "campaign" in only:
        measure_campaign(bench, version_id, windows["people"])
    if "search" in only:
        measure_search(bench, windows["people"])
    csv = measure_exports(bench, windows) if "exports" in only else None
    # Before publishing and signing add signatures: the API lists the same rows as the CSV export did.
    if "api" in only:
        measure_api_listing(bench, csv)
    # Publishing makes the version the sweep and the signing load work on.
    new_version = measure_publish(bench, version_id) if "publish" in only else windows["latest_version_id"]
    if "sweep" in only:
        measure_sweep(bench, new_version)
    if "signing" in only and not bench.args.skip_signing:
        measure_signing(bench, new_version)
    if "verify" in only:
        measure_verify(bench)
    if "pack" in only:
        measure_pack(bench, windows, csv)
    # Last: it hires, moves and deactivates people, which the other measurements count.
    if "hr-import" in only:
        measure_hr_import(bench)


def _keep_or_drop(bench: Bench, size: str) -> None:
    if bench.args.keep:
        print(f"The benchmark database {bench.args.database} ({size}) is kept (--keep).")
    else:
        database_drop(bench)
        print(f"The benchmark database {bench.args.database} ({size}) was dropped; --keep keeps it.")


def _exit_status(bench: Bench) -> int:
    for problem in bench.problems:
        print(f"PROBLEM: {problem}")
    if bench.problems:
        return 1
    # A smoke run checks that every measurement runs and gives right results; its timings, at
    # a small size on a busy CI machine, are for information.
    return 0 if bench.args.smoke or all(row.passed is not False for row in bench.rows) else 1
