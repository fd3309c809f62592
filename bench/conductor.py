"""The whole run: the database, each measurement in a child of its own, the table, the verdict."""

from __future__ import annotations

import argparse
import datetime
import os
import tempfile
import time
from pathlib import Path

from bench.api_listing import measure_api_listing
from bench.campaign import measure_campaign
from bench.curve import growth_report, record_size, size_figures
from bench.dashboard import measure_dashboard
from bench.database import database_create, database_drop, database_seed, database_size
from bench.evidence_pack import measure_pack
from bench.exports import measure_exports
from bench.hr_import import measure_hr_import
from bench.options import MEASUREMENTS
from bench.plumbing import ROOT, Bench, Child, Result
from bench.publishing import measure_publish
from bench.report import Row, heading, print_table
from bench.searching import measure_search
from bench.signing import measure_signing
from bench.sweep import measure_sweep
from bench.verification import measure_verify


def conduct(bench: Bench) -> int:
    """Measure, print the table, drop the database unless kept; the exit status."""
    load_before = os.getloadavg()
    started = time.perf_counter()
    windows = prepare_run(bench)
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
    keep_or_drop(bench, size)
    return exit_status(bench)


def conduct_curve(args: argparse.Namespace) -> int:
    """Each size in a database of its own: seeded, measured, its table printed, its figures saved, dropped
    unless kept; then the growth table and its plot from every size saved. The exit status: 0 when every path
    kept its bound and no result was wrong (each size's own targets are for information: a page at a million
    staff is not held to the 100,000 target)."""
    output = Path(args.curve_json) if Path(args.curve_json).is_absolute() else ROOT / args.curve_json
    problems = []
    for people in args.curve_sizes:
        bench = Bench(argparse.Namespace(**{**vars(args), "people": people, "database": _size_database(args, people)}))
        # One folder for every size's files: the static files are collected once (minutes on a busy machine).
        bench.var_dir = Path(tempfile.gettempdir()) / f"{args.database}-curve-var"
        bench.env["CONDUCT_PORTAL_VAR_DIR"] = str(bench.var_dir)
        load_before = os.getloadavg()[0]
        started = time.perf_counter()
        windows = prepare_run(bench, collect_static=people == args.curve_sizes[0])
        _measure(bench, windows)
        size = database_size(bench)
        load = (load_before, os.getloadavg()[0])
        minutes = (time.perf_counter() - started) / 60
        table_heading = heading(
            people=people,
            documents=args.documents,
            signed=windows["signed_total"],
            database=bench.args.database,
            size=size,
            load=load,
            minutes=minutes,
        )
        print_table(table_heading, bench.rows, bench.notes)
        sizes = record_size(
            output,
            people,
            {
                "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="minutes"),
                "documents": args.documents,
                "versions": args.versions,
                "courses": args.courses,
                "signatures": windows["signed_total"],
                "seed_seconds": bench.seed_seconds,
                "database_size": size,
                "load_average": load,
                "minutes": round(minutes, 1),
                "figures": size_figures(bench),
                "problems": bench.problems,
            },
        )
        problems += bench.problems
        keep_or_drop(bench, size)
    lines, kept = growth_report(sizes, output.with_suffix(".svg"))
    print(
        f"\nGrowth ({args.documents} documents × {args.versions} versions, courses {args.courses}, at every size; "
        f"{output}):"
    )
    print("\n".join(lines))
    for problem in problems:
        print(f"PROBLEM: {problem}")
    return 0 if kept and not problems else 1


def _size_database(args: argparse.Namespace, people: int) -> str:
    """The database of one size: --database with the size appended (cp_curve_10k, cp_curve_1m)."""
    for unit, name in ((1_000_000, "m"), (1000, "k")):
        if people % unit == 0:
            return f"{args.database}_{people // unit}{name}"
    return f"{args.database}_{people}"


def prepare_run(bench: Bench, *, collect_static: bool = True) -> Result:
    """The database ready to measure (unless --reuse), and what to measure in it."""
    if not bench.args.reuse:
        database_create(bench)
        database_seed(bench)
    bench.var_dir.mkdir(parents=True, exist_ok=True)
    if collect_static:
        bench.say("collecting static files (the pages render with the production storage)")
        bench.manage("collectstatic", "--no-input", "-v", "0")
    return bench.child("windows", small_rows=bench.args.small_rows or bench.args.people).result


def _measure_csv(bench: Bench, windows: Result) -> Child:
    """The curve's export: the CSV of every signature alone. measure_exports' smaller window is a whole due date,
    which holds every signature of a version, 750,000 rows at a million staff: too many for its XLSX export."""
    bench.say(f"CSV export of all {windows['signed_total']:,} signatures")
    csv = bench.child("export", format="csv", filters={})
    rows = csv.result["lines"] - 1
    if rows != windows["signed_total"]:
        bench.problems.append(f"the CSV export gave {rows:,} rows, not {windows['signed_total']:,}")
    result = f"{csv.result['seconds']:.1f} s, peak {csv.peak_mb:.0f} MB"
    bench.rows.append(Row(f"CSV export, {rows:,} signature rows", result, "", None))
    return csv


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
    export = _measure_csv if bench.args.curve else measure_exports
    csv = export(bench, windows) if "exports" in only else None
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


def keep_or_drop(bench: Bench, size: str) -> None:
    if bench.args.keep:
        print(f"The benchmark database {bench.args.database} ({size}) is kept (--keep).")
    else:
        database_drop(bench)
        print(f"The benchmark database {bench.args.database} ({size}) was dropped; --keep keeps it.")


def exit_status(bench: Bench) -> int:
    for problem in bench.problems:
        print(f"PROBLEM: {problem}")
    if bench.problems:
        return 1
    # A smoke run checks that every measurement runs and gives right results; its timings, at
    # a small size on a busy CI machine, are for information.
    return 0 if bench.args.smoke or all(row.passed is not False for row in bench.rows) else 1
