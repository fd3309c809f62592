#!/usr/bin/env python3
"""Conduct Portal's REST API as a program uses it: Python 3.11+, standard library only.

Three things an integration does, one sub-command each:

  outstanding  list the requests of a code version still waiting for a signature (following the
               cursor pages), as a GRC tool or a data warehouse would:
                   api_example.py --base-url https://portal.example.com outstanding --version 12
  complete     record a training completion reported by an LMS, under the LMS's own id; sending the
               same id again changes nothing (the API answers with the completion already on record):
                   api_example.py --base-url … complete --person 7 --course 3 --completed-on 2026-12-01 \\
                       --external-id lms-course-3-attempt-981 --score 92
  listen       receive webhooks: docs/webhook_receiver.py's server (keep the two files together), which
               checks each delivery's signature and timestamp as docs/webhooks.md says, answers 401
               to a forged or stale one, and prints each event:
                   api_example.py listen --port 8787 --secret whsec_…   (add --count 1 to stop after one)

The token comes from the environment (CONDUCT_PORTAL_TOKEN) or --token: create one on your profile
page in the portal (API tokens; "read" is enough to list, "read and write" to record completions).
The webhook secret comes from WEBHOOK_SECRET or --secret (Django admin → Webhooks → Webhook endpoints).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from http.server import HTTPServer
from typing import Any


class ApiError(Exception):
    """The API refused a request: its JSON error (`type`, `detail`, and field `errors` for validation)."""

    def __init__(self, status: int, body: dict[str, Any]) -> None:
        self.status, self.body = status, body
        super().__init__(f"{status} {body.get('type')}: {body.get('detail')} {body.get('errors', '')}".strip())


class Api:
    def __init__(self, base_url: str, token: str) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token

    def call(self, method: str, url: str, payload: dict[str, Any] | None = None) -> tuple[int, Any]:
        """One request; the status and the JSON answer. Waits and retries when rate-limited (429)."""
        if not url.startswith(("http://", "https://")):
            url = f"{self.base_url}{url}"
        data = json.dumps(payload).encode() if payload is not None else None
        headers = {"Authorization": f"Bearer {self.token}", "Accept": "application/json"}
        if data is not None:
            headers["Content-Type"] = "application/json"
        while True:
            request = urllib.request.Request(url, data=data, headers=headers, method=method)  # noqa: S310
            try:
                with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
                    return response.status, json.load(response)
            except urllib.error.HTTPError as error:
                with error:
                    body = json.load(error) if error.headers.get_content_type() == "application/json" else {}
                if error.code == 429:
                    time.sleep(float(error.headers.get("Retry-After", "1")))
                    continue
                raise ApiError(error.code, body) from None

    def pages(self, path: str, **parameters: Any) -> Iterator[dict[str, Any]]:
        """Every row of a list, page after page: each page names the next in `next` (null on the last)."""
        url: str | None = f"{path}?{urllib.parse.urlencode(parameters)}" if parameters else path
        while url:
            _status, page = self.call("GET", url)
            yield from page["results"]
            url = page["next"]


def outstanding(api: Api, version: int, page_size: int = 1000) -> int:
    """Print the version's pending requests, one line each (overdue ones marked); how many there are."""
    count = 0
    for row in api.pages("/api/v1/requests/", version=version, state="pending", page_size=page_size):
        late = "  OVERDUE" if row["overdue"] else ""
        print(f"request {row['id']}: {row['person_name']} (person {row['person']}), due {row['due_date']}{late}")
        count += 1
    print(f"{count} outstanding request(s) for version {version}")
    return count


def complete(api: Api, *, person: int, course: int, completed_on: str, external_id: str, score: int | None) -> None:
    """Record a completion from the LMS; 201 when recorded now, 200 when that external id was on record."""
    status, completion = api.call(
        "POST",
        "/api/v1/completions/",
        {"person": person, "course": course, "completed_on": completed_on, "external_id": external_id, "score": score},
    )
    what = "recorded" if status == 201 else "already on record"
    print(f"completion {completion['id']} {what} (external id {completion['external_id']})")


def listen(port: int, secret: str, count: int | None, host: str = "127.0.0.1") -> None:
    """Receive webhooks on host:port, checked by docs/webhook_receiver.py (beside this script): each
    delivery's signature and timestamp verified, 401 to a forged or stale one, each genuine event printed
    as `<id> <type> <data>`. Stops after `count` deliveries (never without it)."""
    import webhook_receiver

    webhook_receiver.Receiver.secret = secret
    with HTTPServer((host, port), webhook_receiver.Receiver) as server:
        print(f"listening for webhooks on http://{host}:{port}/", flush=True)
        handled = 0
        while count is None or handled < count:
            server.handle_request()
            handled += 1


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base-url", default=os.environ.get("CONDUCT_PORTAL_URL", "http://127.0.0.1:8000"))
    parser.add_argument("--token", default=os.environ.get("CONDUCT_PORTAL_TOKEN", ""), help="an API token, cpt_…")
    commands = parser.add_subparsers(dest="command", required=True)
    listing = commands.add_parser("outstanding", help="list a version's pending requests")
    listing.add_argument("--version", type=int, required=True, help="the code version's id")
    listing.add_argument("--page-size", type=int, default=1000, help="rows per page (at most 1000)")
    recording = commands.add_parser("complete", help="record an LMS completion (idempotent by external id)")
    recording.add_argument("--person", type=int, required=True, help="the person's id")
    recording.add_argument("--course", type=int, required=True, help="the course's id")
    recording.add_argument("--completed-on", required=True, help="the day, YYYY-MM-DD")
    recording.add_argument("--external-id", required=True, help="the LMS's id of this completion")
    recording.add_argument("--score", type=int, default=None)
    receiving = commands.add_parser("listen", help="receive and verify webhooks")
    receiving.add_argument("--port", type=int, required=True)
    receiving.add_argument("--secret", default=os.environ.get("WEBHOOK_SECRET", ""), help="the endpoint's whsec_…")
    receiving.add_argument("--count", type=int, default=None, help="stop after this many deliveries")
    args = parser.parse_args(argv)

    if args.command == "listen":
        if not args.secret:
            parser.error("give the endpoint's secret: --secret or WEBHOOK_SECRET")
        listen(args.port, args.secret, args.count)
        return 0
    if not args.token:
        parser.error("give an API token: --token or CONDUCT_PORTAL_TOKEN")
    api = Api(args.base_url, args.token)
    try:
        if args.command == "outstanding":
            outstanding(api, args.version, args.page_size)
        else:
            complete(
                api,
                person=args.person,
                course=args.course,
                completed_on=args.completed_on,
                external_id=args.external_id,
                score=args.score,
            )
    except ApiError as refused:
        print(f"the API refused: {refused}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
