from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from webhooks import tasks
from webhooks.models import Delivery, DeliveryStatus, Event

from .factories import DeliveryFactory, EventFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def handed_out(monkeypatch) -> list[int]:
    """The deliveries a task hands to workers of their own (the broker is not under test here)."""
    ids: list[int] = []
    monkeypatch.setattr(tasks.deliver, "apply_async", lambda args, queue=None: ids.append(args[0]))
    return ids


def test_dispatch_hands_out_each_outstanding_delivery_of_the_events(handed_out) -> None:
    event = EventFactory()
    first, second = DeliveryFactory(event=event), DeliveryFactory(event=event)
    DeliveryFactory(event=event, status=DeliveryStatus.SUCCEEDED)
    DeliveryFactory(event=event, endpoint__active=False, endpoint__disabled_at=timezone.now())
    DeliveryFactory()  # another event's

    assert tasks.dispatch([event.pk]) == 2
    assert handed_out == [first.pk, second.pk]


def test_the_sweep_hands_out_what_is_due(handed_out) -> None:
    due = DeliveryFactory(status=DeliveryStatus.FAILED, next_attempt_at=timezone.now())

    assert tasks.sweep() == 1
    assert handed_out == [due.pk]


def test_the_beat_schedule_sweeps_webhooks_every_minute() -> None:
    out = StringIO()
    call_command("setup_reminder_schedule", stdout=out)

    task = PeriodicTask.objects.get(name="Webhook delivery sweep")
    assert (task.task, task.interval.every, task.interval.period) == ("webhooks.sweep", 1, "minutes")
    assert "Webhook delivery sweep: created (every minute)." in out.getvalue()
    assert PeriodicTask.objects.get(name="Webhook history pruning").task == "webhooks.prune"


def test_pruning_deletes_old_finished_history_and_keeps_what_is_still_to_send() -> None:
    old = timezone.now() - datetime.timedelta(days=40)
    finished = DeliveryFactory(event__occurred_at=old, status=DeliveryStatus.SUCCEEDED)
    DeliveryFactory(event=finished.event, status=DeliveryStatus.ABANDONED)
    outstanding = DeliveryFactory(event__occurred_at=old, status=DeliveryStatus.FAILED)
    recent = DeliveryFactory(status=DeliveryStatus.SUCCEEDED)
    out = StringIO()

    call_command("prune_webhooks", "--dry-run", stdout=out)
    call_command("prune_webhooks", stdout=out)

    assert out.getvalue().splitlines() == [
        "Dry run: 1 events older than 30 days would be deleted; nothing deleted.",
        "Deleted 1 events older than 30 days, with their deliveries.",
    ]
    assert set(Event.objects.values_list("pk", flat=True)) == {outstanding.event_id, recent.event_id}
    assert Delivery.objects.count() == 2
