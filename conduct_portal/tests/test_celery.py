"""A real Celery worker, started as its own process against the configured broker, answers a task."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings

from conduct_portal.celery import ping

BASE_DIR = Path(__file__).resolve().parents[2]


@pytest.fixture
def worker_queue(tmp_path: Path):
    """A worker consuming a queue of its own, so no other worker (say, one of `make run`) takes the task."""
    if settings.CELERY_BROKER_URL.startswith("memory"):
        pytest.skip("the in-memory broker cannot reach a worker in another process; set CELERY_BROKER_URL to Redis")
    queue = f"test-{uuid.uuid4().hex}"
    log = (tmp_path / "worker.log").open("w")
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "conduct_portal",
            "worker",
            "--pool=solo",
            "--queues",
            queue,
            "--loglevel=WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=BASE_DIR,
        env=os.environ.copy(),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    yield queue
    worker.terminate()
    try:
        worker.wait(timeout=20)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()
    log.close()
    # Shown by pytest when the test fails.
    print((tmp_path / "worker.log").read_text())


def test_a_real_worker_returns_a_tasks_result(worker_queue: str) -> None:
    result = ping.apply_async(queue=worker_queue)

    assert result.get(timeout=60) == "pong"
    print(f"round trip through {settings.CELERY_BROKER_URL.split('://')[0]} broker")
