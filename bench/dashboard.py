"""The compliance dashboard of one version: median server time through Django's test Client, queries, floor."""

from __future__ import annotations

from bench.pages import page_row, page_timings
from bench.plumbing import Bench, Result
from bench.probes import compliance_officer, signed_in_client


def step_dashboard(params: Result) -> Result:
    """Server time of the compliance dashboard filtered to one version: median of several requests."""
    client = signed_in_client(compliance_officer())
    timings, _html = page_timings(client, f"/acknowledgements/dashboard/?version={params['version_id']}")
    return timings


def measure_dashboard(bench: Bench, version_id: int, people: int) -> None:
    bench.say("dashboard")
    result = bench.child("dashboard", version_id=version_id).result
    # Issue 19's ceiling, the person's tasks and notifications counted for the navigation included.
    bench.rows.append(page_row(f"dashboard of a version at {people:,} people", result, max_queries=10))
