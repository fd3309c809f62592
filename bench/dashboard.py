"""The compliance dashboard of one version: median server time through Django's test Client, and its queries."""

from __future__ import annotations

import statistics
import time

from bench.plumbing import Bench, Result
from bench.probes import compliance_officer, counting_queries, signed_in_client
from bench.report import Row


def step_dashboard(params: Result) -> Result:
    """Server time of the compliance dashboard filtered to one version: median of several requests."""
    client = signed_in_client(compliance_officer())
    url = f"/acknowledgements/dashboard/?version={params['version_id']}"
    for _warm_up in range(2):
        assert client.get(url).status_code == 200
    samples = []
    for _sample in range(params.get("samples", 9)):
        started = time.perf_counter()
        response = client.get(url)
        samples.append(time.perf_counter() - started)
        assert response.status_code == 200
    with counting_queries() as counter:
        client.get(url)
    return {
        "median_ms": 1000 * statistics.median(samples),
        "min_ms": 1000 * min(samples),
        "max_ms": 1000 * max(samples),
        "samples": len(samples),
        "queries": counter.count,
    }


def measure_dashboard(bench: Bench, version_id: int, people: int) -> None:
    bench.say("dashboard")
    result = bench.child("dashboard", version_id=version_id).result
    bench.rows.append(
        Row(
            f"dashboard of a version at {people:,} people",
            f"{result['median_ms']:.0f} ms median of {result['samples']} "
            f"({result['min_ms']:.0f}–{result['max_ms']:.0f}), {result['queries']} queries",
            "≤ 300 ms, ≤ 10 queries",
            result["median_ms"] <= 300 and result["queries"] <= 10,
        )
    )
