"""A real webhook receiver for the tests: an HTTP server on 127.0.0.1, in a thread, that checks the signature
of every delivery as docs/webhooks.md tells a receiver to, and answers as the test asks."""

from __future__ import annotations

import importlib.util
import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

DOCS = Path(__file__).resolve().parents[2] / "docs"


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes
    signature_valid: bool
    status: int

    @property
    def event(self) -> dict[str, Any]:
        return json.loads(self.body)


@dataclass
class Receiver:
    secret: str
    # Decides the status of each request from what came before it and the event now received.
    answer: Callable[[list[Received], dict[str, Any]], int] = lambda before, event: 200
    received: list[Received] = field(default_factory=list)
    url: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)

    def of_event(self, event_id: int) -> list[Received]:
        return [r for r in self.received if r.event["id"] == event_id]


def _documented_verify() -> Callable[[str, Any, bytes], dict]:
    # The receiver of docs/webhook_receiver.py, as a reader of the docs would use it: what the tests check
    # every delivery with is what the documentation tells receivers to do.
    spec = importlib.util.spec_from_file_location("webhook_receiver", DOCS / "webhook_receiver.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.verify


verify = _documented_verify()


def signature_valid(secret: str, headers: dict[str, str], body: bytes) -> bool:
    try:
        verify(secret, headers, body)
    except ValueError:
        return False
    return True


@contextmanager
def running_receiver(receiver: Receiver) -> Iterator[Receiver]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            headers = dict(self.headers.items())
            with receiver.lock:
                status = receiver.answer(list(receiver.received), json.loads(body))
                receiver.received.append(
                    Received(headers, body, signature_valid(receiver.secret, headers, body), status)
                )
            answer = b'{"ok": true}' if status < 300 else b"receiver error " + b"x" * 5000
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/hooks"
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
