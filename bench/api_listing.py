"""Every signature listed through the REST API by cursor pages, over HTTP, against the SQL of the same pages.

A program that copies the signatures into a data warehouse walks `/api/v1/signatures/` page by page
(1,000 rows, the most a page holds), following each page's `next` link, with a read-only token of a
compliance officer; here it does that against gunicorn on 127.0.0.1, from a process of its own that
parses every page as such a program would. Cursor pages cannot be fetched in parallel (each names the
next), so this is one client's time.

The floor is the list view's own SQL for the same pages: the page query it runs, captured from the view
(Django's test client, the same token) for the first pages, then run for every page of the walk on a plain
psycopg cursor, its rows fetched, one after the other. What the API adds to it (Django, the pagination, the
JSON, HTTP, the client parsing each page) is the ratio. The rows per second beside the CSV export's (the
exports measurement, or a run of it in this step) are for information.

The walk must return exactly the signature ids the database holds, in order, each once: otherwise
the result is wrong, not slow, and a --smoke run fails.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from contextlib import ExitStack
from typing import Any

from bench.plumbing import Bench, Child, Result
from bench.probes import compliance_officer
from bench.report import Row
from bench.server import gunicorn

PAGE_SIZE = 1000
LIST = "/api/v1/signatures/"
# Issue 19: the API's time, at most, against its pages' SQL alone (the floor, see the module).
TARGET_RATIO = 1.5
# The throttle would be the figure otherwise: the default rate (1,200 requests a minute per token) holds a
# client at 20 pages a second. The benchmark measures what a page costs, so it lifts the limit and says so.
UNTHROTTLED_RATE = "1000000/minute"


def step_api_token(params: Result) -> Result:
    """A read-only token of the first compliance officer (who reads every signature), and its secret."""
    import datetime

    from django.utils import timezone

    from api.models import TokenScope
    from api.tokens import token_create

    officer = compliance_officer()
    _token, secret = token_create(
        owner=officer,
        name="bench: signatures to the warehouse",
        scope=TokenScope.READ,
        expires_at=timezone.now() + datetime.timedelta(days=1),
        actor=officer,
    )
    return {"secret": secret}


def step_api_list(params: Result) -> Result:
    """Walk every page of /api/v1/signatures/ as a client would; time it, then compare the ids with the database."""
    url: str | None = f"{params['url']}{LIST}?page_size={PAGE_SIZE}"
    headers = {"Authorization": f"Bearer {params['secret']}", "Accept": "application/json"}
    ids: list[int] = []
    pages = throttled = 0
    started = time.perf_counter()
    while url:
        body, waited = _get_page(url, headers)
        throttled += waited
        ids.extend(row["id"] for row in body["results"])
        pages += 1
        url = body["next"]
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "rows": len(ids),
        "pages": pages,
        "throttled": throttled,
        "floor": _pages_sql_seconds(headers, ids),
        **_compare_ids(ids),
    }


def _get_page(url: str, headers: dict[str, str]) -> tuple[dict[str, Any], int]:
    """One page's JSON, waiting as told when throttled (as a client must); and how many 429s it met."""
    throttled = 0
    while True:
        request = urllib.request.Request(url, headers=headers)  # noqa: S310 - our own loopback server
        try:
            with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310
                return json.load(response), throttled
        except urllib.error.HTTPError as refused:
            refused.close()
            if refused.code != 429:
                raise
            throttled += 1
            time.sleep(float(refused.headers.get("Retry-After", "1")))


def _pages_sql_seconds(headers: dict[str, str], ids: list[int]) -> float:
    """Seconds the list view's page query takes for every page of the walk, on a plain cursor (the floor)."""
    from django.db import connection

    first, second, third = _captured_page_queries(headers)
    # The second and third pages' queries differ in one parameter: the cursor's position, the id before the page.
    (position,) = (index for index, (a, b) in enumerate(zip(second[1], third[1], strict=True)) if a != b)
    pages = [first] + [
        (second[0], (*second[1][:position], after, *second[1][position + 1 :]))
        # The last id of each page but the last.
        for after in ids[PAGE_SIZE - 1 : -1 : PAGE_SIZE]
    ]
    connection.ensure_connection()
    started = time.perf_counter()
    with connection.connection.cursor() as cursor:
        for sql, sql_params in pages:
            cursor.execute(sql, sql_params)
            cursor.fetchall()
    return time.perf_counter() - started


def _captured_page_queries(headers: dict[str, str]) -> list[tuple[str, tuple[Any, ...]]]:
    """The SQL and parameters of the signatures' page query the list view runs for its first three pages."""
    from django.db import connections
    from django.test import Client

    from acknowledgements.models import Signature

    table = f'FROM "{Signature._meta.db_table}"'
    captured: list[tuple[str, tuple[Any, ...]]] = []

    def capture(execute: Any, sql: str, sql_params: Any, many: bool, context: dict[str, Any]) -> Any:
        if table in sql and " LIMIT " in sql:
            captured.append((sql, tuple(sql_params)))
        return execute(sql, sql_params, many, context)

    client = Client(HTTP_AUTHORIZATION=headers["Authorization"])
    url = f"{LIST}?page_size={PAGE_SIZE}"
    with ExitStack() as stack:
        for alias in connections:
            stack.enter_context(connections[alias].execute_wrapper(capture))
        for _page in range(3):
            response = client.get(url)
            assert response.status_code == 200, response.status_code
            url = response.json()["next"]
    assert len(captured) == 3, f"the list view ran {len(captured)} page queries for 3 pages"
    return captured


def _compare_ids(ids: list[int]) -> Result:
    """What the walk returned against the database's signature ids: missing, repeated, out of order."""
    from acknowledgements.models import Signature

    stored = list(Signature.objects.order_by("pk").values_list("pk", flat=True).iterator(chunk_size=10_000))
    returned = set(ids)
    return {
        "stored": len(stored),
        "missing": len(set(stored) - returned),
        "unexpected": len(returned - set(stored)),
        "repeated": len(ids) - len(returned),
        "in_order": ids == sorted(ids),
    }


def measure_api_listing(bench: Bench, csv: Child | None) -> None:
    """List every signature through the API by cursor pages, and compare its rate with the CSV export's."""
    if csv is None:
        bench.say("CSV export of all signatures (for the API's comparison)")
        csv = bench.child("export", format="csv", filters={})
    secret = bench.child("api-token").result["secret"]
    env = {**bench.env, "API_THROTTLE_RATE": UNTHROTTLED_RATE}
    with gunicorn(env, "conduct_portal.wsgi:application", workers=bench.args.workers) as url:
        bench.say(f"listing every signature through the API, {PAGE_SIZE:,} a page")
        listing = bench.child("api-list", url=url, secret=secret)
    _check_listing(bench, listing.result)
    _report(bench, listing, csv)


def _check_listing(bench: Bench, result: Result) -> None:
    wrong = {name: result[name] for name in ("missing", "unexpected", "repeated") if result[name]}
    if wrong or not result["in_order"] or result["rows"] != result["stored"]:
        bench.problems.append(
            f"the API listed {result['rows']:,} signatures where the database holds {result['stored']:,} "
            f"({', '.join(f'{n:,} {name}' for name, n in wrong.items()) or 'none missing or repeated'}; "
            f"{'in' if result['in_order'] else 'out of'} order)"
        )


def _report(bench: Bench, listing: Child, csv: Child) -> None:
    result = listing.result
    ratio = result["seconds"] / result["floor"]
    api_rate = result["rows"] / result["seconds"]
    csv_rows = csv.result["lines"] - 1
    csv_rate = csv_rows / csv.result["seconds"]
    bench.rows.append(
        Row(
            f"API: list {result['rows']:,} signatures by cursor pages",
            f"{result['seconds']:.1f} s, {result['seconds'] / result['pages'] * 1000:.0f} ms a page "
            f"({result['pages']:,} pages of {PAGE_SIZE:,}, {result['throttled']} throttled, client peak "
            f"{listing.peak_mb:.0f} MB); {api_rate:,.0f} rows/s against CSV's {csv_rate:,.0f} "
            f"({csv_rows:,} rows in {csv.result['seconds']:.1f} s): {api_rate / csv_rate:.2f} of CSV",
            f"≤ {TARGET_RATIO}× floor",
            ratio <= TARGET_RATIO,
            floor=f"the pages' SQL on a plain cursor: {result['floor']:.1f} s",
            ratio=f"{ratio:.2f}×",
        )
    )
