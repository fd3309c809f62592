"""Two workers sweeping at the same moment send each reminder once."""

from __future__ import annotations

import datetime
import threading
import time

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from acknowledgements import services as acknowledgement_services
from acknowledgements.models import AcknowledgementRequest
from common.locks import SessionLockSpace, session_locks_try
from common.tests.concurrency import run_at_once
from people.tests.factories import StaffProfileFactory
from reminders import selectors, services, tasks
from reminders.models import DeliveryStatus, Notification, ReminderKind, ReminderLog

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent workers need PostgreSQL's row locks"),
]


def test_two_simultaneous_sweeps_send_each_reminder_once(published, support) -> None:
    StaffProfileFactory.create_batch(20, department=support)
    acknowledgement_services.requests_create_for_version(version=published)
    today = timezone.localdate()
    AcknowledgementRequest.objects.filter(version=published).update(due_date=today + datetime.timedelta(days=7))

    def sweep() -> None:
        services.sweep_now(day=today)

    run_at_once([sweep, sweep], timeout=60)

    # The workflow's notices (review, approval, publication), claimed as the fixtures committed, go out with
    # the sweeps too: only the reminders count here.
    recipients = [email.to[0] for email in mail.outbox if email.subject.startswith("Please acknowledge")]
    assert len(recipients) == AcknowledgementRequest.objects.count()
    assert len(set(recipients)) == len(recipients), "nobody got the same reminder twice"
    assert not ReminderLog.objects.exclude(status=DeliveryStatus.SENT).exists()


def test_two_workers_telling_the_audience_of_a_publication_at_once_tell_each_person_once(
    published, support, request
) -> None:
    # Committed at once here, the publication's own notification tasks went to the broker, where nobody runs
    # them: Maria, Radu and twenty more are told by the two workers below.
    StaffProfileFactory.create_batch(20, department=support)
    acknowledgement_services.requests_create_for_version(version=published)
    request.getfixturevalue("tasks_run_at_once")

    def notify() -> None:
        tasks.notify_publication.apply(args=[published.pk])

    run_at_once([notify, notify], timeout=60)

    recipients = [email.to[0] for email in mail.outbox if email.subject.startswith("A new version of")]
    assert len(recipients) == AcknowledgementRequest.objects.count() == 22
    assert len(set(recipients)) == len(recipients), "nobody was told twice"
    assert Notification.objects.filter(message__startswith="A new version of").count() == len(recipients)


def test_a_reminder_another_worker_holds_is_left_to_it_and_sent_once_that_worker_is_killed(published, support):
    StaffProfileFactory.create_batch(3, department=support)
    acknowledgement_services.requests_create_for_version(version=published)
    today = timezone.localdate()
    AcknowledgementRequest.objects.filter(version=published).update(due_date=today + datetime.timedelta(days=7))
    services.reminders_claim(day=today)
    ids = [pk for batch in selectors.pending_reminder_ids() for pk in batch]
    held = ReminderLog.objects.filter(pk__in=ids, kind=ReminderKind.ACKNOWLEDGEMENT).earliest("pk").pk
    holding, killed = threading.Event(), threading.Event()
    sessions: list[int] = []

    def other_worker() -> None:
        session_locks_try(SessionLockSpace.REMINDERS, [held])
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            sessions.append(cursor.fetchone()[0])
        holding.set()
        killed.wait(timeout=30)
        connection.close()  # as the kernel closes a killed worker's connection: its locks go with it

    worker = threading.Thread(target=other_worker)
    worker.start()
    holding.wait(timeout=30)
    services.reminders_deliver(log_ids=ids)
    held_meanwhile = ReminderLog.objects.get(pk=held).status
    killed.set()
    worker.join(timeout=30)
    _wait_until_ended(sessions[0])  # the retry comes later (the broker's visibility timeout)
    services.reminders_deliver(log_ids=ids)  # the batch again, as the killed worker's task comes back

    recipients = [email.to[0] for email in mail.outbox if email.subject.startswith("Please acknowledge")]
    assert held_meanwhile == DeliveryStatus.PENDING
    assert len(recipients) == len(set(recipients)) == AcknowledgementRequest.objects.count()
    assert set(ReminderLog.objects.filter(pk__in=ids).values_list("status", flat=True)) == {DeliveryStatus.SENT}


def _wait_until_ended(session: int) -> None:
    """Wait (10 s at most) until PostgreSQL has ended the session of a connection closed by its client."""
    deadline = time.monotonic() + 10
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [session])
            if cursor.fetchone()[0] == 0:
                return
            time.sleep(0.05)
