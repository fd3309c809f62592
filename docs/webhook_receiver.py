"""A webhook receiver for Conduct Portal, in the standard library only: it checks each delivery's signature and
timestamp as docs/webhooks.md describes, and prints the events it accepts.

    WEBHOOK_SECRET=whsec_... python docs/webhook_receiver.py 127.0.0.1 8099

Register http://127.0.0.1:8099/ as an endpoint in the admin (it must be reachable from the portal's workers),
then "Send a test event". The portal's tests check every delivery with `verify` below.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import sys
import time
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

TOLERANCE_SECONDS = 5 * 60


def verify(secret: str, headers: Any, body: bytes) -> dict:
    """The event, if the request came from the portal and is fresh; raises ValueError otherwise.

    `headers` is anything with a case-insensitive `.get` (http.server's headers) or a plain dict of the headers
    as sent; `body` is the raw body, exactly as received."""
    timestamp = headers.get("Webhook-Timestamp") or ""
    if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > TOLERANCE_SECONDS:
        raise ValueError("timestamp missing or outside the tolerance: a replay, or a clock that is wrong")
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    signatures = [part[3:] for part in (headers.get("Webhook-Signature") or "").split() if part.startswith("v1=")]
    if not any(hmac.compare_digest(expected, signature) for signature in signatures):
        raise ValueError("signature mismatch")
    return json.loads(body)


class Receiver(BaseHTTPRequestHandler):
    secret = os.environ.get("WEBHOOK_SECRET", "")

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        try:
            event = verify(self.secret, self.headers, body)
        except ValueError as refusal:
            self.send_error(401, str(refusal))
            return
        # Answer at once; slow work belongs after the answer (a queue of your own). Deduplicate by event["id"].
        print(event["id"], event["type"], json.dumps(event["data"]), flush=True)
        self.send_response(204)
        self.end_headers()


if __name__ == "__main__":
    if not Receiver.secret:
        sys.exit("Set WEBHOOK_SECRET to the endpoint's secret (the admin shows it on the endpoint's page).")
    host = sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1"
    port = int(sys.argv[2]) if len(sys.argv) > 2 else 8099
    HTTPServer((host, port), Receiver).serve_forever()
