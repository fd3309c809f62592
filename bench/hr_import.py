"""The HR import: a night's file from HR for the whole staff (people.services.people_import), then that file again."""

from __future__ import annotations

import csv
import io
import time

from bench.plumbing import Bench, Result
from bench.probes import counting_queries
from bench.report import Row

# A night's changes, as shares of the staff: joiners, people moved to another department, new job titles, leavers.
JOINERS, MOVERS, RETITLED, LEAVERS = 0.02, 0.01, 0.01, 0.005


def step_hr_import(params: Result) -> Result:
    """Build a file of `rows` rows from the staff as seeded, with a night's changes; time its preview, its
    import (with what the receivers then ask of the joiners and movers), and a second import of the same file."""
    from django.db import transaction

    from people import services
    from people.hr_import.planning import import_plan

    content = _hr_file(params["rows"])
    started = time.perf_counter()
    preview = import_plan(content, actor=None)
    preview_seconds = time.perf_counter() - started
    with counting_queries() as counter:
        started = time.perf_counter()
        # In a transaction of its own, whose on_commit callbacks (the person_audience_changed receivers,
        # which ask the joiners and movers to sign and assign their training) run when it ends: the
        # import alone, then with the receivers.
        with transaction.atomic():
            plan = services.people_import(content=content, actor=None)
            import_seconds = time.perf_counter() - started
        seconds = time.perf_counter() - started
    started = time.perf_counter()
    again = services.people_import(content=content, actor=None)
    again_seconds = time.perf_counter() - started
    return {
        "rows": plan.rows,
        "preview_seconds": preview_seconds,
        "seconds": seconds,
        "import_seconds": import_seconds,
        "announced": len(plan.created) + len(plan.deactivated) + len(plan.reactivated) + len(plan.moved),
        "queries": counter.count,
        "counts": plan.counts(),
        "preview_problems": len(preview.problems),
        "again_seconds": again_seconds,
        "again_unchanged": again.counts()["unchanged"],
    }


def _hr_file(rows: int) -> bytes:
    """The staff as stored, in HR's columns, with a night's changes, topped up with joiners to `rows` rows."""
    from people.hr_import.reading import COLUMNS
    from people.models import Department, StaffProfile

    codes = list(Department.objects.order_by("pk").values_list("code", flat=True))
    managers = list(StaffProfile.objects.filter(manager__isnull=True).values_list("employee_id", flat=True)[:50])
    people = StaffProfile.objects.order_by("pk").values_list(
        "employee_id",
        "user__first_name",
        "user__last_name",
        "user__email",
        "department__code",
        "manager__employee_id",
        "job_title",
        "preferred_language",
        "user__is_active",
    )
    existing = min(int(rows * (1 - JOINERS)), people.count())
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    step = {share: round(1 / share) for share in (MOVERS, RETITLED, LEAVERS)}
    for n, (employee_id, first, last, email, code, manager, title, language, active) in enumerate(
        people[:existing].iterator(chunk_size=5000)
    ):
        if n % step[MOVERS] == 1:
            code = codes[(codes.index(code) + 1) % len(codes)]
        if n % step[RETITLED] == 2:
            title = f"{title} (senior)"
        if n % step[LEAVERS] == 3:
            active = False
        email = email or f"{employee_id.lower()}@staff.example.com"
        writer.writerow([employee_id, first, last, email, code, manager or "", title, language, str(active).lower()])
    for n in range(rows - existing):
        manager = managers[n % len(managers)] if managers else ""
        code = codes[n % len(codes)]
        writer.writerow([f"J{n:07d}", "New", f"Joiner {n}", f"joiner{n}@staff.example.com", code, manager, "Agent"])
    return out.getvalue().encode()


def measure_hr_import(bench: Bench) -> None:
    # The whole staff as seeded (100,000 by default, 2,000 with --smoke): a smaller --people measures a smaller
    # file, with a night's share of joiners, rather than one topped up with tens of thousands of them.
    rows = bench.args.people
    bench.say(f"importing an HR file of {rows:,} rows")
    result = bench.child("hr-import", rows=rows).result
    counts = result["counts"]
    if result["preview_problems"]:
        bench.problems.append(f"the HR file built from the staff was refused ({result['preview_problems']} problems)")
    if result["again_unchanged"] != result["rows"]:
        bench.problems.append("importing the same HR file again changed something")
    bench.rows.append(
        Row(
            f"HR import of {result['rows']:,} rows",
            f"{result['seconds']:.1f} s: import {result['import_seconds']:.1f} s, then the receivers for "
            f"~{result['announced']:,} people ({counts['created']:,} created, {counts['moved']:,} moved, "
            f"{counts['changed']:,} changed, {counts['deactivated']:,} deactivated; {result['queries']:,} queries; "
            f"preview {result['preview_seconds']:.1f} s; the same file again {result['again_seconds']:.1f} s)",
            "≤ 60 s",
            result["seconds"] <= 60,
        )
    )
