"""HAProxy (Debian's package) in front of the web nodes of bench/run --cluster, on 127.0.0.1 only.

Round robin over the nodes, each checked on /healthz every second; a node that fails two checks (a
connection refused, or no answer in 10 s) is taken out. Until then a request that cannot connect to
it is sent to the other node (`retries` with `option redispatch`): only a connection refused is
retried, never a request the node may have started on (a POST that may have signed), so a node
killed mid-load costs at most the requests it had in hand.
"""

from __future__ import annotations

import csv
import io
import shutil
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bench.server import free_loopback_port

CHECK_EVERY_MS = 1000
FAILED_CHECKS_TO_DOWN = 2
# A node under load answers /healthz after the requests queued before it: a short timeout would take
# busy nodes out (both at once, then nothing answers). A dead node refuses the connection at once.
CHECK_TIMEOUT_SECONDS = 10


def haproxy_configuration(*, port: int, nodes: list[str], stats_socket: Path) -> str:
    """The configuration: a frontend on 127.0.0.1:`port`, the nodes (http://127.0.0.1:PORT) behind it."""
    servers = "".join(
        f"    server node{number} {url.removeprefix('http://')} check\n" for number, url in enumerate(nodes, 1)
    )
    return f"""global
    maxconn 512
    stats socket {stats_socket} mode 600 level admin

defaults
    mode http
    timeout connect 2s
    timeout client 60s
    timeout server 60s
    timeout queue 30s
    timeout check {CHECK_TIMEOUT_SECONDS}s
    retries 3
    option redispatch 1

frontend portal
    bind 127.0.0.1:{port}
    default_backend web

backend web
    balance roundrobin
    option httpchk
    http-check send meth GET uri /healthz ver HTTP/1.1 hdr Host 127.0.0.1
    default-server inter {CHECK_EVERY_MS}ms fall {FAILED_CHECKS_TO_DOWN} rise 2
{servers}"""


@contextmanager
def haproxy(nodes: list[str], folder: Path) -> Iterator[Balancer]:
    """HAProxy in the foreground in front of `nodes`, its configuration in `folder`; stopped on the way out."""
    program = shutil.which("haproxy")
    if program is None:
        raise SystemExit("bench: --cluster needs HAProxy (apt-get install haproxy)")
    port = free_loopback_port()
    balancer = Balancer(url=f"http://127.0.0.1:{port}", stats_socket=folder / "haproxy.sock")
    configuration = folder / "haproxy.cfg"
    configuration.write_text(haproxy_configuration(port=port, nodes=nodes, stats_socket=balancer.stats_socket))
    checked = subprocess.run([program, "-c", "-q", "-f", str(configuration)], capture_output=True, text=True)  # noqa: S603
    if checked.returncode:
        raise SystemExit(f"bench: HAProxy refused its configuration:\n{checked.stderr}")
    process = subprocess.Popen([program, "-db", "-f", str(configuration)])  # noqa: S603
    try:
        balancer.wait_until_serving(process)
        yield balancer
    finally:
        process.terminate()
        process.wait(timeout=30)


class Balancer:
    def __init__(self, *, url: str, stats_socket: Path) -> None:
        self.url = url
        self.stats_socket = stats_socket

    def wait_until_serving(self, process: subprocess.Popen[bytes]) -> None:
        deadline = time.monotonic() + 30
        while not self._answers():
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("bench: HAProxy did not start serving")
            time.sleep(0.2)

    def _answers(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.url}/healthz", timeout=2) as response:  # noqa: S310 - our own loopback
                return bool(response.status == 200)
        except OSError:
            return False

    def servers(self) -> dict[str, dict[str, str]]:
        """Each node's line of HAProxy's statistics (`show stat`): its status, responses by class, …"""
        with socket.socket(socket.AF_UNIX) as connection:
            connection.connect(str(self.stats_socket))
            connection.sendall(b"show stat\n")
            answer = b""
            while chunk := connection.recv(65536):
                answer += chunk
        rows = csv.DictReader(io.StringIO(answer.decode().lstrip("# ")))
        return {row["svname"]: row for row in rows if row["svname"].startswith("node")}
