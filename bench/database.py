"""The benchmark database: created, migrated and seeded by the conductor; what to measure in it, by a child."""

from __future__ import annotations

import datetime
import re
import time
from typing import Any

from bench.plumbing import Bench, Result

# Signing re-enters the password: this is the seeded accounts' shared password (seed_scale --password).
PASSWORD = "scale-seed-password"  # noqa: S105 - the benchmark organisation's printed password


def database_create(bench: Bench) -> None:
    name = bench.args.database
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
        raise SystemExit(f"bench: {name!r} is not a plain database name.")
    bench.say(f"dropping and creating the database {name}")
    admin = f"{bench.server_url}/postgres"
    bench.psql(admin, "-c", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    bench.psql(admin, "-c", f"CREATE DATABASE {name}")
    bench.say("migrating")
    bench.manage("migrate", "--no-input", "-v", "0")


def database_seed(bench: Bench) -> None:
    args = bench.args
    bench.say(f"seeding {args.people:,} people (seed_scale)")
    started = time.perf_counter()
    bench.manage(
        "seed_scale",
        "--people",
        str(args.people),
        "--documents",
        str(args.documents),
        "--versions",
        str(args.versions),
        "--courses",
        str(args.courses),
        "--password",
        PASSWORD,
    )
    bench.seed_seconds = round(time.perf_counter() - started, 1)
    bench.notes.append(f"seed_scale took {bench.seed_seconds:.0f} s")


def database_size(bench: Bench) -> str:
    query = f"SELECT pg_size_pretty(pg_database_size('{bench.args.database}'))"
    return bench.psql(bench.database_url, "-Atc", query).stdout.strip()


def database_drop(bench: Bench) -> None:
    bench.psql(f"{bench.server_url}/postgres", "-c", f"DROP DATABASE IF EXISTS {bench.args.database} WITH (FORCE)")


def step_windows(params: Result) -> Result:
    """What to measure: the version with most requests, and due-date windows giving ~N signed rows."""
    from codes.models import CodeVersion
    from people.models import StaffProfile

    signed_by_day = _signed_by_due_date()
    return {
        "version_id": _most_asked_published_version(),
        # The newest version: the one a previous run published, when --reuse measures a database again.
        "latest_version_id": CodeVersion.objects.published().order_by("-published_at").values_list("pk", flat=True)[0],
        "people": StaffProfile.objects.count(),
        "signed_total": sum(n for _day, n in signed_by_day),
        "small": _newest_days_holding(signed_by_day, params["small_rows"]),
    }


def _most_asked_published_version() -> int:
    from django.db.models import Count

    from acknowledgements.models import AcknowledgementRequest

    most_asked = (
        AcknowledgementRequest.objects.filter(version__status="published")
        .values("version_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "version_id")
        .first()
    )
    assert most_asked is not None, "the seeded organisation has no published version with requests"
    return int(most_asked["version_id"])


def _signed_by_due_date() -> list[tuple[datetime.date, int]]:
    """Signed requests counted by due date, the newest date first."""
    from django.db.models import Count

    from acknowledgements.models import AcknowledgementRequest, RequestStatus

    return list(
        AcknowledgementRequest.objects.filter(status=RequestStatus.SIGNED)
        .values_list("due_date")
        .annotate(n=Count("pk"))
        .order_by("-due_date")
    )


def _newest_days_holding(by_day: list[tuple[datetime.date, int]], target: int) -> dict[str, Any]:
    """The window of the newest whole due dates that holds at least `target` signed rows (or all of them)."""
    rows = 0
    due_to = by_day[0][0]
    due_from = due_to
    for day, n in by_day:
        rows += n
        due_from = day
        if rows >= target:
            break
    return {"due_from": due_from.isoformat(), "due_to": due_to.isoformat(), "rows": rows}
