"""A real Celery worker process, on the configured broker, runs the sweep task and sends the emails."""

from __future__ import annotations

import datetime
import os
import subprocess
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from acknowledgements import services as acknowledgement_services
from acknowledgements.models import AcknowledgementRequest
from reminders.models import DeliveryStatus, ReminderKind, ReminderLog
from reminders.tasks import sweep

BASE_DIR = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        not settings.CELERY_BROKER_URL.startswith("redis") or connection.vendor != "postgresql",
        reason="needs Redis (CELERY_BROKER_URL) and PostgreSQL (DATABASE_URL), which CI provides: "
        "the worker is another process and must reach the test database and the broker",
    ),
]


def test_a_worker_sends_the_reminders_of_a_sweep(
    published, agent, manager, second_manager, tmp_path, python_module_command
) -> None:
    acknowledgement_services.requests_create_for_version(version=published)
    # The worker sweeps on the organisation's date, which is not the machine's for some hours a day.
    due = timezone.localdate() + datetime.timedelta(days=7)
    AcknowledgementRequest.objects.filter(version=published).update(due_date=due)
    outbox = tmp_path / "outbox"
    queue = f"test-{uuid.uuid4().hex}"
    database = connection.settings_dict
    environment = {
        **os.environ,
        "DATABASE_URL": f"postgres://{database['USER']}:{database['PASSWORD']}@{database['HOST']}:{database['PORT']}"
        f"/{database['NAME']}",
        "EMAIL_URL": f"filemail:///{outbox}",  # django-environ drops one leading slash
    }
    with (tmp_path / "worker.log").open("w") as log:
        worker = subprocess.Popen(
            python_module_command("celery", "-A", "conduct_portal", "worker", "--pool=solo", "--queues", queue,
                                  "--loglevel=INFO", "--without-gossip", "--without-mingle", "--without-heartbeat"),
            cwd=BASE_DIR, env=environment, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            # The sweep fans deliveries out to the same queue, so this worker runs them all.
            result = sweep.apply_async(queue=queue)
            # Maria, Radu and Ana are all due in 7 days, and told of the publication that asked them (its own
            # task went to a queue no worker reads): 3 reminders and 3 notices.
            assert result.get(timeout=60)["claimed"] == 6
            deadline = time.monotonic() + 60
            while ReminderLog.objects.filter(status=DeliveryStatus.PENDING).exists() and time.monotonic() < deadline:
                time.sleep(0.2)
        finally:
            worker.terminate()
            worker.wait(timeout=30)

    print((tmp_path / "worker.log").read_text())
    messages = "".join(path.read_text() for path in outbox.glob("*.log")) if outbox.exists() else ""
    # The reminders; the workflow's notices of the fixtures' review and publication went out too.
    assert ReminderLog.objects.filter(kind=ReminderKind.ACKNOWLEDGEMENT, status=DeliveryStatus.SENT).count() == 3
    assert f"To: {agent.user.email}" in messages
    assert f"To: {manager.user.email}" in messages
