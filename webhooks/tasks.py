"""Celery tasks: thin wrappers that take ids and call the services. Retries of a failed delivery are not
Celery retries: the delivery row holds when it is next due, and the sweep hands it out then (a countdown of
hours would outlive Redis's visibility timeout)."""

from __future__ import annotations

import datetime

from celery import Task, shared_task
from django.conf import settings
from django.db import DatabaseError
from django.utils import timezone

from . import services

# A database that is briefly unavailable (a restart, a lock) is retried by Celery.
RETRY_ON = {"autoretry_for": (DatabaseError,), "retry_backoff": 5, "retry_backoff_max": 300, "max_retries": 10}


def _queue(task: Task) -> str | None:
    # What a task hands out goes to the queue it came from, so one pool of workers handles both.
    return (task.request.delivery_info or {}).get("routing_key")


@shared_task(name="webhooks.deliver", bind=True, acks_late=True, **RETRY_ON)
def deliver(self, delivery_id: int) -> str:
    """Send one delivery, if it is due and nobody else is sending it."""
    return services.delivery_attempt(delivery_id=delivery_id)


@shared_task(name="webhooks.dispatch", bind=True, acks_late=True, **RETRY_ON)
def dispatch(self, event_ids: list[int]) -> int:
    """Hand each delivery of newly announced events to a worker of its own."""
    delivery_ids = services.deliveries_of_events(event_ids=event_ids)
    for delivery_id in delivery_ids:
        deliver.apply_async((delivery_id,), queue=_queue(self))
    return len(delivery_ids)


@shared_task(name="webhooks.sweep", bind=True, acks_late=True, **RETRY_ON)
def sweep(self) -> int:
    """Every minute (Celery beat): hand out the deliveries due now, retries and lost hand-overs alike."""
    handed = 0
    for batch in services.sweep_due():
        for delivery_id in batch:
            deliver.apply_async((delivery_id,), queue=_queue(self))
        handed += len(batch)
    return handed


@shared_task(name="webhooks.prune", bind=True, acks_late=True, **RETRY_ON)
def prune(self) -> int:
    """Every day (Celery beat): delete the finished history older than WEBHOOK_KEEP_DAYS."""
    return services.events_prune(before=timezone.now() - datetime.timedelta(days=settings.WEBHOOK_KEEP_DAYS))
