"""Celery tasks: thin wrappers that take ids, call a service and retry with a countdown."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from django.db import DatabaseError
from django.utils import timezone

from . import selectors, services
from .models import ANSWERED, PUBLISHED, RETIRED, ReminderKind

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


def _deliver_notices(task: Any, *, kind: str, object_id: int, stage: str) -> int:
    """Fan the notices of one event still pending out to delivery tasks, on the queue the task came from;
    returns how many batches. Run again, it sends only what is still pending."""
    queue = (task.request.delivery_info or {}).get("routing_key")
    batches = 0
    for batch in selectors.pending_notice_ids(kind=kind, object_id=object_id, stage=stage):
        deliver.apply_async((batch,), queue=queue)
        batches += 1
    return batches


@shared_task(name="reminders.notify_review_step", bind=True, acks_late=True, max_retries=MAX_RETRIES, **RETRY_ON)
def notify_review_step(self, version_id: int, step: str, event_id: int, actor_id: int | None) -> int:
    """Tell those a review step concerns (see services.notices_claim_review_step)."""
    services.notices_claim_review_step(version_id=version_id, step=step, event_id=event_id, actor_id=actor_id)
    return _deliver_notices(self, kind=ReminderKind.VERSION_REVIEW, object_id=event_id, stage=step)


@shared_task(name="reminders.notify_publication", bind=True, acks_late=True, max_retries=MAX_RETRIES, **RETRY_ON)
def notify_publication(self, version_id: int, person_ids: list[int] | None = None) -> int:
    """Tell the people a publication asks to sign it (or of them only `person_ids`, asked since)."""
    services.notices_claim_publication(version_id=version_id, person_ids=person_ids)
    return _deliver_notices(self, kind=ReminderKind.PUBLICATION, object_id=version_id, stage=PUBLISHED)


@shared_task(name="reminders.notify_retirement", bind=True, acks_late=True, max_retries=MAX_RETRIES, **RETRY_ON)
def notify_retirement(self, document_id: int) -> int:
    """Tell the people whose request to sign a retired document was withdrawn."""
    services.notices_claim_retirement(document_id=document_id)
    return _deliver_notices(self, kind=ReminderKind.RETIREMENT, object_id=document_id, stage=RETIRED)


@shared_task(name="reminders.notify_answer", bind=True, acks_late=True, max_retries=MAX_RETRIES, **RETRY_ON)
def notify_answer(self, question_id: int) -> int:
    """Tell the person who asked a question its answer."""
    services.notices_claim_answer(question_id=question_id)
    return _deliver_notices(self, kind=ReminderKind.QUESTION_ANSWER, object_id=question_id, stage=ANSWERED)
