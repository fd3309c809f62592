"""Celery tasks: thin wrappers that take ids, call a service and retry with a countdown."""

from __future__ import annotations

from celery import shared_task
from django.db import DatabaseError
from django.utils import timezone

from . import selectors, services

RETRY_COUNTDOWN_SECONDS = 5 * 60
MAX_RETRIES = 12  # an hour of retries; the Redis visibility timeout (6 h) is longer than that


@shared_task(name="reminders.sweep", bind=True, acks_late=True)
def sweep(self) -> dict[str, int]:
    """The daily sweep: claim what is due today, then fan the deliveries out in batches.

    The deliveries go to the queue the sweep came from, so one pool of workers handles both.
    """
    queue = (self.request.delivery_info or {}).get("routing_key")
    report = services.reminders_claim(day=timezone.localdate())
    batches = 0
    for batch in selectors.pending_reminder_ids():
        deliver.apply_async((batch,), queue=queue)
        batches += 1
    digests = 0
    for managers in selectors.pending_digest_batches():
        deliver_digests.apply_async((managers,), queue=queue)
        digests += len(managers)
    return {"claimed": report.claimed, "batches": batches, "digests": digests}


# A database that is briefly unavailable (a restart, a lock) is retried like a failed email.
RETRY_ON = {"autoretry_for": (DatabaseError,), "retry_backoff": 30, "retry_backoff_max": RETRY_COUNTDOWN_SECONDS}


@shared_task(name="reminders.deliver", bind=True, acks_late=True, max_retries=MAX_RETRIES, **RETRY_ON)
def deliver(self, log_ids: list[int]) -> int:
    """Send a batch of reminders; retry only those whose email failed."""
    report = services.reminders_deliver(log_ids=log_ids)
    if report.failed:
        raise self.retry(args=[report.failed], countdown=RETRY_COUNTDOWN_SECONDS)
    return report.sent


@shared_task(name="reminders.deliver_digests", bind=True, acks_late=True, max_retries=MAX_RETRIES, **RETRY_ON)
def deliver_digests(self, manager_ids: list[int]) -> int:
    """Send a batch of managers their digests; retry only those whose email failed."""
    report = services.digests_deliver(manager_ids=manager_ids)
    if report.failed:
        raise self.retry(args=[report.failed], countdown=RETRY_COUNTDOWN_SECONDS)
    return report.sent
