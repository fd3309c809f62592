"""gunicorn for the loads over HTTP, on a free loopback port only."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bench.plumbing import PYTHON, ROOT


@dataclass(frozen=True)
class Server:
    url: str
    pid: int

    def workers_cpu_seconds(self) -> float:
        """The CPU time that the server's workers (the master's children) have used so far."""
        ticks = 0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                # After the command's name in parentheses: state, ppid, …, utime and stime (the 14th and 15th).
                fields = stat.read_text().rpartition(")")[2].split()
            except OSError:  # gone meanwhile
                continue
            if int(fields[1]) == self.pid:
                ticks += int(fields[11]) + int(fields[12])
        return ticks / os.sysconf("SC_CLK_TCK")


@contextmanager
def gunicorn(env: dict[str, str], application: str, *, workers: int) -> Iterator[str]:
    """`gunicorn_server`'s URL, for a caller that needs nothing else."""
    with gunicorn_server(env, application, workers=workers) as server:
        yield server.url


@contextmanager
def gunicorn_server(env: dict[str, str], application: str, *, workers: int) -> Iterator[Server]:
    """gunicorn on a free loopback port (never any other address), stopped on the way out."""
    port = free_loopback_port()
    url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(  # noqa: S603
        [
            str(Path(PYTHON).parent / "gunicorn"),
            application,
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--pythonpath",
            str(ROOT),
            "--log-level",
            "warning",
            "--backlog",
            "256",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        _wait_until_healthy(server, url)
        yield Server(url, server.pid)
    finally:
        _stop(server)


def free_loopback_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_until_healthy(server: subprocess.Popen[bytes], url: str) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:  # noqa: S310 - our own loopback
                if response.status == 200:
                    return
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("bench: gunicorn did not start") from None
            time.sleep(0.3)


def _stop(server: subprocess.Popen[bytes]) -> None:
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()
