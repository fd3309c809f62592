"""A page's server time through Django's test Client, and its queries: the dashboard, campaign and search steps.

The child times the page (`page_timings`) and reads figures off the HTML it served
(`shown_number`); the conductor turns the result into a row of the table (`page_row`).
"""

from __future__ import annotations

import re
import statistics
import time
from typing import TYPE_CHECKING

from bench.plumbing import Result
from bench.probes import counting_queries
from bench.report import Row

if TYPE_CHECKING:
    from django.test import Client

PAGE_TARGET_MS = 300


def page_timings(client: Client, url: str, samples: int = 9) -> tuple[Result, str]:
    """The median of `samples` requests after two warm-up ones, the queries of one more; and that page's HTML."""
    for _warm_up in range(2):
        assert client.get(url).status_code == 200, url
    times = []
    for _sample in range(samples):
        started = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200, url
    with counting_queries() as counter:
        response = client.get(url)
    timings = {
        "median_ms": 1000 * statistics.median(times),
        "min_ms": 1000 * min(times),
        "max_ms": 1000 * max(times),
        "samples": len(times),
        "queries": counter.count,
    }
    return timings, response.content.decode()


def shown_number(html: str, pattern: str) -> int | None:
    """The number `pattern`'s one group finds first in `html` (thousands separators allowed); None when absent."""
    found = re.search(pattern, html)
    return int(re.sub(r"\D", "", found.group(1))) if found else None


def page_row(measurement: str, result: Result, max_queries: int) -> Row:
    """`max_queries` includes the base page's: session, user, permissions, unread notifications, the tasks count."""
    return Row(
        measurement,
        f"{result['median_ms']:.0f} ms median of {result['samples']} "
        f"({result['min_ms']:.0f}–{result['max_ms']:.0f}), {result['queries']} queries",
        f"≤ {PAGE_TARGET_MS} ms, ≤ {max_queries} queries",
        result["median_ms"] <= PAGE_TARGET_MS and result["queries"] <= max_queries,
    )
