"""bench/run --cluster's load balancer (bench/balancer.py): HAProxy routes around a node that is down.

The cluster run itself is the proof of the topology (docs/performance.md, "Scale-out"); this checks,
in a second or two, that the configuration it writes binds the loopback only and that HAProxy, given
one live node and one dead one, answers every request from the live one.
"""

from __future__ import annotations

import shutil
import threading
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from bench.balancer import haproxy, haproxy_configuration


class _Node(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args: object) -> None:
        pass


class _LiveNode:
    """A web node answering 200 to everything, on a free loopback port, until stopped."""

    def __init__(self) -> None:
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _Node)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def nodes() -> Iterator[list[_LiveNode]]:
    started = [_LiveNode(), _LiveNode()]
    yield started
    for node in started:
        node.stop()


def test_the_configuration_listens_on_the_loopback_only_and_checks_every_node(tmp_path: Path) -> None:
    text = haproxy_configuration(
        port=8123, nodes=["http://127.0.0.1:9001", "http://127.0.0.1:9002"], stats_socket=tmp_path / "s"
    )
    binds = [line.split()[1] for line in text.splitlines() if line.strip().startswith("bind")]
    assert binds == ["127.0.0.1:8123"]
    assert "    server node1 127.0.0.1:9001 check\n" in text
    assert "    server node2 127.0.0.1:9002 check\n" in text
    assert "option redispatch" in text
    assert "uri /healthz" in text


def _statuses(url: str, count: int) -> list[int]:
    statuses = []
    for _ in range(count):
        with urllib.request.urlopen(f"{url}/healthz", timeout=10) as response:  # noqa: S310 - the loopback
            statuses.append(response.status)
    return statuses


@pytest.mark.skipif(shutil.which("haproxy") is None, reason="HAProxy is not installed (apt-get install haproxy)")
def test_haproxy_answers_every_request_from_the_live_node_once_the_other_is_gone(
    tmp_path: Path, nodes: list[_LiveNode]
) -> None:
    with haproxy([node.url for node in nodes], tmp_path) as balancer:
        assert _statuses(balancer.url, 4) == [200] * 4
        nodes[0].stop()
        # At once, before its health checks take it out: a request sent to it is sent to the other.
        statuses = _statuses(balancer.url, 10)
        servers = balancer.servers()
    assert statuses == [200] * 10
    assert int(servers["node1"]["wredis"]) > 0
