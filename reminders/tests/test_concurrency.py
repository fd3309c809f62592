"""Two workers sweeping at the same moment send each reminder once."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from acknowledgements import services as acknowledgement_services
from acknowledgements.models import AcknowledgementRequest
from common.tests.concurrency import run_at_once
from people.tests.factories import StaffProfileFactory
from reminders import services, tasks
from reminders.models import DeliveryStatus, Notification, ReminderLog

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
