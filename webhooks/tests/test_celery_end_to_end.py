"""A real Celery worker process sends the deliveries of committed events to a real receiver on 127.0.0.1, which
checks every signature; the receiver fails the first attempt of one event, and gets it again, once."""

from __future__ import annotations

import os
import subprocess
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, transaction

from webhooks import services
from webhooks.models import Delivery, DeliveryStatus, EventType
from webhooks.tasks import sweep

from .factories import EndpointFactory
from .receiver import Receiver, running_receiver

BASE_DIR = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        not settings.CELERY_BROKER_URL.startswith("redis") or connection.vendor != "postgresql",
        reason="needs Redis (CELERY_BROKER_URL) and PostgreSQL (DATABASE_URL), which CI provides: "
        "the worker is another process and must reach the test database and the broker",
    ),
]


def _wait_until(condition: Callable[[], bool], seconds: float = 60) -> None:
    # The worker is another process: its work shows in the database when it is done.
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the worker did not finish in time"
        time.sleep(0.1)


def test_a_worker_delivers_signed_events_and_retries_the_failed_one_once(
    tmp_path, settings, python_module_command
) -> None:
    queue = f"test-{uuid.uuid4().hex}"
    settings.WEBHOOK_QUEUE = queue  # what this process hands out on commit goes to the worker below

    def fail_the_first_attempt_of_the_publication(before: list, event: dict) -> int:
        first = event["type"] == EventType.VERSION_PUBLISHED and not any(r.event["id"] == event["id"] for r in before)
        return 500 if first else 200

    database = connection.settings_dict
    environment = {
        **os.environ,
        "DATABASE_URL": f"postgres://{database['USER']}:{database['PASSWORD']}@{database['HOST']}:{database['PORT']}"
        f"/{database['NAME']}",
        # The retry is due at once, so that the sweep below hands it out without waiting a minute.
        "WEBHOOK_RETRY_DELAYS": "0,0",
    }
    with (
        running_receiver(Receiver(secret="", answer=fail_the_first_attempt_of_the_publication)) as receiver,
        (tmp_path / "worker.log").open("w") as log,
    ):
        endpoint = EndpointFactory(url=receiver.url)
        receiver.secret = endpoint.secret
        worker = subprocess.Popen(
            python_module_command("celery", "-A", "conduct_portal", "worker", "--pool=solo", "--queues", queue,
                                  "--loglevel=INFO", "--without-gossip", "--without-mingle", "--without-heartbeat"),
            cwd=BASE_DIR, env=environment, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            with transaction.atomic():
                published = services.event_emit(type=EventType.VERSION_PUBLISHED, payload={"version": 1})
                signed = services.event_emit(type=EventType.SIGNATURE_CREATED, payload={"signature": 1})
            assert published is not None
            assert signed is not None
            deliveries = Delivery.objects.filter(endpoint=endpoint)
            _wait_until(lambda: not deliveries.filter(status=DeliveryStatus.PENDING).exists())
            assert deliveries.get(event=published).status == DeliveryStatus.FAILED  # answered 500

            # Beat's sweep hands out the retry that is now due; a second sweep finds nothing left.
            assert sweep.apply_async(queue=queue).get(timeout=60) == 1
            _wait_until(lambda: not deliveries.exclude(status=DeliveryStatus.SUCCEEDED).exists())
            assert sweep.apply_async(queue=queue).get(timeout=60) == 0
        finally:
            worker.terminate()
            worker.wait(timeout=30)
        print((tmp_path / "worker.log").read_text())

    assert all(received.signature_valid for received in receiver.received)
    assert [r.status for r in receiver.of_event(published.pk)] == [500, 200]
    assert [r.status for r in receiver.of_event(signed.pk)] == [200]
    assert sorted(deliveries.values_list("attempts", flat=True)) == [1, 2]
