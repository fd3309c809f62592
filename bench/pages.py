"""A page's server time through Django's test Client, its queries and its floor: the dashboard, campaign, search.

The child times the page (`page_timings`), then the very queries one request of it ran, alone on the
database driver's cursor (the floor: `probes.run_raw`), as many times; and reads figures off the HTML it
served (`shown_number`). The conductor turns the result into a row of the table (`page_row`).
"""

from __future__ import annotations

import re
import statistics
import time
from typing import TYPE_CHECKING

from bench.plumbing import Result
from bench.probes import recording_queries, run_raw
from bench.report import Row

if TYPE_CHECKING:
    from django.test import Client

    from bench.probes import Statement

PAGE_TARGET_MS = 300
# Issue 19: a page takes at most this many times its own queries run alone.
FLOOR_TARGET = 1.5


def page_timings(client: Client, url: str, samples: int = 9) -> tuple[Result, str]:
    """The median of `samples` requests after two warm-up ones, the queries of one more, their floor; and its HTML."""
    for _warm_up in range(2):
        assert client.get(url).status_code == 200, url
    times = []
    for _sample in range(samples):
        started = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200, url
    with recording_queries() as recorder:
        response = client.get(url)
    floor = _floor_times(recorder.statements, samples)
    timings = {
        "median_ms": 1000 * statistics.median(times),
        "min_ms": 1000 * min(times),
        "max_ms": 1000 * max(times),
        "samples": len(times),
        "queries": recorder.count,
        "floor_ms": 1000 * statistics.median(floor),
    }
    return timings, response.content.decode()


def _floor_times(statements: list[Statement], samples: int) -> list[float]:
    """Seconds the page's own queries take alone, `samples` times after two warm-up runs (as the page's)."""
    from django.db import transaction

    times = []
    # In a transaction rolled back: a query that writes (a session's expiry) leaves nothing behind.
    with transaction.atomic():
        for sample in range(samples + 2):
            seconds, _rows = run_raw(statements)
            if sample >= 2:
                times.append(seconds)
        transaction.set_rollback(True)
    return times


def shown_number(html: str, pattern: str) -> int | None:
    """The number `pattern`'s one group finds first in `html` (thousands separators allowed); None when absent."""
    found = re.search(pattern, html)
    return int(re.sub(r"\D", "", found.group(1))) if found else None


def page_row(measurement: str, result: Result, max_queries: int) -> Row:
    """`max_queries` includes the base page's: session, user, permissions, unread notifications, the tasks count."""
    ratio = result["median_ms"] / result["floor_ms"]
    return Row(
        measurement,
        f"{result['median_ms']:.0f} ms median of {result['samples']} "
        f"({result['min_ms']:.0f}–{result['max_ms']:.0f}), {result['queries']} queries",
        f"≤ {PAGE_TARGET_MS} ms, ≤ {max_queries} queries, ≤ {FLOOR_TARGET}× floor",
        result["median_ms"] <= PAGE_TARGET_MS and result["queries"] <= max_queries and ratio <= FLOOR_TARGET,
        floor=f"its {result['queries']} queries alone: {result['floor_ms']:.0f} ms median",
        ratio=f"{ratio:.2f}×",
    )
